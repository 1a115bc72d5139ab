"""Money is Decimal, quantized to cents half-up in exactly one place: `to_cents`."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from bob.errors import BobError

CENT = Decimal("0.01")
# Amounts are stored as DECIMAL(18, 2), which holds less than 10^16. Typed amounts (prices,
# payments) stay far below it so that quantity x price and a month's invoice cannot overflow.
MAX_AMOUNT = Decimal("99999999.99")


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
