"""pdf, statement and audit on the command line: a file written (or rows printed) on success;
bad input exits 2 with one line and writes no file."""

import csv
import io
import json

import pytest

from tests.cli.test_cli import assert_refused, bob
from tests.store.test_documents import pdf_text


def test_pdf_writes_the_invoice(billed, tmp_path):
    target = tmp_path / "invoice-1.pdf"
    result = bob(billed, "pdf", "1", "-o", str(target), "--as-of", "2027-01-05")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"file": str(target), "bytes": target.stat().st_size}
    invoice = json.loads(bob(billed, "report", "invoices", "--as-of", "2027-01-05",
                             "--format", "json").stdout)[0]
    text = pdf_text(target.read_bytes())
    assert text.startswith("Invoice 1 Billed on behalf of Acme Telecom")
    assert f"Balance on 5 January 2027 ${invoice['balance']}" in text
    assert "Status on 5 January 2027 Overdue" in text


def test_statement_writes_csv_or_pdf(billed, tmp_path):
    for fmt in ("csv", "pdf"):
        target = tmp_path / f"statement.{fmt}"
        result = bob(billed, "statement", "--customer", "C1", "--from", "2026-11-01", "--to",
                     "2026-12-31", "--format", fmt, "-o", str(target))
        assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "statement.csv").read_text())))
    assert [r["entry"] for r in rows[:3]] == ["Opening balance", "Invoice", "Closing balance"]
    assert "Statement of account Bolt Dental" in pdf_text((tmp_path / "statement.pdf")
                                                          .read_bytes())


def test_audit_prints_the_trail_newest_first(billed):
    result = bob(billed, "audit", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["action"] for r in rows] == ["bill-run", "activate", "import"]


def test_audit_filters_by_entity_and_actor(billed):
    result = bob(billed, "--actor", "carol", "set-email", "--customer", "C1", "--email",
                 "new@bolt.example")
    assert result.returncode == 0, result.stderr
    listed = bob(billed, "audit", "--entity", "customer:C1", "--by", "carol")
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["actor"], r["action"]) for r in rows] == [("carol", "set-email")]


@pytest.mark.parametrize(("args", "words"), [
    (("pdf", "99", "-o", "{out}"), "There is no invoice 99"),
    (("statement", "--customer", "C-NOBODY", "--from", "2026-12-01", "--to", "2026-12-31",
      "-o", "{out}"), "There is no customer 'C-NOBODY'"),
    (("statement", "--customer", "C1", "--from", "2027-01-01", "--to", "2026-12-31",
      "-o", "{out}"), "is after its TO date"),
    (("statement", "--customer", "C1", "--from", "2026-12-01", "--to", "2026-12-31",
      "--format", "xls", "-o", "{out}"), "invalid choice: 'xls'"),
    (("audit", "--format", "xml"), "invalid choice: 'xml'"),
    (("audit", "--since", "yesterday"), "must be a date like"),
])
def test_bad_input_exits_2_and_writes_no_file(billed, tmp_path, args, words):
    out = tmp_path / "out.file"
    assert_refused(bob(billed, *(a.format(out=out) for a in args)), words)
    assert not out.exists()


@pytest.mark.parametrize("command", [
    ("pdf", "1"),
    ("statement", "--customer", "C1", "--from", "2026-12-01", "--to", "2026-12-31"),
])
def test_an_unwritable_output_path_is_refused(billed, tmp_path, command):
    out = tmp_path / "no-such-folder" / "out.pdf"
    assert_refused(bob(billed, *command, "-o", str(out)), f"Cannot write {out}")
    assert not out.parent.exists()
