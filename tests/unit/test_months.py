"""Calendar-month math: half-open periods, the year end, leap years."""

from datetime import date

import pytest

from bob.errors import BobError
from bob.months import (
    days_in_month,
    first_of_next_month,
    long_date,
    month_bounds,
    parse_date,
    parse_month,
)


def test_first_of_next_month_crosses_the_year_end():
    assert first_of_next_month(date(2026, 12, 31)) == date(2027, 1, 1)


def test_first_of_next_month_from_the_first_of_a_month_is_a_month_later():
    assert first_of_next_month(date(2026, 12, 1)) == date(2027, 1, 1)


def test_first_of_next_month_from_the_end_of_january_is_the_first_of_february():
    assert first_of_next_month(date(2027, 1, 31)) == date(2027, 2, 1)


def test_a_month_is_the_half_open_period_from_its_first_day_to_the_next_first_day():
    assert month_bounds(date(2026, 12, 17)) == (date(2026, 12, 1), date(2027, 1, 1))


def test_february_of_a_leap_year_has_29_days():
    assert days_in_month(date(2028, 2, 1)) == 29


def test_a_month_is_written_yyyy_mm():
    assert parse_month("2026-12") == date(2026, 12, 1)


def test_a_month_that_is_not_yyyy_mm_is_refused():
    with pytest.raises(BobError, match="2026-12"):
        parse_month("December")


def test_dates_are_named_the_way_people_say_them():
    assert long_date(date(2026, 12, 1)) == "1 December 2026"


@pytest.mark.parametrize("text", ["20261201", "2026-W48-1", "2026-12-01T00:00", "2026-02-30",
                                  "10000-01-01", "0000-01-01", "+2026-12-01", "2026-12-1", ""])
def test_a_date_that_is_not_yyyy_mm_dd_is_refused(text):
    with pytest.raises(BobError, match="must be a date like 2026-12-01"):
        parse_date(text)


@pytest.mark.parametrize("text", ["0001-01-01", "1999-12-31", "3000-01-01", "9999-12-31"])
def test_a_date_outside_the_years_bob_handles_is_refused(text):
    with pytest.raises(BobError, match="outside the years BoB handles"):
        parse_date(text)


@pytest.mark.parametrize("text", ["2026-1", "2026-13", "+2026-12", "9999-12", "2026-12-01"])
def test_a_month_that_is_not_a_yyyy_mm_bob_handles_is_refused(text):
    with pytest.raises(BobError, match="2026-12|outside the years"):
        parse_month(text)
