"""DESIGN.md's invariants, checked after random sequences of what finance does: bill a month
(or re-run one), pay random amounts (oldest first or naming invoices), cancel, rebill,
release payments, apply a payment's balance, run the daily job, and let days pass."""

import contextlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

import bob
from bob import store
from bob.months import first_of_next_month
from bob.store import reports as reports_sql
from tests.conftest import ACME, DECEMBER, GLOBEX, Scenario, change, with_accounts
from tests.store.full_ledger import BALANCES_DISAGREE, FULL_INVOICE_STATE, differing_rows

CUSTOMERS = (ACME, GLOBEX)  # the bill run numbers each month's invoices in this order


def with_two_billed_customers(scenario: Scenario) -> None:
    """Acme (its storage prorated from 17 December) and Globex, both active from 1 December
    and billed for December: invoices 1 and 2."""
    with_accounts(scenario)
    scenario.activate(ACME, changes=(bob.SubscriptionChange(
        "S-ACME-STORAGE", date(2026, 12, 17), Decimal("30.00")),))
    scenario.activate(GLOBEX)
    scenario.bill(DECEMBER)


customer = st.sampled_from(CUSTOMERS)
which_invoice = st.integers(min_value=0, max_value=7)
operation = st.one_of(
    st.tuples(st.just("bill"), st.booleans()),                       # re-run the last month?
    st.tuples(st.just("wait"), st.integers(min_value=1, max_value=20)),
    st.tuples(st.just("pay"), customer, st.integers(min_value=1, max_value=15_000),
              st.lists(which_invoice, max_size=3)),                  # invoices named, if any
    st.tuples(st.just("cancel"), customer, which_invoice),
    st.tuples(st.just("release"), customer, which_invoice),
    st.tuples(st.just("rebill"), customer, which_invoice),
    st.tuples(st.just("apply"), customer, st.integers(min_value=0, max_value=3),
              st.lists(which_invoice, max_size=2)),                  # which payment, invoices
    st.tuples(st.just("dun"),),
)


@dataclass
class Finance:
    """Plays the operations on one store, keeping the clock and each customer's invoices."""

    scenario: Scenario
    today: date = DECEMBER
    next_month: date = first_of_next_month(DECEMBER)
    billed: list[date] = field(default_factory=lambda: [DECEMBER])
    invoices: dict[str, list[int]] = field(default_factory=lambda: {ACME: [1], GLOBEX: [2]})
    payments: dict[str, list[int]] = field(default_factory=lambda: {ACME: [], GLOBEX: []})

    def invoice(self, customer: str, index: int) -> int | None:
        numbers = self.invoices[customer]
        return numbers[index % len(numbers)] if numbers else None

    def bill(self, rerun: bool) -> None:
        month = self.billed[-1] if rerun and self.billed else self.next_month
        self.today = max(self.today, month - timedelta(days=5))  # in advance, or late
        result = self.scenario.bill(month, as_of=self.today)
        if result["invoices"]:
            numbers = range(result["first_number"], result["last_number"] + 1)
            for name, number in zip(CUSTOMERS, numbers, strict=True):
                self.invoices[name].append(number)
        if month == self.next_month:
            self.billed.append(month)
            self.next_month = first_of_next_month(month)

    def wait(self, days: int) -> None:
        self.today += timedelta(days=days)

    def pay(self, customer: str, cents: int, named: list[int]) -> None:
        numbers = tuple(n for n in (self.invoice(customer, i) for i in named) if n is not None)
        paid = self.scenario.pay(Decimal(cents) / 100, customer, on=self.today, invoices=numbers)
        self.payments[customer].append(paid["payment_id"])

    def cancel(self, customer: str, index: int) -> None:
        number = self.invoice(customer, index)
        if number is not None:
            self.scenario.cancel(number, as_of=self.today)

    def release(self, customer: str, index: int) -> None:
        number = self.invoice(customer, index)
        if number is not None:
            change(self.scenario.db, bob.release_payments, number, today=self.today)

    def rebill(self, customer: str, index: int) -> None:
        number = self.invoice(customer, index)
        if number is not None:
            rebilled = self.scenario.rebill(number, as_of=self.today)
            self.invoices[customer].append(rebilled["replacement"])

    def apply(self, customer: str, index: int, named: list[int]) -> None:
        payments = self.payments[customer]
        if payments:
            numbers = tuple(n for n in (self.invoice(customer, i) for i in named)
                            if n is not None)
            self.scenario.apply(payments[index % len(payments)], as_of=self.today,
                                invoices=numbers)

    def dun(self) -> None:
        self.scenario.dun(self.today)

    def play(self, step: tuple) -> None:
        name, *args = step
        # A refusal is a valid outcome; what it must not do is break an invariant.
        with contextlib.suppress(bob.BobError):
            getattr(self, name)(*args)
            event(f"{name} done")


# open_invoices (through receivables) against the whole ledger's invoice state.
OPEN_DISAGREE = """
(SELECT number, balance, days_overdue FROM full_invoice_state($day) WHERE is_open
 EXCEPT SELECT invoice_number, balance, days_overdue FROM open_invoices($day))
UNION ALL
(SELECT invoice_number, balance, days_overdue FROM open_invoices($day)
 EXCEPT SELECT number, balance, days_overdue FROM full_invoice_state($day) WHERE is_open)
"""

# Every day on which an invoice's state can change, and the day before it.
TURNING_DAYS = """
SELECT DISTINCT unnest([d, d - 1]) FROM (
    SELECT applied_on AS d FROM allocations
    UNION ALL SELECT issue_date FROM invoices
    UNION ALL SELECT due_date + 1 FROM invoices
) ORDER BY 1
"""


def _facts(con, as_of: date) -> dict:
    def rows(sql: str, params=None) -> list[tuple]:
        return con.execute(sql, params).fetchall()
    days = [day for (day,) in rows(TURNING_DAYS)] + [as_of]
    con.execute(FULL_INVOICE_STATE)
    return {
        "open_disagree": [(day, row) for day in days
                          for row in rows(OPEN_DISAGREE, {"day": day})],
        "state_disagree": [day for day in days if differing_rows(con, day)],
        "balances_disagree": rows(BALANCES_DISAGREE),
        "ledger": dict(((c, (t, a)) for c, t, a in rows(
            """
            SELECT c.id,
                   (SELECT coalesce(sum(total), 0) FROM invoices WHERE customer_id = c.id),
                   (SELECT coalesce(sum(a.amount), 0) FROM allocations a
                    JOIN payments p ON p.id = a.payment_id WHERE p.customer_id = c.id)
            FROM customers c
            """))),
        "open": dict(rows("SELECT customer_id, coalesce(sum(balance) FILTER (is_open), 0) "
                          "FROM invoice_state(?) GROUP BY customer_id", [as_of])),
        "payments": reports_sql.payments(con, as_of).to_dict("records"),
        "allocated": dict(rows("SELECT payment_id, sum(amount) FROM allocations GROUP BY 1")),
        "foreign_allocations": rows(
            "SELECT a.id FROM allocations a JOIN payments p ON p.id = a.payment_id "
            "JOIN invoices i ON i.number = a.invoice_number WHERE i.customer_id <> p.customer_id"),
        "overpaid_invoices": rows("SELECT number FROM invoice_state(?) WHERE balance < 0 "
                                  "AND kind = 'invoice'", [as_of]),
        "mirror_lines": rows(
            """
            SELECT c.number, l.line_no, sum(l.amount), count(*), count(DISTINCT l.subscription_id)
            FROM invoices c JOIN invoice_lines l ON l.invoice_number IN (c.number, c.cancels)
            WHERE c.kind = 'cancellation' GROUP BY ALL
            """),
        "head_sums": rows("SELECT c.number, c.amount + o.amount, c.tax + o.tax, c.total + o.total "
                          "FROM invoices c JOIN invoices o ON o.number = c.cancels"),
        "months_twice": [(day, row) for day in days for row in rows(
            "SELECT customer_id, billing_month FROM invoice_state(?) WHERE kind = 'invoice' "
            "AND canceled_on IS NULL GROUP BY ALL HAVING count(*) > 1", [day])],
        "live_originals": rows(
            "SELECT r.number FROM invoices r JOIN invoices o ON o.number = r.replaces "
            "WHERE o.customer_id <> r.customer_id OR o.billing_month <> r.billing_month "
            "OR NOT EXISTS (SELECT 1 FROM invoices c WHERE c.cancels = o.number "
            "               AND c.issue_date <= r.issue_date)"),
        "notices_twice": rows("SELECT invoice_number, stage FROM notices GROUP BY ALL "
                              "HAVING count(*) > 1"),
        "numbers": [n for (n,) in rows("SELECT number FROM invoices ORDER BY number")],
    }


@settings(max_examples=30, deadline=None)
@given(steps=st.lists(operation, min_size=4, max_size=10))
@example(steps=[("pay", ACME, 15_000, [0, 0])])  # an invoice named twice, more than it owes
@example(steps=[("pay", ACME, 15_000, []), ("pay", GLOBEX, 15_000, []), ("bill", False)])
@example(steps=[("pay", ACME, 6_435, []), ("release", ACME, 0), ("cancel", ACME, 0),
                ("bill", False), ("wait", 40), ("dun",), ("pay", ACME, 20_000, [1, 0])])
@example(steps=[("pay", ACME, 6_435, [0]), ("wait", 3), ("release", ACME, 0), ("wait", 3),
                ("pay", ACME, 6_435, [0])])  # paid, reopened by the release, paid again
@example(steps=[("pay", ACME, 6_435, []), ("release", ACME, 0), ("rebill", ACME, 0),
                ("apply", ACME, 0, []), ("rebill", ACME, 1), ("bill", True)])
def test_the_invariants_hold_after_any_sequence_of_operations(prebuilt, steps):
    finance = Finance(prebuilt(with_two_billed_customers))
    for step in steps:
        finance.play(step)
    facts = store.read(finance.scenario.db, lambda con: _facts(con, finance.today))

    for name, (invoiced, allocated) in facts["ledger"].items():
        assert invoiced - allocated == facts["open"].get(name, 0), (
            f"{name}: invoices {invoiced} - allocations {allocated} != open balance")
    for payment in facts["payments"]:
        assert payment["amount"] == payment["allocated"] + payment["balance"]
        assert payment["allocated"] == facts["allocated"].get(payment["payment_id"], 0)
        assert payment["balance"] >= 0, f"payment {payment['payment_id']} over-allocated"
    assert facts["foreign_allocations"] == [], "a payment went to another customer's invoice"
    assert facts["overpaid_invoices"] == [], "an invoice received more than its total"
    assert all(total == 0 and lines == 2 and subscriptions == 1
               for _, _, total, lines, subscriptions in facts["mirror_lines"]), (
        f"an invoice and its cancellation do not cancel line by line: {facts['mirror_lines']}")
    assert all(a == t == s == 0 for _, a, t, s in facts["head_sums"])
    assert facts["months_twice"] == [], "a customer has two live invoices for one month"
    assert facts["live_originals"] == [], "a replacement's original is not canceled before it"
    assert facts["notices_twice"] == [], "an invoice got the same notice twice"
    assert facts["numbers"] == list(range(1, len(facts["numbers"]) + 1)), "invoice numbers gap"
    assert facts["open_disagree"] == [], "receivables say otherwise than the ledger"
    assert facts["state_disagree"] == [], "invoice_state says otherwise than the ledger"
    assert facts["balances_disagree"] == [], "payment balances say otherwise than the ledger"
