"""Money is Decimal, quantized to cents half-up in exactly one place: `to_cents`.

Typed numbers (amounts, prices, tax rates) are read by one parser, `parse_decimal`: digits,
an optional minus, an optional point and decimals, thousands separators only every three
digits. Anything else (a decimal comma, exponents, NaN, Infinity, minus zero) is refused.
"""

import re
from decimal import MAX_PREC, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from bob.errors import BobError

CENT = Decimal("0.01")
# Amounts are stored as DECIMAL(18, 2), which holds less than 10^16. Typed amounts (prices,
# payments) stay far below it so that quantity x price and a month's invoice cannot overflow.
MAX_AMOUNT = Decimal("99999999.99")

_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+", re.ASCII)
_DECIMAL_COMMA = re.compile(r"-?\d+,\d{1,2}", re.ASCII)
_DIGITS_AND_SEPARATORS = re.compile(r"-?[\d,]+(?:\.\d+)?", re.ASCII)


def to_cents(value: Decimal | Fraction | int | str) -> Decimal:
    """Round an exact amount to cents, half-up. Fractions are divided at high precision first."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(text: str | Decimal | int | float, *, what: str, places: int,
                  example: str = "120.50") -> Decimal:
    """Typed text as an exact Decimal with at most `places` decimals, or a BobError in plain
    words. Decimals and numbers from widgets are read through their text, like typed ones."""
    if isinstance(text, bool):
        raise BobError(f"{what} must be a number such as {example}, not {text!r}.")
    written = f"{text:f}" if isinstance(text, Decimal) else str(text).strip()
    if not _NUMBER.fullmatch(written):
        raise BobError(_misread(written, what, example, "cents" if places == 2 else "decimals"))
    number = Decimal(written.replace(",", ""))
    if number.is_zero() and written.startswith("-"):
        raise BobError(f"{what} must be a number such as {example}, not {written!r}: "
                       "zero has no sign.")
    if len(written.partition(".")[2].rstrip("0")) > places:
        if places == 2:
            raise BobError(f"{what} has more than two decimals: {written}; amounts are in "
                           "whole cents.")
        raise BobError(f"{what} has more than {places} decimals: {written}.")
    return number


def _misread(written: str, what: str, example: str, fraction: str) -> str:
    if _DECIMAL_COMMA.fullmatch(written):
        return f"{what} is {written!r}: use a point for {fraction}: {written.replace(',', '.')}."
    if _DIGITS_AND_SEPARATORS.fullmatch(written):
        return (f"{what} is {written!r}: a comma may only separate thousands, as in 1,250.00; "
                f"use a point for {fraction}.")
    return f"{what} must be a number written in digits such as {example}, not {written!r}."


def parse_amount(text: str | Decimal | int | float, *, what: str = "Amount") -> Decimal:
    """A user-typed amount as Decimal cents, at most MAX_AMOUNT either way."""
    amount = parse_decimal(text, what=what, places=2)
    check_size(amount, what=what)
    return amount.quantize(CENT)


def check_size(amount: Decimal, *, what: str = "Amount") -> None:
    if abs(amount) > MAX_AMOUNT:
        raise BobError(f"{what} is too large: {format_money(amount)}; BoB accepts amounts up "
                       f"to {format_money(MAX_AMOUNT)}.")


def prorate(monthly: Decimal, days_used: int, days_in_month: int) -> Decimal:
    """The share of a monthly amount for `days_used` of `days_in_month`, rounded once to cents."""
    return to_cents(Fraction(monthly) * Fraction(days_used, days_in_month))


def format_money(amount: Decimal) -> str:
    """US-style display: $1,234.50 and -$100.00."""
    sign = "-" if amount < 0 else ""
    with localcontext(prec=MAX_PREC):  # every digit of a refused 30-digit amount, too
        return f"{sign}${abs(amount):,.2f}"




_SCALES = ((Decimal(10) ** 3, "K"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 9, "B"))
COMPACT_FROM = Decimal(100_000)
TENTH = Decimal("0.1")


def format_compact(amount: Decimal) -> str:
    """Where space is short: $121.5M, $978.9K, -$1.2B, in tenths rounded half-up, in the
    smallest unit that keeps the figure under 1,000 ($999.95K is $1.0M); under $100,000 the
    exact format_money. Show the exact figure alongside (a tooltip)."""
    if abs(amount) < COMPACT_FROM:
        return format_money(amount)
    sign = "-" if amount < 0 else ""
    for scale, unit in _SCALES:
        short = (abs(amount) / scale).quantize(TENTH, rounding=ROUND_HALF_UP)
        if short < 1000 or unit == _SCALES[-1][1]:
            return f"{sign}${short:,}{unit}"
