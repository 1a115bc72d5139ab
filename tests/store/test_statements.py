"""The statement of account agrees with the ledger: Acme is billed December (paid in part),
January and February; February is canceled, then an overpayment settles the rest and leaves
a credit."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

import bob
from bob import reports
from bob.statements import statement, statement_file
from tests.conftest import ACME, DECEMBER, with_december_invoice
from tests.store.test_documents import pdf_text

JANUARY, FEBRUARY = date(2027, 1, 1), date(2027, 2, 1)
CANCELED_ON, OVERPAID_ON = date(2027, 2, 3), date(2027, 2, 5)


def with_a_season(scenario) -> None:
    with_december_invoice(scenario)
    scenario.pay("20.00", on=date(2026, 12, 10))
    scenario.bill(JANUARY)
    scenario.bill(FEBRUARY)
    scenario.cancel(scenario.invoice_number(ACME, FEBRUARY), as_of=CANCELED_ON)
    scenario.pay("200.00", on=OVERPAID_ON)


@pytest.fixture
def season(scenario, prebuilt):
    return prebuilt(with_a_season, scenario.db)


def open_balance(db, as_of: date) -> Decimal:
    """The ledger's own figure: every invoice's balance, cancellations included."""
    return sum(bob.ledger(db, as_of=as_of, customer_ids=[ACME])["balance"], Decimal(0))


def unapplied(db, as_of: date) -> Decimal:
    payments = reports.payments(db, as_of=as_of)
    return sum(payments[payments["customer_id"] == ACME]["balance"], Decimal(0))


def test_opening_balance_is_the_ledger_balance_the_day_before(season):
    account = statement(season.db, ACME, start=JANUARY, end=date(2027, 2, 20))
    assert account.opening_balance == open_balance(season.db, date(2026, 12, 31)) == Decimal(
        "44.35")
    assert account.opening_credit == 0


def test_closing_balance_and_credit_are_the_ledgers_on_the_last_day(season):
    end = date(2027, 2, 20)
    account = statement(season.db, ACME, start=JANUARY, end=end)
    assert account.closing_balance == open_balance(season.db, end) == 0
    assert account.closing_credit == unapplied(season.db, end) == Decimal("91.30")


def test_closing_is_opening_plus_invoices_less_allocations(season):
    account = statement(season.db, ACME, start=DECEMBER, end=date(2027, 2, 20))
    charges = sum(e.charges for e in account.entries if e.charges is not None)
    applied = sum(e.applied for e in account.entries if e.applied is not None)
    assert account.closing_balance == account.opening_balance + charges - applied


def test_each_entry_carries_the_running_balance_and_credit(season):
    account = statement(season.db, ACME, start=DECEMBER, end=date(2027, 2, 20))
    balance, credit = account.opening_balance, account.opening_credit
    for entry in account.entries:
        balance += (entry.charges or 0) - (entry.applied or 0)
        credit += (entry.received or 0) - (entry.applied or 0)
        assert (entry.balance, entry.credit) == (balance, credit)


def test_entries_are_in_date_order_with_the_cancellation_negative(season):
    account = statement(season.db, ACME, start=JANUARY, end=date(2027, 2, 20))
    assert [(e.on_date, e.entry, e.charges) for e in account.entries[:3]] == [
        (JANUARY, "Invoice", Decimal("64.35")),
        (FEBRUARY, "Invoice", Decimal("64.35")),
        (CANCELED_ON, "Cancellation Invoice", Decimal("-64.35"))]


def test_the_overpayment_and_each_of_its_allocations_are_listed(season):
    account = statement(season.db, ACME, start=JANUARY, end=date(2027, 2, 20))
    december = season.invoice_number(ACME, DECEMBER)
    january = season.invoice_number(ACME, JANUARY)
    assert [(e.entry, e.details, e.received or e.applied) for e in account.entries[3:]] == [
        ("Payment received", "ACH REF-1", Decimal("200.00")),
        ("Payment applied", f"to invoice {december}", Decimal("44.35")),
        ("Payment applied", f"to invoice {january}", Decimal("64.35"))]


def test_aging_splits_what_is_open_on_the_last_day_and_adds_up_to_the_balance(season):
    end = date(2027, 1, 20)  # December's 44.35 is 20 days overdue, January's is not due
    account = statement(season.db, ACME, start=DECEMBER, end=end)
    assert account.aging == {"current": Decimal("64.35"), "1-30": Decimal("44.35"),
                             "31-60": 0, "61-90": 0, "90+": 0}
    assert sum(account.aging.values()) == account.closing_balance == open_balance(season.db, end)


def test_a_period_without_entries_opens_and_closes_alike(season):
    account = statement(season.db, ACME, start=date(2027, 3, 2), end=date(2027, 3, 20))
    assert account.entries == ()
    assert (account.opening_balance, account.opening_credit) == (
        account.closing_balance, account.closing_credit) == (0, Decimal("91.30"))


def test_csv_opens_lists_and_closes_with_the_ledger_figures(season):
    end = date(2027, 2, 20)
    data = statement_file(season.db, ACME, start=JANUARY, end=end, fmt="csv")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert rows[0]["entry"] == "Opening balance"
    assert (rows[0]["on_date"], rows[0]["balance"]) == (str(JANUARY - timedelta(days=1)), "44.35")
    closing = next(r for r in rows if r["entry"] == "Closing balance")
    assert (closing["balance"], closing["credit"]) == ("0.00", "91.30")
    assert [r["details"] for r in rows if r["entry"] == "Open by age"] == [
        "Current", "1-30 days", "31-60 days", "61-90 days", "90+ days"]


def test_pdf_shows_the_closing_balance_credit_and_aging(season):
    data = statement_file(season.db, ACME, start=DECEMBER, end=date(2027, 1, 20))
    text = pdf_text(data)
    assert text.startswith("Statement of account Acme Corp")
    assert "Closing balance on 20 January 2027 $108.70" in text
    assert "Unapplied credit $0.00" in text
    assert "$64.35 $44.35 $0.00 $0.00 $0.00 $108.70" in text  # the aging row, then its total


def test_a_period_ending_before_it_starts_is_refused(season):
    with pytest.raises(bob.BobError, match="FROM date .* is after its TO date"):
        statement(season.db, ACME, start=FEBRUARY, end=JANUARY)


def test_an_unknown_customer_is_refused(season):
    with pytest.raises(bob.BobError, match="There is no customer 'C-NOBODY'"):
        statement(season.db, "C-NOBODY", start=JANUARY, end=FEBRUARY)


def test_an_unknown_format_is_refused(season):
    with pytest.raises(bob.BobError, match="written as pdf or csv, not 'xls'"):
        statement_file(season.db, ACME, start=JANUARY, end=FEBRUARY, fmt="xls")
