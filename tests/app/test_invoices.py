"""The invoices page: the ledger as of the sidebar date, the invoice page, cancel and release."""

from datetime import date

import pytest

import bob
from bob import reports
from bob.money import format_money
from bob.store.invoices import LEDGER_FILTERS
from bob.store.whatif import LEDGER_SORTS, NAMED_FILTERS, NAMED_SORTS
from tests.app.conftest import ACTIVE, AS_OF, LATE, US_PARTNER
from ui import common


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def overdue_count(db, as_of: date) -> int:
    return len(bob.ledger(db, as_of=as_of, statuses=["Overdue"]))


def first_invoice(db, customer: str, status: str) -> dict:
    rows = bob.ledger(db, as_of=AS_OF, customer_ids=[customer], statuses=[status])
    return rows.sort_values("number").iloc[0].to_dict()


def test_ledger_counts_every_invoice_as_of_the_sidebar_date(demo_db, app):
    at = app("pages/invoices.py")
    assert not at.exception
    assert metric(at, "Invoices") == f"{len(bob.ledger(demo_db, as_of=AS_OF)):,}"
    assert metric(at, "Overdue") == f"{overdue_count(demo_db, AS_OF):,}"
    assert len(at.dataframe[0].value) == min(500, len(bob.ledger(demo_db, as_of=AS_OF)))


def test_moving_the_as_of_date_changes_the_overdue_count(demo_db, app):
    earlier = date(2026, 10, 5)
    assert overdue_count(demo_db, earlier) != overdue_count(demo_db, AS_OF)
    at = app("pages/invoices.py", as_of=earlier)
    assert metric(at, "Overdue") == f"{overdue_count(demo_db, earlier):,}"
    at.session_state[common.AS_OF] = AS_OF  # the sidebar's date (see the app fixture)
    at.run()
    assert metric(at, "Overdue") == f"{overdue_count(demo_db, AS_OF):,}"


def test_status_filter_keeps_only_overdue_invoices(demo_db, app):
    at = app("pages/invoices.py")
    at.multiselect(key="invoices_status").set_value(["Overdue"]).run()
    assert set(at.dataframe[0].value["status"]) == {"Overdue"}
    assert metric(at, "Invoices") == f"{overdue_count(demo_db, AS_OF):,}"


def test_customer_query_parameter_keeps_one_customer(demo_db, app):
    at = app("pages/invoices.py", customer=LATE)
    assert set(at.dataframe[0].value["customer_name"]) == {"Late Freight"}
    assert metric(at, "Invoices") == f"{len(bob.ledger(demo_db, as_of=AS_OF, customer_ids=[LATE]))}"


def test_typing_a_number_opens_the_invoice_page(demo_db, app):
    invoice = first_invoice(demo_db, LATE, "Overdue")
    at = app("pages/invoices.py")
    at.number_input(key="invoices_open").set_value(invoice["number"]).run()
    assert at.query_params["invoice"] == str(invoice["number"])
    assert at.subheader[0].value == f"Invoice {invoice['number']}"


def test_invoice_page_shows_date_due_date_amount_tax_total_and_balance(demo_db, app):
    invoice = first_invoice(demo_db, LATE, "Overdue")
    at = app("pages/invoices.py", invoice=str(invoice["number"]))
    assert not at.exception
    assert metric(at, "Amount") == format_money(invoice["amount"])
    assert metric(at, "Tax (VAT)") == format_money(invoice["tax"])
    assert metric(at, "Total") == format_money(invoice["total"])
    assert metric(at, "Balance") == format_money(invoice["balance"])
    assert len(at.dataframe) >= 2  # lines, notices


def test_cancel_asks_first_then_issues_the_cancellation_invoice(demo_db, app):
    number = first_invoice(demo_db, LATE, "Overdue")["number"]
    at = app("pages/invoices.py", invoice=str(number))
    button(at, "Cancel invoice").click().run()
    assert bob.invoice_detail(demo_db, number, as_of=AS_OF)["invoice"]["status"] == "Overdue"
    button(at, f"Yes, cancel invoice {number}").click().run()
    assert not at.exception
    canceled = bob.invoice_detail(demo_db, number, as_of=AS_OF)["invoice"]
    assert canceled["status"] == "Invoice Canceled"
    cancellation = bob.invoice_detail(demo_db, canceled["cancellation_number"], as_of=AS_OF)
    assert cancellation["invoice"]["status"] == "Cancellation Invoice"
    assert cancellation["invoice"]["total"] == -canceled["total"]
    assert f"Cancellation Invoice {canceled['cancellation_number']}" in at.success[0].value
    button(at, f"Cancellation Invoice {canceled['cancellation_number']}").click().run()
    assert at.subheader[0].value == f"Cancellation Invoice {canceled['cancellation_number']}"


def test_keeping_the_invoice_writes_nothing(demo_db, app):
    number = first_invoice(demo_db, LATE, "Overdue")["number"]
    at = app("pages/invoices.py", invoice=str(number))
    button(at, "Cancel invoice").click().run()
    button(at, "No, keep it").click().run()
    kept = bob.invoice_detail(demo_db, number, as_of=AS_OF)["invoice"]
    assert kept["cancellation_number"] is None
    assert button(at, "Cancel invoice")


def test_paid_invoice_explains_the_refusal_and_releases_its_payments(demo_db, app):
    number = first_invoice(demo_db, ACTIVE, "Invoice Paid")["number"]
    at = app("pages/invoices.py", invoice=str(number))
    assert "cannot be canceled" in at.warning[0].value
    assert not [b for b in at.button if b.label == "Cancel invoice"]
    button(at, "Release payments").click().run()
    button(at, f"Yes, release the payments of invoice {number}").click().run()
    assert not at.exception
    assert bob.invoice_detail(demo_db, number, as_of=AS_OF)["invoice"]["paid"] == 0
    assert button(at, "Cancel invoice")


def test_release_asks_first_showing_what_becomes_unpaid(demo_db, app):
    invoice = first_invoice(demo_db, ACTIVE, "Invoice Paid")
    at = app("pages/invoices.py", invoice=str(invoice["number"]))
    button(at, "Release payments").click().run()
    question = at.warning[1].value
    assert question.startswith(f"Release the payments of invoice {invoice['number']}?")
    assert f"owes {format_money(invoice['total'])} again" in question
    assert bob.invoice_detail(demo_db, invoice["number"], as_of=AS_OF)["invoice"]["paid"] > 0


def test_cancel_and_rebill_previews_the_replacement_at_the_edited_price(demo_db, app):
    number = first_invoice(demo_db, LATE, "Overdue")["number"]
    at = app("pages/invoices.py", invoice=str(number))
    button(at, "Cancel and rebill").click().run()
    price = next(t for t in at.text_input if t.label.endswith("monthly unit price"))
    price.set_value("20.00").run()
    assert "$200.00 plus" in at.warning[0].value  # 10 seats at 20.00
    assert bob.invoice_detail(demo_db, number, as_of=AS_OF)["invoice"]["replaced_by"] is None


def test_confirming_the_rebill_replaces_the_invoice(demo_db, app):
    number = first_invoice(demo_db, LATE, "Overdue")["number"]
    at = app("pages/invoices.py", invoice=str(number))
    button(at, "Cancel and rebill").click().run()
    button(at, f"Yes, rebill invoice {number}").click().run()
    assert not at.exception
    original = bob.invoice_detail(demo_db, number, as_of=AS_OF)["invoice"]
    assert original["status"] == "Invoice Canceled"
    assert f"replaced by invoice {original['replaced_by']}" in at.success[0].value


def test_unknown_invoice_says_so(demo_db, app):
    at = app("pages/invoices.py", invoice="999999")
    assert not at.exception
    assert "no invoice 999999" in at.info[0].value


def test_empty_store_says_how_to_load_data(empty_db, app):
    at = app("pages/invoices.py")
    assert not at.exception
    assert "python -m bob demo" in at.info[0].value


def test_csv_download_holds_every_filtered_invoice(demo_db):
    csv = reports.invoice_csv(demo_db, as_of=AS_OF, statuses=["Overdue"]).decode().splitlines()
    assert csv[0].startswith("number,kind,customer_id")
    assert len(csv) - 1 == overdue_count(demo_db, AS_OF)


LEDGER_CASES = [
    {}, {"statuses": ["Overdue", "Invoice Paid"]}, {"partner_ids": [US_PARTNER]},
    {"search": "Late"}, {"month_from": date(2026, 9, 1), "month_to": date(2026, 10, 1)},
    {"customer_ids": [ACTIVE, LATE], "statuses": ["Invoice Paid"]},
]


@pytest.mark.parametrize("sort", reports.LEDGER_SORTS)
@pytest.mark.parametrize("filters", LEDGER_CASES, ids=lambda f: ",".join(f) or "none")
def test_a_ledger_page_is_the_top_of_the_whole_sorted_ledger(demo_db, sort, filters):
    """The page is picked before names are joined when no filter or sort needs them: it must
    be the same rows as sorting everything that matches."""
    page = reports.invoice_ledger(demo_db, as_of=AS_OF, sort=sort, limit=7, **filters)
    every = reports.invoice_ledger(demo_db, as_of=AS_OF, sort=sort, limit=None, **filters)
    assert len(every["rows"]) > 7 or filters
    assert page["rows"].equals(every["rows"].head(7))
    assert page["matching"] == every["matching"] == len(every["rows"])
    assert page["by_status"] == every["rows"]["status"].value_counts().to_dict()


def test_only_the_named_filters_and_sorts_read_customer_or_partner_columns():
    named = {name for name, sql in LEDGER_FILTERS.items() if "c." in sql or "p." in sql}
    assert named == NAMED_FILTERS
    assert {name for name, sql in LEDGER_SORTS.items()
            if "c." in sql or "p." in sql} == NAMED_SORTS


def test_month_query_parameter_keeps_that_billing_month(demo_db, app):
    at = app("pages/invoices.py", month="2026-10")
    assert set(at.dataframe[0].value["period"]) == {"2026-10"}
