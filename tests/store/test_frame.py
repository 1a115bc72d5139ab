"""Query results as DataFrames: money stays exact decimals, dates stay dates."""

from datetime import date
from decimal import Decimal

import duckdb

from bob.store import frame


def test_money_reads_as_decimal_and_sums_exactly():
    con = duckdb.connect()
    rows = frame(con, "SELECT * FROM (VALUES (0.10::DECIMAL(18, 2), DATE '2026-11-25'), "
                      "(0.20::DECIMAL(18, 2), DATE '2026-11-26')) t(amount, on_date)")
    assert list(rows["amount"]) == [Decimal("0.10"), Decimal("0.20")]
    assert rows["amount"].sum() == Decimal("0.30")  # a float column would give 0.30000000000000004
    assert rows.to_dict("records")[0] == {"amount": Decimal("0.10"), "on_date": date(2026, 11, 25)}
