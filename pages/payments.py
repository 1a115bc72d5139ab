"""Payments: the payment ledger (filters, CSV), the payment page (?payment=N) and recording a
payment, previewed before it is saved.

Query parameters: ?payment=N opens a payment, ?customer=ID keeps the ledger to one customer
and fills in the form's customer.
"""

import streamlit as st

import bob
from bob import reports
from bob.access import RECORD_PAYMENT
from bob.money import format_money, parse_amount
from bob.months import long_date
from ui import common, figures, frame, payment_actions
from ui.audit_history import history

frame.require()

LIMIT = 500
PAYMENT, CUSTOMER = "payment", "customer"
PREVIEW, FLASH, TABLE = "payments_preview", "payments_flash", "payments_table"
MONEY = st.column_config.NumberColumn("Amount", format="dollar")
LEDGER_COLUMNS = {
    "payment_id": st.column_config.NumberColumn("Payment", format="%d"),
    "receipt_date": st.column_config.DateColumn("Received"), "customer_name": "Customer",
    "customer_id": "Customer ID", "method": "Method", "reference": "Reference",
    "amount": st.column_config.NumberColumn("Amount", format="dollar"),
    "allocated": st.column_config.NumberColumn("Allocated", format="dollar"),
    "balance": st.column_config.NumberColumn("Balance", format="dollar"),
    "invoices": st.column_config.NumberColumn("Invoices", format="%d"),
}
ALLOCATION_COLUMNS = {"invoice_number": st.column_config.NumberColumn("Invoice", format="%d"),
                      "amount": MONEY, "applied_on": st.column_config.DateColumn("Applied on")}

as_of = common.as_of()


def open_payment(payment_id: int) -> None:
    st.query_params[PAYMENT] = str(payment_id)


def close_payment() -> None:
    del st.query_params[PAYMENT]


def open_selected(payment_ids: list[int]) -> None:
    rows = st.session_state[TABLE].selection.rows
    if rows:
        open_payment(payment_ids[rows[0]])


def invoice_links(numbers) -> None:
    for number in list(dict.fromkeys(numbers))[:20]:
        st.page_link("pages/invoices.py", label=f"Invoice {number}", icon=":material/receipt:",
                     query_params={"invoice": str(number)})


def ledger(customer: str | None) -> None:
    top = st.columns([2, 2, 2, 2])
    typed = top[0].text_input("Customer ID", value=customer or "", key="payments_customer")
    method = top[1].selectbox("Method", [None, *bob.METHODS], key="payments_method",
                              format_func=lambda m: "All methods" if m is None else m)
    received_from = top[2].date_input("Received from", value=None, key="payments_from",
                                      format="YYYY-MM-DD")
    received_to = top[3].date_input("Received to", value=None, key="payments_to",
                                    format="YYYY-MM-DD")
    filters = {"customer_id": typed.strip() or None, "method": method,
               "received_from": received_from, "received_to": received_to}
    found = common.load(reports.payment_ledger, as_of=as_of, limit=LIMIT, **filters)
    if not found["matching"]:
        common.empty_state(f"No payment matches these filters by {long_date(as_of)}. Clear a "
                           "filter, or record one under **Record a payment** (or with "
                           "`python -m bob pay`).")
        return
    metrics = st.columns(2)
    metrics[0].metric("Payments", f"{found['matching']:,}")
    figures.money(metrics[1], "Received", found["amount"])
    rows = found["rows"]
    st.dataframe(rows[list(LEDGER_COLUMNS)], column_config=LEDGER_COLUMNS, hide_index=True,
                 key=TABLE, selection_mode="single-row",
                 on_select=lambda: open_selected(rows["payment_id"].tolist()))
    shown = (f"Showing the newest {len(rows):,} of {found['matching']:,}."
             if found["matching"] > len(rows) else f"{len(rows):,} payments.")
    st.caption(f"{shown} Select a row to open its payment page.")
    db = str(common.db_path())
    st.download_button("Download CSV", icon=":material/download:", mime="text/csv",
                       on_click="ignore", file_name=f"payments-{as_of.isoformat()}.csv",
                       data=lambda: reports.payments_csv(
                           db, as_of=as_of, principal=common.principal(), **filters))


def payment_page(payment_id: int) -> None:
    st.button("All payments", icon=":material/arrow_back:", on_click=close_payment)
    head, allocations = common.load(bob.payment_detail, payment_id=payment_id, as_of=as_of)
    if head is None or head["receipt_date"] > as_of:
        common.empty_state(f"There is no payment {payment_id} received by {long_date(as_of)}. "
                           "Check the number, or move the As-of date later.")
        return
    st.subheader(f"Payment {payment_id}")
    st.caption(f"From {head['customer_name']} ({head['customer_id']})"
               + (f" · reference {head['reference']}" if head["reference"] else ""))
    figures = st.columns([1, 2, 1.5, 1.5])
    figures[0].metric("Method", head["method"])
    figures[1].metric("Receipt date", long_date(head["receipt_date"]))
    figures[2].metric("Amount", format_money(head["amount"]))
    figures[3].metric("Balance", format_money(head["balance"]),
                      help="What is not allocated to an invoice; the next invoice of the "
                           "customer takes it first.")
    payment_actions.apply_balance(head, FLASH)
    history(f"payment:{payment_id}")
    st.markdown("**Allocations**")
    if not allocations:
        st.caption("Not allocated to any invoice yet.")
        return
    st.dataframe(allocations, hide_index=True, column_config=ALLOCATION_COLUMNS)
    invoice_links(a["invoice_number"] for a in allocations)


def request_from_form(customer: str | None) -> bob.PaymentRequest | None:
    """The form's values as a request, or None after showing why they are not one."""
    left, right = st.columns(2)
    customer_id = payment_actions.find_customer(left, customer) or ""
    amount = left.text_input("Amount", key="pay_amount", placeholder="e.g. 120.50")
    method = left.selectbox("Method", bob.METHODS, key="pay_method")
    # No key: the date follows the sidebar's As-of date, the latest a receipt can be.
    received = right.date_input("Receipt date", value=as_of, max_value=as_of,
                                format="YYYY-MM-DD")
    reference = right.text_input("Reference", key="pay_reference",
                                 placeholder="e.g. the bank's transaction id")
    numbers = right.text_input("Invoice numbers (optional)", key="pay_invoices",
                               placeholder="e.g. 1042, 1043 — else the oldest open first")
    if not customer_id.strip() or not amount.strip():
        st.caption("Fill in the customer and the amount, then preview the allocation.")
        return None
    try:
        return bob.PaymentRequest(customer_id.strip(), parse_amount(amount), method, received,
                                  reference.strip(), reports.parse_invoice_numbers(numbers))
    except bob.BobError as error:
        st.error(str(error), icon=":material/block:")
        return None


def show_allocation(result: dict) -> None:
    allocations = [{"Invoice": a["invoice_number"],
                    "Amount": format_money(parse_amount(a["amount"]))}
                   for a in result["allocations"]]
    if allocations:
        st.dataframe(allocations, hide_index=True)
    else:
        st.caption("No open invoice to allocate to: all of it stays as the payment's balance.")
    st.metric("Balance left on the payment", format_money(parse_amount(result["balance"])))


def record_form(customer: str | None) -> None:
    request = request_from_form(customer)
    previewed = st.session_state.get(PREVIEW)
    if previewed and previewed["request"] != request:
        st.session_state.pop(PREVIEW)
        previewed = None
    if st.button("Preview allocation", icon=":material/visibility:",
                 disabled=request is None or common.blocked(RECORD_PAYMENT),
                 help=common.blocked_reason(RECORD_PAYMENT)):
        try:
            result = common.preview(bob.record_payment, request)
        except bob.BobError as error:
            st.error(str(error), icon=":material/block:")
            return
        previewed = {"request": request, "result": result}
        st.session_state[PREVIEW] = previewed
    if not previewed:
        return
    st.markdown(f"**Preview:** {format_money(request.amount)} from {request.customer_id} "
                f"by {previewed['result']['method']}, received {long_date(request.receipt_date)}")
    show_allocation(previewed["result"])
    if st.button("Save payment", type="primary", icon=":material/save:",
                 disabled=common.blocked(RECORD_PAYMENT),
                 help=common.blocked_reason(RECORD_PAYMENT)):
        saved = common.write(bob.record_payment, request)
        if saved:
            st.session_state.pop(PREVIEW, None)
            restored = " The customer's service is restored." if saved["service_restored"] else ""
            st.session_state[FLASH] = f"Payment {saved['payment_id']} is saved.{restored}"
            open_payment(saved["payment_id"])
            st.rerun()


st.title("Payments")
if not common.has_data():
    common.empty_state(common.NO_DATA)
    st.stop()
message = st.session_state.pop(FLASH, None)
if message:
    st.success(message, icon=":material/check_circle:")
requested = st.query_params.get(PAYMENT)
customer_param = st.query_params.get(CUSTOMER)
if requested is not None:
    if requested.isdigit():
        payment_page(int(requested))
    else:
        st.error(f"{requested!r} is not a payment number.")
        st.button("All payments", icon=":material/arrow_back:", on_click=close_payment)
else:
    ledger_tab, record_tab = st.tabs(["Ledger", "Record a payment"], key="payments_tab",
                                     on_change="rerun")
    if ledger_tab.open:
        with ledger_tab:
            ledger(customer_param)
    if record_tab.open:
        with record_tab:
            record_form(customer_param)
