"""The business date: the day changes happen on, read once where a command or a page starts
and handed down from there (nothing in bob's rules reads the clock)."""

import os
from datetime import date

from bob.months import parse_date

TODAY_ENV = "BOB_TODAY"


def business_date() -> date:
    """BOB_TODAY (an ISO date, for rehearsals, tests and demos) when it is set, else the
    machine's date."""
    text = os.environ.get(TODAY_ENV, "").strip()
    return parse_date(text, what=TODAY_ENV) if text else date.today()
