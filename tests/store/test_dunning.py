"""The daily overdue-notice job on a real store: each (invoice, stage) exactly once, to the
customer and the partner; catch-up sends only the highest stage; the service stops 5 days after
the warning at the earliest, and comes back when everything overdue is paid."""

from datetime import date, timedelta

import pytest

import bob
from tests.conftest import ACME, DECEMBER, GLOBEX, change

DUE = date(2026, 12, 31)  # the December invoice's due date


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def _notices(scenario) -> list[tuple[str, str, date]]:
    return [(row["stage"], row["outcome"], row["decided_on"]) for row in scenario.rows(
        "SELECT stage, outcome, decided_on FROM notices ORDER BY decided_on, stage")]


def _service_events(scenario) -> list[tuple[str, str, date]]:
    return [(row["customer_id"], row["event"], row["on_date"]) for row in scenario.rows(
        "SELECT customer_id, event, on_date FROM service_events ORDER BY id")]


def test_no_reminder_on_day_4(scenario, december_invoice):
    scenario.dun(day(4))
    assert _notices(scenario) == []


def test_the_first_reminder_is_sent_on_day_5(scenario, december_invoice):
    scenario.dun(day(5))
    assert _notices(scenario) == [("reminder_5", "sent", day(5))]


def test_each_notice_goes_to_the_billing_email_and_the_partner_email(scenario,
                                                                      december_invoice):
    scenario.dun(day(5))
    assert [(row["recipient_role"], row["recipient"]) for row in scenario.outbox("reminder")] == [
        ("customer", "billing@acme.example"), ("partner", "ops@northwind.example")]


def test_notices_follow_an_edited_billing_email(scenario, december_invoice):
    change(scenario.db, bob.set_billing_email, ACME, "finance@acme.example", today=DECEMBER)
    scenario.dun(day(5))
    assert [row["recipient"] for row in scenario.outbox("reminder")] == [
        "finance@acme.example", "ops@northwind.example"]


def test_the_warning_on_day_30_names_the_stop_date(scenario, december_invoice):
    scenario.dun(day(30))
    assert scenario.value("SELECT stop_date FROM notices WHERE stage = 'warning_30'") == day(35)


def test_the_warning_emails_to_customer_and_partner_name_the_stop_date(scenario,
                                                                        december_invoice):
    scenario.dun(day(30))
    assert [(row["recipient_role"], row["stop_date"]) for row in scenario.outbox("warning")] == [
        ("customer", day(35)), ("partner", day(35))]


def test_the_partners_warning_names_the_customer_invoice_amount_and_stop_date(
        scenario, december_invoice):
    scenario.dun(day(30))
    partner = [row for row in scenario.outbox("warning") if row["recipient_role"] == "partner"]
    assert [(row["customer_name"], row["invoice_number"], str(row["invoice_balance"]),
             row["stop_date"]) for row in partner] == [
        ("Acme Corp", december_invoice, "64.35", day(35))]


def test_the_service_is_not_stopped_on_day_34(scenario, december_invoice):
    scenario.dun(day(30))
    scenario.dun(day(34))
    assert _service_events(scenario) == []


def test_the_service_is_stopped_on_day_35(scenario, december_invoice):
    scenario.dun(day(30))
    scenario.dun(day(35))
    assert _service_events(scenario) == [(ACME, "stopped", day(35))]


def test_a_stopped_service_shows_on_the_customer(scenario, december_invoice):
    scenario.dun(day(30))
    scenario.dun(day(35))
    assert bob.customer_profile(scenario.db, ACME, as_of=day(35), today=day(35))["bob_status"] == (
        "Service stopped")


def test_the_stop_is_told_to_the_customer_and_the_partner(scenario, december_invoice):
    scenario.dun(day(30))
    scenario.dun(day(35))
    assert [row["recipient_role"] for row in scenario.outbox("service_stopped")] == [
        "customer", "partner"]


def test_two_runs_a_day_for_40_days_send_each_stage_exactly_once(scenario, december_invoice):
    for n in range(1, 41):
        scenario.dun(day(n))
        scenario.dun(day(n))
    assert _notices(scenario) == [
        ("reminder_5", "sent", day(5)), ("reminder_10", "sent", day(10)),
        ("reminder_15", "sent", day(15)), ("reminder_25", "sent", day(25)),
        ("warning_30", "sent", day(30)), ("stop_35", "sent", day(35))]
    assert len(scenario.outbox()) - len(scenario.outbox("invoice_issued")) == 12


def test_a_jump_from_day_0_to_day_40_sends_only_the_warning(scenario, december_invoice):
    scenario.dun(day(0))
    scenario.dun(day(40))
    assert {stage: (outcome, on) for stage, outcome, on in _notices(scenario)} == {
        "reminder_5": ("skipped", day(40)), "reminder_10": ("skipped", day(40)),
        "reminder_15": ("skipped", day(40)), "reminder_25": ("skipped", day(40)),
        "warning_30": ("sent", day(40))}


def test_skipped_reminders_send_no_email(scenario, december_invoice):
    scenario.dun(day(40))
    assert [row["kind"] for row in scenario.outbox() if row["kind"] != "invoice_issued"] == [
        "warning", "warning"]


def test_after_a_late_warning_the_service_is_not_stopped_at_once(scenario, december_invoice):
    scenario.dun(day(40))
    scenario.dun(day(44))
    assert _service_events(scenario) == []


def test_after_a_late_warning_the_service_stops_5_days_later(scenario, december_invoice):
    scenario.dun(day(40))
    scenario.dun(day(45))
    assert _service_events(scenario) == [(ACME, "stopped", day(45))]


def test_a_late_warning_names_the_day_5_days_after_it_was_sent(scenario, december_invoice):
    scenario.dun(day(40))
    assert scenario.value("SELECT stop_date FROM notices WHERE stage = 'warning_30'") == day(45)


def test_a_partial_payment_does_not_reset_the_clock(scenario, december_invoice):
    scenario.dun(day(5))
    scenario.pay("30.00", on=day(7))
    scenario.dun(day(10))
    assert _notices(scenario)[-1] == ("reminder_10", "sent", day(10))


def test_a_partial_payment_does_not_skip_a_stage(scenario, december_invoice):
    scenario.dun(day(5))
    scenario.pay("30.00", on=day(7))
    scenario.dun(day(10))
    scenario.dun(day(15))
    assert [stage for stage, _, _ in _notices(scenario)] == [
        "reminder_5", "reminder_10", "reminder_15"]


def test_a_reminder_after_a_partial_payment_states_the_balance_left(scenario, december_invoice):
    scenario.pay("30.00", on=day(7))
    scenario.dun(day(10))
    assert {str(row["invoice_balance"]) for row in scenario.outbox("reminder")} == {"34.35"}


def test_paying_the_invoice_stops_its_dunning(scenario, december_invoice):
    scenario.dun(day(10))
    scenario.pay(scenario.total(december_invoice), on=day(12))
    for n in (15, 25, 30, 35, 40):
        scenario.dun(day(n))
    assert [stage for stage, outcome, _ in _notices(scenario) if outcome == "sent"] == [
        "reminder_10"]


def test_a_canceled_invoice_leaves_dunning(scenario, december_invoice):
    scenario.dun(day(10))
    scenario.cancel(december_invoice, as_of=day(12))
    scenario.dun(day(40))
    assert [stage for stage, outcome, _ in _notices(scenario) if outcome == "sent"] == [
        "reminder_10"]


@pytest.fixture
def stopped(scenario, december_invoice) -> int:
    """Acme's service stopped on day 35 of its unpaid December invoice."""
    scenario.dun(day(30))
    scenario.dun(day(35))
    return december_invoice


def test_paying_everything_overdue_restores_a_stopped_service(scenario, stopped):
    scenario.pay(scenario.total(stopped), on=day(37))
    assert _service_events(scenario) == [(ACME, "stopped", day(35)), (ACME, "restored", day(37))]


def test_a_restored_service_is_told_to_the_customer_and_the_partner(scenario, stopped):
    scenario.pay(scenario.total(stopped), on=day(37))
    assert [(row["recipient_role"], row["recipient"])
            for row in scenario.outbox("service_restored")] == [
        ("customer", "billing@acme.example"), ("partner", "ops@northwind.example")]


def test_a_payment_reports_that_it_restored_the_service(scenario, stopped):
    assert scenario.pay(scenario.total(stopped), on=day(37))["service_restored"] is True


def test_paying_part_of_what_is_overdue_does_not_restore_the_service(scenario, stopped):
    scenario.pay("30.00", on=day(37))
    assert [event for _, event, _ in _service_events(scenario)] == ["stopped"]


def test_paying_one_of_two_overdue_invoices_does_not_restore_the_service(scenario, stopped):
    scenario.bill(date(2027, 1, 1))  # due 31 January, overdue on 4 February (day 35)
    scenario.pay(scenario.total(stopped), on=day(37), invoices=(stopped,))
    assert [event for _, event, _ in _service_events(scenario)] == ["stopped"]


def test_a_stopped_service_is_not_stopped_again_by_later_runs(scenario, stopped):
    for n in (36, 40, 45):
        scenario.dun(day(n))
    assert [event for _, event, _ in _service_events(scenario)] == ["stopped"]


def test_a_dry_run_writes_nothing(scenario, december_invoice):
    before = scenario.counts()
    scenario.dun(day(40), dry_run=True)
    assert scenario.counts() == before


def test_a_dry_run_reports_what_the_real_run_then_does(scenario, december_invoice):
    scenario.dun(day(30))
    dry = scenario.dun(day(35), dry_run=True)
    real = scenario.dun(day(35))
    assert {**dry, "dry_run": None} == {**real, "dry_run": None}


def test_each_invoice_runs_its_own_clock(scenario, december_invoice):
    scenario.activate(GLOBEX, start=date(2027, 1, 1))
    scenario.bill(date(2027, 1, 1))  # Globex: due 31 January
    scenario.dun(day(5))
    reminded = scenario.rows("SELECT i.customer_id FROM notices n "
                             "JOIN invoices i ON i.number = n.invoice_number")
    assert [row["customer_id"] for row in reminded] == [ACME]


def test_a_run_before_any_invoice_is_due_decides_nothing(scenario, december_invoice):
    assert scenario.dun(DECEMBER + timedelta(days=20))["notices_sent"] == 0


def test_a_dry_run_does_not_count_a_service_stopped_already(scenario, stopped):
    scenario.bill(date(2027, 1, 1))  # due 31 January: its own stop falls on 7 March
    scenario.dun(date(2027, 3, 2))  # the January invoice's warning
    dry = scenario.dun(date(2027, 3, 7), dry_run=True)
    real = scenario.dun(date(2027, 3, 7))
    assert (dry["services_stopped"], real["services_stopped"]) == (0, 0)
