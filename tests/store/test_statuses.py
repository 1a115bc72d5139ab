"""Invoice statuses as the seed names them, derived from the ledger and the as-of date."""

from datetime import date

from tests.conftest import DECEMBER

DUE = date(2026, 12, 31)


def test_an_issued_invoice_is_invoice_created(scenario, december_invoice):
    assert scenario.status(december_invoice, DECEMBER) == "Invoice Created"


def test_an_invoice_is_not_overdue_on_its_due_date(scenario, december_invoice):
    assert scenario.status(december_invoice, DUE) == "Invoice Created"


def test_an_unpaid_invoice_is_overdue_the_day_after_its_due_date(scenario, december_invoice):
    assert scenario.status(december_invoice, date(2027, 1, 1)) == "Overdue"


def test_overdue_is_derived_from_the_as_of_date_not_stored(scenario, december_invoice):
    assert [scenario.status(december_invoice, day) for day in
            (date(2027, 3, 1), DUE, date(2027, 1, 1))] == [
        "Overdue", "Invoice Created", "Overdue"]


def test_an_invoice_covered_by_payments_is_invoice_paid(scenario, december_invoice):
    scenario.pay(scenario.total(december_invoice), on=date(2026, 12, 10))
    assert scenario.status(december_invoice, date(2027, 2, 1)) == "Invoice Paid"


def test_a_partly_paid_invoice_past_due_is_overdue(scenario, december_invoice):
    scenario.pay("10.00", on=date(2026, 12, 10))
    assert scenario.status(december_invoice, date(2027, 1, 1)) == "Overdue"


def test_before_its_receipt_date_a_payment_does_not_count(scenario, december_invoice):
    scenario.pay(scenario.total(december_invoice), on=date(2027, 1, 10))
    assert scenario.status(december_invoice, date(2027, 1, 9)) == "Overdue"


def test_a_canceled_invoice_is_invoice_canceled(scenario, december_invoice):
    scenario.cancel(december_invoice, as_of=date(2026, 12, 5))
    assert scenario.status(december_invoice, date(2027, 2, 1)) == "Invoice Canceled"


def test_the_invoice_that_cancels_another_is_a_cancellation_invoice(scenario, december_invoice):
    cancellation = scenario.cancel(december_invoice, as_of=date(2026, 12, 5))
    assert scenario.status(cancellation, date(2026, 12, 5)) == "Cancellation Invoice"
