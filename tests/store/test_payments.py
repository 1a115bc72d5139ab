"""Recording payments: to the invoices named or oldest open first; what is left is the
payment's balance, which the next bill run applies. Bad input is refused; nothing is written."""

from datetime import date
from decimal import Decimal

import pytest

import bob
from bob.errors import BobError
from tests.conftest import ACME, DECEMBER, GLOBEX, Scenario, with_december_invoice

JANUARY = date(2027, 1, 1)
PAID_ON = date(2027, 1, 2)
ACME_MONTH = Decimal("64.35")  # 60.00 + 7.25% California sales tax


def with_two_invoices(scenario: Scenario) -> None:
    with_december_invoice(scenario)
    scenario.bill(JANUARY)


@pytest.fixture
def two_invoices(scenario, prebuilt) -> tuple[int, int]:
    """Acme's December (1, due 31 Dec) and January (2, due 31 Jan) invoices, both unpaid."""
    prebuilt(with_two_invoices, scenario.db)
    return 1, 2


def _allocations(payment: dict) -> list[tuple[int, str]]:
    return [(a["invoice_number"], a["amount"]) for a in payment["allocations"]]


def test_a_payment_goes_to_the_oldest_open_invoice_first(scenario, two_invoices):
    december, january = two_invoices
    payment = scenario.pay("100.00", on=PAID_ON)
    assert _allocations(payment) == [(december, "64.35"), (january, "35.65")]


def test_a_payment_naming_an_invoice_goes_to_that_invoice(scenario, two_invoices):
    _, january = two_invoices
    payment = scenario.pay("64.35", on=PAID_ON, invoices=(january,))
    assert _allocations(payment) == [(january, "64.35")]


def test_a_payment_naming_invoices_fills_them_in_the_order_named(scenario, two_invoices):
    december, january = two_invoices
    payment = scenario.pay("100.00", on=PAID_ON, invoices=(january, december))
    assert _allocations(payment) == [(january, "64.35"), (december, "35.65")]


def test_what_the_named_invoices_do_not_take_stays_the_payments_balance(scenario, two_invoices):
    _, january = two_invoices
    payment = scenario.pay("100.00", on=PAID_ON, invoices=(january,))
    assert (_allocations(payment), payment["balance"]) == ([(january, "64.35")], "35.65")


def test_an_overpayment_leaves_a_balance_on_the_payment(scenario, december_invoice):
    payment = scenario.pay("100.00", on=date(2026, 12, 10))
    head, _ = bob.payment_detail(scenario.db, payment["payment_id"])
    assert (head["amount"], head["allocated"], head["balance"]) == (
        Decimal("100.00"), ACME_MONTH, Decimal("35.65"))


def test_the_next_bill_run_applies_an_overpayment_to_the_new_invoice(scenario, december_invoice):
    scenario.pay("100.00", on=date(2026, 12, 10))
    scenario.bill(JANUARY)
    january = scenario.invoice(scenario.invoice_number(ACME, JANUARY), JANUARY)
    assert (january["paid"], january["balance"]) == (Decimal("35.65"), Decimal("28.70"))


def test_an_applied_overpayment_leaves_the_payment_without_balance(scenario, december_invoice):
    payment = scenario.pay("100.00", on=date(2026, 12, 10))
    scenario.bill(JANUARY)
    head, _ = bob.payment_detail(scenario.db, payment["payment_id"])
    assert head["balance"] == 0


def test_each_customers_overpayment_goes_to_its_own_next_invoice(scenario, december_invoice):
    scenario.activate(GLOBEX)
    scenario.bill(DECEMBER)
    scenario.pay("100.00", ACME, on=date(2026, 12, 10))    # 35.65 left over
    scenario.pay("110.00", GLOBEX, on=date(2026, 12, 10))  # 3.75 left over
    scenario.bill(JANUARY)
    paid = {customer: scenario.invoice(scenario.invoice_number(customer, JANUARY), JANUARY)["paid"]
            for customer in (ACME, GLOBEX)}
    assert paid == {ACME: Decimal("35.65"), GLOBEX: Decimal("3.75")}


def test_naming_an_invoice_twice_pays_it_once(scenario, december_invoice):
    payment = scenario.pay("100.00", on=date(2026, 12, 10),
                           invoices=(december_invoice, december_invoice))
    assert (_allocations(payment), payment["balance"]) == ([(december_invoice, "64.35")],
                                                           "35.65")


def test_the_payment_page_shows_method_receipt_date_amount_balance_and_allocations(
        scenario, december_invoice):
    payment = scenario.pay("10.00", on=date(2026, 12, 10), method="check")
    head, allocations = bob.payment_detail(scenario.db, payment["payment_id"])
    assert ((head["method"], head["receipt_date"], head["amount"], head["balance"]),
            [(a["invoice_number"], a["amount"]) for a in allocations]) == (
        ("check", date(2026, 12, 10), Decimal("10.00"), Decimal("0.00")),
        [(december_invoice, Decimal("10.00"))])


def test_the_method_is_recognised_whatever_its_case(scenario, december_invoice):
    assert scenario.pay("10.00", on=date(2026, 12, 10), method="ach")["method"] == "ACH"


def test_a_payment_received_today_is_accepted(scenario, december_invoice):
    day = date(2026, 12, 10)
    assert scenario.pay("10.00", on=day, as_of=day)["receipt_date"] == "2026-12-10"


REFUSALS = {
    "receipt date in the future": (
        {"amount": "10.00", "on": date(2026, 12, 11), "as_of": date(2026, 12, 10)},
        "11 December 2026 is in the future"),
    "zero amount": ({"amount": "0.00", "on": date(2026, 12, 10)}, "more than zero"),
    "negative amount": ({"amount": "-5.00", "on": date(2026, 12, 10)}, "more than zero"),
    "fraction of a cent": ({"amount": "10.005", "on": date(2026, 12, 10)}, "whole cents"),
    "unknown method": ({"amount": "10.00", "on": date(2026, 12, 10), "method": "bitcoin"},
                       "'bitcoin' is not one of ACH, wire, check, card"),
    "unknown customer": ({"amount": "10.00", "on": date(2026, 12, 10), "customer": "C-NOBODY"},
                         "no customer 'C-NOBODY'"),
    "invoice not open": ({"amount": "10.00", "on": date(2026, 12, 10), "invoices": (99,)},
                         "Invoice 99 is not an open invoice of Acme Corp"),
}


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_bad_payment_is_refused_with_the_rule(scenario, december_invoice, refusal):
    request, message = REFUSALS[refusal]
    with pytest.raises(BobError, match=message):
        scenario.pay(**request)


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_refused_payment_writes_nothing(scenario, december_invoice, refusal):
    request, _ = REFUSALS[refusal]
    before = scenario.counts()
    with pytest.raises(BobError):
        scenario.pay(**request)
    assert scenario.counts() == before


def test_another_customers_invoice_cannot_be_named(scenario, december_invoice):
    scenario.activate(GLOBEX)
    scenario.bill(DECEMBER)
    globex_invoice = scenario.invoice_number(GLOBEX, DECEMBER)
    with pytest.raises(BobError, match=f"Invoice {globex_invoice} is not an open invoice"):
        scenario.pay("10.00", on=date(2026, 12, 10), invoices=(globex_invoice,))


def test_a_paid_invoice_cannot_be_named(scenario, december_invoice):
    scenario.pay(ACME_MONTH, on=date(2026, 12, 10))
    with pytest.raises(BobError, match=f"Invoice {december_invoice} is not an open invoice"):
        scenario.pay("10.00", on=date(2026, 12, 11), invoices=(december_invoice,))


def test_the_payment_page_as_of_a_date_shows_only_what_was_applied_by_then(
        scenario, december_invoice):
    # 100.00 pays December (64.35); the rest goes to January's invoice on 1 January.
    payment = scenario.pay("100.00", on=date(2026, 12, 10))
    scenario.bill(date(2027, 1, 1))
    before, _ = bob.payment_detail(scenario.db, payment["payment_id"], as_of=date(2026, 12, 31))
    after, allocations = bob.payment_detail(scenario.db, payment["payment_id"],
                                            as_of=date(2027, 1, 1))
    assert (before["balance"], after["balance"]) == (Decimal("35.65"), Decimal("0.00"))
    assert [a["applied_on"] for a in allocations] == [date(2026, 12, 10), date(2027, 1, 1)]
