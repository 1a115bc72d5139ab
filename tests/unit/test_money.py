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


@pytest.mark.parametrize("text, amount", [
    ("1,250.00", Decimal("1250.00")), ("12,345,678.90", Decimal("12345678.90")),
    ("19.9", Decimal("19.90")), ("7", Decimal("7.00")), (" 7.10 ", Decimal("7.10")),
    ("12.340", Decimal("12.34")), (Decimal("5.5"), Decimal("5.50")), (19.9, Decimal("19.90")),
])
def test_an_amount_is_read_exactly(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["1,5", "12,50", "-3,75"])
def test_a_decimal_comma_is_refused_with_the_point_to_use(text):
    with pytest.raises(BobError, match=r"use a point for cents: -?\d+\.\d+"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["1,2345", "12,5000", "1,25,000.00", ",100", "100,"])
def test_a_thousands_separator_out_of_place_is_refused(text):
    with pytest.raises(BobError, match="a comma may only separate thousands"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["1e30", "1e400", "1E2", "NaN", "sNaN", "-NaN", "Infinity",
                                  "-Infinity", "inf", "0x10", "1_000", "１２", "12 50", "", "$5",
                                  "5.", "--5", "+-5", True])
def test_anything_but_digits_and_a_point_is_refused_in_plain_words(text):
    with pytest.raises(BobError, match="must be a number"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["-0", "-0.00", "-.0"])
def test_minus_zero_is_refused(text):
    with pytest.raises(BobError, match="zero has no sign"):
        parse_amount(text)


def test_a_29_digit_amount_is_refused_with_every_digit_shown():
    with pytest.raises(BobError, match=r"too large: \$12,345,678,901,234,567,890,123,456,789\.00"):
        parse_amount("12345678901234567890123456789")


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
