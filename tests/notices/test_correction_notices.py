"""Canceling and rebilling are told like every notice: the customer and the partner read
which invoice is void, its Cancellation Invoice and, for a rebill, the replacement."""

from decimal import Decimal

from bob.notices import render


def test_a_cancellation_names_the_cancellation_invoice(make_notice):
    email = render(make_notice("invoice_canceled", cancellation_number=1043))
    assert email.subject == "Billing on Behalf: invoice 1042 canceled"
    assert "canceled by Cancellation Invoice 1043" in email.text


def test_a_rebill_names_the_replacement_and_its_total(make_notice):
    email = render(make_notice("invoice_rebilled", cancellation_number=1043,
                               replacement_number=1044, replacement_total=Decimal("999.00")))
    assert email.subject == "Billing on Behalf: invoice 1042 replaced by invoice 1044"
    for layout in (email.text, email.html):
        assert "Cancellation Invoice 1043" in layout and "invoice 1044 of $999.00" in layout


def test_the_customer_is_asked_to_pay_the_replacement(make_notice):
    email = render(make_notice("invoice_rebilled", cancellation_number=1043,
                               replacement_number=1044, replacement_total=Decimal("999.00")))
    assert "Please pay invoice 1044; invoice 1042 is void." in email.text


def test_the_partners_copy_names_the_customer(make_notice):
    email = render(make_notice("invoice_canceled", role="partner", cancellation_number=1043))
    assert "Acme Corp's invoice 1042" in email.text
