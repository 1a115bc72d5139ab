"""The pandas baseline the bench compares against computes the very reports the SQL does,
row for row, so the ratio it prints compares like with like."""

from datetime import date

import pandas as pd
import pytest

from bob import bench, dunning
from bob.demo import build_demo

AS_OF = date(2026, 3, 18)
DATES = (date(2025, 12, 20), date(2026, 2, 1), AS_OF, date(2026, 4, 30))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("baseline") / "bob.duckdb"
    build_demo(db, customers=120, seed=11, as_of=AS_OF)
    return db


def cents(amounts: pd.Series) -> list[int]:
    return [int(amount * 100) for amount in amounts]


def days(values: pd.Series) -> list[date]:
    return [pd.Timestamp(value).date() for value in values]


@pytest.mark.parametrize("as_of", DATES)
def test_pandas_aging_is_the_sql_aging(demo_db, as_of):
    sql = dunning.aging(demo_db, as_of=as_of, today=AS_OF)
    baseline = bench.pandas_aging(bench._load_frames(demo_db), as_of, AS_OF)
    assert len(sql) > 1
    assert list(sql["bucket"]) == list(baseline["bucket"].astype(str))
    assert list(sql["stage"]) == list(baseline["stage"])
    assert list(sql["invoices"]) == list(baseline["invoices"])
    assert cents(sql["amount"]) == list(baseline["amount"])


@pytest.mark.parametrize("as_of", DATES)
def test_pandas_whatif_is_the_sql_whatif(demo_db, as_of):
    sql = dunning.whatif(demo_db, as_of=as_of, today=AS_OF)
    baseline = bench.pandas_whatif(bench._load_frames(demo_db), as_of, AS_OF)
    assert len(sql) > 5
    for column in ("partner_id", "partner_name", "customer_id", "customer_name",
                   "invoice_number", "days_overdue", "stage", "stage_rank", "service_stopped",
                   "at_risk"):
        assert list(sql[column]) == list(baseline[column]), column
    assert cents(sql["balance"]) == list(baseline["balance"])
    assert days(sql["due_date"]) == days(baseline["due_date"])
    assert days(sql["service_stops_on"]) == days(baseline["service_stops_on"])
