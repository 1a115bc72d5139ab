"""What each email says, to the customer and to the partner (pure rendering, no database)."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from bob.notices import Notice, render

KINDS = ("invoice_issued", "reminder", "warning", "service_stopped", "service_restored")


def both_layouts(email) -> tuple[str, str]:
    return email.text, email.html


def test_warning_names_the_date_the_service_stops(make_notice):
    email = render(make_notice("warning"))
    for layout in (email.subject, *both_layouts(email)):
        assert "will be stopped on 30 December 2026, in 5 days" in layout


def test_invoice_email_names_its_number_total_and_due_date(make_notice):
    email = render(make_notice("invoice_issued"))
    assert email.subject == "Billing on Behalf: invoice 1042 for $1,234.50, due 25 November 2026"
    for layout in both_layouts(email):
        assert "1042" in layout and "$1,234.50" in layout and "25 November 2026" in layout


def test_invoice_email_says_who_the_customer_is_billed_on_behalf_of(make_notice):
    email = render(make_notice("invoice_issued"))
    assert "on behalf of Northwind Partners" in email.text


def test_reminder_names_days_overdue_balance_and_due_date(make_notice):
    email = render(make_notice("reminder"))
    assert email.subject.startswith("Overdue: ")
    for layout in both_layouts(email):
        assert "10 days overdue" in layout
        assert "$1,000.00" in layout
        assert "25 November 2026" in layout


@pytest.mark.parametrize("kind", ["reminder", "warning", "service_stopped"])
def test_partner_copy_names_the_customer_invoice_amount_and_stop_date(make_notice, kind):
    notice = make_notice(kind, role="partner")
    email = render(notice)
    stop = f"{notice.stop_date.day} {notice.stop_date:%B %Y}"
    for layout in both_layouts(email):
        assert "Acme Corp" in layout
        assert "invoice 1042" in layout
        assert "$1,000.00" in layout and "$1,234.50" in layout
        assert stop in layout


def test_partner_copy_of_a_warning_names_the_stop_date(make_notice):
    email = render(make_notice("warning", role="partner"))
    assert email.subject == ("Overdue: Acme Corp's service will be stopped on 30 December 2026, "
                             "in 5 days")


@pytest.mark.parametrize("kind", KINDS)
def test_partner_copy_is_written_for_the_partner_not_copied(make_notice, kind):
    customer, partner = render(make_notice(kind)), render(make_notice(kind, role="partner"))
    assert partner.subject != customer.subject
    assert partner.text.startswith("Dear Northwind Partners,")
    assert customer.text.startswith("Dear Acme Corp,")
    assert "Acme Corp" in partner.subject


def test_customer_reminder_does_not_threaten_a_stop_date(make_notice):
    assert "stopped" not in render(make_notice("reminder")).text


def test_service_stopped_names_the_day_and_the_unpaid_invoice(make_notice):
    email = render(make_notice("service_stopped"))
    assert "Your service was stopped on 30 December 2026 because invoice 1042" in email.text
    assert "35 days overdue" in email.text


def test_service_restored_thanks_the_customer_and_tells_the_partner(make_notice):
    customer = render(make_notice("service_restored"))
    partner = render(make_notice("service_restored", role="partner"))
    assert "Thank you for your payment" in customer.text
    assert "Acme Corp has paid everything overdue" in partner.text
    assert "restored on 4 January 2027" in partner.text


def test_html_escapes_a_customer_named_like_markup(make_notice):
    email = render(make_notice("warning", role="partner", customer_name="<b>&Co</b>"))
    assert "&lt;b&gt;&amp;Co&lt;/b&gt;" in email.html
    assert "<b>" not in email.html
    assert "<b>&Co</b>" in email.text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["customer", "partner"])
def test_html_escapes_every_value_in_every_email(make_notice, kind, role):
    email = render(make_notice(kind, role=role, customer_name="<i>Acme</i>",
                               partner_name='"North" & <wind>'))
    assert "<i>" not in email.html and "<wind>" not in email.html and " & " not in email.html


def test_message_id_is_the_outbox_one_and_rendering_is_deterministic(make_notice):
    notice = make_notice("reminder", role="partner")
    assert render(notice) == render(make_notice("reminder", role="partner"))
    assert render(notice).message_id == "<bob.1042.reminder_10.partner@bob.invalid>"


def test_subject_stays_on_one_line_whatever_the_name(make_notice):
    email = render(make_notice("reminder", role="partner", customer_name="Acme\r\nBcc: x@y.z"))
    assert "\n" not in email.subject and "\r" not in email.subject


def test_a_notice_without_the_facts_its_email_needs_is_refused(make_notice):
    with pytest.raises(ValueError, match="stop_date"):
        render(make_notice("warning", stop_date=None))


def test_notice_reads_a_database_row_with_money_as_decimal():
    row = {"id": 7, "message_id": "<m@x>", "kind": "reminder", "recipient": "a@b.example",
           "recipient_role": "customer", "customer_name": "Acme", "partner_name": "North",
           "invoice_number": 3, "invoice_total": Decimal("10.00"),
           "invoice_balance": Decimal("2.50"), "due_date": date(2026, 1, 1),
           "days_overdue": 5, "stop_date": date(2026, 2, 5), "attempts": 0}
    notice = Notice.from_row(row)
    assert notice.invoice_balance == Decimal("2.50") and notice.stage is None


def test_notice_reads_a_dataframe_row_missing_values_as_none():
    frame = pd.DataFrame([{"id": 8, "message_id": "<m@x>", "kind": "service_restored",
                           "recipient": "a@b.example", "recipient_role": "partner",
                           "customer_name": "Acme", "partner_name": "North",
                           "invoice_number": float("nan"), "invoice_total": float("nan"),
                           "created_on": pd.Timestamp("2026-03-01"), "stop_date": pd.NaT}])
    notice = Notice.from_row(frame.iloc[0].to_dict())
    assert notice.invoice_number is None and notice.invoice_total is None
    assert notice.created_on == date(2026, 3, 1) and notice.stop_date is None
    assert "restored on 1 March 2026" in render(notice).text


@pytest.mark.parametrize("role", ["customer", "partner"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_name_ending_in_a_period_ends_its_sentence_once(make_notice, kind, role):
    email = render(make_notice(kind, role, customer_name="Tri-County Dermatology Inc.",
                               partner_name="Harbor Systems Co."))
    for layout in both_layouts(email):
        assert ".." not in layout
