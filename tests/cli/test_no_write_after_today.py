"""No write after today: every command that changes data refuses a date after the business
date (BOB_TODAY) in one line, exit 2, and the store is unchanged."""

import hashlib

import pytest

from bob import store
from bob.cli import main
from tests.conftest import LEDGER_TABLES, with_december_invoice

TODAY = "2027-01-10"
TOMORROW, NEXT_YEAR = "2027-01-11", "2028-01-10"

COMMANDS = {
    "bill-run": ["bill-run", "--month", "2027-02", "--as-of", "{day}"],
    "pay --date": ["pay", "--customer", "C-ACME", "--amount", "10.00", "--method", "ACH",
                   "--date", "{day}"],
    "pay --as-of": ["pay", "--customer", "C-ACME", "--amount", "10.00", "--method", "ACH",
                    "--date", TODAY, "--as-of", "{day}"],
    "cancel": ["cancel", "1", "--as-of", "{day}"],
    "release": ["release", "1", "--as-of", "{day}"],
    "dunning": ["dunning", "--as-of", "{day}"],
    "activate": ["activate", "--customer", "C-GLOBEX", "--start", "2027-03-01", "--email",
                 "ap@globex.example", "--as-of", "{day}"],
}


def fingerprint(db) -> str:
    def work(con):
        digest = hashlib.sha256()
        for table in (*LEDGER_TABLES, "dunning_runs", "settings", "tax_rates"):
            digest.update(repr(con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall())
                          .encode())
        return digest.hexdigest()
    return store.read(db, work)


@pytest.mark.parametrize("day", (TOMORROW, NEXT_YEAR))
@pytest.mark.parametrize("command", COMMANDS)
def test_a_change_dated_after_today_is_refused_and_writes_nothing(prebuilt, tmp_path,
                                                                 monkeypatch, capsys,
                                                                 command, day):
    db = prebuilt(with_december_invoice, tmp_path / "bob.duckdb").db
    monkeypatch.setenv("BOB_TODAY", TODAY)
    before = fingerprint(db)
    argv = ["--db", str(db), *[part.format(day=day) for part in COMMANDS[command]]]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "after today" in err or "in the future" in err
    assert fingerprint(db) == before


def test_a_bad_business_date_is_one_line_and_exit_2(prebuilt, tmp_path, monkeypatch, capsys):
    db = prebuilt(with_december_invoice, tmp_path / "bob.duckdb").db
    monkeypatch.setenv("BOB_TODAY", "tomorrow")
    assert main(["--db", str(db), "dunning"]) == 2
    assert "BOB_TODAY" in capsys.readouterr().err


def test_the_daily_job_runs_on_the_business_date_by_default(prebuilt, tmp_path, monkeypatch,
                                                           capsys):
    db = prebuilt(with_december_invoice, tmp_path / "bob.duckdb").db
    monkeypatch.setenv("BOB_TODAY", TODAY)
    assert main(["--db", str(db), "dunning"]) == 0
    assert '"as_of": "2027-01-10"' in capsys.readouterr().out
