"""Calendar-month math. Periods are half-open: start <= d < end."""

from datetime import date, timedelta

from bob.errors import BobError


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def first_of_next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_bounds(month: date) -> tuple[date, date]:
    """The half-open period [first day, first day of next month) of the month holding `month`."""
    start = first_of_month(month)
    return start, first_of_next_month(start)


def days_in_month(month: date) -> int:
    start, end = month_bounds(month)
    return (end - start).days


def parse_month(text: str) -> date:
    """'2026-12' -> date(2026, 12, 1)."""
    try:
        year, month = (int(part) for part in str(text).strip().split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise BobError(f"Month must look like 2026-12, not {text!r}.") from None


def parse_date(text: str | date, *, what: str = "Date") -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise BobError(f"{what} must be a date like 2026-12-01, not {text!r}.") from None


def long_date(day: date) -> str:
    """'1 December 2026', the way notices and refusals name a date."""
    return f"{day.day} {day:%B %Y}"
