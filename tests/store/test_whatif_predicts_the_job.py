"""The what-if report says what the daily job will do if nothing more is paid: the notices
the run on a future day sends and the stage each overdue invoice stands at. Checked against
the job itself, run every day up to that day on a copy of a demo store (whose job ran daily
up to its as-of date), and on a store whose job never ran (the first run catches up)."""

import shutil
from datetime import date, timedelta

import pytest

import bob
from bob import store
from bob.demo import build_demo
from bob.reports import whatif_report
from tests.conftest import with_december_invoice

AS_OF = date(2026, 3, 18)
AHEAD = (1, 6, 19, 33)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("whatif") / "bob.duckdb"
    build_demo(db, customers=120, seed=5, as_of=AS_OF)
    return db


@pytest.fixture
def copy(demo_db, tmp_path):
    target = tmp_path / "bob.duckdb"
    shutil.copyfile(demo_db, target)
    return target


def predicted_notices(db, day: date) -> dict[tuple[str, str], int]:
    notices = whatif_report(db, as_of=day)["notices"]
    return {(row.stage, row.outcome): int(row.invoices) for row in notices.itertuples()}


def decided_notices(db, day: date) -> dict[tuple[str, str], int]:
    rows = store.read(db, lambda con: con.execute(
        "SELECT stage, outcome, count(*) FROM notices WHERE decided_on = ? GROUP BY ALL",
        [day]).fetchall())
    return {(stage, outcome): n for stage, outcome, n in rows}


def predicted_stages(db, day: date) -> dict[int, str]:
    rows = bob.whatif(db, as_of=day)
    return {int(r.invoice_number): r.stage for r in rows.itertuples() if r.stage != "none"}


def reached_stages(db, day: date) -> dict[int, str]:
    """Each overdue invoice's furthest notice decided by `day` (sent or skipped)."""
    rows = store.read(db, lambda con: con.execute(
        """
        SELECT n.invoice_number, arg_max(n.stage, position(n.stage IN $order))
        FROM notices n JOIN open_invoices($day) o ON o.invoice_number = n.invoice_number
        WHERE n.decided_on <= $day AND o.days_overdue > 0 GROUP BY n.invoice_number
        """, {"day": day, "order": "reminder_5 reminder_10 reminder_15 reminder_25 "
                                   "warning_30 stop_35"}).fetchall())
    return dict(rows)


def predicted_stopped(db, day: date) -> set[str]:
    rows = bob.whatif(db, as_of=day)
    return set(rows.loc[rows["service_stopped"], "customer_id"])


def stopped_services(db, day: date) -> set[str]:
    return {customer for (customer,) in store.read(db, lambda con: con.execute(
        "SELECT customer_id FROM service_state(?) WHERE last_event = 'stopped'",
        [day]).fetchall())}


@pytest.mark.parametrize("days_ahead", AHEAD)
def test_whatif_notices_are_what_the_daily_job_then_sends(copy, days_ahead):
    day = AS_OF + timedelta(days=days_ahead)
    predicted = predicted_notices(copy, day)
    stages = predicted_stages(copy, day)
    stopped = predicted_stopped(copy, day)
    for n in range(1, days_ahead + 1):
        bob.run_dunning(copy, as_of=AS_OF + timedelta(days=n))
    assert decided_notices(copy, day) == predicted
    assert reached_stages(copy, day) == stages
    assert stopped_services(copy, day) == stopped


def test_whatif_before_the_job_ever_ran_is_its_first_run_with_the_catch_up(prebuilt):
    scenario = prebuilt(with_december_invoice)  # due 31 December 2026, no run yet
    day = date(2027, 2, 6)  # day 37
    predicted = predicted_notices(scenario.db, day)
    stages = predicted_stages(scenario.db, day)
    bob.run_dunning(scenario.db, as_of=day)
    assert predicted == {("reminder_5", "skipped"): 1, ("reminder_10", "skipped"): 1,
                         ("reminder_15", "skipped"): 1, ("reminder_25", "skipped"): 1,
                         ("warning_30", "sent"): 1}
    assert decided_notices(scenario.db, day) == predicted
    assert stages == reached_stages(scenario.db, day) == {1: "warning_30"}


def test_the_timeline_lists_the_notices_the_job_then_sends_day_by_day(copy):
    horizon = AHEAD[-1]
    timeline = bob.timeline(copy, as_of=AS_OF, horizon_days=horizon)
    predicted = {(row.on_date, row.stage): int(row.notices) for row in timeline.itertuples()}
    for n in range(1, horizon + 1):
        bob.run_dunning(copy, as_of=AS_OF + timedelta(days=n))
    sent = store.read(copy, lambda con: con.execute(
        "SELECT decided_on, stage, count(*) FROM notices WHERE decided_on > ? "
        "AND outcome = 'sent' GROUP BY ALL", [AS_OF]).fetchall())
    assert any(stage == "stop_35" for _, stage in predicted)
    assert {(day, stage): n for day, stage, n in sent} == predicted


def test_the_timeline_puts_the_stop_5_days_after_a_late_warning(prebuilt):
    scenario = prebuilt(with_december_invoice)  # due 31 December 2026, no run yet
    day = date(2027, 2, 6)  # day 37: today's first run sends the warning
    timeline = bob.timeline(scenario.db, as_of=day, horizon_days=10)
    assert [(row.on_date, row.stage) for row in timeline.itertuples()] == [
        (date(2027, 2, 11), "stop_35")]
    for n in range(6):
        bob.run_dunning(scenario.db, as_of=day + timedelta(days=n))
    assert decided_notices(scenario.db, date(2027, 2, 11)) == {("stop_35", "sent"): 1}
