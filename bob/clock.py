"""The business date: the one place BoB asks what day it is.

Today is the machine's date, or BOB_TODAY (an ISO date) when it is set, for rehearsals, tests
and demos. The command line and the app's entry read it once and hand it down with each
change (bob.unit_of_work); nothing in the rules reads the clock.
"""

import os
from collections.abc import Mapping
from datetime import date

from bob.months import parse_date

TODAY_ENV = "BOB_TODAY"


def business_date(environ: Mapping[str, str] = os.environ) -> date:
    text = environ.get(TODAY_ENV, "").strip()
    if not text:
        return date.today()
    return parse_date(text, what=TODAY_ENV)
