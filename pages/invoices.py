"""Invoices: the ledger (filters, sort, CSV) and the invoice page (?invoice=N): lines,
amounts, payments applied and notices sent; Cancel behind a confirmation; Release payments.

Query parameters: ?invoice=N opens an invoice, ?customer=ID keeps the ledger to one customer,
?month=YYYY-MM sets the period filters to that billing month (the bill run's link).
"""

from functools import partial

import streamlit as st

import bob
from bob import documents, reports
from bob.access import CANCEL
from bob.money import format_money
from bob.months import long_date, parse_month
from ui import common, corrections, figures, frame
from ui.audit_history import history

frame.require()

LIMIT = 500
INVOICE, CUSTOMER, MONTH = "invoice", "customer", "month"
CONFIRM, FLASH = "invoices_confirm_cancel", "invoices_flash"
TABLE, OPEN = "invoices_table", "invoices_open"
STATUS_COLORS = {"Invoice Created": "blue", "Invoice Paid": "green", "Overdue": "red",
                 "Invoice Canceled": "gray", "Cancellation Invoice": "violet"}
MONEY = st.column_config.NumberColumn("Amount", format="dollar")
# In the order a person reads them, sized so that Days overdue is on screen at 1440 px.
LEDGER_COLUMNS = {
    "number": st.column_config.NumberColumn("Invoice", format="%d", width=80),
    "status": st.column_config.TextColumn("Status", width=130),
    "customer_name": st.column_config.TextColumn("Customer", width=190),
    "total": st.column_config.NumberColumn("Total", format="dollar", width=110),
    "balance": st.column_config.NumberColumn("Balance", format="dollar", width=110),
    "days_overdue": st.column_config.NumberColumn("Days overdue", format="%d", width=100),
    "due_date": st.column_config.DateColumn("Due date", width=100),
    "issue_date": st.column_config.DateColumn("Date", width=100),
    "period": st.column_config.TextColumn("Period", width=80),
    "partner_name": "Partner",
}

as_of = common.as_of()


def open_invoice(number: int) -> None:
    st.session_state.pop(CONFIRM, None)
    st.query_params[INVOICE] = str(number)


def close_invoice() -> None:
    st.session_state.pop(CONFIRM, None)
    del st.query_params[INVOICE]


def open_typed() -> None:
    if st.session_state[OPEN]:
        open_invoice(int(st.session_state[OPEN]))
        st.session_state[OPEN] = None


def open_selected(numbers: list[int]) -> None:
    rows = st.session_state[TABLE].selection.rows
    if rows:
        open_invoice(numbers[rows[0]])


def flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def ledger() -> None:
    customer = st.query_params.get(CUSTOMER)
    partners = common.load(reports.partners)
    names = dict(zip(partners["partner_id"], partners["partner_name"], strict=True))
    months = reports.month_options(as_of)
    linked = st.query_params.pop(MONTH, None)
    if linked and linked in {f"{m:%Y-%m}" for m in months}:
        st.session_state["invoices_from"] = st.session_state["invoices_to"] = parse_month(linked)
    top = st.columns([3, 2, 2])
    statuses = top[0].multiselect("Status", bob.STATUSES, key="invoices_status",
                                  placeholder="All statuses",
                                  help=f"Overdue follows the As-of date ({long_date(as_of)}).")
    partner = top[1].selectbox("Partner", [None, *names], key="invoices_partner",
                               format_func=lambda p: "All partners" if p is None else names[p])
    search = top[2].text_input("Customer", key="invoices_search",
                               placeholder="Name or invoice number")
    row = st.columns([2, 2, 2, 2])
    month_label = {None: "Any month"} | {m: f"{m:%B %Y}" for m in months}
    month_from = row[0].selectbox("Period from", [None, *months], key="invoices_from",
                                  format_func=month_label.get)
    month_to = row[1].selectbox("Period to", [None, *months], key="invoices_to",
                                format_func=month_label.get)
    sort = row[2].selectbox("Sort", reports.LEDGER_SORTS, key="invoices_sort")
    row[3].number_input("Open invoice number", min_value=1, step=1, value=None, key=OPEN,
                        on_change=open_typed, placeholder="e.g. 1042")
    if customer:
        st.caption(f"Customer **{customer}** only")
        st.button("Show every customer", icon=":material/close:",
                  on_click=lambda: st.query_params.pop(CUSTOMER, None))
    filters = {"statuses": tuple(statuses), "partner_ids": (partner,) if partner else (),
               "customer_ids": (customer,) if customer else (), "month_from": month_from,
               "month_to": month_to, "search": search.strip()}
    found = common.load(reports.invoice_ledger, as_of=as_of, sort=sort, limit=LIMIT, **filters)
    if not found["matching"]:
        common.empty_state("No invoice matches these filters as of "
                           f"{long_date(as_of)}. Clear a filter, move the As-of date, or issue "
                           "a month's invoices on the Bill run page.")
        return
    metrics = st.columns(4)
    metrics[0].metric("Invoices", f"{found['matching']:,}")
    figures.money(metrics[1], "Total", found["total"])
    figures.money(metrics[2], "Open balance", found["open_balance"])
    metrics[3].metric("Overdue", f"{found['by_status'].get('Overdue', 0):,}")
    rows = found["rows"]
    st.dataframe(rows[list(LEDGER_COLUMNS)], column_config=LEDGER_COLUMNS, hide_index=True,
                 key=TABLE, selection_mode="single-row",
                 on_select=partial(open_selected, rows["number"].tolist()))
    shown = (f"Showing {len(rows):,} of {found['matching']:,} ({sort.lower()}); filter to "
             "narrow, or download them all." if found["matching"] > len(rows)
             else f"{len(rows):,} invoices.")
    st.caption(f"{shown} Select a row to open its invoice.")
    db = str(common.db_path())
    st.download_button(
        "Download CSV", icon=":material/download:", mime="text/csv", on_click="ignore",
        file_name=f"invoices-{as_of.isoformat()}.csv",
        data=lambda: reports.invoice_csv(db, as_of=as_of, sort=sort,
                                         principal=common.principal(), **filters))


def cancel_actions(invoice: dict) -> None:
    number = invoice["number"]
    if invoice["paid"]:
        st.warning(f"Invoice {number} has {format_money(invoice['paid'])} of payments applied, "
                   "so it cannot be canceled. Release its payments first: the money goes back "
                   "to the payments' balances.", icon=":material/block:")
        corrections.release(invoice)
        return
    corrections.rebill(invoice)
    if st.session_state.get(CONFIRM) != number:
        st.button("Cancel invoice", icon=":material/cancel:", disabled=common.blocked(CANCEL),
                  help=common.blocked_reason(CANCEL),
                  on_click=lambda: st.session_state.update({CONFIRM: number}))
        return
    st.warning(f"Cancel invoice {number}? A Cancellation Invoice of "
               f"{format_money(-invoice['total'])} is issued on {long_date(common.today())}, "
               "linked to "
               "it, with every line negated. The original stays on record.",
               icon=":material/warning:")
    yes, no = st.columns([1, 4])
    if yes.button(f"Yes, cancel invoice {number}", type="primary",
                  disabled=common.blocked(CANCEL), help=common.blocked_reason(CANCEL)):
        st.session_state.pop(CONFIRM, None)
        result = common.write(bob.cancel, number)
        if result:
            st.session_state[FLASH] = (f"Invoice {number} is canceled; Cancellation Invoice "
                                       f"{result['cancellation_invoice']} was issued.")
            st.rerun()
    no.button("No, keep it", on_click=lambda: st.session_state.pop(CONFIRM, None))


def invoice_page(number: int) -> None:
    st.button("All invoices", icon=":material/arrow_back:", on_click=close_invoice)
    detail = common.load(bob.invoice_detail, number=number, as_of=as_of)
    if detail is None:
        common.empty_state(f"There is no invoice {number} issued by {long_date(as_of)}. "
                           "Check the number, or move the As-of date later.")
        return
    invoice = detail["invoice"]
    cancellation = invoice["kind"] == "cancellation"
    st.subheader(f"{'Cancellation Invoice' if cancellation else 'Invoice'} {number}")
    st.badge(invoice["status"], color=STATUS_COLORS.get(invoice["status"], "gray"))
    st.caption(f"{invoice['customer_name']} ({invoice['customer_id']}) · billed on behalf of "
               f"{invoice['partner_name']} · sent to {invoice['billing_email']}")
    db = str(common.db_path())
    st.download_button("Download PDF", icon=":material/picture_as_pdf:", on_click="ignore",
                       mime="application/pdf", file_name=f"invoice-{number}.pdf",
                       data=lambda: documents.invoice_pdf(db, number, as_of=as_of,
                                                          principal=common.principal()))
    dates = st.columns(3)
    dates[0].metric("Date", long_date(invoice["issue_date"]))
    dates[1].metric("Due date", long_date(invoice["due_date"]))
    dates[2].metric("Days overdue", invoice["days_overdue"])
    money = st.columns(4)
    money[0].metric("Amount", format_money(invoice["amount"]))
    money[1].metric("Tax (VAT)", format_money(invoice["tax"]),
                    help=f"{invoice['customer_state']} sales tax at "
                         f"{reports.percent(invoice['tax_rate'])}")
    money[2].metric("Total", format_money(invoice["total"]))
    money[3].metric("Balance", format_money(invoice["balance"]))
    links = st.columns(3)
    links[0].page_link("pages/customers.py", label=f"Customer {invoice['customer_name']}",
                       icon=":material/person:", query_params={CUSTOMER: invoice["customer_id"]})
    linked = invoice["cancels"] if cancellation else invoice["cancellation_number"]
    if linked is not None:
        label = (f"Canceled invoice {linked}" if cancellation
                 else f"Cancellation Invoice {linked}")
        links[1].button(label, icon=":material/link:", on_click=open_invoice, args=(int(linked),))
    for label, other in (("Replaces invoice", invoice.get("replaces")),
                         ("Replaced by invoice", invoice.get("replaced_by"))):
        if other is not None:
            links[2].button(f"{label} {int(other)}", icon=":material/link:",
                            on_click=open_invoice, args=(int(other),))

    st.markdown("**Lines**")
    st.dataframe(detail["lines"], hide_index=True, column_config={
        "line_no": "Line", "subscription_id": "Subscription", "description": "Description",
        "quantity": "Quantity", "unit_price": st.column_config.NumberColumn("Unit price",
                                                                           format="dollar"),
        "period_start": st.column_config.DateColumn("From"),
        "period_end": st.column_config.DateColumn("Until (excl.)"),
        "days": "Days", "days_in_month": "Days in month", "amount": MONEY})

    st.markdown("**Payments applied**")
    payments = detail["payments"]
    if payments.empty:
        st.caption(f"No payment applied by {long_date(as_of)}.")
    else:
        st.dataframe(payments, hide_index=True, column_config={
            "payment_id": st.column_config.NumberColumn("Payment", format="%d"),
            "method": "Method", "receipt_date": st.column_config.DateColumn("Received"),
            "reference": "Reference", "amount": MONEY,
            "applied_on": st.column_config.DateColumn("Applied on")})
        for payment_id in payments["payment_id"].drop_duplicates().head(20):
            st.page_link("pages/payments.py", label=f"Payment {payment_id}",
                         icon=":material/payments:", query_params={"payment": str(payment_id)})

    notices_sent(number, invoice["customer_id"], detail["notices"])
    history(f"invoice:{number}")
    if not cancellation and linked is None:
        cancel_actions(invoice)
    elif not cancellation and invoice.get("replaced_by") is None:
        corrections.rebill(invoice)


def notices_sent(number: int, customer_id: str, decided) -> None:
    st.markdown("**Notices**")
    if not decided.empty:
        st.dataframe(decided.assign(stage=[reports.stage_label(s) for s in decided["stage"]]),
                     hide_index=True, column_config={
                         "stage": "Stage", "outcome": "Outcome",
                         "decided_on": st.column_config.DateColumn("Decided on"),
                         "days_overdue": "Days overdue",
                         "stop_date": st.column_config.DateColumn("Service stops on")})
    emails = common.load(reports.invoice_emails, number=number, customer_id=customer_id,
                         as_of=as_of)
    if emails.empty:
        st.caption(f"No email about this invoice by {long_date(as_of)}.")
        return
    emails = emails.assign(kind=emails["kind"].map(reports.NOTICE_KINDS))
    st.dataframe(emails[["id", "created_on", "kind", "recipient_role", "recipient", "subject",
                         "state"]], hide_index=True, column_config={
        "id": st.column_config.NumberColumn("Email", format="%d"),
        "created_on": st.column_config.DateColumn("Written on"), "kind": "Kind",
        "recipient_role": "To", "recipient": "Address", "subject": "Subject",
        "state": "Delivery"})
    st.page_link("pages/notices.py", label="Read these emails", icon=":material/mail:",
                 query_params={CUSTOMER: customer_id, INVOICE: str(number)})


st.title("Invoices")
if not common.has_data():
    common.empty_state(common.NO_DATA)
    st.stop()
flash()
requested = st.query_params.get(INVOICE)
if requested is None:
    ledger()
elif requested.isdigit():
    invoice_page(int(requested))
else:
    st.error(f"{requested!r} is not an invoice number.")
    st.button("All invoices", icon=":material/arrow_back:", on_click=close_invoice)
