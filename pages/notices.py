"""Notices: the outbox of every email BoB wrote, each readable as it was rendered, with its
delivery state and attempts; and delivering the pending ones over SMTP.

Query parameters: ?email=N opens an email, ?customer=ID and ?invoice=N filter the outbox.
"""

import streamlit as st

from bob import notices, reports
from bob.access import DELIVER
from bob.errors import BobError
from bob.months import long_date
from ui import common, frame
from ui.tables import worded

frame.require()

LIMIT = 500
EMAIL, CUSTOMER, INVOICE = "email", "customer", "invoice"
TABLE = "notices_table"
DELIVERY = "notices_delivery"  # the last delivery's report, shown once
KINDS = reports.NOTICE_KINDS
STATE_COLORS = {"delivered": "green", "pending": "orange", "failed": "red"}
# In the order a person reads them, sized so that Delivery is on screen at 1440 px.
OUTBOX_COLUMNS = {
    "id": st.column_config.NumberColumn("Email", format="%d", width=70),
    "state": st.column_config.TextColumn("Delivery", width=90),
    "created_on": st.column_config.DateColumn("Written on", width=100),
    "kind": st.column_config.TextColumn("Kind", width=120),
    "customer_name": st.column_config.TextColumn("Customer", width=180),
    "recipient_role": st.column_config.TextColumn("To", width=80),
    "recipient": st.column_config.TextColumn("Address", width=200),
    "invoice_number": st.column_config.NumberColumn("Invoice", format="%d", width=80),
    "subject": "Subject", "attempts": "Attempts"}
SMTP_HELP = """SMTP is not configured, so emails wait in the outbox (nothing is lost).
To send them, set these environment variables before starting the app (or the same names,
lower-case and without `BOB_SMTP_`, in an `[smtp]` table of `.streamlit/secrets.toml`):

- `BOB_SMTP_HOST` (required) and `BOB_SMTP_PORT` (default: 587, 465 for ssl, 25 for none)
- `BOB_SMTP_SECURITY`: `starttls` (default), `ssl` or `none`
- `BOB_SMTP_USER` and `BOB_SMTP_PASSWORD`, if the server wants a login
- `BOB_SMTP_FROM`: the sender address (defaults to the user when it is an address)

Cron can deliver too: `python -m bob deliver`."""

as_of = common.as_of()


def open_selected(ids: list[int]) -> None:
    rows = st.session_state[TABLE].selection.rows
    if rows:
        st.query_params[EMAIL] = str(ids[rows[0]])


def clear_param(name: str) -> None:
    st.query_params.pop(name, None)


def smtp_config():
    """The SMTP settings, or None when none are set; a broken setting is shown and is None."""
    try:
        return notices.SmtpConfig.from_env()
    except BobError as error:
        st.error(str(error), icon=":material/block:")
        return None


def deliver(config) -> None:
    """The button's callback. Streamlit runs it before the rerun's script, so outside
    app.py's store session: the store is not held while the mail server is talked to."""
    try:
        st.session_state[DELIVERY] = notices.deliver_pending(
            str(common.db_path()), config, today=common.today(), actor=common.principal())
    except BobError as error:
        st.session_state[DELIVERY] = error
    st.cache_data.clear()


def delivery() -> None:
    config = smtp_config()
    left, right = st.columns([3, 1], vertical_alignment="center")
    if config is None:
        left.caption("SMTP: not configured — emails wait in the outbox.")
    else:
        left.caption(f"SMTP: {config.host}:{config.port} ({config.security}), from "
                     f"{config.sender}.")
    right.button("Deliver pending", icon=":material/outgoing_mail:", on_click=deliver,
                 args=(config,), disabled=common.blocked(DELIVER),
                 help=common.blocked_reason(DELIVER))
    report = st.session_state.pop(DELIVERY, None)
    if report is None:
        return
    if isinstance(report, BobError):
        st.error(str(report), icon=":material/block:")
    elif not report.configured:
        st.info(SMTP_HELP, icon=":material/settings:")
    else:
        label = (f"{report.sent:,} sent, {report.refused:,} refused, {report.pending:,} still "
                 "pending" + (f": {report.reason}." if report.reason else "."))
        st.status(label, state="error" if report.error else "complete")
        if report.error:
            st.warning(f"{report.error}. The rest waits for the next delivery.",
                       icon=":material/warning:")


def outbox() -> None:
    customer, invoice = st.query_params.get(CUSTOMER), st.query_params.get(INVOICE)
    top = st.columns([2, 2, 2])
    kind = top[0].selectbox("Kind", [None, *KINDS], key="notices_kind",
                            format_func=lambda k: "All kinds" if k is None else KINDS[k])
    state = top[1].selectbox("Delivery", [None, *reports.DELIVERY_STATES], key="notices_state",
                             format_func=lambda s: "Any state" if s is None else s.capitalize())
    typed = top[2].text_input("Customer ID", value=customer or "", key="notices_customer")
    if invoice:
        st.caption(f"About invoice **{invoice}** only")
        st.button("Show every invoice", icon=":material/close:", on_click=clear_param,
                  args=(INVOICE,))
    invoice_number = int(invoice) if invoice and invoice.isdigit() else None
    rows = common.load(reports.outbox, as_of=as_of, kind=kind, state=state,
                       customer_id=typed.strip() or None, invoice_number=invoice_number,
                       limit=LIMIT)
    if rows.empty:
        common.empty_state(f"No email matches these filters by {long_date(as_of)}. Emails are "
                           "written by the bill run (the Bill run page) and the daily "
                           "dunning job (`python -m bob dunning`).")
        return
    counts = common.load(reports.outbox_counts, as_of=as_of, kind=kind,
                         customer_id=typed.strip() or None, invoice_number=invoice_number)
    cards = st.columns(4)
    cards[0].metric("Emails", f"{counts['total']:,}")
    for card, name in zip(cards[1:], reports.DELIVERY_STATES, strict=True):
        card.metric(name.capitalize(), f"{counts[name]:,}")
    st.dataframe(rows.assign(kind=rows["kind"].map(KINDS))[list(OUTBOX_COLUMNS)],
                 column_config=OUTBOX_COLUMNS, hide_index=True, key=TABLE,
                 selection_mode="single-row",
                 on_select=lambda: open_selected(rows["id"].tolist()))
    shown = counts[state] if state else counts["total"]
    st.caption(f"Showing the newest {len(rows):,} of {shown:,}: filter by kind, delivery, "
               "customer or invoice to see the others, or list them all with `python -m bob "
               "report notices --format csv`. Select a row to read the email."
               if len(rows) < shown else "Select a row to read the email.")


def email(outbox_id: int) -> None:
    st.divider()
    try:
        view = common.load(reports.email_view, outbox_id=outbox_id)
    except BobError as error:
        common.empty_state(f"{error} Pick one from the list.")
        return
    rendered, row = view["email"], view["row"]
    top = st.columns([5, 1])
    top[0].subheader(rendered.subject)
    top[1].button("Close", icon=":material/close:", on_click=clear_param, args=(EMAIL,))
    st.badge(row["state"].capitalize(), color=STATE_COLORS[row["state"]])
    st.markdown(f"**To:** {rendered.recipient} ({row['recipient_role']}) · **Written on** "
                f"{long_date(row['created_on'])} · **Kind:** {KINDS[row['kind']]}")
    st.caption(f"Message-ID `{rendered.message_id}` · {row['attempts']:,} delivery attempt(s)"
               + (f" · last error: {row['last_error']}" if row["last_error"] else ""))
    as_html, as_text = st.tabs(["HTML", "Plain text"])
    with as_html, st.container(border=True):
        st.html(rendered.html)
    as_text.code(rendered.text, language=None, wrap_lines=True)
    if not view["attempts"].empty:
        st.markdown("**Delivery attempts**")
        st.dataframe(worded(view["attempts"], error=""), hide_index=True, column_config={
            "attempt": "Attempt", "attempted_at": st.column_config.DatetimeColumn("At"),
            "ok": "Delivered", "error": "Error"})
    if row["invoice_number"] is not None:
        st.page_link("pages/invoices.py", label=f"Invoice {row['invoice_number']}",
                     icon=":material/receipt:",
                     query_params={INVOICE: str(row["invoice_number"])})


st.title("Notices")
if not common.has_data():
    common.empty_state(common.NO_DATA)
    st.stop()
delivery()
outbox()
requested = st.query_params.get(EMAIL)
if requested and requested.isdigit():
    email(int(requested))
