"""Cancellation (a storno): a new invoice mirroring every line with negated amounts, linked to
the original. Paid or partly paid invoices cannot be canceled until their payments are released."""

from datetime import date
from decimal import Decimal

import pytest

import bob
from bob.errors import BobError
from tests.conftest import ACME, ACME_STORAGE, DECEMBER, GLOBEX, change

CANCEL_DAY = date(2026, 12, 5)
MIRRORED = ["subscription_id", "description", "quantity", "period_start", "period_end", "days",
            "days_in_month"]


@pytest.fixture
def prorated_invoice(scenario) -> int:
    change = bob.SubscriptionChange(ACME_STORAGE, date(2026, 12, 17), Decimal("30.00"))
    return scenario.activate_and_bill(ACME, changes=(change,))


def test_the_cancellation_has_the_same_lines(scenario, prorated_invoice):
    cancellation = scenario.cancel(prorated_invoice, as_of=CANCEL_DAY)
    original, mirror = scenario.lines(prorated_invoice), scenario.lines(cancellation)
    assert mirror[MIRRORED].to_dict("records") == original[MIRRORED].to_dict("records")


def test_every_cancellation_line_negates_the_original_line(scenario, prorated_invoice):
    cancellation = scenario.cancel(prorated_invoice, as_of=CANCEL_DAY)
    original, mirror = scenario.lines(prorated_invoice), scenario.lines(cancellation)
    assert list(mirror["amount"]) == [-amount for amount in original["amount"]]


def test_an_invoice_and_its_cancellation_sum_to_zero_line_by_line(scenario, prorated_invoice):
    cancellation = scenario.cancel(prorated_invoice, as_of=CANCEL_DAY)
    sums = scenario.rows("SELECT line_no, sum(amount) AS total FROM invoice_lines "
                         "WHERE invoice_number IN (?, ?) GROUP BY line_no ORDER BY line_no",
                         [prorated_invoice, cancellation])
    assert sums == [{"line_no": 1, "total": 0}, {"line_no": 2, "total": 0}]


def test_the_cancellation_negates_amount_tax_and_total(scenario, prorated_invoice):
    cancellation = scenario.cancel(prorated_invoice, as_of=CANCEL_DAY)
    original = scenario.invoice(prorated_invoice, CANCEL_DAY)
    mirror = scenario.invoice(cancellation, CANCEL_DAY)
    assert [mirror[key] for key in ("amount", "tax", "total")] == [
        -original[key] for key in ("amount", "tax", "total")]


def test_the_cancellation_is_linked_to_the_original(scenario, prorated_invoice):
    cancellation = scenario.cancel(prorated_invoice, as_of=CANCEL_DAY)
    original = scenario.invoice(prorated_invoice, CANCEL_DAY)
    assert (scenario.invoice(cancellation, CANCEL_DAY)["cancels"],
            original["cancellation_number"]) == (prorated_invoice, cancellation)


def test_canceling_an_invoice_leaves_the_customer_owing_nothing_for_it(scenario,
                                                                       prorated_invoice):
    scenario.cancel(prorated_invoice, as_of=CANCEL_DAY)
    listed = bob.customers(scenario.db, as_of=CANCEL_DAY, today=CANCEL_DAY)
    assert listed.set_index("customer_id").loc[ACME, "open_balance"] == 0


def test_the_original_invoice_is_never_edited(scenario, prorated_invoice):
    before = scenario.rows("SELECT * FROM invoices WHERE number = ?", [prorated_invoice])
    scenario.cancel(prorated_invoice, as_of=CANCEL_DAY)
    assert scenario.rows("SELECT * FROM invoices WHERE number = ?", [prorated_invoice]) == before


def test_a_paid_invoice_cannot_be_canceled(scenario, december_invoice):
    scenario.pay(scenario.total(december_invoice), on=date(2026, 12, 3))
    with pytest.raises(BobError, match="cannot be canceled; release its payments first"):
        scenario.cancel(december_invoice, as_of=CANCEL_DAY)


def test_a_partly_paid_invoice_cannot_be_canceled(scenario, december_invoice):
    scenario.pay("1.00", on=date(2026, 12, 3))
    with pytest.raises(BobError, match=r"has \$1.00 of payments applied"):
        scenario.cancel(december_invoice, as_of=CANCEL_DAY)


def test_a_refused_cancellation_writes_nothing(scenario, december_invoice):
    scenario.pay("1.00", on=date(2026, 12, 3))
    before = scenario.counts()
    with pytest.raises(BobError):
        scenario.cancel(december_invoice, as_of=CANCEL_DAY)
    assert scenario.counts() == before


def test_after_releasing_its_payments_a_paid_invoice_can_be_canceled(scenario, december_invoice):
    scenario.pay(scenario.total(december_invoice), on=date(2026, 12, 3))
    change(scenario.db, bob.release_payments, december_invoice, today=CANCEL_DAY)
    cancellation = scenario.cancel(december_invoice, as_of=CANCEL_DAY)
    assert scenario.status(december_invoice, CANCEL_DAY) == "Invoice Canceled"
    assert scenario.status(cancellation, CANCEL_DAY) == "Cancellation Invoice"


def test_released_payments_return_to_the_payments_balance(scenario, december_invoice):
    payment = scenario.pay(scenario.total(december_invoice), on=date(2026, 12, 3))
    change(scenario.db, bob.release_payments, december_invoice, today=CANCEL_DAY)
    head, _ = bob.payment_detail(scenario.db, payment["payment_id"])
    assert head["balance"] == scenario.total(december_invoice)


def test_an_invoice_is_canceled_once(scenario, december_invoice):
    scenario.cancel(december_invoice, as_of=CANCEL_DAY)
    with pytest.raises(BobError, match="already canceled"):
        scenario.cancel(december_invoice, as_of=CANCEL_DAY)


def test_a_cancellation_invoice_cannot_itself_be_canceled(scenario, december_invoice):
    cancellation = scenario.cancel(december_invoice, as_of=CANCEL_DAY)
    with pytest.raises(BobError, match="is a Cancellation Invoice"):
        scenario.cancel(cancellation, as_of=CANCEL_DAY)


def test_an_invoice_cannot_be_canceled_before_the_day_it_was_issued(scenario):
    scenario.activate(GLOBEX)
    scenario.bill(DECEMBER)
    number = scenario.invoice_number(GLOBEX, DECEMBER)
    with pytest.raises(BobError, match="cannot be canceled on 30 November 2026: it was issued on "
                                       "1 December 2026"):
        scenario.cancel(number, as_of=date(2026, 11, 30))


def test_canceling_tells_the_customer_and_the_partner_naming_the_cancellation(
        scenario, december_invoice):
    cancellation = scenario.cancel(december_invoice, as_of=CANCEL_DAY)
    told = scenario.outbox("invoice_canceled")
    assert sorted(row["recipient_role"] for row in told) == ["customer", "partner"]
    assert {row["cancellation_number"] for row in told} == {cancellation}
