"""The invoice PDF, read back: it says what the ledger says."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

import bob
from bob.config import VENDOR
from bob.documents import invoice_pdf
from bob.money import format_money
from tests.conftest import ACME, ACME_STORAGE, ACTIVATED_ON, BOB_START, DECEMBER, US_PARTNER, change

JANUARY_5 = date(2027, 1, 5)


def pdf_text(data: bytes) -> str:
    """The PDF's text with every run of whitespace as one space (table cells wrap)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def printed(scenario, number: int, as_of: date) -> str:
    return pdf_text(invoice_pdf(scenario.db, number, as_of=as_of))


def test_invoice_pdf_shows_number_total_tax_and_partner_of_the_ledger(scenario, december_invoice):
    text = printed(scenario, december_invoice, JANUARY_5)
    invoice = scenario.invoice(december_invoice, JANUARY_5)
    assert text.startswith(f"Invoice {december_invoice} ")
    assert f"Billed on behalf of {invoice['partner_name']}" in text
    assert f"Total {format_money(invoice['total'])}" in text
    assert f"Sales tax (CA, 7.25%) {format_money(invoice['tax'])}" in text
    assert f"Bill to {invoice['customer_name']} State: CA {invoice['billing_email']}" in text
    assert VENDOR.name in text


def test_invoice_pdf_shows_balance_and_status_as_of_the_date(scenario, december_invoice):
    scenario.pay("20.00", on=date(2026, 12, 10))
    invoice = scenario.invoice(december_invoice, JANUARY_5)
    text = printed(scenario, december_invoice, JANUARY_5)
    assert f"Balance on 5 January 2027 {format_money(invoice['balance'])}" in text
    assert "Status on 5 January 2027 Overdue" in text
    assert f"Please pay {format_money(invoice['balance'])} by 31 December 2026" in text
    assert f"Reference invoice {december_invoice} with your payment" in text


def test_paid_invoice_pdf_asks_for_nothing(scenario, december_invoice):
    scenario.pay(scenario.total(december_invoice), on=date(2026, 12, 10))
    text = printed(scenario, december_invoice, JANUARY_5)
    assert "Status on 5 January 2027 Invoice Paid" in text
    assert "Balance on 5 January 2027 $0.00" in text
    assert "Please pay" not in text


def test_invoice_pdf_lines_show_last_day_billed_and_proration(scenario):
    change = bob.SubscriptionChange(ACME_STORAGE, date(2026, 12, 17), bob.money.to_cents("25"))
    number = scenario.activate_and_bill(ACME, changes=(change,))
    storage = scenario.lines(number).set_index("subscription_id").loc[ACME_STORAGE]
    text = printed(scenario, number, DECEMBER)
    assert storage["period_end"] == date(2027, 1, 1)  # half-open in the ledger
    assert (f"Storage 1 $25.00 17 December 2026 – 31 December 2026 15/31 "
            f"{format_money(storage['amount'])}") in text
    assert "Seats 3 $10.00 1 December 2026 – 31 December 2026 31/31 $30.00" in text


def test_cancellation_invoice_pdf_names_the_invoice_it_cancels(scenario, december_invoice):
    cancellation = scenario.cancel(december_invoice, as_of=date(2026, 12, 3))
    text = printed(scenario, cancellation, JANUARY_5)
    assert text.startswith(f"Cancellation Invoice {cancellation} ")
    assert f"Cancels invoice {december_invoice}" in text
    assert f"Total {format_money(-scenario.total(december_invoice))}" in text
    assert "Status on 5 January 2027 Cancellation Invoice" in text


def test_canceled_invoice_pdf_names_its_cancellation(scenario, december_invoice):
    cancellation = scenario.cancel(december_invoice, as_of=date(2026, 12, 3))
    text = printed(scenario, december_invoice, JANUARY_5)
    assert f"Canceled by Cancellation Invoice {cancellation} of 3 December 2026" in text
    assert "Status on 5 January 2027 Invoice Canceled" in text
    assert "Please pay" not in text


def test_a_customer_name_beyond_latin_1_prints(scenario):
    change(scenario.db, bob.import_accounts, {
        "customers": [{"id": "C-LODZ", "partner_id": US_PARTNER, "name": "Łódź Москва Αθήνα",
                       "state": "NY"}],
        "subscriptions": [{"id": "S-LODZ", "customer_id": "C-LODZ", "product": "Seats",
                           "quantity": 1, "price": "10.00"}]}, today=ACTIVATED_ON)
    number = scenario.activate_and_bill("C-LODZ")
    assert "Bill to Łódź Москва Αθήνα" in printed(scenario, number, BOB_START)


def test_invoice_not_issued_by_the_date_is_refused(scenario, december_invoice):
    with pytest.raises(bob.BobError, match="There is no invoice 1 issued by 30 November 2026"):
        invoice_pdf(scenario.db, december_invoice, as_of=date(2026, 11, 30))
