"""Money is Decimal, quantized to cents half-up in exactly one place: `to_cents`."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from bob.errors import BobError

CENT = Decimal("0.01")


def to_cents(value: Decimal | Fraction | int | str) -> Decimal:
    """Round an exact amount to cents, half-up. Fractions are divided at high precision first."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str | Decimal, *, what: str = "Amount") -> Decimal:
    """A user-typed amount as Decimal cents; refuses floats' cousins like 'abc', 'NaN' or 1.234."""
    try:
        amount = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise BobError(f"{what} must be a number such as 120.50, not {text!r}.") from None
    if not amount.is_finite():
        raise BobError(f"{what} must be a number such as 120.50, not {text!r}.")
    if amount != amount.quantize(CENT):
        raise BobError(f"{what} has more than two decimals: {text}. Amounts are in cents.")
    return amount.quantize(CENT)


def prorate(monthly: Decimal, days_used: int, days_in_month: int) -> Decimal:
    """The share of a monthly amount for `days_used` of `days_in_month`, rounded once to cents."""
    return to_cents(Fraction(monthly) * Fraction(days_used, days_in_month))


def format_money(amount: Decimal) -> str:
    """US-style display: $1,234.50 and -$100.00."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"
