"""Activation rules on plain values: the start date, the billing email, a subscription's terms."""

from datetime import date
from decimal import Decimal

import pytest

from bob.activation import check_start, check_terms, earliest_start, normalized_email
from bob.errors import BobError

AS_OF = date(2026, 11, 25)
BOB_START = date(2026, 12, 1)


def test_bob_cannot_start_in_the_month_it_is_activated():
    with pytest.raises(BobError):
        check_start(date(2026, 11, 30), AS_OF)


def test_the_refusal_names_the_earliest_start_date():
    with pytest.raises(BobError, match="1 December 2026"):
        check_start(date(2026, 11, 30), AS_OF)


def test_bob_can_start_on_the_first_day_of_the_next_month():
    check_start(date(2026, 12, 1), AS_OF)


def test_activating_in_december_can_start_in_january_of_the_next_year():
    assert earliest_start(date(2026, 12, 31)) == date(2027, 1, 1)


def test_a_valid_billing_email_is_accepted_and_normalized():
    assert normalized_email("  billing@ACME.example ") == "billing@acme.example"


@pytest.mark.parametrize("email", ["", "   "])
def test_an_empty_billing_email_is_asked_for(email):
    with pytest.raises(BobError, match="^Enter the billing email"):
        normalized_email(email)


@pytest.mark.parametrize("email", ["billing", "billing@", "@acme.example",
                                   "bill ing@acme.example", "billing@@acme.example"])
def test_an_invalid_billing_email_is_refused(email):
    with pytest.raises(BobError, match="not a valid address"):
        normalized_email(email)


def test_an_address_with_letters_beyond_ascii_before_the_at_is_refused_in_plain_words():
    with pytest.raises(BobError, match=r"cannot receive BoB's emails: the part before the @ "
                                       r"has letters mail servers need not accept \(ö\)"):
        normalized_email("jörg@exämple.com")


def test_an_international_domain_is_stored_in_its_ascii_form():
    assert normalized_email("jorg@exämple.com") == "jorg@xn--exmple-cua.com"


def test_a_subscription_cannot_start_before_bob_starts():
    with pytest.raises(BobError, match="before Billing on Behalf starts on 1 December 2026"):
        check_terms("S1", date(2026, 11, 30), Decimal("10.00"), BOB_START)


def test_a_subscription_may_start_the_day_bob_starts():
    check_terms("S1", BOB_START, Decimal("10.00"), BOB_START)


def test_a_negative_price_is_refused():
    with pytest.raises(BobError, match="cannot be negative"):
        check_terms("S1", BOB_START, Decimal("-0.01"), BOB_START)


def test_a_price_of_zero_is_allowed():
    check_terms("S1", BOB_START, Decimal("0"), BOB_START)


def test_a_price_in_fractions_of_a_cent_is_refused():
    with pytest.raises(BobError, match="whole cents"):
        check_terms("S1", BOB_START, Decimal("10.005"), BOB_START)


def test_a_price_too_large_to_bill_is_refused():
    with pytest.raises(BobError, match="too large"):
        check_terms("S1", BOB_START, Decimal("100000000.00"), BOB_START)
