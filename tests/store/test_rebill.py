"""Rebill: cancel an invoice (unless canceled already) and issue its replacement for the same
customer and month, at the current or changed terms, linked both ways; one live invoice per
customer and month."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest

import bob
from bob.errors import BobError
from tests.conftest import ACME, ACME_SEATS, DECEMBER, LEDGER_TABLES

REBILL_DAY = date(2026, 12, 5)
CHEAPER_SEATS = bob.SubscriptionChange(ACME_SEATS, DECEMBER, Decimal("5.00"))


def live_invoices(scenario, month=DECEMBER) -> list[int]:
    return [row["number"] for row in scenario.rows(
        "SELECT number FROM invoices v WHERE customer_id = ? AND billing_month = ? "
        "AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.cancels = v.number)", [ACME, month])]


def test_a_rebill_cancels_the_invoice_with_a_cancellation_invoice(scenario, december_invoice):
    result = scenario.rebill(december_invoice, as_of=REBILL_DAY)
    assert scenario.status(december_invoice, REBILL_DAY) == "Invoice Canceled"
    assert scenario.invoice(result["cancellation_invoice"], REBILL_DAY)["cancels"] == 1


def test_the_replacement_bills_the_same_customer_and_month(scenario, december_invoice):
    replacement = scenario.rebill(december_invoice, as_of=REBILL_DAY)["replacement"]
    head = scenario.invoice(replacement, REBILL_DAY)
    assert (head["customer_id"], head["billing_month"]) == (ACME, DECEMBER)


def test_the_replacement_takes_the_next_gapless_number(scenario, december_invoice):
    result = scenario.rebill(december_invoice, as_of=REBILL_DAY)
    assert (result["cancellation_invoice"], result["replacement"]) == (2, 3)


def test_replacement_and_original_are_linked_both_ways(scenario, december_invoice):
    replacement = scenario.rebill(december_invoice, as_of=REBILL_DAY)["replacement"]
    assert scenario.invoice(replacement, REBILL_DAY)["replaces"] == december_invoice
    assert scenario.invoice(december_invoice, REBILL_DAY)["replaced_by"] == replacement


def test_a_customer_keeps_one_live_invoice_for_the_month(scenario, december_invoice):
    replacement = scenario.rebill(december_invoice, as_of=REBILL_DAY)["replacement"]
    assert live_invoices(scenario) == [replacement]


def test_the_replacement_is_billed_at_the_changed_terms(scenario, december_invoice):
    replacement = scenario.rebill(december_invoice, as_of=REBILL_DAY,
                                  changes=(CHEAPER_SEATS,))["replacement"]
    seats = scenario.lines(replacement).set_index("subscription_id").loc[ACME_SEATS]
    assert seats["unit_price"] == Decimal("5.00")


def test_changed_terms_are_saved_and_audited_with_before_and_after(scenario, december_invoice):
    scenario.rebill(december_invoice, as_of=REBILL_DAY, changes=(CHEAPER_SEATS,))
    details = scenario.value("SELECT details FROM audit_log WHERE action = 'set-terms'")
    assert "price 10.00 -> 5.00" in details


def test_an_already_canceled_invoice_is_replaced_without_a_second_cancellation(
        scenario, december_invoice):
    cancellation = scenario.cancel(december_invoice, as_of=REBILL_DAY)
    result = scenario.rebill(december_invoice, as_of=REBILL_DAY)
    assert result["cancellation_invoice"] == cancellation
    assert scenario.value("SELECT count(*) FROM invoices WHERE kind = 'cancellation'") == 1


def test_a_replaced_invoice_cannot_be_rebilled_again(scenario, december_invoice):
    replacement = scenario.rebill(december_invoice, as_of=REBILL_DAY)["replacement"]
    with pytest.raises(BobError, match=f"already replaced by invoice {replacement}"):
        scenario.rebill(december_invoice, as_of=REBILL_DAY)


def test_a_replacement_can_itself_be_rebilled(scenario, december_invoice):
    first = scenario.rebill(december_invoice, as_of=REBILL_DAY)["replacement"]
    second = scenario.rebill(first, as_of=REBILL_DAY)["replacement"]
    assert live_invoices(scenario) == [second]


def test_a_paid_invoice_is_refused_and_nothing_is_written(scenario, december_invoice):
    scenario.pay("10.00", on=REBILL_DAY)
    before = scenario.counts()
    with pytest.raises(BobError, match="release its payments first"):
        scenario.rebill(december_invoice, as_of=REBILL_DAY)
    assert scenario.counts() == before


def test_a_change_to_another_customers_subscription_is_refused(scenario, december_invoice):
    other = bob.SubscriptionChange("S-GLOBEX-SEATS", DECEMBER, Decimal("1.00"))
    with pytest.raises(BobError, match="not one of Acme Corp's"):
        scenario.rebill(december_invoice, as_of=REBILL_DAY, changes=(other,))


def test_a_rerun_of_the_month_after_a_rebill_issues_nothing(scenario, december_invoice):
    scenario.rebill(december_invoice, as_of=REBILL_DAY)
    assert scenario.bill(DECEMBER, as_of=REBILL_DAY)["invoices"] == 0


def test_the_store_refuses_a_second_invoice_of_the_same_revision(scenario, december_invoice):
    scenario.rebill(december_invoice, as_of=REBILL_DAY)
    con = duckdb.connect(str(scenario.db))
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO invoices SELECT number + 10, customer_id, kind, billing_month, "
                    "NULL, issue_date, due_date, amount, tax_rate, tax, total, billing_email, "
                    "NULL, 0 FROM invoices WHERE number = 1")
    con.close()


def test_the_customer_and_the_partner_are_told_naming_both_invoices(scenario, december_invoice):
    result = scenario.rebill(december_invoice, as_of=REBILL_DAY)
    told = scenario.outbox("invoice_rebilled")
    assert sorted(row["recipient_role"] for row in told) == ["customer", "partner"]
    assert {(row["cancellation_number"], row["replacement_number"]) for row in told} == {
        (result["cancellation_invoice"], result["replacement"])}


def test_a_rebill_preview_writes_nothing(scenario, december_invoice):
    before = scenario.counts(LEDGER_TABLES)
    with bob.unit_of_work(scenario.db, actor="test", today=REBILL_DAY, preview=True) as uow:
        bob.rebill(uow, december_invoice, (CHEAPER_SEATS,))
    assert scenario.counts(LEDGER_TABLES) == before
