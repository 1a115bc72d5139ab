"""The what-if for a date D is what the daily job does, row by row: predicted on a store as
it is today, then checked against the job itself run once for every day from today on, with
no new payments. Stores: demos of several seeds whose job ran daily, one after a cron outage
(today's run catches up), one whose job never ran, one read on the day of a catch-up run
(after it). Compared per overdue invoice on every D: stage, stop date, stopped or not,
amount at risk, balance; per D: the notices decided and the services stopped that day. And
read again afterwards, as of each past D, the report shows what was actually decided."""

import shutil
from collections.abc import Callable
from datetime import date, timedelta

import pytest

import bob
from bob import store
from bob.demo import build_demo
from bob.reports import whatif_report
from tests.conftest import change, with_december_invoice

AS_OF = date(2026, 3, 18)
# Boundary days of the schedule (4/5 ... 34/35) and further out, up to 90 days ahead.
AHEAD = (0, 1, 4, 5, 9, 10, 14, 15, 24, 25, 29, 30, 31, 34, 35, 36, 40, 60, 90)
# Far enough past the last D for every overdue invoice to reach its stop.
SETTLE_DAYS = 45
COMPARED = ("stage", "service_stops_on", "service_stopped", "at_risk", "balance")


def demo(tmp_path_factory, seed: int) -> object:
    db = tmp_path_factory.mktemp(f"whatif-{seed}") / "bob.duckdb"
    build_demo(db, customers=100, seed=seed, as_of=AS_OF)
    return db


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    return {seed: demo(tmp_path_factory, seed) for seed in (5, 11, 23)}


def copy_of(db, tmp_path, name: str = "bob.duckdb"):
    target = tmp_path / name
    shutil.copyfile(db, target)
    return target


def run_daily(db, first: date, last: date) -> None:
    """The cron job: once for every day from `first` to `last`, each on its own day."""
    with store.session(db):
        for n in range((last - first).days + 1):
            day = first + timedelta(days=n)
            change(db, bob.run_dunning, today=day)


def forget_the_job(db) -> None:
    """The store as if the daily job had never run: no notice, no stop, no run, no email."""
    def work(con):
        for sql in ("DELETE FROM notices", "DELETE FROM service_events",
                    "DELETE FROM dunning_runs",
                    "DELETE FROM outbox WHERE kind <> 'invoice_issued'"):
            con.execute(sql)
    store.write(db, work)


def prediction(db, day: date, today: date) -> dict:
    report = whatif_report(db, as_of=day, today=today, limit=100_000)
    rows = bob.whatif(db, as_of=day, today=today)
    return {
        "rows": {int(r.invoice_number): tuple(getattr(r, c) for c in COMPARED)
                 for r in rows.itertuples()},
        "notices": {(r.stage, r.outcome): int(r.invoices) for r in report["notices"].itertuples()},
        "stopping": set(report["stopping"]["customer_id"]),
    }


def what_happened(db, day: date, invoices: set[int]) -> dict:
    """The facts of the job's own tables, for the invoices overdue on `day`."""
    def work(con):
        params = {"day": day, "invoices": sorted(invoices)}
        stages = dict(con.execute(
            """
            SELECT n.invoice_number, arg_max(n.stage, s.rank) FROM notices n
            JOIN (SELECT unnest(['reminder_5', 'reminder_10', 'reminder_15', 'reminder_25',
                                 'warning_30', 'stop_35']) AS stage,
                         generate_subscripts(['a','b','c','d','e','f'], 1) AS rank) s
              ON s.stage = n.stage
            WHERE n.decided_on <= $day AND list_contains($invoices, n.invoice_number)
            GROUP BY n.invoice_number
            """, params).fetchall())
        stops = dict(con.execute(
            "SELECT invoice_number, decided_on FROM notices WHERE stage = 'stop_35' "
            "AND list_contains($invoices, invoice_number)",
            {"invoices": params["invoices"]}).fetchall())
        stopped = {c for (c,) in con.execute(
            "SELECT customer_id FROM service_state($day) WHERE last_event = 'stopped'",
            {"day": day}).fetchall()}
        overdue = con.execute(
            "SELECT invoice_number, customer_id, balance FROM open_invoices($day) "
            "WHERE days_overdue > 0", {"day": day}).fetchall()
        notices = {(stage, outcome): n for stage, outcome, n in con.execute(
            "SELECT stage, outcome, count(*) FROM notices WHERE decided_on = $day GROUP BY ALL",
            {"day": day}).fetchall()}
        stopping = {c for (c,) in con.execute(
            "SELECT customer_id FROM service_events WHERE event = 'stopped' AND on_date = $day",
            {"day": day}).fetchall()}
        return stages, stops, stopped, overdue, notices, stopping
    stages, stops, stopped, overdue, notices, stopping = store.read(db, work)
    rows = {}
    for number, customer, balance in overdue:
        stage = stages.get(number, "none")
        rows[int(number)] = (stage, stops.get(number), customer in stopped,
                             stage in ("warning_30", "stop_35"), balance)
    return {"rows": rows, "notices": notices, "stopping": stopping}


def check(db, tmp_path, today: date, prepare: Callable | None = None) -> tuple[int, int]:
    """Predict every D of AHEAD from `today`, run the job daily, compare; returns the rows
    (matching, compared)."""
    days = [today + timedelta(days=n) for n in AHEAD]
    predicted = {day: prediction(db, day, today) for day in days}
    simulated = copy_of(db, tmp_path, "simulated.duckdb")
    first = store.read(simulated, lambda con: bob.store.dunning.first_simulated_day(con, today))
    run_daily(simulated, first, days[-1] + timedelta(days=SETTLE_DAYS))
    matching = compared = 0
    for day in days:
        expected = predicted[day]
        actual = what_happened(simulated, day, set(expected["rows"]))
        assert expected["rows"] == actual["rows"], day
        assert expected["notices"] == actual["notices"], day
        assert expected["stopping"] == actual["stopping"], day
        # Read later, as of that past day, the report shows what was decided by then.
        assert prediction(simulated, day, days[-1] + timedelta(days=SETTLE_DAYS)) == expected
        compared += len(expected["rows"])
        matching += sum(expected["rows"][n] == actual["rows"][n] for n in expected["rows"])
    return matching, compared


@pytest.mark.parametrize("seed", (5, 11, 23))
def test_whatif_is_what_the_daily_job_does_on_a_store_whose_job_ran_daily(demos, tmp_path,
                                                                         seed):
    matching, compared = check(demos[seed], tmp_path, AS_OF)
    assert compared > 100 and matching == compared


def test_whatif_after_a_cron_outage_assumes_todays_run_catches_up(demos, tmp_path):
    db = copy_of(demos[5], tmp_path)
    today = AS_OF + timedelta(days=20)  # the job last ran on AS_OF
    matching, compared = check(db, tmp_path, today)
    assert compared > 100 and matching == compared


def test_whatif_on_the_day_of_a_catch_up_includes_what_it_decided(demos, tmp_path):
    db = copy_of(demos[11], tmp_path)
    today = AS_OF + timedelta(days=20)
    change(db, bob.run_dunning, today=today)  # the catch-up, before the report is read
    skipped = store.read(db, lambda con: con.execute(
        "SELECT count(*) FROM notices WHERE decided_on = ? AND outcome = 'skipped'",
        [today]).fetchone()[0])
    assert skipped > 0
    matching, compared = check(db, tmp_path, today)
    assert compared > 100 and matching == compared


def test_whatif_on_a_store_whose_job_never_ran_assumes_it_runs_daily_from_today(demos,
                                                                               tmp_path):
    db = copy_of(demos[23], tmp_path)
    forget_the_job(db)
    matching, compared = check(db, tmp_path, AS_OF)
    assert compared > 100 and matching == compared


def test_an_already_stopped_service_keeps_the_day_it_stopped(demos):
    rows = bob.whatif(demos[5], as_of=AS_OF + timedelta(days=20), today=AS_OF)
    stopped = rows[rows["service_stopped"] & (rows["stage"] == "stop_35")]
    assert len(stopped)
    decided = dict(store.read(demos[5], lambda con: con.execute(
        "SELECT invoice_number, decided_on FROM notices WHERE stage = 'stop_35'").fetchall()))
    already = stopped[stopped["invoice_number"].isin(list(decided))]
    assert len(already)
    assert all(row.service_stops_on == decided[row.invoice_number]
               for row in already.itertuples())


def test_whatif_before_the_job_ever_ran_is_its_first_run_with_the_catch_up(prebuilt):
    scenario = prebuilt(with_december_invoice)  # due 31 December 2026, no run yet
    day = date(2027, 2, 6)  # day 37
    report = whatif_report(scenario.db, as_of=day, today=day)
    predicted = {(r.stage, r.outcome): int(r.invoices) for r in report["notices"].itertuples()}
    assert predicted == {("reminder_5", "skipped"): 1, ("reminder_10", "skipped"): 1,
                         ("reminder_15", "skipped"): 1, ("reminder_25", "skipped"): 1,
                         ("warning_30", "sent"): 1}
    change(scenario.db, bob.run_dunning, today=day)
    assert what_happened(scenario.db, day, {1})["notices"] == predicted


def test_the_timeline_lists_the_notices_the_job_then_sends_day_by_day(demos, tmp_path):
    db = copy_of(demos[5], tmp_path)
    horizon = 33
    timeline = bob.timeline(db, as_of=AS_OF, today=AS_OF, horizon_days=horizon)
    predicted = {(row.on_date, row.stage): int(row.notices) for row in timeline.itertuples()}
    run_daily(db, AS_OF + timedelta(days=1), AS_OF + timedelta(days=horizon))
    sent = store.read(db, lambda con: con.execute(
        "SELECT decided_on, stage, count(*) FROM notices WHERE decided_on > ? "
        "AND outcome = 'sent' GROUP BY ALL", [AS_OF]).fetchall())
    assert any(stage == "stop_35" for _, stage in predicted)
    assert {(day, stage): n for day, stage, n in sent} == predicted


def test_the_timeline_puts_the_stop_5_days_after_a_late_warning(prebuilt):
    scenario = prebuilt(with_december_invoice)  # due 31 December 2026, no run yet
    day = date(2027, 2, 6)  # day 37: today's first run sends the warning
    timeline = bob.timeline(scenario.db, as_of=day, today=day, horizon_days=10)
    assert [(row.on_date, row.stage) for row in timeline.itertuples()] == [
        (date(2027, 2, 11), "stop_35")]
    run_daily(scenario.db, day, day + timedelta(days=5))
    assert what_happened(scenario.db, date(2027, 2, 11), {1})["notices"] == {
        ("stop_35", "sent"): 1}
