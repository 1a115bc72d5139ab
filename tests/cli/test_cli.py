"""The command line as cron and scripts use it: JSON on success, one line and exit 2 on
bad input, nothing written then. Each command runs on the business date BOB_TODAY (AS_OF
unless a test rehearses another day)."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AS_OF = "2026-11-25"
ACCOUNTS = {
    "partners": [
        {"id": "P1", "name": "Acme Telecom", "country": "US", "email": "billing@acme.example"},
        {"id": "P2", "name": "Maple Voice", "country": "CA", "email": "ar@maple.example"},
    ],
    "customers": [
        {"id": "C1", "partner_id": "P1", "name": "Bolt Dental", "state": "CA"},
        {"id": "C2", "partner_id": "P2", "name": "Nord Clinic", "state": "NY"},
    ],
    "subscriptions": [
        {"id": "S1", "customer_id": "C1", "product": "UC Business seat", "quantity": 4,
         "price": "25.00"},
        {"id": "S2", "customer_id": "C1", "product": "Fax to email", "quantity": 1,
         "price": "9.90"},
        {"id": "S3", "customer_id": "C2", "product": "UC Business seat", "quantity": 2,
         "price": "25.00"},
    ],
}


def bob(db: Path, *args: str, today: str = AS_OF,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bob", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "BOB_TODAY": today, **(env or {})})


def table_counts(db: Path) -> dict:
    result = bob(db, "report", "invoices", "--as-of", "2030-01-01", "--format", "json")
    payments = bob(db, "report", "payments", "--as-of", "2030-01-01", "--format", "json")
    return {"invoices": len(json.loads(result.stdout)),
            "payments": len(json.loads(payments.stdout))}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "bob.duckdb"
    source = tmp_path / "accounts.json"
    source.write_text(json.dumps(ACCOUNTS))
    assert bob(path, "import", str(source)).returncode == 0
    return path


@pytest.fixture
def billed(db: Path) -> Path:
    activated = bob(db, "activate", "--customer", "C1", "--start", "2026-12-01", "--email",
                    "ap@bolt.example", "--change", "S2=2026-12-16:5.00", "--as-of", AS_OF)
    assert activated.returncode == 0
    assert bob(db, "bill-run", "--month", "2026-12", "--as-of", AS_OF).returncode == 0
    return db


def assert_refused(result: subprocess.CompletedProcess, words: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0]
    assert "Traceback" not in result.stderr


def test_activate_prints_the_activation_as_json(db):
    result = bob(db, "activate", "--customer", "C1", "--start", "2026-12-01", "--email",
                 "AP@Bolt.example", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    activation = json.loads(result.stdout)
    assert activation["start_date"] == "2026-12-01"
    assert {s["subscription_id"] for s in activation["subscriptions"]} == {"S1", "S2"}


def test_start_in_the_current_month_is_refused_in_one_line(db):
    result = bob(db, "activate", "--customer", "C1", "--start", "2026-11-30", "--email",
                 "ap@bolt.example", "--as-of", AS_OF)
    assert_refused(result, "1 December 2026 at the earliest")
    again = bob(db, "activate", "--customer", "C1", "--start", "2026-12-01", "--email",
                "ap@bolt.example", "--as-of", AS_OF)
    assert again.returncode == 0, "the refused activation must have written nothing"


def test_a_store_held_by_another_process_past_the_lock_wait_is_busy_in_one_line(db, held_store):
    activation = ("activate", "--customer", "C1", "--start", "2026-12-01", "--email",
                  "ap@bolt.example", "--as-of", AS_OF)
    release = held_store(db)
    result = bob(db, *activation, env={"BOB_LOCK_WAIT_SECONDS": "0.5"})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("error: The store is busy (another BoB process is writing); "
                             "try again.\n")
    release()
    assert bob(db, *activation).returncode == 0, "the busy activation must have written nothing"


def test_non_us_partner_is_refused(db):
    result = bob(db, "activate", "--customer", "C2", "--start", "2026-12-01", "--email",
                 "x@nord.example", "--as-of", AS_OF)
    assert_refused(result, "US partners only")


def test_bill_run_prints_counts_and_rerun_issues_nothing(billed):
    again = bob(billed, "bill-run", "--month", "2026-12", "--as-of", AS_OF)
    assert json.loads(again.stdout)["invoices"] == 0
    rows = json.loads(bob(billed, "report", "invoices", "--as-of", AS_OF,
                          "--format", "json").stdout)
    assert len(rows) == 1
    # 4 x 25.00 + 5.00 x 16/31 = 100.00 + 2.58; CA tax 7.25% on 102.58 = 7.44
    assert rows[0]["amount"] == "102.58"
    assert rows[0]["tax"] == "7.44"
    assert rows[0]["total"] == "110.02"


def test_pay_allocates_and_report_csv_shows_the_invoice_paid(billed):
    result = bob(billed, "pay", "--customer", "C1", "--amount", "120.02", "--method", "ach",
                 "--date", AS_OF, "--reference", "wire 991", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    payment = json.loads(result.stdout)
    assert payment["allocations"] == [{"invoice_number": 1, "amount": "110.02",
                                       "applied_on": AS_OF}]
    assert payment["balance"] == "10.00"
    rows = list(csv.DictReader(io.StringIO(
        bob(billed, "report", "invoices", "--as-of", AS_OF).stdout)))
    assert rows[0]["status"] == "Invoice Paid"


@pytest.mark.parametrize("args, words", [
    (["--amount", "0", "--method", "ach", "--date", AS_OF], "more than zero"),
    (["--amount", "12.345", "--method", "ach", "--date", AS_OF], "two decimals"),
    (["--amount", "abc", "--method", "ach", "--date", AS_OF], "must be a number"),
    (["--amount", "1e20", "--method", "ach", "--date", AS_OF], "must be a number"),
    (["--amount", "100000000000000000000", "--method", "ach", "--date", AS_OF], "too large"),
    (["--amount", "10", "--method", "bitcoin", "--date", AS_OF], "is not one of"),
    (["--amount", "10", "--method", "ach", "--date", "2026-11-26"], "in the future"),
    (["--amount", "10", "--method", "ach", "--date", AS_OF, "--invoice", "99"],
     "not an open invoice"),
])
def test_bad_payment_is_refused_and_writes_nothing(billed, args, words):
    before = table_counts(billed)
    result = bob(billed, "pay", "--customer", "C1", *args, "--as-of", AS_OF)
    assert_refused(result, words)
    assert table_counts(billed) == before


def test_cancel_prints_the_cancellation_invoice(billed):
    result = bob(billed, "cancel", "1", "--as-of", AS_OF)
    assert json.loads(result.stdout) == {"canceled": 1, "cancellation_invoice": 2,
                                         "service_restored": False}
    rows = json.loads(bob(billed, "report", "invoices", "--as-of", AS_OF,
                          "--format", "json").stdout)
    statuses = {row["number"]: row["status"] for row in rows}
    assert statuses == {1: "Invoice Canceled", 2: "Cancellation Invoice"}


def test_canceling_a_paid_invoice_is_refused(billed):
    bob(billed, "pay", "--customer", "C1", "--amount", "10", "--method", "card",
        "--date", AS_OF, "--as-of", AS_OF)
    assert_refused(bob(billed, "cancel", "1", "--as-of", AS_OF), "release its payments first")


def test_dunning_dry_run_writes_nothing_and_the_real_run_sends_once(billed):
    day_5 = "2026-12-30"  # due 25 December + 5 days
    dry = json.loads(bob(billed, "dunning", "--as-of", day_5, "--dry-run", today=day_5).stdout)
    assert dry["notices_sent"] == 1
    first = json.loads(bob(billed, "dunning", "--as-of", day_5, today=day_5).stdout)
    second = json.loads(bob(billed, "dunning", "--as-of", day_5, today=day_5).stdout)
    assert (first["notices_sent"], second["notices_sent"]) == (1, 0)


def test_a_change_dated_after_today_is_refused_and_writes_nothing(billed):
    before = table_counts(billed)
    assert_refused(bob(billed, "cancel", "1", "--as-of", "2026-11-26"), "is after today")
    assert_refused(bob(billed, "dunning", "--as-of", "2026-12-30"), "is after today")
    assert table_counts(billed) == before


def whatif_stages(db, as_of: str, *, today: str) -> list[tuple]:
    rows = json.loads(bob(db, "report", "whatif", "--as-of", as_of, "--format", "json",
                          today=today).stdout)
    return [(r["invoice_number"], r["stage"], r["service_stops_on"]) for r in rows]


def test_whatif_report_prints_stage_and_stop_date_of_daily_runs(billed):
    # Invoice 1 falls due on 25 December 2026; the job runs from the day after.
    day = "2026-12-26"
    assert bob(billed, "dunning", "--as-of", day, today=day).returncode == 0
    assert whatif_stages(billed, "2027-01-29", today=day) == [(1, "stop_35", "2027-01-29")]


def test_whatif_before_the_job_ever_ran_has_the_first_run_catch_up(billed):
    # Read on 29 January with the job never run: its first run, that day, sends the warning,
    # so the stop follows 5 days later.
    assert whatif_stages(billed, "2027-01-29", today="2027-01-29") == [
        (1, "warning_30", "2027-02-03")]


def test_aging_report_as_csv_has_a_header_and_buckets(billed):
    rows = list(csv.DictReader(io.StringIO(
        bob(billed, "report", "aging", "--as-of", "2027-01-10").stdout)))
    assert [(r["bucket"], r["stage"], r["invoices"]) for r in rows] == [
        ("1-30", "reminder_15", "1")]


def test_unknown_command_is_one_line(db):
    assert_refused(bob(db, "bogus"), "invalid choice")


def test_import_of_a_broken_file_writes_nothing(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"partners": [{"id": "P9", "name": "X", "country": "US",
                                                "email": "x@x.example"}],
                                  "customers": [{"id": "C9", "partner_id": "P404",
                                                 "name": "Y", "state": "TX"}]}))
    assert_refused(bob(db, "import", str(broken)), "unknown partners")
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps({"partners": [{"id": "P9", "name": "X", "country": "US",
                                            "email": "x@x.example"}]}))
    assert bob(db, "import", str(ok)).returncode == 0, "P9 must not have been written before"


def test_import_of_a_partner_email_that_needs_smtputf8_is_refused_and_writes_nothing(
        db, tmp_path):
    partner = {"id": "P9", "name": "X", "country": "US", "email": "jörg@exämple.com"}
    unsendable = tmp_path / "unsendable.json"
    unsendable.write_text(json.dumps({"partners": [partner]}))
    assert_refused(bob(db, "import", str(unsendable)),
                   "'jörg@exämple.com' cannot receive BoB's emails")
    sendable = tmp_path / "sendable.json"
    sendable.write_text(json.dumps({"partners": [{**partner, "email": "jorg@exämple.com"}]}))
    assert bob(db, "import", str(sendable)).returncode == 0, "P9 must not have been written before"


def test_import_of_a_quantity_too_large_to_bill_is_refused_and_writes_nothing(db, tmp_path):
    oversized = tmp_path / "oversized.json"
    oversized.write_text(json.dumps({
        "partners": [{"id": "P9", "name": "X", "country": "US", "email": "x@x.example"}],
        "customers": [{"id": "C9", "partner_id": "P9", "name": "Y", "state": "TX"}],
        "subscriptions": [{"id": "S9", "customer_id": "C9", "product": "Seats",
                           "quantity": 2_000_000, "price": "10.00"}]}))
    assert_refused(bob(db, "import", str(oversized)), "from 1 to 1,000,000")
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps({"partners": [{"id": "P9", "name": "X", "country": "US",
                                            "email": "x@x.example"}]}))
    assert bob(db, "import", str(ok)).returncode == 0, "P9 must not have been written before"


def strict_json(text: str):
    """What a strict parser accepts: no NaN, no Infinity."""
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


def test_report_notices_as_json_has_integer_invoice_numbers_and_null_for_none(billed):
    # Warned on day 36 (invoice 1 due 31 December), stopped 5 days later, then paid and
    # restored: the restored row names no invoice.
    for day in ("2027-02-05", "2027-02-10"):
        assert bob(billed, "dunning", "--as-of", day, today=day).returncode == 0
    assert bob(billed, "pay", "--customer", "C1", "--amount", "110.02", "--method", "ach",
               "--date", "2027-02-10", today="2027-02-10").returncode == 0
    assert bob(billed, "dunning", today="2027-02-11").returncode == 0
    result = bob(billed, "report", "notices", "--as-of", "2027-02-11", "--format", "json",
                 today="2027-02-11")
    rows = strict_json(result.stdout)
    assert {row["kind"] for row in rows} >= {"invoice_issued", "service_restored"}
    assert {row["invoice_number"] for row in rows if row["kind"] == "service_restored"} == {None}
    assert {type(row["invoice_number"]) for row in rows if row["kind"] != "service_restored"} \
        == {int}

