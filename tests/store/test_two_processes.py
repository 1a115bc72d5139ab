"""The app and the cron job share one store file: DuckDB lets one process hold it at a time, so
each unit of work opens the file, closes it, and waits for the lock when the other has it."""

import contextlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import bob
from tests.conftest import with_december_invoice

PROJECT = Path(bob.__file__).resolve().parent.parent
DAYS = 20

# The cron side: bill January on its first day and run the daily job every day from then on,
# saying so after each run without waiting for anyone.
WRITER = f"""
import sys
from datetime import date, timedelta
import bob

db = sys.argv[1]
def change(use_case, *args, today):
    with bob.unit_of_work(db, actor="cron", today=today) as uow:
        use_case(uow, *args)
        uow.commit()
change(bob.bill_run, date(2027, 1, 1), today=date(2027, 1, 1))
for n in range({DAYS}):
    change(bob.run_dunning, today=date(2027, 1, 1) + timedelta(days=n))
    print("ran", n, flush=True)
"""


def start_cron_job(db) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(db)], cwd=PROJECT,
                            env={**os.environ, "PYTHONPATH": str(PROJECT)}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_the_app_reads_while_the_cron_job_writes_and_every_write_lands(prebuilt):
    scenario = prebuilt(with_december_invoice)
    writer = start_cron_job(scenario.db)
    read_rows = []
    try:
        for _ in writer.stdout:  # one app read per cron run, racing the cron job's next run
            read_rows.append(len(bob.ledger(scenario.db, as_of=date(2027, 1, 20))))
            read_rows.append(len(bob.aging(scenario.db, as_of=date(2027, 1, 20),
                                           today=date(2027, 1, 20))))
    finally:
        _, errors = writer.communicate(timeout=120)

    assert writer.returncode == 0, errors
    assert len(read_rows) == 2 * DAYS
    assert all(rows >= 1 for rows in read_rows)  # every read saw the December invoice
    runs = scenario.rows("SELECT action, count(*) AS n FROM audit_log WHERE actor = 'cron' "
                         "GROUP BY action ORDER BY action")
    assert runs == [{"action": "bill-run", "n": 1}, {"action": "dunning", "n": DAYS}]
    notices = scenario.rows("SELECT stage FROM notices WHERE outcome = 'sent' "
                            "AND invoice_number = 1 ORDER BY decided_on")
    assert [row["stage"] for row in notices] == ["reminder_5", "reminder_10", "reminder_15"]


def setting(db, name: str) -> str:
    return bob.store.read(db, lambda con: con.execute(
        "SELECT current_setting(?)", [name]).fetchone()[0])


def test_units_of_work_in_a_session_share_the_open_store(prebuilt):
    scenario = prebuilt(with_december_invoice)
    with bob.store.session(scenario.db):
        bob.store.read(scenario.db, lambda con: con.execute("SET GLOBAL threads = 1"))
        assert setting(scenario.db, "threads") == 1  # the same database, still open
    assert setting(scenario.db, "threads") != 1  # opened anew afterwards


def test_a_session_checks_the_schema_version_once_not_on_every_read(prebuilt, monkeypatch):
    scenario = prebuilt(with_december_invoice)
    checks = []
    migrate = bob.store.migrate
    monkeypatch.setattr(bob.store, "migrate", lambda *args: checks.append(1) or migrate(*args))
    with bob.store.session(scenario.db):
        for _ in range(3):
            bob.ledger(scenario.db, as_of=date(2027, 1, 20))
    assert len(checks) == 1
    bob.ledger(scenario.db, as_of=date(2027, 1, 20))  # outside a session, every read checks
    assert len(checks) == 2


def test_a_session_keeps_the_cron_job_waiting_only_until_it_ends(prebuilt):
    scenario = prebuilt(with_december_invoice)
    with bob.store.session(scenario.db):
        writer = start_cron_job(scenario.db)
        with contextlib.suppress(subprocess.TimeoutExpired):
            writer.wait(timeout=3)
        assert writer.returncode is None, "the cron job got in while the session held the store"
    output, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors
    assert output.count("ran") == DAYS
