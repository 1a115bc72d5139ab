"""The overview's money figures read the receivables; on every date they must equal what the
full ledger says (tests/store/full_ledger.py: every invoice, every allocation, every
cancellation; not invoice_state, which reads receivables too).

The demo store has a year of billing, partial payments, late payers and canceled invoices.
"""

from datetime import date, timedelta

import pytest

from bob import overview, store
from bob.demo import build_demo
from tests.store.full_ledger import FULL_INVOICE_STATE

AS_OF = date(2026, 6, 20)
# Every 17 days through the demo's history and past it: month ends, due dates, the as-of day.
DATES = [date(2025, 12, 1) + timedelta(days=d) for d in range(0, 240, 17)] + [AS_OF]

LEDGER = """
WITH kept AS (
    SELECT * FROM full_invoice_state($as_of) WHERE kind = 'invoice' AND canceled_on IS NULL
)
SELECT billing_month, sum(total) AS billed, sum(paid) AS paid,
       coalesce(sum(balance) FILTER (is_open AND days_overdue = 0), 0) AS open,
       coalesce(sum(balance) FILTER (is_open AND days_overdue > 0), 0) AS overdue,
       count(*) FILTER (is_open AND days_overdue > 0) AS overdue_invoices
FROM kept GROUP BY billing_month ORDER BY billing_month
"""

LEDGER_BY_PARTNER = """
SELECT c.partner_id, sum(s.balance) AS open_total
FROM full_invoice_state($as_of) s JOIN customers c ON c.id = s.customer_id
WHERE s.is_open GROUP BY c.partner_id
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("overview") / "bob.duckdb"
    build_demo(db, customers=80, seed=11, as_of=AS_OF)
    return db


def ledger(db, sql: str, as_of: date) -> list[dict]:
    def work(con):
        con.execute(FULL_INVOICE_STATE)
        return store.records(con, sql, {"as_of": as_of})
    return store.read(db, work)


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_money_figures_equal_the_full_ledger_on_every_date(demo, as_of):
    board = overview.dashboard(demo, as_of=as_of, today=AS_OF)
    months = {row["billing_month"]: row for row in ledger(demo, LEDGER, as_of)}

    assert board.billed == months.get(board.month, {}).get("billed", 0)
    assert board.billed_previous_month == months.get(board.previous_month, {}).get("billed", 0)
    assert board.open_receivables == sum(m["open"] + m["overdue"] for m in months.values())
    assert board.overdue_receivables == sum(m["overdue"] for m in months.values())
    assert board.overdue_invoices == sum(m["overdue_invoices"] for m in months.values())

    chart = board.billing_by_month.pivot(index="month", columns="part", values="amount")
    for month, row in chart.iterrows():
        assert (row["Paid"], row["Open"], row["Overdue"]) == (
            months[month]["paid"], months[month]["open"], months[month]["overdue"])

    by_partner = {row["partner_id"]: row["open_total"]
                  for row in ledger(demo, LEDGER_BY_PARTNER, as_of)}
    top = board.receivables_by_partner.drop_duplicates("partner_id")
    assert len(top) == min(10, len(by_partner))
    assert {p: by_partner[p] for p in top["partner_id"]} == dict(
        zip(top["partner_id"], top["open_total"], strict=True))
    assert list(top["open_total"]) == sorted(by_partner.values(), reverse=True)[:len(top)]


def test_the_dates_cover_cancellations_partial_payments_and_overdue_money(demo):
    """The comparison above means something only if the store has each case by then."""
    facts = store.read(demo, lambda con: con.execute(
        """
        SELECT (SELECT count(*) FROM invoices WHERE kind = 'cancellation' AND issue_date <= $d),
               (SELECT count(*) FROM invoice_state($d) WHERE is_open AND paid > 0),
               (SELECT count(*) FROM invoice_state($d) WHERE days_overdue > 0)
        """, {"d": AS_OF}).fetchone())
    assert all(count > 0 for count in facts), facts
