"""The bill run computes money in SQL, in integer cents; it must equal Python's Decimal
arithmetic (money.prorate per line, money.to_cents for the tax) for any quantity, price, start
day and month length.

Each example imports a new customer into one shared store and asks for the first-invoice
preview, which runs the bill run's own SQL inside a transaction it rolls back.
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bob
from bob.money import prorate, to_cents
from bob.months import days_in_month
from tests.conftest import Scenario, preview, with_accounts

# Every month length: 28, 29 (2028 is a leap year), 30 and 31 days.
MONTHS = [date(2027, m, 1) for m in range(1, 13)] + [date(2028, 2, 1)]
CA_RATE = Decimal("0.0725")

subscription_terms = st.tuples(
    st.integers(min_value=1, max_value=10_000),                       # quantity
    st.integers(min_value=0, max_value=10_000_000).map(lambda cents: Decimal(cents) / 100),
    st.integers(min_value=1, max_value=31),                           # start day, clamped
)


@pytest.fixture(scope="module")
def shared(prebuilt) -> tuple[Scenario, itertools.count]:
    return prebuilt(with_accounts), itertools.count(1)


def _first_invoice(scenario: Scenario, customer: str, month: date, subscriptions) -> tuple:
    """Import the customer, preview its first invoice for `month`; returns (detail, starts)."""
    ids = scenario.add_customer(customer, state="CA", subscriptions=tuple(
        (quantity, "1.00") for quantity, _, _ in subscriptions))
    starts = [month + timedelta(days=min(day, days_in_month(month)) - 1)
              for _, _, day in subscriptions]
    changes = tuple(bob.SubscriptionChange(sub, start, price) for sub, start, (_, price, _)
                    in zip(ids, starts, subscriptions, strict=True))
    request = bob.ActivationRequest(customer, month, "billing@example.com", changes)
    detail = preview(scenario.db, bob.preview_first_invoice, request,
                     today=month - timedelta(days=1))
    return detail, starts


@settings(max_examples=50, deadline=None)
@given(month=st.sampled_from(MONTHS),
       subscriptions=st.lists(subscription_terms, min_size=1, max_size=4))
def test_sql_amounts_equal_python_prorate_and_tax(shared, month, subscriptions):
    scenario, counter = shared
    detail, starts = _first_invoice(scenario, f"C-PRORATE-{next(counter)}", month, subscriptions)

    dim = days_in_month(month)
    days = [(month + timedelta(days=dim) - start).days for start in starts]
    lines = [prorate(quantity * price, used, dim)
             for (quantity, price, _), used in zip(subscriptions, days, strict=True)]
    amount = sum(lines, Decimal("0.00"))
    invoice = detail["invoice"]
    assert [(row.days, row.amount) for row in detail["lines"].itertuples()] == list(
        zip(days, lines, strict=True))
    assert (invoice["amount"], invoice["tax"]) == (amount, to_cents(amount * CA_RATE))
