"""The browser benchmark must keep working: on a small demo store, one run of every action
is timed and reported with a verdict. Timings are not asserted here."""

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from bob import store
from bob.demo import build_demo

AS_OF = date(2026, 11, 25)
ACTIONS = ("first load of /", *(f"open {page} from the navigation" for page in (
    "Customers", "Subscriptions", "Invoices", "Payments", "Dunning", "Notices", "Audit trail",
    "Overview")), "As-of change: Overview", "As-of change: Audit trail", "open the what-if tab",
    "change the what-if date", "customer search", "open an account profile",
    "CSV: the whole invoice ledger", "CSV: payments", "CSV: audit trail", "CSV: what-if report")


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="needs Debian's Chromium")
def test_browser_bench_times_every_action(tmp_path):
    browser = pytest.importorskip("bench.browser")
    db = tmp_path / "bob.duckdb"
    build_demo(db, customers=30, seed=7, as_of=AS_OF)
    name = store.read(db, lambda con: con.execute(
        "SELECT name FROM customers ORDER BY id LIMIT 1").fetchone()[0])
    # In a thread of its own: Playwright's sync API refuses a thread with a running asyncio
    # loop, which an earlier test in the same worker process may have left behind.
    with ThreadPoolExecutor(max_workers=1) as thread:
        timings = thread.submit(browser.browser_bench, db, AS_OF, name, runs=1).result()
    for action in ACTIONS:
        assert timings[action]["runs"] == 1, action
    rows = browser.verdicts(timings)
    assert all(verdict in ("PASS", "MISS") for *_, verdict in rows)
