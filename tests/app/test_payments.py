"""The payments page: the ledger, the payment page, and recording a payment after a preview."""

from datetime import date
from decimal import Decimal

import bob
from bob import reports
from bob.money import format_money
from bob.months import long_date
from tests.app.conftest import ACTIVE, AS_OF, LATE, NEW
from tests.conftest import change


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def payment_count(db) -> int:
    return len(reports.payments(db, as_of=date(2099, 1, 1)))


def record_tab(app, **query_params):
    at = app("pages/payments.py", **query_params)
    at.session_state["payments_tab"] = "Record a payment"
    return at.run()


def fill(at, customer: str, amount: str, invoices: str = ""):
    at.text_input(key="pay_customer").set_value(customer)
    at.text_input(key="pay_amount").set_value(amount)
    at.text_input(key="pay_invoices").set_value(invoices)
    return at.run()


def oldest_overdue(db, customer: str) -> dict:
    rows = bob.ledger(db, as_of=AS_OF, customer_ids=[customer], statuses=["Overdue"])
    return rows.sort_values("number").iloc[0].to_dict()


def test_ledger_counts_the_payments_received_by_the_as_of_date(demo_db, app):
    at = app("pages/payments.py")
    assert not at.exception
    assert metric(at, "Payments") == f"{len(reports.payments(demo_db, as_of=AS_OF)):,}"


def test_customer_query_parameter_keeps_one_customer(demo_db, app):
    at = app("pages/payments.py", customer=ACTIVE)
    assert set(at.dataframe[0].value["customer_id"]) == {ACTIVE}
    paid = reports.payments(demo_db, as_of=AS_OF, customer_id=ACTIVE)
    assert metric(at, "Payments") == f"{len(paid)}"


def test_method_and_receipt_dates_filter_the_ledger(demo_db, app):
    at = app("pages/payments.py", customer=ACTIVE)
    at.selectbox(key="payments_method").set_value("wire").run()
    assert "No payment matches" in at.info[0].value
    at.selectbox(key="payments_method").set_value("ACH")
    at.date_input(key="payments_from").set_value(date(2026, 10, 1))
    at.date_input(key="payments_to").set_value(date(2026, 10, 31)).run()
    assert [d.month for d in at.dataframe[0].value["receipt_date"]] == [10]


def test_payment_page_shows_method_receipt_date_amount_balance_and_allocations(demo_db, app):
    payment = reports.payments(demo_db, as_of=AS_OF, customer_id=ACTIVE).iloc[0]
    at = app("pages/payments.py", payment=str(payment["payment_id"]))
    assert not at.exception
    assert metric(at, "Method") == payment["method"]
    assert metric(at, "Receipt date") == long_date(payment["receipt_date"])
    assert metric(at, "Amount") == format_money(payment["amount"])
    assert metric(at, "Balance") == format_money(payment["balance"])
    head, allocations = bob.payment_detail(demo_db, int(payment["payment_id"]))
    assert len(at.dataframe[0].value) == len(allocations)


def test_preview_then_save_turns_the_invoice_paid(demo_db, app):
    invoice = oldest_overdue(demo_db, LATE)
    before = payment_count(demo_db)
    at = fill(record_tab(app), LATE, str(invoice["balance"]))
    button(at, "Preview allocation").click().run()
    assert not at.exception
    assert at.dataframe[-1].value["Invoice"].tolist() == [invoice["number"]]
    assert payment_count(demo_db) == before  # a preview writes nothing
    button(at, "Save payment").click().run()
    assert not at.exception
    assert payment_count(demo_db) == before + 1
    paid = bob.invoice_detail(demo_db, invoice["number"], as_of=AS_OF)["invoice"]
    assert paid["status"] == "Invoice Paid"
    assert at.subheader[0].value.startswith("Payment ")
    assert "is saved" in at.success[0].value


def test_named_invoices_get_the_money_first(demo_db, app):
    rows = bob.ledger(demo_db, as_of=AS_OF, customer_ids=[LATE], statuses=["Overdue"])
    newest = rows.sort_values("number").iloc[-1]
    at = fill(record_tab(app), LATE, "10.00", invoices=f"{newest['number']}")
    button(at, "Preview allocation").click().run()
    assert at.dataframe[-1].value["Invoice"].tolist() == [newest["number"]]


def test_a_refusal_shows_one_message_and_writes_nothing(demo_db, app):
    before = payment_count(demo_db)
    at = fill(record_tab(app), LATE, "25.00", invoices="999999")
    button(at, "Preview allocation").click().run()
    assert [e.value for e in at.error] == ["Invoice 999999 is not an open invoice of Late Freight."]
    assert not [b for b in at.button if b.label == "Save payment"]
    assert payment_count(demo_db) == before


def test_the_customer_is_found_by_name_with_their_open_invoices(demo_db, app):
    at = record_tab(app)
    at.text_input(key="pay_customer").set_value("late frei").run()
    assert at.selectbox(key="pay_customer_pick").value == LATE
    open_numbers = set(bob.ledger(demo_db, as_of=AS_OF, customer_ids=[LATE],
                                  statuses=["Overdue", "Invoice Created"])["number"])
    assert set(at.dataframe[0].value["number"]) == open_numbers


def test_a_customer_without_billing_on_behalf_is_warned_about(demo_db, app):
    at = record_tab(app)
    at.text_input(key="pay_customer").set_value(NEW).run()
    assert any("has no Billing on Behalf" in w.value for w in at.warning)


def test_no_match_says_so(demo_db, app):
    at = record_tab(app)
    at.text_input(key="pay_customer").set_value("C-NOBODY").run()
    assert "No customer matches 'C-NOBODY'." in at.warning[0].value
    assert button(at, "Preview allocation").disabled


def test_an_amount_that_is_not_money_is_refused_before_preview(demo_db, app):
    at = fill(record_tab(app), LATE, "12.345")
    assert len(at.error) == 1 and "more than two decimals" in at.error[0].value
    assert button(at, "Preview allocation").disabled


def test_empty_store_says_how_to_load_data(empty_db, app):
    at = app("pages/payments.py")
    assert not at.exception
    assert "python -m bob demo" in at.info[0].value


def released_payment(db) -> tuple[int, dict]:
    """A payment of Late Freight's given back by a release: 10.00 of balance, and the invoice
    it paid open again."""
    invoice = oldest_overdue(db, LATE)
    paid = change(db, bob.record_payment, bob.PaymentRequest(
        LATE, Decimal("10.00"), "ACH", AS_OF, "REF", (invoice["number"],)), today=AS_OF)
    change(db, bob.release_payments, invoice["number"], today=AS_OF)
    return paid["payment_id"], invoice


def test_applying_a_balance_asks_first_showing_what_gets_paid(demo_db, app):
    payment_id, invoice = released_payment(demo_db)
    at = app("pages/payments.py", payment=str(payment_id))
    button(at, "Apply the balance now").click().run()
    assert f"It pays invoice {invoice['number']}: $10.00" in at.warning[0].value
    assert bob.payment_detail(demo_db, payment_id)[0]["balance"] == Decimal("10.00")


def test_confirming_applies_the_balance_today(demo_db, app):
    payment_id, invoice = released_payment(demo_db)
    at = app("pages/payments.py", payment=str(payment_id))
    button(at, "Apply the balance now").click().run()
    button(at, "Yes, apply $10.00").click().run()
    assert not at.exception
    assert bob.payment_detail(demo_db, payment_id)[0]["balance"] == 0
