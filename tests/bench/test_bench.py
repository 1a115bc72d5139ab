"""The benchmark harness must keep working: `bench --quick` completes and reports every row.
Timings are not asserted here; the harness itself compares them with the targets."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bob import bench
from bob.errors import BobError

ROOT = Path(__file__).resolve().parents[2]
ROWS = ("month bill run", "bill run / bare CREATE TABLE AS, rolled back",
        "bill run / bare CREATE TABLE AS, committed", "dunning decision", "one dunning day",
        "opening the store",
        "aging report", "whatif report", "page rerun: overview", "page rerun: customers",
        "page rerun: subscriptions", "page rerun: invoices", "page rerun: payments",
        "page rerun: dunning", "page rerun: notices",
        *(f"page load after an As-of change: {page}" for page in (
            "overview", "customers", "subscriptions", "invoices", "payments", "dunning",
            "notices")),
        "peak RSS, demo build", "peak RSS")


def test_quick_bench_completes_and_reports_every_row(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bob", "bench", "--quick"], cwd=tmp_path, capture_output=True,
        text=True, timeout=600, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    table = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    for row in ROWS:
        assert any(line.startswith(f"| {row}") for line in table), (row, result.stdout)
    assert all(line.endswith(("| PASS |", "| MISS |", "| - |")) for line in table[2:])
    written = list((tmp_path / "bench" / "results").glob("bench-10000-*.json"))
    assert len(written) == 1
    saved = json.loads(written[0].read_text())
    assert len(saved["verdicts"]) == len(ROWS)


def _result(path: Path, customers: int, medians: dict[str, float], rss: float) -> str:
    work = {item: {"median_ms": medians.get(item, 10.0)} for item in bench.GROWTH_ITEMS}
    path.write_text(json.dumps({"customers": customers, "work": work, "peak_rss_mb": rss}))
    return str(path)


def test_growth_is_reported_per_10x_customers_and_passes_at_most_linear(tmp_path):
    smaller = _result(tmp_path / "a.json", 100_000, {"bill_run": 100.0, "aging": 10.0}, 1500)
    larger = _result(tmp_path / "b.json", 1_000_000, {"bill_run": 900.0, "aging": 150.0}, 9000)
    rows = {row[0]: row for row in bench.growth(smaller, larger)}
    assert rows["bill_run"][3:] == ("9.0x", "PASS")
    assert rows["aging"][3:] == ("15.0x", "MISS")
    assert rows["whatif"][3:] == ("1.0x", "PASS")
    assert rows["peak RSS"][4] == "MISS"  # over 8 GB


def test_growth_over_two_decades_is_per_decade(tmp_path):
    smaller = _result(tmp_path / "a.json", 10_000, {"dunning_day": 10.0}, 100)
    larger = _result(tmp_path / "b.json", 1_000_000, {"dunning_day": 1000.0}, 100)
    rows = {row[0]: row for row in bench.growth(smaller, larger)}
    assert rows["dunning_day"][3] == "10.0x"


def test_growth_refuses_results_in_the_wrong_order_or_not_of_the_bench(tmp_path):
    smaller = _result(tmp_path / "a.json", 100_000, {}, 1)
    larger = _result(tmp_path / "b.json", 1_000_000, {}, 1)
    (tmp_path / "c.json").write_text("{}")
    with pytest.raises(BobError, match="not more than"):
        bench.growth(larger, smaller)
    with pytest.raises(BobError, match="is not a result of the bench"):
        bench.growth(smaller, str(tmp_path / "c.json"))
