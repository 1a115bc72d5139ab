"""Calendar-month math. Periods are half-open: start <= d < end."""

import re
from datetime import date, timedelta

from bob.errors import BobError

# The dates BoB reads and bills. Terms, dunning and projections add days and months to them,
# so they stay far from the calendar's ends (years 1 and 9999), where that would overflow.
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_MONTH = re.compile(r"\d{4}-\d{2}", re.ASCII)


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
    written = str(text).strip()
    try:
        if not _MONTH.fullmatch(written):
            raise ValueError(written)
        return _in_range(date.fromisoformat(f"{written}-01"), what="Month")
    except ValueError:
        raise BobError(f"Month must look like 2026-12, not {text!r}.") from None


def parse_date(text: str | date, *, what: str = "Date") -> date:
    """An ISO date, YYYY-MM-DD, within the years BoB bills (EARLIEST to LATEST)."""
    if isinstance(text, date):
        return _in_range(text, what=what)
    written = str(text).strip()
    try:
        if not _DATE.fullmatch(written):
            raise ValueError(written)
        day = date.fromisoformat(written)
    except ValueError:
        raise BobError(f"{what} must be a date like 2026-12-01, not {text!r}.") from None
    return _in_range(day, what=what)


def _in_range(day: date, *, what: str) -> date:
    if not EARLIEST <= day <= LATEST:
        raise BobError(f"{what} {day.isoformat()} is outside the years BoB handles: "
                       f"{long_date(EARLIEST)} to {long_date(LATEST)}.")
    return day


def long_date(day: date) -> str:
    """'1 December 2026', the way notices and refusals name a date."""
    return f"{day.day} {day:%B %Y}"
