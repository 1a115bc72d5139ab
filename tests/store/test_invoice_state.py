"""invoice_state reads what each invoice has been paid from receivables and sums allocations
only for invoices paid after the date asked or changed since the last sync. On every date,
and in the middle of a write before its sync, it must equal the whole ledger's derivation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bob import store
from bob.demo import build_demo
from bob.store import billing as billing_sql
from bob.store import payments as payments_sql
from bob.store import whatif as whatif_sql
from bob.unit_of_work import unit_of_work
from tests.store.full_ledger import FULL_INVOICE_STATE, differing_rows

AS_OF = date(2026, 6, 20)
# Every 9 days through the demo's year and past it, and the as-of day itself.
DATES = [date(2025, 11, 25) + timedelta(days=d) for d in range(0, 260, 9)] + [AS_OF]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("invoice-state") / "bob.duckdb"
    build_demo(db, customers=80, seed=5, as_of=AS_OF)
    return db


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_invoice_state_equals_the_whole_ledger_on_every_date(demo, as_of):
    assert store.read(demo, lambda con: differing_rows(con, as_of)) == 0


def test_the_demo_has_late_payments_partial_payments_and_cancellations(demo):
    """The comparison means something only if payments land after some of the dates."""
    def facts(con):
        con.execute(FULL_INVOICE_STATE)
        return con.execute(
            """
            SELECT (SELECT count(*) FROM receivables WHERE last_paid_on > DATE '2026-03-01'
                      AND issue_date <= DATE '2026-03-01'),
                   (SELECT count(*) FROM full_invoice_state(DATE '2026-06-20')
                      WHERE is_open AND paid > 0),
                   (SELECT count(*) FROM invoices WHERE kind = 'cancellation')
            """).fetchone()
    assert all(count > 0 for count in store.read(demo, facts))


def test_a_payment_not_yet_synced_counts_in_the_same_transaction(scenario, december_invoice):
    """Within a unit of work, before receivables is synced, a new allocation counts."""
    with unit_of_work(scenario.db, actor="test", today=date(2026, 12, 10), preview=True) as uow:
        payment = payments_sql.insert_payment(uow.con, "C-ACME", Decimal("30.00"), "ACH",
                                              date(2026, 12, 10), "")
        payments_sql.allocate_payment(uow.con, payment, None)
        paid = uow.con.execute("SELECT paid FROM invoice_state(DATE '2026-12-10') "
                               "WHERE number = ?", [december_invoice]).fetchone()[0]
        assert str(paid) == "30.00"
        assert differing_rows(uow.con, date(2026, 12, 10)) == 0


def test_an_invoice_issued_and_not_yet_synced_is_in_the_state(scenario):
    scenario.activate("C-ACME")
    with unit_of_work(scenario.db, actor="test", today=date(2026, 12, 1), preview=True) as uow:
        billing_sql.bill_month(uow.con, month_start=date(2026, 12, 1), month_end=date(2027, 1, 1),
                               as_of=date(2026, 12, 1), due_date=date(2026, 12, 31),
                               default_rate=Decimal("0"))
        assert uow.con.execute("SELECT status FROM invoice_state(DATE '2026-12-01')"
                               ).fetchall() == [("Invoice Created",)]
        assert differing_rows(uow.con, date(2026, 12, 1)) == 0


def test_a_release_and_payments_recorded_later_with_earlier_receipts(scenario, december_invoice):
    scenario.pay("30.00", on=date(2026, 12, 20))
    scenario.pay("34.35", on=date(2026, 12, 5), as_of=date(2026, 12, 21))
    scenario.release(december_invoice, as_of=date(2026, 12, 28))
    for day in (date(2026, 12, d) for d in range(1, 32)):
        assert store.read(scenario.db, lambda con, day=day: differing_rows(con, day)) == 0, day


@pytest.mark.parametrize("sort", ["Newest first", "Oldest first"])
@pytest.mark.parametrize("as_of", [date(2026, 1, 3), date(2026, 4, 1), AS_OF], ids=str)
def test_the_ledgers_default_page_is_the_first_rows_of_the_whole_ledger(demo, sort, as_of):
    """With no filter the page picks its invoice numbers before deriving their state."""
    def pages(con):
        page = whatif_sql.ledger_rows(con, as_of, sort, 40, {})
        whole = whatif_sql.ledger_rows(con, as_of, sort, None, {})
        return page, whole.head(40)
    page, first_rows = store.read(demo, pages)
    assert len(page) == 40
    assert page.to_dict("records") == first_rows.to_dict("records")
