"""Tables say something in every cell: a missing value shows a word that means something
("—", "not active") instead of the grid's grey "None"."""

from datetime import date
from decimal import Decimal

import pandas as pd

from bob.money import format_money


def _text(value, word: str) -> str:
    if not isinstance(value, str) and pd.isna(value):  # None, NaN, NaT, pd.NA
        return word
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, Decimal):
        return format_money(value)
    return str(value)


def worded(rows: pd.DataFrame, **words: str) -> pd.DataFrame:
    """`rows` with each named column as text, its missing values shown as `words[column]`:
    `worded(rows, bob_start="not active")`. Dates read as YYYY-MM-DD, amounts as $1,234.50."""
    return rows.assign(**{column: [_text(value, word) for value in rows[column]]
                          for column, word in words.items()})
