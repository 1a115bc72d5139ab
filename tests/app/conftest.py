"""AppTest fixtures: a small populated store per test, and the app opened on one page.

The store is built once per session and copied for each test (tests write to it). It is the
demo (bob.demo.build_demo, 60 customers, as of DEMO_AS_OF) when that module exists, plus a
known cast imported through the bob API so tests never depend on what the demo generated. The
demo ends the day before the cast's first dunning run: the daily job decides nothing for a day
a later run has already covered. The cast, on AS_OF
(25 November 2026), with Northwind (US) and Rheinland (DE) as partners:
- ACTIVE: BoB since 1 September 2026, billed every month, paid in full;
- LATE: BoB since 1 September 2026, billed every month, never paid: service stopped;
- SCHEDULED: activated on AS_OF, BoB starts 1 December 2026;
- NEW: not activated, two subscriptions (the wizard's target);
- FOREIGN: Rheinland's customer, not activated (US partners only).
"""

import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

import bob
from bob import store
from bob.clock import TODAY_ENV
from bob.months import first_of_next_month
from tests.conftest import change
from ui import common

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 25)
DUNNING_DAYS = (date(2026, 11, 10), date(2026, 11, 15), date(2026, 11, 20), AS_OF)
DEMO_AS_OF = DUNNING_DAYS[0] - timedelta(days=1)
ACTIVATED_ON = date(2026, 8, 10)
BOB_START = date(2026, 9, 1)

US_PARTNER, DE_PARTNER = "P-APP-NORTHWIND", "P-APP-RHEINLAND"
ACTIVE, LATE, SCHEDULED, NEW, FOREIGN = (
    "C-APP-ACTIVE", "C-APP-LATE", "C-APP-SCHEDULED", "C-APP-NEW", "C-APP-FOREIGN")
NEW_SEATS, NEW_FAX = "S-APP-NEW-SEATS", "S-APP-NEW-FAX"

CAST = {
    "partners": [
        {"id": US_PARTNER, "name": "Northwind Partners", "country": "US",
         "email": "ops@northwind.example"},
        {"id": DE_PARTNER, "name": "Rheinland Systemhaus", "country": "DE",
         "email": "ops@rheinland.example"},
    ],
    "customers": [
        {"id": ACTIVE, "partner_id": US_PARTNER, "name": "Acme Dental", "state": "CA"},
        {"id": LATE, "partner_id": US_PARTNER, "name": "Late Freight", "state": "TX"},
        {"id": SCHEDULED, "partner_id": US_PARTNER, "name": "Soon Clinic", "state": "NY"},
        {"id": NEW, "partner_id": US_PARTNER, "name": "Juniper Law", "state": "NY"},
        {"id": FOREIGN, "partner_id": DE_PARTNER, "name": "Berliner Werke", "state": "BE"},
    ],
    "subscriptions": [
        {"id": "S-APP-ACTIVE-SEATS", "customer_id": ACTIVE, "product": "UC seat",
         "quantity": 4, "price": "25.00"},
        {"id": "S-APP-LATE-SEATS", "customer_id": LATE, "product": "UC seat",
         "quantity": 10, "price": "25.00"},
        {"id": "S-APP-SCHEDULED-SEATS", "customer_id": SCHEDULED, "product": "UC seat",
         "quantity": 2, "price": "25.00"},
        {"id": NEW_SEATS, "customer_id": NEW, "product": "UC seat", "quantity": 5,
         "price": "25.00"},
        {"id": NEW_FAX, "customer_id": NEW, "product": "Fax to email", "quantity": 1,
         "price": "9.90"},
        {"id": "S-APP-FOREIGN-SEATS", "customer_id": FOREIGN, "product": "UC seat",
         "quantity": 3, "price": "20.00"},
    ],
}


def _build_demo(db: Path) -> None:
    try:
        from bob.demo import build_demo
    except ImportError:
        return
    build_demo(db, customers=60, seed=7, as_of=DEMO_AS_OF)


def _build_cast(db: Path) -> None:
    change(db, bob.import_accounts, CAST, today=ACTIVATED_ON)
    for customer in (ACTIVE, LATE):
        change(db, bob.activate,
               bob.ActivationRequest(customer, BOB_START, f"ap@{customer}.example"),
               today=ACTIVATED_ON)
    month = BOB_START
    while month <= AS_OF:
        change(db, bob.bill_run, month, today=month)
        total = bob.ledger(db, as_of=month, customer_ids=[ACTIVE]).iloc[0]["total"]
        paid_on = month + timedelta(days=10)
        change(db, bob.record_payment, bob.PaymentRequest(
            ACTIVE, Decimal(total), "ACH", paid_on, f"ACH-{month:%Y%m}"), today=paid_on)
        month = first_of_next_month(month)
    for day in DUNNING_DAYS:
        change(db, bob.run_dunning, today=day)
    change(db, bob.activate,
           bob.ActivationRequest(SCHEDULED, date(2026, 12, 1), "ap@soon.example"), today=AS_OF)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("app-template") / "bob.duckdb"
    _build_demo(db)
    _build_cast(db)
    return db


@pytest.fixture
def demo_db(_demo_template, tmp_path, monkeypatch) -> Path:
    """This test's own copy of the populated store, selected through BOB_DB."""
    db = tmp_path / "bob.duckdb"
    shutil.copy(_demo_template, db)
    monkeypatch.setenv(store.DB_ENV, str(db))
    return db


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    db = store.create(tmp_path / "empty.duckdb")
    monkeypatch.setenv(store.DB_ENV, str(db))
    return db


@pytest.fixture
def app(monkeypatch):
    """`app("pages/customers.py", customer="C-1")`: the app on that page after one run, its
    business date (BOB_TODAY) `today`, AS_OF unless told otherwise, and the As-of lens on
    `as_of` (default: today), with those query parameters.

    Writes happen on the business date only: a test that writes on another day opens the
    app with `today=` that day. The As-of date is session state (`at.session_state[
    common.AS_OF] = day; at.run()` moves it), not the sidebar widget: AppTest runs a
    switched-to page's file without app.py and its sidebar (unless `through_entry`). The
    entry script itself is covered by test_overview's test of app.py and by test_lens.
    """
    def open_page(page: str, *, today: date = AS_OF, as_of: date | None = None,
                  **query_params) -> AppTest:
        monkeypatch.setenv(TODAY_ENV, today.isoformat())
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.session_state[common.AS_OF] = as_of or today
        at.switch_page(page)
        at.query_params.update(query_params)
        return at.run()
    return open_page


@pytest.fixture
def through_entry(monkeypatch):
    """Every run of `app` goes through app.py, as on the server (its sidebar, the As-of lens
    banner), not only the page's file.

    AppTest (Streamlit 1.67) starts each run with a new PagesManager, which sees the pages/
    folder beside app.py and runs a switched-to page on its own, the pre-st.navigation way; the
    server stops doing that once st.navigation has run. This does it from the start."""
    init = PagesManager.__init__

    def navigation_only(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", navigation_only)
