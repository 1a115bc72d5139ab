"""Money is Decimal, rounded half-up to cents in one place; proration is exact until then."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bob.errors import BobError
from bob.money import format_compact, parse_amount, prorate, to_cents


def test_to_cents_rounds_half_a_cent_up():
    assert to_cents("2.345") == Decimal("2.35")


def test_to_cents_rounds_below_half_a_cent_down():
    assert to_cents("2.3449999") == Decimal("2.34")


def test_to_cents_rounds_negative_half_cents_away_from_zero():
    assert to_cents("-2.345") == Decimal("-2.35")


def test_to_cents_does_not_round_half_to_even():
    assert to_cents("0.125") == Decimal("0.13")


def test_to_cents_divides_a_fraction_exactly_before_rounding():
    assert to_cents(Fraction(29, 200)) == Decimal("0.15")


def test_15_of_31_days_of_30_dollars_is_14_52():
    assert prorate(Decimal("30.00"), 15, 31) == Decimal("14.52")


def test_a_full_month_is_not_prorated():
    assert prorate(Decimal("30.00"), 31, 31) == Decimal("30.00")


def test_prorate_rounds_an_exact_half_cent_up_where_floats_would_round_down():
    # 0.03 * 15 / 30 is 0.015 exactly; in floats it is 0.01499999..., which rounds to 0.01.
    assert prorate(Decimal("0.03"), 15, 30) == Decimal("0.02")


def test_prorate_keeps_the_ratio_exact_until_the_one_rounding():
    # 0.49 * 14 / 28 is 0.245 exactly; rounding 14/28 (or the product) early would lose it.
    assert prorate(Decimal("0.49"), 14, 28) == Decimal("0.25")


@given(cents=st.integers(min_value=0, max_value=10**12),
       days_in_month=st.sampled_from([28, 29, 30, 31]), data=st.data())
def test_prorate_is_within_half_a_cent_of_the_exact_share(cents, days_in_month, data):
    days = data.draw(st.integers(min_value=1, max_value=days_in_month))
    monthly = Decimal(cents) / 100
    exact = Fraction(cents, 100) * Fraction(days, days_in_month)
    result = prorate(monthly, days, days_in_month)
    assert result == result.quantize(Decimal("0.01"))
    assert abs(Fraction(result) - exact) <= Fraction(1, 200)


def test_an_amount_with_more_than_two_decimals_is_refused():
    with pytest.raises(BobError, match="more than two decimals"):
        parse_amount("1.234")


def test_an_amount_that_is_not_a_number_is_refused():
    with pytest.raises(BobError, match="must be a number"):
        parse_amount("NaN")


def test_an_amount_too_large_to_bill_is_refused_with_the_limit():
    with pytest.raises(BobError, match=r"too large: \$100,000,000.00; BoB accepts amounts up to "
                                       r"\$99,999,999.99"):
        parse_amount("100000000")


def test_the_largest_amount_is_accepted():
    assert parse_amount("99,999,999.99") == Decimal("99999999.99")


def test_a_compact_figure_is_in_tenths_of_the_largest_unit_it_reaches():
    assert format_compact(Decimal("121483215.37")) == "$121.5M"
    assert format_compact(Decimal("978997567.12")) == "$979.0M"
    assert format_compact(Decimal("1234567890")) == "$1.2B"


def test_a_compact_figure_rounds_half_up_into_the_next_unit():
    assert format_compact(Decimal("999949.99")) == "$999.9K"
    assert format_compact(Decimal("999950.00")) == "$1.0M"


def test_an_amount_under_100_000_stays_exact_in_compact_form():
    assert format_compact(Decimal("99999.99")) == "$99,999.99"
    assert format_compact(Decimal("100000")) == "$100.0K"


def test_a_negative_compact_figure_keeps_its_sign_in_front():
    assert format_compact(Decimal("-2500000")) == "-$2.5M"
