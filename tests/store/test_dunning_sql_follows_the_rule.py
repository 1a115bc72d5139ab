"""The daily job decides in one SQL statement; bob.dunning.evaluate is the same rule in plain
Python. Whatever days the job runs on, the notices stored must be the ones the rule decides."""

from datetime import date, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bob.dunning import InvoiceDunning, evaluate
from tests.conftest import with_december_invoice

DUE = date(2026, 12, 31)  # the December invoice's due date


@settings(max_examples=12, deadline=None)
@given(run_days=st.lists(st.integers(min_value=-2, max_value=50), min_size=1, max_size=5,
                         unique=True).map(sorted))
@example(run_days=[40, 44, 45])     # a late catch-up: the stop waits for the warning + 5 days
@example(run_days=[5, 30, 34, 35])  # on time
@example(run_days=[12, 27, 36])     # missed runs between stages
def test_the_daily_sql_decides_what_the_pure_rule_decides(prebuilt, run_days):
    scenario = prebuilt(with_december_invoice)
    decided, expected = [], []
    for n in run_days:
        as_of = DUE + timedelta(days=n)
        for decision in evaluate(InvoiceDunning(DUE, tuple(decided)), as_of):
            decided.append((decision.stage, decision.outcome, as_of))
            expected.append((decision.stage, decision.outcome, as_of, decision.stop_date))
        scenario.dun(as_of)
    stored = scenario.rows("SELECT stage, outcome, decided_on, stop_date FROM notices")
    assert sorted(tuple(row.values()) for row in stored) == sorted(expected)
