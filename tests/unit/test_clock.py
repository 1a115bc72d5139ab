"""The business date: BOB_TODAY for rehearsals, tests and demos, else the machine's date."""

from datetime import date

import pytest

from bob.clock import business_date
from bob.errors import BobError


def test_bob_today_sets_the_business_date(monkeypatch):
    monkeypatch.setenv("BOB_TODAY", "2027-01-31")
    assert business_date() == date(2027, 1, 31)


def test_without_bob_today_the_business_date_is_the_machines(monkeypatch):
    monkeypatch.delenv("BOB_TODAY", raising=False)
    assert business_date() == date.today()


def test_a_bob_today_that_is_not_a_date_is_refused_in_plain_words(monkeypatch):
    monkeypatch.setenv("BOB_TODAY", "31/01/2027")
    with pytest.raises(BobError, match="BOB_TODAY must be a date like 2026-12-01"):
        business_date()
