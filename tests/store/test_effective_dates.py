"""Every ledger row takes effect on a date, never before what it refers to, and no change is
dated after the business date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

import bob
from bob import BobError
from tests.conftest import ACME, DECEMBER, change

ISSUED = DECEMBER          # the December invoice is issued on 1 December 2026
DUE = date(2026, 12, 31)


def applied_on(scenario, payment_id: int) -> list[date]:
    return [row["applied_on"] for row in scenario.rows(
        "SELECT applied_on FROM allocations WHERE payment_id = ? ORDER BY id", [payment_id])]


def test_a_payment_received_before_the_invoice_was_issued_applies_on_the_issue_date(
        scenario, december_invoice):
    paid = scenario.pay("64.35", on=date(2026, 11, 29), as_of=date(2026, 12, 2))
    assert applied_on(scenario, paid["payment_id"]) == [ISSUED]
    assert scenario.status(december_invoice, ISSUED) == "Invoice Paid"


def test_a_payment_received_after_the_issue_date_applies_on_its_receipt_date(
        scenario, december_invoice):
    paid = scenario.pay("64.35", on=date(2026, 12, 10), as_of=date(2026, 12, 12))
    assert applied_on(scenario, paid["payment_id"]) == [date(2026, 12, 10)]
    assert scenario.status(december_invoice, date(2026, 12, 9)) == "Invoice Created"


def test_an_old_receipt_date_does_not_pay_an_invoice_before_it_existed(scenario,
                                                                       december_invoice):
    paid = scenario.pay("64.35", on=date(2020, 1, 1), as_of=date(2026, 12, 2))
    assert applied_on(scenario, paid["payment_id"]) == [ISSUED]


def test_a_receipt_date_after_today_is_refused_and_nothing_is_written(scenario,
                                                                      december_invoice):
    before = scenario.counts()
    with pytest.raises(BobError, match="in the future"):
        scenario.pay("64.35", on=date(2026, 12, 11), as_of=date(2026, 12, 10))
    assert scenario.counts() == before


def test_a_release_cannot_be_dated_before_the_allocation_it_releases(scenario,
                                                                     december_invoice):
    scenario.pay("64.35", on=date(2026, 12, 10))
    before = scenario.counts()
    with pytest.raises(BobError, match="its latest payment applies on 10 December 2026"):
        change(scenario.db, bob.release_payments, december_invoice, today=date(2026, 12, 9))
    assert scenario.counts() == before


def test_a_release_on_the_day_of_the_allocation_is_accepted(scenario, december_invoice):
    scenario.pay("64.35", on=date(2026, 12, 10))
    change(scenario.db, bob.release_payments, december_invoice, today=date(2026, 12, 10))
    assert scenario.invoice(december_invoice, date(2026, 12, 10))["balance"] == Decimal("64.35")


def test_money_given_again_after_a_release_applies_no_earlier_than_the_release(
        scenario, december_invoice):
    scenario.pay("64.35", on=date(2026, 12, 10))
    change(scenario.db, bob.release_payments, december_invoice, today=date(2026, 12, 20))
    again = scenario.pay("64.35", on=date(2026, 12, 5), as_of=date(2026, 12, 21))
    assert applied_on(scenario, again["payment_id"]) == [date(2026, 12, 20)]
    for day in (date(2026, 12, 12), date(2026, 12, 20)):
        assert scenario.invoice(december_invoice, day)["balance"] == Decimal("0.00")


def test_a_cancellation_cannot_be_dated_before_the_invoices_latest_notice(scenario,
                                                                         december_invoice):
    scenario.dun(DUE + timedelta(days=10))
    before = scenario.counts()
    with pytest.raises(BobError, match="its latest notice was decided on 10 January 2027"):
        scenario.cancel(december_invoice, as_of=DUE + timedelta(days=9))
    assert scenario.counts() == before
    assert scenario.cancel(december_invoice, as_of=DUE + timedelta(days=10))


def test_a_preview_may_look_ahead_but_a_change_may_not(scenario):
    with bob.unit_of_work(scenario.db, actor="test", today=DECEMBER, preview=True) as uow:
        assert uow.on(DECEMBER + timedelta(days=30)).today == date(2026, 12, 31)
    with bob.unit_of_work(scenario.db, actor="test", today=DECEMBER) as uow, \
            pytest.raises(BobError, match="after today, 1 December 2026"):
        uow.on(DECEMBER + timedelta(days=1))


def test_a_preview_never_commits(scenario):
    with bob.unit_of_work(scenario.db, actor="test", today=DECEMBER, preview=True) as uow, \
            pytest.raises(RuntimeError):
        uow.commit()


def test_a_unit_of_work_left_without_commit_stores_nothing(scenario):
    before = scenario.counts()
    with bob.unit_of_work(scenario.db, actor="test", today=date(2026, 11, 25)) as uow:
        bob.activate(uow, bob.ActivationRequest(ACME, DECEMBER, "billing@acme.example"))
    assert scenario.counts() == before


def test_a_dunning_day_after_today_is_refused(scenario, december_invoice):
    with pytest.raises(BobError, match="The dunning day 11 January 2027 is after today"):
        change(scenario.db, bob.run_dunning, date(2027, 1, 11), today=date(2027, 1, 10))


def test_a_past_dunning_day_covered_by_a_later_run_decides_nothing(scenario,
                                                                   december_invoice):
    scenario.dun(DUE + timedelta(days=12))
    before = scenario.counts()
    result = change(scenario.db, bob.run_dunning, DUE + timedelta(days=6),
                    today=DUE + timedelta(days=12))
    assert result["covered_by_run_on"] == "2027-01-12"
    assert scenario.counts() == before


def test_a_catch_up_day_dates_its_notices_that_day_and_queues_the_emails_today(
        scenario, december_invoice):
    change(scenario.db, bob.run_dunning, DUE + timedelta(days=5), today=DUE + timedelta(days=7))
    notice = scenario.rows("SELECT decided_on FROM notices")
    emails = scenario.rows("SELECT created_on FROM outbox WHERE kind = 'reminder'")
    assert [row["decided_on"] for row in notice] == [date(2027, 1, 5)]
    assert {row["created_on"] for row in emails} == {date(2027, 1, 7)}


def test_canceling_the_last_overdue_invoice_restores_a_stopped_service(scenario,
                                                                      december_invoice):
    for n in (30, 35):
        scenario.dun(DUE + timedelta(days=n))
    assert bob.customer_profile(scenario.db, ACME, as_of=DUE + timedelta(days=35),
                                today=DUE + timedelta(days=35))["bob_status"] == (
        "Service stopped")
    result = change(scenario.db, bob.cancel, december_invoice, today=DUE + timedelta(days=36))
    assert result["service_restored"]
