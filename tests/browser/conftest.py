"""The browser test's fixtures: a populated store, the real app on a loopback port, Chromium.

The store is built once per session in a temp dir: the demo (bob.demo.build_demo) when it
exists, plus a known cast imported through the bob API so the flows never depend on what
the demo happened to generate: two US partners' customers that are not activated (the
wizards' targets), a customer of a partner abroad, a large customer whose unpaid invoices
take the overview's cards past $100M, and, if the demo left none, customers billed months
ago that are overdue today.

The app is `streamlit run app.py` with BOB_DB pointing at that store and BOB_TODAY at the day
it was built for (the machine's date when the session starts), so the app's business date is
the store's even past midnight; it is stopped (its whole process group) when the session ends.
The browser is Debian's Chromium, driven by Playwright; without it the test is skipped, except
in CI (BOB_REQUIRE_BROWSER=1), where a missing browser is a failure.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import bob
from bench.browser import free_port, healthy
from bob.clock import TODAY_ENV
from bob.months import first_of_next_month
from tests.conftest import change

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
HEALTH_TIMEOUT = 60.0

# The wizard's target: a US partner's customer, not activated, with two subscriptions.
PARTNER = {"id": "P-BRW-US", "name": "Harborview Telecom", "country": "US",
           "email": "ops@harborview.example"}
TARGET = {"id": "C-BRW-NEW", "partner_id": PARTNER["id"], "name": "Juniper Browser Clinic",
          "state": "NY"}
TARGET_SEATS = {"id": "S-BRW-SEATS", "customer_id": TARGET["id"], "product": "UC Business seat",
                "quantity": 5, "price": "25.00"}
TARGET_FAX = {"id": "S-BRW-FAX", "customer_id": TARGET["id"], "product": "Fax to email",
              "quantity": 1, "price": "9.90"}
# Billed from months ago and unpaid: overdue today (only when the demo left nothing overdue).
LATE = [
    {"id": "C-BRW-LATE1", "partner_id": PARTNER["id"], "name": "Bolt Browser Dental",
     "state": "CA"},
    {"id": "C-BRW-LATE2", "partner_id": PARTNER["id"], "name": "Crane Browser Logistics",
     "state": "TX"},
]
LATE_SUBS = [
    {"id": "S-BRW-LATE1", "customer_id": "C-BRW-LATE1", "product": "UC Business seat",
     "quantity": 4, "price": "25.00"},
    {"id": "S-BRW-LATE2", "customer_id": "C-BRW-LATE2", "product": "UC Business seat",
     "quantity": 10, "price": "25.00"},
]

# A customer billed about $47M a month for three months: the overview's cards reach $100M+.
LARGE = {"id": "C-BRW-LARGE", "partner_id": PARTNER["id"], "name": "Atlas Browser Holdings",
         "state": "NY"}
LARGE_SUB = {"id": "S-BRW-LARGE", "customer_id": LARGE["id"], "product": "UC Enterprise seat",
             "quantity": 1000, "price": "45000.00"}
# A second wizard target (the main flow activates the first): two subscriptions.
DRAFT = {"id": "C-BRW-DRAFT", "partner_id": PARTNER["id"], "name": "Kestrel Browser Studio",
         "state": "NY"}
DRAFT_SUBS = [{"id": f"S-BRW-DRAFT-{n}", "customer_id": DRAFT["id"], "product": product,
               "quantity": 1, "price": "9.90"} for n, product in ((1, "Fax to email"),
                                                                  (2, "Call recording"))]
# A partner abroad: its customer cannot have Billing on Behalf.
FOREIGN_PARTNER = {"id": "P-BRW-DE", "name": "Rheinland Browser GmbH", "country": "DE",
                   "email": "ops@rheinland-browser.example"}
FOREIGN = {"id": "C-BRW-FOREIGN", "partner_id": FOREIGN_PARTNER["id"],
           "name": "Berliner Browser Werke", "state": "BE"}
FOREIGN_SUB = {"id": "S-BRW-FOREIGN", "customer_id": FOREIGN["id"], "product": "UC seat",
               "quantity": 3, "price": "20.00"}


@dataclass(frozen=True)
class Store:
    db: Path
    as_of: date  # the business date (BOB_TODAY) and so the sidebar's default As of
    target_id: str
    target_name: str
    seats: dict  # the target's subscription kept at BoB start and list price
    fax: dict  # the target's subscription whose start date and price the wizard changes
    used_demo: bool


def chromium_path() -> str:
    """Debian's Chromium, or skip (fail in CI) with the reason."""
    path = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
    if path:
        return path
    reason = ("Chromium is not installed (/usr/bin/chromium; `apt-get install -y chromium`): "
              "the browser test needs it")
    if os.environ.get("BOB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and BOB_REQUIRE_BROWSER=1 forbids skipping it.", pytrace=False)
    pytest.skip(reason)


def _build_demo(db: Path, as_of: date) -> bool:
    try:
        from bob.demo import build_demo
    except ImportError:
        return False
    build_demo(db, customers=12, seed=7, as_of=as_of)
    return True


def _bill_months(db: Path, start: date, as_of: date) -> None:
    month = start
    while month <= as_of:
        change(db, bob.bill_run, month, today=month)
        month = first_of_next_month(month)


def _build_large_customer(db: Path, as_of: date) -> None:
    """Activated ~70 days ago and billed every month since, never paid."""
    activated_on = as_of - timedelta(days=70)
    change(db, bob.import_accounts, {"partners": [], "customers": [LARGE],
                                     "subscriptions": [LARGE_SUB]}, today=activated_on)
    start = first_of_next_month(activated_on)
    change(db, bob.activate, bob.ActivationRequest(LARGE["id"], start, "ap@atlas.example"),
           today=activated_on)
    _bill_months(db, start, as_of)


def _build_late_customers(db: Path, as_of: date) -> None:
    """Two customers activated ~4 months ago, billed every month since, one small payment."""
    activated_on = as_of - timedelta(days=120)
    change(db, bob.import_accounts, {"partners": [], "customers": LATE,
                                     "subscriptions": LATE_SUBS}, today=activated_on)
    start = first_of_next_month(activated_on)
    for customer, email in (("C-BRW-LATE1", "ap@bolt.example"),
                            ("C-BRW-LATE2", "ap@crane.example")):
        change(db, bob.activate, bob.ActivationRequest(customer, start, email),
               today=activated_on)
    _bill_months(db, start, as_of)
    change(db, bob.record_payment, bob.PaymentRequest(
        "C-BRW-LATE1", Decimal("40.00"), "ACH", start + timedelta(days=20), "BRW-1"),
        today=as_of)
    change(db, bob.run_dunning, today=as_of)


def build_store(db: Path, as_of: date) -> Store:
    used_demo = _build_demo(db, as_of)
    change(db, bob.import_accounts, {"partners": [PARTNER, FOREIGN_PARTNER],
                                     "customers": [TARGET, DRAFT, FOREIGN],
                                     "subscriptions": [TARGET_SEATS, TARGET_FAX, *DRAFT_SUBS,
                                                       FOREIGN_SUB]},
           today=as_of - timedelta(days=70))
    _build_large_customer(db, as_of)
    if len(bob.whatif(db, as_of=as_of + timedelta(days=40), today=as_of)) == 0:
        _build_late_customers(db, as_of)
    assert len(bob.whatif(db, as_of=as_of + timedelta(days=40), today=as_of)) > 0
    return Store(db=db, as_of=as_of, target_id=TARGET["id"], target_name=TARGET["name"],
                 seats=TARGET_SEATS, fax=TARGET_FAX, used_demo=used_demo)




@dataclass(frozen=True)
class App:
    url: str
    store: Store
    log: Path


@contextmanager
def streamlit_server(db: Path, log_path: Path, today: date, prepare=lambda: None,
                     options: tuple[str, ...] = ()):
    """`streamlit run app.py` on a free loopback port with BOB_DB=db and BOB_TODAY=today;
    yields its URL once /_stcore/health answers "ok", and stops its whole process group on
    exit.

    `options` are more `streamlit run` options (a test's secrets file). `prepare` runs while
    Streamlit starts (the app opens the store only when a browser
    asks for a page); the health check waits up to HEALTH_TIMEOUT after it.
    """
    port = free_port()
    env = {**os.environ, "BOB_DB": str(db), TODAY_ENV: today.isoformat(),
           "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "streamlit", "run", "app.py",
               "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               # No "source file changed" prompts or reloads while the test drives the app.
               "--server.fileWatcherType", "none", *options]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        prepare()
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Streamlit did not answer /_stcore/health within "
                            f"{HEALTH_TIMEOUT:.0f} s (exit code {process.poll()}):\n"
                            + log_path.read_text(errors="replace")[-3000:], pytrace=False)
            time.sleep(0.25)
        yield url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> App:
    """The app against a store built for the session (built while Streamlit starts)."""
    chromium_path()  # skip (or fail in CI) before spending time on the store and the server
    workdir = tmp_path_factory.mktemp("browser")
    db, log_path = workdir / "bob.duckdb", workdir / "streamlit.log"
    built: list[Store] = []
    today = date.today()
    with streamlit_server(db, log_path, today, lambda: built.append(build_store(db, today))) \
            as url:
        yield App(url=url, store=built[0], log=log_path)


@pytest.fixture(scope="session")
def bob_store(app) -> Store:
    return app.store


@pytest.fixture
def fresh_app_url(app, tmp_path):
    """A second server on the same store that no browser has visited yet."""
    with streamlit_server(app.store.db, tmp_path / "streamlit.log", app.store.as_of) as url:
        yield url


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                              headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, app):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  base_url=app.url, locale="en-US")
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    app_log = app.log.read_text(errors="replace")
    assert "Traceback" not in app_log, f"The app logged an error:\n{app_log[-4000:]}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS
