"""Payment balances: each payment's money not allocated yet, kept in step with the ledger by
every write, so the bill run's sweep reads the few payments with money left. After every
kind of change it must equal what the payments and all their allocations say. Acme's
December invoice is 64.35, issued 1 December 2026."""

from datetime import date

from bob import store
from tests.store.full_ledger import BALANCES_DISAGREE


def balances(scenario) -> dict[int, str]:
    return {row["payment_id"]: str(row["unapplied"])
            for row in scenario.rows("SELECT payment_id, unapplied FROM payment_balances")}


def agrees_with_the_ledger(scenario) -> bool:
    return store.read(scenario.db, lambda con: con.execute(BALANCES_DISAGREE).fetchall()) == []


def test_a_payment_allocated_in_full_leaves_no_balance(scenario, december_invoice):
    scenario.pay("64.35", on=date(2026, 12, 10))
    assert balances(scenario) == {}
    assert agrees_with_the_ledger(scenario)


def test_an_overpayment_leaves_what_the_invoices_did_not_take(scenario, december_invoice):
    payment = scenario.pay("100.00", on=date(2026, 12, 10))["payment_id"]
    assert balances(scenario) == {payment: "35.65"}
    assert agrees_with_the_ledger(scenario)


def test_the_next_bill_run_takes_the_balance_and_it_shrinks(scenario, december_invoice):
    payment = scenario.pay("100.00", on=date(2026, 12, 10))["payment_id"]
    scenario.bill(date(2027, 1, 1))  # January's 64.35 takes the 35.65 left
    assert balances(scenario) == {}
    assert agrees_with_the_ledger(scenario)
    assert scenario.value("SELECT sum(amount) FROM allocations WHERE payment_id = ?",
                          [payment]) == 100


def test_a_release_gives_the_money_back_to_the_payment(scenario, december_invoice):
    payment = scenario.pay("64.35", on=date(2026, 12, 10))["payment_id"]
    scenario.release(december_invoice, as_of=date(2026, 12, 12))
    assert balances(scenario) == {payment: "64.35"}
    scenario.apply(payment, as_of=date(2026, 12, 14))
    assert balances(scenario) == {}
    assert agrees_with_the_ledger(scenario)
