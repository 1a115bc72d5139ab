"""The dunning schedule and the pure rule behind the daily job, without a database."""

from datetime import date, timedelta

import pytest

from bob.dunning import SCHEDULE, Decision, InvoiceDunning, evaluate, stage_for

DUE = date(2026, 12, 31)


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def test_the_schedule_is_the_seeds_table():
    assert [(step.days, step.action) for step in SCHEDULE] == [
        (5, "reminder"), (10, "reminder"), (15, "reminder"), (25, "reminder"),
        (30, "warning"), (35, "stop")]


@pytest.mark.parametrize(("days_overdue", "stage"), [
    (0, None), (4, None), (5, "reminder_5"), (9, "reminder_5"), (10, "reminder_10"),
    (14, "reminder_10"), (15, "reminder_15"), (24, "reminder_15"), (25, "reminder_25"),
    (29, "reminder_25"), (30, "warning_30"), (34, "warning_30"), (35, "stop_35"),
    (400, "stop_35"),
])
def test_stage_for_is_the_highest_step_the_days_overdue_reach(days_overdue, stage):
    step = stage_for(days_overdue)
    assert (step.stage if step else None) == stage


def test_nothing_is_decided_for_a_fresh_invoice():
    assert evaluate(InvoiceDunning(DUE), DUE - timedelta(days=20)) == []


def test_nothing_is_decided_on_the_due_date_or_before_day_5():
    assert evaluate(InvoiceDunning(DUE), day(0)) == evaluate(InvoiceDunning(DUE), day(4)) == []


def test_the_first_reminder_is_sent_on_day_5():
    assert evaluate(InvoiceDunning(DUE), day(5)) == [Decision("reminder_5", "sent", day(35))]


def test_a_notice_already_decided_is_not_decided_again():
    decided = (("reminder_5", "sent", day(5)),)
    assert evaluate(InvoiceDunning(DUE, decided), day(9)) == []


def test_catch_up_sends_only_the_highest_reminder_and_skips_the_rest():
    decisions = evaluate(InvoiceDunning(DUE, (("reminder_5", "sent", day(5)),)), day(27))
    assert [(d.stage, d.outcome) for d in decisions] == [
        ("reminder_10", "skipped"), ("reminder_15", "skipped"), ("reminder_25", "sent")]


def test_catch_up_past_day_30_sends_the_warning_and_skips_every_reminder():
    decisions = evaluate(InvoiceDunning(DUE), day(40))
    assert [(d.stage, d.outcome) for d in decisions] == [
        ("reminder_5", "skipped"), ("reminder_10", "skipped"), ("reminder_15", "skipped"),
        ("reminder_25", "skipped"), ("warning_30", "sent")]


def test_the_warning_names_the_day_five_days_after_it_is_sent():
    decisions = evaluate(InvoiceDunning(DUE), day(40))
    assert decisions[-1].stop_date == day(45)


def test_a_catch_up_does_not_stop_the_service_on_the_day_the_warning_is_sent():
    assert "stop_35" not in [d.stage for d in evaluate(InvoiceDunning(DUE), day(40))]


def _warned_on(n: int) -> InvoiceDunning:
    reminders = tuple((f"reminder_{d}", "sent", day(d)) for d in (5, 10, 15, 25))
    return InvoiceDunning(DUE, (*reminders, ("warning_30", "sent", day(n))))


def test_the_service_is_stopped_on_day_35_after_a_warning_on_day_30():
    assert evaluate(_warned_on(30), day(35)) == [Decision("stop_35", "sent", day(35))]


def test_the_service_is_not_stopped_on_day_34():
    assert evaluate(_warned_on(30), day(34)) == []


def test_the_stop_waits_five_days_after_a_late_warning():
    assert evaluate(_warned_on(32), day(36)) == []


def test_the_stop_follows_five_days_after_a_late_warning():
    assert evaluate(_warned_on(32), day(37)) == [Decision("stop_35", "sent", day(37))]


def test_the_stop_is_decided_once():
    stopped = InvoiceDunning(DUE, (*_warned_on(30).decided, ("stop_35", "sent", day(35))))
    assert evaluate(stopped, day(50)) == []
