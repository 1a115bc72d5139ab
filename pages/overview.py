"""Overview: the business on the As-of date, in figures and two charts."""

import altair as alt
import streamlit as st

from bob import overview
from bob.money import format_compact
from ui import common, figures, frame

frame.require()

PAID, OPEN, OVERDUE = "#2e7d32", "#90caf9", "#e53935"

st.title("Overview")
as_of = common.as_of()
if not common.has_data():
    common.empty_state(common.NO_DATA)
    st.stop()

board = common.load(overview.dashboard, as_of=as_of, today=common.today())
st.caption(f"As of {as_of:%d %B %Y}. Billed figures leave canceled invoices out.")

st.subheader("Billing on Behalf customers")
for column, status in zip(st.columns(4), overview.BOB_STATUSES, strict=True):
    column.metric(status, f"{board.customers[status]:,}", border=True)

st.subheader("Money")
billed, open_, overdue, notices = st.columns(4)
figures.money(billed, f"Billed in {board.month:%B %Y}", board.billed,
              delta=format_compact(board.billed - board.billed_previous_month),
              delta_description=f"vs. {board.previous_month:%B}", border=True,
              help=f"{board.billed_invoices:,} invoices for the month.")
figures.money(open_, "Open receivables", board.open_receivables, border=True,
              help="Balances of issued invoices not paid yet.")
figures.money(overdue, "Overdue receivables", board.overdue_receivables, border=True,
              delta=f"{board.overdue_invoices:,} invoices", delta_color="off",
              delta_arrow="off")
notices.metric("Notices due today", f"{board.notices_due:,}", border=True,
               delta=f"{board.services_to_stop:,} services to stop", delta_color="off",
               delta_arrow="off",
               help="Reminders, warnings and service stops the daily dunning job sends for "
                    "the As-of date, each to the customer and the partner.")
st.page_link("pages/dunning.py", label="Dunning and what-if report",
             icon=":material/notifications_active:")

# Vega-Lite plots JavaScript numbers: the charts get float copies of the Decimal amounts.
by_month = board.billing_by_month.astype({"amount": "float64"})
by_partner = board.receivables_by_partner.astype({"amount": "float64", "open_total": "float64"})

left, right = st.columns(2)
with left:
    st.subheader("Billing by month")
    if by_month.empty:
        common.empty_state("No invoices in the last 12 months.")
    else:
        st.altair_chart(alt.Chart(by_month).mark_bar().encode(
            x=alt.X("yearmonth(month):O", title=None),
            y=alt.Y("sum(amount):Q", title="Billed (USD)", axis=alt.Axis(format="$,.0f")),
            color=alt.Color("part:N", title=None, sort=["Paid", "Open", "Overdue"],
                            legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=["Paid", "Open", "Overdue"],
                                            range=[PAID, OPEN, OVERDUE])),
            order=alt.Order("part_order:Q"),
            tooltip=[alt.Tooltip("yearmonth(month):O", title="Month"),
                     alt.Tooltip("part:N", title="Part"),
                     alt.Tooltip("sum(amount):Q", title="Amount", format="$,.2f")],
        ).transform_calculate(part_order="indexof(['Paid', 'Open', 'Overdue'], datum.part)"),
            width="stretch")
with right:
    st.subheader("Receivables by partner")
    if by_partner.empty:
        common.empty_state("Nothing is owed on the As-of date.")
    else:
        st.caption(f"The {by_partner['partner_id'].nunique():,} partners owed the most on the "
                   "As-of date, largest first.")
        st.altair_chart(alt.Chart(by_partner).mark_bar().encode(
            y=alt.Y("partner_name:N", title=None, axis=alt.Axis(labelLimit=220),
                    sort=alt.EncodingSortField("open_total", op="max", order="descending")),
            x=alt.X("sum(amount):Q", title="Open (USD)", axis=alt.Axis(format="$,.0f")),
            color=alt.Color("part:N", title=None, legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=["Not yet due", "Overdue"],
                                            range=[OPEN, OVERDUE])),
            tooltip=[alt.Tooltip("partner_name:N", title="Partner"),
                     alt.Tooltip("part:N", title="Part"),
                     alt.Tooltip("sum(amount):Q", title="Amount", format="$,.2f")],
        ), width="stretch")
