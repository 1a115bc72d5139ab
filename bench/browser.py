"""What people feel, for `python -m bob bench --browser`: the real app in Chromium.

Starts `streamlit run app.py` on a free loopback port over the bench's store and times, with
Playwright, each action from the click (or key) to the moment the app's script state (the
`data-test-script-state` attribute Streamlit keeps on its root, `stApp`) is back to
`notRunning` after a rerun that the action started, and two animation frames later (the
elements drawn). A date is typed first and timed from leaving the field, which commits it
(the typing is the person's time, not the app's). A download is timed until its file is
saved. Each action runs RUNS times; each first load in a fresh browser context, so a fresh
session, on a server that has had one visit before (see _warm_up).
"""

import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
RUNS = 5
SLOW_MS = 60_000  # an action that takes longer counts as timed out (infinite), a MISS
PAGES = ("Overview", "Customers", "Subscriptions", "Invoices", "Payments", "Dunning",
         "Notices", "Audit trail")
FIRST_LOAD_MS, ACTION_MS, LEDGER_CSV_MS = 2000, 500, 2000

# Counts the reruns that start after `__bobMark()`; `__bobDone()` is true once one has and
# the script state is back to notRunning.
WATCH = """
() => {
  if (window.__bobWatch) return;
  window.__bobWatch = true;
  window.__bobRuns = 0;
  const watch = () => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app) { setTimeout(watch, 5); return; }
    new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'running') window.__bobRuns += 1;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  };
  watch();
  window.__bobMark = () => { window.__bobRuns = 0; };
}"""
DONE = """
() => window.__bobRuns > 0 && document.querySelector('[data-testid=stApp]')
    ?.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid=stSkeleton]')"""
DRAWN = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    """Streamlit at `url` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except OSError:
        return False


def start_app(db: Path, today: date, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "BOB_DB": str(db), "BOB_TODAY": today.isoformat()}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while not healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    return process, url


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(seconds) * 1000, "p95_ms": p95 * 1000,
            "max_ms": ordered[-1] * 1000, "runs": len(seconds),
            "timed_out": sum(math.isinf(s) for s in seconds)}


def rerun(page: Page, action: Callable[[], object]) -> float:
    """Seconds from the action to the rerun it started finished and drawn."""
    page.evaluate("window.__bobMark()")
    started = time.perf_counter()
    try:
        action()
        page.wait_for_function(DONE, timeout=SLOW_MS, polling="raf")
    except PlaywrightTimeout:
        return math.inf
    page.evaluate(DRAWN)
    return time.perf_counter() - started


def download(page: Page, button: str) -> float:
    started = time.perf_counter()
    try:
        with page.expect_download(timeout=SLOW_MS) as info:
            page.get_by_role("button", name=button).click()
        info.value.path()  # waits until the file is saved
    except PlaywrightTimeout:
        return math.inf
    return time.perf_counter() - started


def type_date(page: Page, label: str, day: date) -> None:
    """Type `day` into the date field; nothing reruns until the field is left."""
    page.get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(day.strftime("%Y%m%d"))


def leave_field(page: Page) -> None:
    """Leave the field, which commits its date: the action the app answers."""
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")


def load(page: Page, url: str) -> float:
    """Seconds from going to `url` to its first run finished and drawn."""
    started = time.perf_counter()
    try:
        page.goto(url)
        page.wait_for_function(DONE, timeout=SLOW_MS, polling="raf")
    except PlaywrightTimeout:
        return math.inf
    page.evaluate(DRAWN)
    return time.perf_counter() - started


def open_page(page: Page, url: str, title: str) -> None:
    load(page, url)
    if title != "Overview":
        nav = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title)
        rerun(page, nav.click)


def browser_bench(db: Path, as_of: date, customer_name: str, runs: int = RUNS) -> dict:
    """{action: timing} for every action named in the module docstring."""
    results: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        results.setdefault(name, []).append(seconds)

    log = Path(tempfile.mkdtemp(prefix="bob-browser-")) / "streamlit.log"
    process, url = start_app(db, as_of, log)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            _warm_up(browser, url)
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 900},
                                              accept_downloads=True)
                context.add_init_script(f"({WATCH})()")
                page = context.new_page()
                record("first load of /", load(page, url))
                for title in PAGES[1:] + PAGES[:1]:
                    nav = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title)
                    record(f"open {title} from the navigation", rerun(page, nav.click))
                context.close()
            earlier = (as_of - timedelta(days=n) for n in range(1, 10_000))
            context = browser.new_context(viewport={"width": 1400, "height": 900},
                                          accept_downloads=True)
            context.add_init_script(f"({WATCH})()")
            page = context.new_page()
            for title in PAGES:
                open_page(page, url, title)
                for _ in range(runs):
                    type_date(page, "As of", next(earlier))
                    record(f"As-of change: {title}", rerun(page, lambda: leave_field(page)))
            _dunning_whatif(page, url, as_of, runs, record)
            _customers(page, url, customer_name, runs, record)
            _downloads(page, url, runs, record)
            browser.close()
    finally:
        _stop(process)
    return {name: summary(seconds) for name, seconds in results.items()}


def _warm_up(browser, url: str) -> None:
    """One untimed visit, as a running server has had: its first session imports the app's
    modules (pandas, Altair, bob) once per process, which no later visitor waits for."""
    context = browser.new_context()
    context.add_init_script(f"({WATCH})()")
    load(context.new_page(), url)
    context.close()


def _dunning_whatif(page: Page, url: str, as_of: date, runs: int, record) -> None:
    for run in range(runs):
        open_page(page, url, "Dunning")
        whatif = page.get_by_role("tab", name="What-if report")
        if whatif.get_attribute("aria-selected") == "true":  # kept from the last visit
            rerun(page, page.get_by_role("tab", name="Aging").click)
        record("open the what-if tab", rerun(page, whatif.click))
        type_date(page, "What-if date", as_of + timedelta(days=10 + run))
        record("change the what-if date", rerun(page, lambda: leave_field(page)))


def _customers(page: Page, url: str, name: str, runs: int, record) -> None:
    for _ in range(runs):
        open_page(page, url, "Customers")
        search = page.get_by_role("textbox", name="Search")
        search.fill(name)
        record("customer search", rerun(page, lambda search=search: search.press("Enter")))
        grid = page.get_by_test_id("stDataFrame").first
        box = grid.bounding_box()
        record("open an account profile",
               rerun(page, lambda box=box: page.mouse.click(box["x"] + 16, box["y"] + 52)))


def _downloads(page: Page, url: str, runs: int, record) -> None:
    for title, button, label in (
            ("Invoices", "Download CSV", "CSV: the whole invoice ledger"),
            ("Payments", "Download CSV", "CSV: payments"),
            ("Audit trail", "Download CSV", "CSV: audit trail")):
        open_page(page, url, title)
        for _ in range(runs):
            record(label, download(page, button))
    open_page(page, url, "Dunning")
    rerun(page, page.get_by_role("tab", name="What-if report").click)
    for _ in range(runs):
        record("CSV: what-if report", download(page, "Download the what-if report (CSV)"))


def verdicts(timings: dict) -> list[tuple[str, str, str, str]]:
    out = []
    for name, t in timings.items():
        target_ms = {"first load of /": FIRST_LOAD_MS,
                     "CSV: the whole invoice ledger": LEDGER_CSV_MS}.get(name, ACTION_MS)
        out.append((f"browser: {name}",
                    f"{t['median_ms']:,.0f} ms (p95 {t['p95_ms']:,.0f}, max {t['max_ms']:,.0f})",
                    f"p95 <= {target_ms:,} ms",
                    "PASS" if t["p95_ms"] <= target_ms else "MISS"))
    return out
