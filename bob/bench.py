"""python -m bob bench: how fast the heavy work is on a whole book, and how it grows.

Builds a demo store of N customers, then measures each item as the median of 5 runs (with
min and max): a month's bill run, the dunning decision (dry run) and a real dunning day, the
aging and what-if reports against a plain-pandas baseline that computes the same reports
from the same ledger (the reports timed on the open store, as a page rerun runs them, since
the baseline's frames are in memory too; opening the store is reported as its own row), each
page's rerun in Streamlit's AppTest (and its load after an As-of change), and the peak
memory of the run. Writes work that must not stay (bill run, dunning day) inside a
transaction that is rolled back, so every run sees the same store. Prints a markdown table
and writes the same as JSON to bench/results/.
"""

import importlib
import json
import math
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from bob import billing, dunning, store
from bob.dunning import (
    SCHEDULE,
    STOP,
    STOP_AFTER_WARNING,
    STOP_STEP,
    WARNING_RANK,
    WARNING_STEP,
)
from bob.errors import BobError
from bob.months import first_of_next_month, month_bounds
from bob.store import billing as billing_sql
from bob.unit_of_work import unit_of_work

RUNS = 5
SEED = 7
RESULTS = Path("bench") / "results"


def summarise(seconds: list[float]) -> dict:
    return {"median_ms": statistics.median(seconds) * 1000, "min_ms": min(seconds) * 1000,
            "max_ms": max(seconds) * 1000}


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def measure(work: Callable[[], object], runs: int = RUNS) -> dict:
    return summarise([_timed(work) for _ in range(runs)])


def measure_pair(first: Callable[[], object], second: Callable[[], object],
                 runs: int = RUNS) -> tuple[dict, dict]:
    """Two pieces of work timed in turns, so both see the same machine."""
    pairs = [(_timed(first), _timed(second)) for _ in range(runs)]
    return summarise([a for a, _ in pairs]), summarise([b for _, b in pairs])


def _load_frames(db) -> dict[str, pd.DataFrame]:
    """The ledger and accounts as plain pandas (money in integer cents), for the baseline."""
    def work(con):
        return {
            "invoices": con.execute(
                "SELECT number, customer_id, kind, cancels, issue_date, due_date, "
                "(total * 100)::BIGINT AS total FROM invoices").df(),
            "allocations": con.execute(
                "SELECT invoice_number, (amount * 100)::BIGINT AS amount, applied_on "
                "FROM allocations").df(),
            "notices": con.execute(
                "SELECT invoice_number, stage, outcome, decided_on FROM notices").df(),
            "service_events": con.execute(
                "SELECT id, customer_id, event, on_date FROM service_events").df(),
            "customers": con.execute("SELECT id, name, partner_id FROM customers").df(),
            "partners": con.execute("SELECT id, name FROM partners").df(),
            "dunning_runs": con.execute("SELECT run_on FROM dunning_runs").df(),
        }
    return store.read(db, work)


def _pandas_projection(frames: dict[str, pd.DataFrame], as_of: date,
                       today: date) -> pd.DataFrame:
    """Open invoices with days overdue and projected stage, the way pandas would do it."""
    day = pd.Timestamp(as_of)
    invoices, allocations = frames["invoices"], frames["allocations"]
    issued = invoices[invoices["issue_date"] <= day]
    paid = allocations[allocations["applied_on"] <= day].groupby("invoice_number")["amount"].sum()
    canceled = issued.loc[issued["kind"] == "cancellation", "cancels"]
    open_ = issued[(issued["kind"] == "invoice") & ~issued["number"].isin(canceled)].copy()
    open_["balance"] = open_["total"] - open_["number"].map(paid).fillna(0).astype("int64")
    open_ = open_[open_["balance"] > 0]
    open_["days"] = (day - open_["due_date"]).dt.days.clip(lower=0)
    notices = frames["notices"]
    ranks = {s.stage: rank for rank, s in enumerate(SCHEDULE, start=1)}
    by_then = notices[notices["decided_on"] <= day]
    rank_by_then = by_then["stage"].map(ranks).groupby(by_then["invoice_number"]).max()
    warned = notices[(notices["stage"] == WARNING_STEP.stage) & (notices["outcome"] == "sent")]
    stops = notices[notices["stage"] == STOP_STEP.stage]
    warned_on = open_["number"].map(warned.set_index("invoice_number")["decided_on"])
    stop_decided = open_["number"].map(stops.set_index("invoice_number")["decided_on"])
    runs = frames["dunning_runs"]["run_on"]
    first_day = max(runs.max() + pd.Timedelta(days=1), pd.Timestamp(today)) if len(runs) \
        else pd.Timestamp(today)
    due = open_["due_date"]
    warned_on = warned_on.fillna((due + pd.Timedelta(days=WARNING_STEP.days)).clip(lower=first_day))
    stop_on = stop_decided.fillna(np.maximum(due + pd.Timedelta(days=STOP_STEP.days),
                                             warned_on + pd.Timedelta(STOP_AFTER_WARNING))
                                  .clip(lower=first_day))
    thresholds = np.array([s.days for s in SCHEDULE if s.action != STOP])
    reached = np.searchsorted(thresholds, open_["days"].to_numpy(), side="right")
    simulated = reached if first_day <= day else np.zeros_like(reached)
    stopped = np.where((stop_on <= day).to_numpy(), len(SCHEDULE), 0)
    decided = open_["number"].map(rank_by_then).fillna(0).astype("int64").to_numpy()
    rank = np.maximum.reduce([decided, simulated, stopped])
    names = np.array(["none", *[s.stage for s in SCHEDULE]])
    open_["stage"] = names[rank]
    open_["stage_rank"] = rank
    open_["stop_on"] = stop_on
    return open_


def pandas_aging(frames, as_of: date, today: date) -> pd.DataFrame:
    """bob.store.reports.AGING in pandas: bucket and stage, invoices and amount (cents)."""
    projected = _pandas_projection(frames, as_of, today)
    projected["bucket"] = pd.cut(projected["days"], [-1, 0, 30, 60, 90, np.inf],
                                 labels=["current", "1-30", "31-60", "61-90", "90+"])
    grouped = projected.groupby(["bucket", "stage", "stage_rank"], observed=True).agg(
        invoices=("number", "size"), amount=("balance", "sum"), first_day=("days", "min"))
    return (grouped.reset_index().sort_values(["first_day", "stage_rank"])
            .drop(columns="first_day").reset_index(drop=True))


def pandas_whatif(frames, as_of: date, today: date) -> pd.DataFrame:
    """bob.store.reports.WHATIF in pandas: every overdue invoice with its customer, partner,
    projected stage, stop date, stopped service and risk (money in cents)."""
    projected = _pandas_projection(frames, as_of, today)
    overdue = projected[projected["days"] > 0]
    events = frames["service_events"]
    events = events[events["on_date"] <= pd.Timestamp(as_of)].sort_values("id")
    last_event = events.groupby("customer_id")["event"].last()
    stopped = last_event.index[last_event == "stopped"].union(
        projected.loc[projected["stop_on"] <= pd.Timestamp(as_of), "customer_id"].unique())
    customers = frames["customers"].rename(columns={"id": "customer_id", "name": "customer_name"})
    partners = frames["partners"].rename(columns={"id": "partner_id", "name": "partner_name"})
    report = (overdue.merge(customers, on="customer_id").merge(partners, on="partner_id")
              .rename(columns={"number": "invoice_number", "days": "days_overdue",
                               "stop_on": "service_stops_on"}))
    report["service_stopped"] = report["customer_id"].isin(stopped)
    report["at_risk"] = report["stage_rank"] >= WARNING_RANK
    columns = ["partner_id", "partner_name", "customer_id", "customer_name", "invoice_number",
               "due_date", "days_overdue", "balance", "stage", "stage_rank",
               "service_stops_on", "service_stopped", "at_risk"]
    return (report[columns].sort_values(["partner_id", "customer_id", "invoice_number"])
            .reset_index(drop=True))


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return own / 1024  # Linux reports kilobytes


TARGETS_MS = {"bill_run": 2000, "dunning_decision": 500, "aging": 50, "whatif": 50}
PAGE_TARGET_MS, CUSTOMER_PAGE_TARGET_MS, RSS_TARGET_MB, PANDAS_RATIO = 300, 150, 2048, 5
BARE_RATIO = 3


def _previewed(db, today: date, use_case, *args) -> None:
    """A use case run for real on `today` and rolled back, so every run sees the same store."""
    with unit_of_work(db, actor="bench", today=today, preview=True) as uow:
        use_case(uow, *args)


def _committed_on_copies(db: Path, today: date, use_case, *args, runs: int = RUNS) -> dict:
    """A use case run and committed, each run on a fresh copy of the store (the copying is
    not timed), so every run sees the same store."""
    seconds = []
    for run in range(runs):
        copy = db.with_name(f"{db.stem}-commit-{run}.duckdb")
        shutil.copyfile(db, copy)
        started = time.perf_counter()
        with unit_of_work(copy, actor="bench", today=today) as uow:
            use_case(uow, *args)
            uow.commit()
        seconds.append(time.perf_counter() - started)
        copy.unlink()
    return summarise(seconds)


# The bare limit of a bill run's per-customer totals: amount and tax, nothing else.
BARE_TOTALS = """
CREATE TABLE bench_bare_totals AS
SELECT l.customer_id, sum(l.amount_cents) AS amount_cents,
       (sum(l.amount_cents) * (any_value(coalesce(r.rate, $default_rate)) * 100000)::HUGEINT
        * 2 + 100000) // 200000 AS tax_cents
FROM bench_bare_lines l JOIN customers c ON c.id = l.customer_id
LEFT JOIN tax_rates r ON r.state = c.state
GROUP BY l.customer_id
"""


def bare_bill_run(uow, month: date) -> None:
    """The bare limit of a bill run: the same lines and totals as plain CREATE TABLE ... AS
    SELECT into the store, with no numbering, constraints, outbox nor balances."""
    start, end = month_bounds(month)
    uow.con.execute("CREATE TABLE bench_bare_lines AS" + billing_sql.LINES_SELECT, {
        "month_start": start, "month_end": end, "days_in_month": (end - start).days,
        "customer_id": None, "replaces": None})
    rate = billing_sql.settings(uow.con)["default_tax_rate"]
    uow.con.execute(BARE_TOTALS, {"default_rate": rate})


def run_bench(customers: int, db: Path | None = None, as_of: date | None = None,
              progress=None, browser: bool = False) -> dict:
    from bob.demo import build_demo, finished

    as_of = as_of or date(2026, 11, 25)
    say = progress or (lambda message: print(message, file=sys.stderr))
    workdir = Path(tempfile.mkdtemp(prefix="bob-bench-"))
    db = Path(db) if db else workdir / "bench.duckdb"
    # A --db that already holds this demo, built to the end, is measured as it is.
    summary, build_seconds = finished(db, customers=customers, seed=SEED, as_of=as_of), None
    if summary is None:
        say(f"building a demo store of {customers:,} customers in {db} ...")
        started = time.perf_counter()
        summary = build_demo(db, customers=customers, seed=SEED, as_of=as_of)
        build_seconds = time.perf_counter() - started
    build_rss_mb = peak_rss_mb()
    month = first_of_next_month(as_of)
    rows = {}
    say("bill run ...")
    # Side by side, alternating, so a busy second core hurts both alike.
    rows["bill_run"], rows["bill_run_bare"] = measure_pair(
        lambda: _previewed(db, as_of, billing.bill_run, month),
        lambda: _previewed(db, as_of, bare_bill_run, month))
    rows["bill_run_committed"] = _committed_on_copies(db, as_of, billing.bill_run, month)
    rows["bill_run_bare_committed"] = _committed_on_copies(db, as_of, bare_bill_run, month)
    say("dunning ...")
    next_day = as_of + timedelta(days=1)
    rows["dunning_decision"] = measure(lambda: dunning.decisions(db, as_of=next_day))
    rows["dunning_day"] = measure(lambda: _previewed(db, next_day, dunning.run_dunning))
    say("reports ...")
    # Timed as a page rerun runs them, on the store it has open; opening it is its own row.
    rows["store_open"] = measure(lambda: store.read(db, lambda con: None))
    with store.session(db):
        rows["aging"] = measure(lambda: dunning.aging(db, as_of=as_of, today=as_of))
        rows["whatif"] = measure(lambda: dunning.whatif(db, as_of=as_of, today=as_of))
    frames = _load_frames(db)
    rows["aging_pandas"] = measure(lambda: pandas_aging(frames, as_of, as_of))
    rows["whatif_pandas"] = measure(lambda: pandas_whatif(frames, as_of, as_of))
    say("pages ...")
    customer_id = store.read(db, lambda con: con.execute(
        "SELECT customer_id FROM invoices GROUP BY customer_id ORDER BY count(*) DESC, "
        "customer_id LIMIT 1").fetchall()[0][0])
    # Page timing drives Streamlit's AppTest, which bob/ must not import.
    pages, first_loads = importlib.import_module("bench.page_reruns").page_reruns(
        db, customer_id, as_of, measure)
    in_browser = {}
    if browser:
        say("browser ...")
        name = store.read(db, lambda con: con.execute(
            "SELECT name FROM customers WHERE id = ?", [customer_id]).fetchone()[0])
        # Playwright and Chromium live in bench/, which bob/ must not import.
        in_browser = importlib.import_module("bench.browser").browser_bench(db, as_of, name)
    return {"customers": customers, "as_of": as_of.isoformat(), "demo": summary,
            "demo_seconds": None if build_seconds is None else round(build_seconds, 1),
            "demo_peak_rss_mb": round(build_rss_mb, 1),
            "work": rows, "pages": pages,
            "first_loads": first_loads, "browser": in_browser,
            "peak_rss_mb": round(peak_rss_mb(), 1), "python": platform.python_version(),
            "machine": platform.machine()}


def _ms(timing: dict) -> str:
    return (f"{timing['median_ms']:,.1f} ms ({timing['min_ms']:,.1f}–{timing['max_ms']:,.1f})")


def verdicts(result: dict) -> list[tuple[str, str, str, str]]:
    """(work, measured, target, PASS / MISS) for every row of the report."""
    work, out = result["work"], []

    def timed(name: str, timing: dict, target_ms: float, target: str) -> None:
        out.append((name, _ms(timing), target,
                    "PASS" if timing["median_ms"] <= target_ms else "MISS"))

    timed(f"month bill run, {result['customers']:,} customers", work["bill_run"],
          TARGETS_MS["bill_run"], "<= 2 s")
    for label, real, bare in (("rolled back", "bill_run", "bill_run_bare"),
                              ("committed", "bill_run_committed", "bill_run_bare_committed")):
        ratio = work[real]["median_ms"] / work[bare]["median_ms"]
        out.append((f"bill run / bare CREATE TABLE AS, {label} "
                    f"(bare {_ms(work[bare])})", f"{ratio:.1f}x", f"<= {BARE_RATIO}x",
                    "PASS" if ratio <= BARE_RATIO else "MISS"))
    timed("dunning decision, all invoices (dry run)", work["dunning_decision"],
          TARGETS_MS["dunning_decision"], "<= 0.5 s")
    out.append(("one dunning day, outbox written", _ms(work["dunning_day"]), "(reported)", "-"))
    out.append(("opening the store (once per page rerun)", _ms(work["store_open"]),
                "(reported)", "-"))
    for report in ("aging", "whatif"):
        ms, base = work[report]["median_ms"], work[f"{report}_pandas"]["median_ms"]
        ratio = base / ms if ms else float("inf")
        out.append((f"{report} report, store open (pandas {base:,.1f} ms: {ratio:.1f}x)",
                    _ms(work[report]),
                    "<= 50 ms and >= 5x pandas",
                    "PASS" if ms <= TARGETS_MS[report] and ratio >= PANDAS_RATIO else "MISS"))
    for page, timing in result["pages"].items():
        target_ms = CUSTOMER_PAGE_TARGET_MS if page == "customers" else PAGE_TARGET_MS
        timed(f"page rerun: {page}", timing, target_ms, f"<= {target_ms} ms")
    for page, timing in result["first_loads"].items():
        out.append((f"page load after an As-of change: {page}", _ms(timing), "(reported)", "-"))
    out.append(("peak RSS, demo build", f"{result['demo_peak_rss_mb']:,.0f} MB", "(reported)",
                "-"))
    out.append(("peak RSS", f"{result['peak_rss_mb']:,.0f} MB", "<= 2 GB",
                "PASS" if result["peak_rss_mb"] <= RSS_TARGET_MB else "MISS"))
    return out


def markdown(rows: list[tuple[str, str, str, str]]) -> str:
    lines = ["| work | median (min–max) | target | |", "|---|---|---|---|"]
    lines += [f"| {name} | {measured} | {target} | {verdict} |"
              for name, measured, target, verdict in rows]
    return "\n".join(lines)


def main(customers: int, db=None, browser: bool = False) -> dict:
    result = run_bench(customers, db, browser=browser)
    result["verdicts"] = verdicts(result)
    if browser:
        result["verdicts"] += importlib.import_module("bench.browser").verdicts(
            result["browser"])
    built = (f"{result['demo_seconds']} s to build" if result["demo_seconds"] is not None
             else "reused, built earlier:")
    print(f"demo store: {built} {customers:,} customers\n")
    print(markdown(result["verdicts"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{customers}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nwritten to {path}", file=sys.stderr)
    return result


# What must grow no faster than the store: per 10x customers, at most 10x the time.
GROWTH_ITEMS = ("bill_run", "bill_run_bare", "dunning_decision", "dunning_day", "aging",
                "whatif")


def _result(path: str) -> dict:
    try:
        result = json.loads(Path(path).read_text())
        return {"customers": int(result["customers"]), "work": result["work"],
                "peak_rss_mb": result["peak_rss_mb"]}
    except OSError as error:
        raise BobError(f"Cannot read {path}: {error.strerror}.") from None
    except (ValueError, KeyError, TypeError):
        raise BobError(f"{path} is not a result of the bench (bench/results/*.json).") from None


def growth(smaller: str, larger: str) -> list[tuple[str, str, str, str, str]]:
    """(item, smaller median, larger median, growth per 10x customers, PASS / MISS): an
    item passes when its time grows no faster than the number of customers."""
    small, large = _result(smaller), _result(larger)
    if large["customers"] <= small["customers"]:
        raise BobError(f"{larger} has {large['customers']:,} customers, not more than "
                       f"{smaller}'s {small['customers']:,}.")
    decades = math.log10(large["customers"] / small["customers"])
    rows = []
    for item in GROWTH_ITEMS:
        before, after = small["work"][item]["median_ms"], large["work"][item]["median_ms"]
        per_10x = (after / before) ** (1 / decades)
        rows.append((item, f"{before:,.1f} ms", f"{after:,.1f} ms", f"{per_10x:.1f}x",
                     "PASS" if per_10x <= 10 else "MISS"))
    rows.append(("peak RSS", f"{small['peak_rss_mb']:,.0f} MB", f"{large['peak_rss_mb']:,.0f} MB",
                 "", "PASS" if large["peak_rss_mb"] <= 8192 else "MISS"))
    return [(f"customers: {small['customers']:,} -> {large['customers']:,}", "", "", "", ""),
            *rows]


def growth_markdown(rows) -> str:
    lines = ["| item | smaller | larger | per 10x customers (<= 10x) | |", "|---|---|---|---|---|"]
    return "\n".join(lines + [f"| {' | '.join(row)} |" for row in rows])
