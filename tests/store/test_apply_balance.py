"""Apply a payment's unapplied balance now: to the invoices named, or oldest open first,
effective on the business date."""

from datetime import date

import pytest

from bob.errors import BobError

RECEIVED = date(2026, 12, 3)
APPLIED = date(2026, 12, 10)


@pytest.fixture
def released_payment(scenario, december_invoice) -> int:
    """Acme's 64.35 payment, released from its invoice: all of it is balance again."""
    payment = scenario.pay("64.35", on=RECEIVED)["payment_id"]
    scenario.release(december_invoice, as_of=RECEIVED)
    return payment


def test_the_balance_pays_the_oldest_open_invoice(scenario, released_payment):
    result = scenario.apply(released_payment, as_of=APPLIED)
    assert [a["invoice_number"] for a in result["applied"]] == [1]
    assert result["balance"] == "0.00"


def test_the_balance_takes_effect_on_the_day_it_is_applied(scenario, released_payment):
    result = scenario.apply(released_payment, as_of=APPLIED)
    assert result["applied"][0]["applied_on"] == APPLIED.isoformat()
    assert scenario.status(1, APPLIED - date.resolution) == "Invoice Created"


def test_an_invoice_not_open_for_the_customer_is_refused(scenario, released_payment):
    with pytest.raises(BobError, match="Invoice 99 is not an open invoice of Acme Corp"):
        scenario.apply(released_payment, as_of=APPLIED, invoices=(99,))


def test_a_payment_with_nothing_left_is_refused(scenario, december_invoice):
    payment = scenario.pay("64.35", on=RECEIVED)["payment_id"]
    with pytest.raises(BobError, match="no unapplied balance"):
        scenario.apply(payment, as_of=APPLIED)


def test_a_balance_with_no_open_invoice_is_refused(scenario, released_payment):
    scenario.cancel(1, as_of=RECEIVED)
    with pytest.raises(BobError, match="has no open invoice"):
        scenario.apply(released_payment, as_of=APPLIED)


def test_an_unknown_payment_is_refused(scenario):
    with pytest.raises(BobError, match="There is no payment 7"):
        scenario.apply(7, as_of=APPLIED)


def test_applying_is_audited_with_the_balance_before_and_after(scenario, released_payment):
    scenario.apply(released_payment, as_of=APPLIED)
    details = scenario.value("SELECT details FROM audit_log WHERE action = 'apply'")
    assert "balance 64.35 -> 0.00" in details
