"""The monthly bill run: in advance, by calendar month, prorated first month, one invoice per
customer and month, gapless numbers, the state's sales tax, due date = issue + terms."""

from datetime import date
from decimal import Decimal

import pytest

import bob
from bob.config import configure
from bob.errors import BobError
from tests.conftest import (
    ACME,
    ACME_SEATS,
    ACME_STORAGE,
    ACTIVATED_ON,
    DECEMBER,
    GLOBEX,
    change,
    preview,
)

JANUARY = date(2027, 1, 1)


def _storage_from(day: date) -> tuple[bob.SubscriptionChange, ...]:
    return (bob.SubscriptionChange(ACME_STORAGE, day, Decimal("30.00")),)


def _line_facts(lines) -> list[tuple]:
    return [(row.subscription_id, row.period_start, row.period_end, row.days,
             row.days_in_month, row.amount) for row in lines.itertuples()]


def test_a_month_is_billed_in_advance_before_it_starts(scenario):
    scenario.activate(ACME)
    scenario.bill(DECEMBER, as_of=ACTIVATED_ON)
    invoice = scenario.invoice(scenario.invoice_number(ACME, DECEMBER), ACTIVATED_ON)
    assert (invoice["billing_month"], invoice["issue_date"]) == (DECEMBER, ACTIVATED_ON)


def test_a_month_after_next_cannot_be_billed_yet(scenario):
    scenario.activate(ACME)
    with pytest.raises(BobError, match="January 2027 cannot be billed yet"):
        scenario.bill(JANUARY, as_of=ACTIVATED_ON)


def test_a_refused_bill_run_writes_nothing(scenario):
    scenario.activate(ACME)
    before = scenario.counts()
    with pytest.raises(BobError):
        scenario.bill(JANUARY, as_of=ACTIVATED_ON)
    assert scenario.counts() == before


def test_an_invoice_line_covers_the_calendar_month(scenario):
    number = scenario.activate_and_bill(ACME)
    assert _line_facts(scenario.lines(number))[0] == (
        ACME_SEATS, date(2026, 12, 1), date(2027, 1, 1), 31, 31, Decimal("30.00"))


def test_a_partial_first_month_is_prorated_by_days_line_by_line(scenario):
    number = scenario.activate_and_bill(ACME, changes=_storage_from(date(2026, 12, 17)))
    assert _line_facts(scenario.lines(number)) == [
        (ACME_SEATS, date(2026, 12, 1), date(2027, 1, 1), 31, 31, Decimal("30.00")),
        (ACME_STORAGE, date(2026, 12, 17), date(2027, 1, 1), 15, 31, Decimal("14.52")),
    ]


def test_the_invoice_amount_is_the_sum_of_its_lines(scenario):
    number = scenario.activate_and_bill(ACME, changes=_storage_from(date(2026, 12, 17)))
    assert scenario.invoice(number, DECEMBER)["amount"] == Decimal("44.52")


def test_the_month_after_a_prorated_one_is_billed_in_full(scenario):
    scenario.activate_and_bill(ACME, changes=_storage_from(date(2026, 12, 17)))
    scenario.bill(JANUARY)
    lines = scenario.lines(scenario.invoice_number(ACME, JANUARY))
    assert [(row.days, row.amount) for row in lines.itertuples()] == [
        (31, Decimal("30.00")), (31, Decimal("30.00"))]


def test_a_subscription_starting_in_a_later_month_is_not_billed_before_it(scenario):
    number = scenario.activate_and_bill(ACME, changes=_storage_from(date(2027, 1, 17)))
    assert list(scenario.lines(number)["subscription_id"]) == [ACME_SEATS]


def test_a_subscription_starting_in_a_later_month_is_prorated_in_that_month(scenario):
    scenario.activate_and_bill(ACME, changes=_storage_from(date(2027, 1, 17)))
    scenario.bill(JANUARY)
    lines = scenario.lines(scenario.invoice_number(ACME, JANUARY))
    assert _line_facts(lines)[1] == (
        ACME_STORAGE, date(2027, 1, 17), date(2027, 2, 1), 15, 31, Decimal("14.52"))


def test_the_overridden_price_is_billed_not_the_list_price(scenario):
    change = bob.SubscriptionChange(ACME_SEATS, DECEMBER, Decimal("7.50"))
    number = scenario.activate_and_bill(ACME, changes=(change,))
    assert scenario.lines(number)["amount"].iloc[0] == Decimal("22.50")


def test_a_customer_not_activated_is_not_billed(scenario):
    scenario.activate_and_bill(ACME)
    assert scenario.value("SELECT count(*) FROM invoices WHERE customer_id = ?", [GLOBEX]) == 0


def test_a_month_before_bob_starts_bills_nothing(scenario):
    scenario.activate(ACME, start=JANUARY)
    assert scenario.bill(DECEMBER, as_of=ACTIVATED_ON)["invoices"] == 0


def test_rerunning_a_month_issues_no_second_invoice(scenario):
    scenario.activate_and_bill(ACME)
    again = scenario.bill(DECEMBER)
    assert (again["invoices"], scenario.counts(("invoices",))["invoices"]) == (0, 1)


def test_a_rerun_bills_only_the_customers_not_billed_yet(scenario):
    scenario.activate_and_bill(ACME)
    scenario.activate(GLOBEX)
    scenario.bill(DECEMBER)
    rows = scenario.rows("SELECT customer_id, count(*) AS n FROM invoices "
                         "GROUP BY customer_id ORDER BY customer_id")
    assert rows == [{"customer_id": ACME, "n": 1}, {"customer_id": GLOBEX, "n": 1}]


def test_invoice_numbers_are_gapless_across_bill_runs_and_cancellations(scenario):
    scenario.activate(ACME)
    scenario.activate(GLOBEX)
    scenario.bill(DECEMBER)
    change(scenario.db, bob.cancel, scenario.invoice_number(ACME, DECEMBER),
           today=date(2026, 12, 2))
    scenario.bill(DECEMBER)
    scenario.bill(JANUARY)
    numbers = [row["number"] for row in scenario.rows("SELECT number FROM invoices ORDER BY 1")]
    assert numbers == [1, 2, 3, 4, 5]


def test_tax_is_the_state_rate_on_the_amount_rounded_half_up(scenario):
    scenario.add_customer("C-TAX", state="CA", subscriptions=((1, "2.00"),))
    number = scenario.activate_and_bill("C-TAX")
    invoice = scenario.invoice(number, DECEMBER)
    # 2.00 * 7.25% = 0.145: half-up gives 0.15 (half-even would give 0.14)
    assert (invoice["tax_rate"], invoice["tax"], invoice["total"]) == (
        Decimal("0.0725"), Decimal("0.15"), Decimal("2.15"))


def test_tax_is_rounded_once_per_invoice_not_per_line(scenario):
    scenario.add_customer("C-TAX", state="CA", subscriptions=((1, "0.10"), (1, "0.10")))
    number = scenario.activate_and_bill("C-TAX")
    # per line: 0.00725 -> 0.01 twice = 0.02; once: 0.20 * 7.25% = 0.0145 -> 0.01
    assert scenario.invoice(number, DECEMBER)["tax"] == Decimal("0.01")


def test_each_state_has_its_own_rate(scenario):
    number = scenario.activate_and_bill(GLOBEX)
    invoice = scenario.invoice(number, DECEMBER)
    assert (invoice["tax_rate"], invoice["tax"]) == (Decimal("0.0625"), Decimal("6.25"))


def test_the_due_date_is_the_issue_date_plus_30_days_by_default(scenario):
    number = scenario.activate_and_bill(ACME)
    assert scenario.invoice(number, DECEMBER)["due_date"] == date(2026, 12, 31)


def test_the_due_date_follows_the_configured_payment_terms(scenario):
    change(scenario.db, configure, payment_terms_days=14, today=ACTIVATED_ON)
    number = scenario.activate_and_bill(ACME)
    assert scenario.invoice(number, DECEMBER)["due_date"] == date(2026, 12, 15)


def test_issuing_an_invoice_sends_it_to_the_billing_email(scenario):
    number = scenario.activate_and_bill(ACME)
    issued = scenario.outbox("invoice_issued")
    assert [(row["invoice_number"], row["recipient"]) for row in issued] == [
        (number, "billing@acme.example")]


def test_the_confirm_preview_is_the_invoice_the_bill_run_issues(scenario):
    request = bob.ActivationRequest(ACME, DECEMBER, "billing@acme.example",
                                    _storage_from(date(2026, 12, 17)))
    previewed = preview(scenario.db, bob.preview_first_invoice, request, today=ACTIVATED_ON)
    change(scenario.db, bob.activate, request, today=ACTIVATED_ON)
    scenario.bill(DECEMBER)
    issued = bob.invoice_detail(scenario.db, 1, as_of=DECEMBER)
    keys = ("number", "amount", "tax", "total", "due_date")
    assert [previewed["invoice"][key] for key in keys] == [issued["invoice"][key] for key in keys]
    assert previewed["lines"].equals(issued["lines"])


def test_the_confirm_preview_writes_nothing(scenario):
    before = scenario.counts()
    preview(scenario.db, bob.preview_first_invoice, bob.ActivationRequest(
        ACME, DECEMBER, "billing@acme.example"), today=ACTIVATED_ON)
    assert scenario.counts() == before
