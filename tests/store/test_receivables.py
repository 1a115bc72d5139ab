"""Receivables: the day each invoice closed for good, kept in step with the ledger by every
write, so "what is open on this date?" skips what is settled. Acme's December invoice is
64.35, issued 1 December 2026 and due 31 December."""

from datetime import date

import bob
from bob import store
from tests.conftest import change


def closed_on(scenario, number: int) -> date | None:
    return scenario.value("SELECT closed_on FROM receivables WHERE invoice_number = ?", [number])


def open_balance(scenario, number: int, day: date):
    """The invoice's balance in open_invoices on `day`, or None when it is not open."""
    rows = scenario.rows("SELECT balance FROM open_invoices(?) WHERE invoice_number = ?",
                         [day, number])
    return rows[0]["balance"] if rows else None


def test_an_issued_invoice_is_open_and_not_closed(scenario, december_invoice):
    assert closed_on(scenario, december_invoice) is None
    assert str(open_balance(scenario, december_invoice, date(2026, 12, 1))) == "64.35"
    assert open_balance(scenario, december_invoice, date(2026, 11, 30)) is None  # not issued


def test_an_invoice_paid_in_full_is_closed_from_the_day_the_payment_applies(
        scenario, december_invoice):
    scenario.pay("64.35", on=date(2026, 12, 10))
    assert closed_on(scenario, december_invoice) == date(2026, 12, 10)
    assert str(open_balance(scenario, december_invoice, date(2026, 12, 9))) == "64.35"
    assert open_balance(scenario, december_invoice, date(2026, 12, 10)) is None


def test_a_partial_payment_leaves_it_open_with_the_rest(scenario, december_invoice):
    scenario.pay("30.00", on=date(2026, 12, 10))
    assert closed_on(scenario, december_invoice) is None
    assert str(open_balance(scenario, december_invoice, date(2027, 1, 5))) == "34.35"


def test_a_payment_received_earlier_but_recorded_later_counts_from_its_receipt_date(
        scenario, december_invoice):
    scenario.pay("30.00", on=date(2026, 12, 20))
    scenario.pay("34.35", on=date(2026, 12, 5), as_of=date(2026, 12, 21))
    # Paid in full once both had arrived: on 20 December, the later receipt.
    assert closed_on(scenario, december_invoice) == date(2026, 12, 20)
    assert str(open_balance(scenario, december_invoice, date(2026, 12, 6))) == "30.00"


def test_releasing_its_payments_reopens_it_from_the_release_day(scenario, december_invoice):
    scenario.pay("64.35", on=date(2026, 12, 10))
    change(scenario.db, bob.release_payments, december_invoice, today=date(2026, 12, 15))
    assert closed_on(scenario, december_invoice) is None
    assert open_balance(scenario, december_invoice, date(2026, 12, 12)) is None
    assert str(open_balance(scenario, december_invoice, date(2026, 12, 15))) == "64.35"


def test_a_canceled_invoice_is_closed_from_the_cancellation_day(scenario, december_invoice):
    cancellation = scenario.cancel(december_invoice, as_of=date(2026, 12, 12))
    assert closed_on(scenario, december_invoice) == date(2026, 12, 12)
    assert closed_on(scenario, cancellation) == date(2026, 12, 12)  # never owed
    assert str(open_balance(scenario, december_invoice, date(2026, 12, 11))) == "64.35"
    assert open_balance(scenario, december_invoice, date(2026, 12, 12)) is None


def test_a_store_from_before_receivables_gets_them_when_it_is_opened(scenario, december_invoice):
    scenario.pay("30.00", on=date(2026, 12, 10))
    scenario.cancel(scenario.activate_and_bill("C-GLOBEX"), as_of=date(2026, 12, 3))
    before = scenario.rows("SELECT * FROM receivables ORDER BY invoice_number")

    def back_to_version_1(con):
        # Migration 8 rebuilt invoices and outbox with more columns: back to the first shape.
        invoices = ("number, customer_id, kind, billing_month, cancels, issue_date, due_date, "
                    "amount, tax_rate, tax, total, billing_email")
        outbox = ("id, message_id, kind, stage, created_on, recipient, recipient_role, "
                  "customer_id, customer_name, partner_name, invoice_number, invoice_total, "
                  "invoice_balance, issue_date, due_date, days_overdue, stop_date")
        con.execute("DROP MACRO TABLE open_invoices; DROP TABLE receivables; "
                    "DROP TABLE receivables_synced; DROP TABLE dunning_runs; "
                    "DROP TABLE delivery_claims; DROP TABLE users; DROP TABLE payment_balances; "
                    "DROP TABLE payment_balances_synced; "
                    f"CREATE TABLE invoices_v1 AS SELECT {invoices} FROM invoices; "
                    "DROP TABLE invoices; ALTER TABLE invoices_v1 RENAME TO invoices; "
                    f"CREATE TABLE outbox_v1 AS SELECT {outbox} FROM outbox; "
                    "DROP TABLE outbox; ALTER TABLE outbox_v1 RENAME TO outbox; "
                    "DELETE FROM schema_version WHERE version >= 2")
    store.read(scenario.db, back_to_version_1)  # the next connection migrates again
    assert scenario.rows("SELECT * FROM receivables ORDER BY invoice_number") == before
