"""The benchmark harness must keep working: `bench --quick` completes and reports every row.
Timings are not asserted here; the harness itself compares them with the targets."""

import json
import subprocess
import sys
from pathlib import Path

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
