"""Dunning: the daily job, the aging chart, the what-if overdue report for any date, the
partner view and the timeline of notices ahead.

Query parameters: ?partner=ID opens the partner view on that partner.
"""

from datetime import timedelta

import altair as alt
import streamlit as st

import bob
from bob import reports
from bob.access import DUNNING
from bob.dunning import schedule_caption
from bob.months import long_date
from ui import common, figures, frame
from ui.tables import worded

frame.require()

LIMIT = 500
HORIZON_DAYS = 45
LAST_RUN, TABS = "dunning_last_run", "dunning_tab"
AGING, WHATIF, PARTNERS, TIMELINE = "Aging", "What-if report", "Partner view", "Timeline"
# One colour per stage, from "no notice yet" (grey) through reminders to the stop (dark red).
STAGE_COLORS = alt.Scale(domain=list(reports.STAGE_LABELS),
                         range=["#9e9e9e", "#ffe082", "#ffca28", "#ffa000", "#f57c00",
                                "#e64a19", "#b71c1c"])
MONEY = st.column_config.NumberColumn("Amount", format="dollar")
STAGE_COLUMNS = {"stage": None, "stage_rank": None, "stage_label": "Stage", "action": None,
                 "outcome": "Outcome", "invoices": "Invoices", "customers": "Customers",
                 "amount": MONEY}
PARTNER_COLUMNS = {
    "partner_id": "Partner ID", "partner_name": "Partner",
    "customers_overdue": "Customers overdue", "invoices_overdue": "Invoices overdue",
    "amount_overdue": st.column_config.NumberColumn("Overdue", format="dollar"),
    "amount_at_risk": st.column_config.NumberColumn("At risk", format="dollar"),
    "customers_at_risk": "Customers at risk", "notices_due": "Notices that day",
    "services_stopping": "Services stopping that day"}
# In the order a person reads them: the stage and what is owed are on screen at 1440 px.
ROW_ORDER = ("customer_name", "stage_label", "balance", "days_overdue", "service_stops_on",
             "service_stopped", "invoice_number", "due_date", "customer_id", "partner_name",
             "at_risk")
ROW_COLUMNS = {
    "partner_name": "Partner", "customer_id": "Customer ID",
    "customer_name": st.column_config.TextColumn("Customer", width=190),
    "invoice_number": st.column_config.NumberColumn("Invoice", format="%d"),
    "due_date": st.column_config.DateColumn("Due date"), "days_overdue": "Days overdue",
    "balance": MONEY, "stage_label": st.column_config.TextColumn("Stage", width=170),
    "service_stops_on": st.column_config.DateColumn("Service stops on"),
    "service_stopped": "Stopped", "at_risk": "At risk"}
CUSTOMER_COLUMNS = {
    "customer_id": "Customer ID", "customer_name": "Customer", "open_invoices": "Open invoices",
    "open_balance": st.column_config.NumberColumn("Open", format="dollar"),
    "overdue_balance": st.column_config.NumberColumn("Overdue", format="dollar"),
    "days_overdue": "Days overdue", "stage": None, "stage_rank": None, "stage_label": "Stage",
    "service_stops_on": st.column_config.DateColumn("Service stops on if unpaid"),
    "service_stopped": "Stopped", "stopped_since": "Since"}

as_of = common.as_of()


def run_job() -> None:
    """Today's job; its summary stays up until the date changes."""
    with st.status(f"Running the dunning job for {long_date(as_of)}…", expanded=True) as status:
        result = common.write(bob.run_dunning)
        if result is None:
            status.update(label="The dunning job was refused; nothing was written.",
                          state="error")
            return
        status.update(label=f"Dunning for {long_date(as_of)} is done.", state="complete")
    st.session_state[LAST_RUN] = result


def last_run() -> None:
    result = st.session_state.get(LAST_RUN)
    if not result or result["as_of"] != as_of.isoformat():
        return
    cards = st.columns(4)
    cards[0].metric("Notices sent", f"{result['notices_sent']:,}",
                    help="Each to the customer's billing email and the partner's email.")
    cards[1].metric("Reminders skipped", f"{result['notices_skipped']:,}",
                    help="Overtaken by a later stage after missed runs (catch-up).")
    cards[2].metric("Services stopped", f"{result['services_stopped']:,}")
    cards[3].metric("Services restored", f"{result['services_restored']:,}")
    if result["by_stage"]:
        st.dataframe([{"Stage": reports.stage_label(key.split(":")[0]),
                       "Outcome": key.split(":")[1], "Invoices": count}
                      for key, count in result["by_stage"].items()], hide_index=True)
    else:
        st.caption(f"Nothing was due on {long_date(as_of)}: every notice reached by then had "
                   "already gone out.")


def aging_tab() -> None:
    aging = common.load(bob.aging, as_of=as_of, today=common.today())
    if aging.empty:
        common.empty_state(f"No open invoices as of {long_date(as_of)}. Issue a month's "
                           "invoices on the Bill run page, or move the As-of date.")
        return
    totals = reports.aging_totals(aging)
    cards = st.columns(3)
    figures.money(cards[0], "Open receivables", totals["open"])
    figures.money(cards[1], "Overdue", totals["overdue"])
    cards[2].metric("Overdue invoices", f"{totals['overdue_invoices']:,}")
    # Every bucket is on the axis, an empty one too. Current (not yet due) usually dwarfs
    # the overdue buckets, so it is left out until asked for.
    with_current = st.toggle("Include current (not yet due)", key="aging_current")
    buckets = list(reports.AGING_BUCKETS[0 if with_current else 1:])
    bars = reports.aging_chart(aging)
    chart = alt.Chart(bars[bars["bucket"].isin(buckets)]).mark_bar().encode(
        x=alt.X("bucket:N", title="Days overdue", sort=buckets,
                scale=alt.Scale(domain=buckets), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(chart_amount):Q", title="Open balance", axis=alt.Axis(format="$,.0f")),
        color=alt.Color("stage_label:N", title="Dunning stage", scale=STAGE_COLORS),
        order=alt.Order("stage_rank:Q"),
        tooltip=[alt.Tooltip("bucket:N", title="Days overdue"),
                 alt.Tooltip("stage_label:N", title="Stage"),
                 alt.Tooltip("invoices:Q", title="Invoices"),
                 alt.Tooltip("amount_text:N", title="Open balance")])
    st.altair_chart(chart)
    st.caption("Stage is where each invoice stands if the daily job has run every day "
               "and nothing more is paid.")
    pivot = reports.aging_pivot(aging)
    st.dataframe(pivot, hide_index=True, column_config={
        column: st.column_config.NumberColumn(column, format="dollar")
        for column in pivot.columns[1:]})


def whatif_tab() -> None:
    # No key: the date follows the sidebar's As-of date until it is changed here.
    day = st.columns([1, 3])[0].date_input(
        "What-if date", value=as_of, format="YYYY-MM-DD",
        help="Who is at which stage on that day if nothing more is paid, what the daily job "
             "sends that day, whose service stops.")
    report = common.load(reports.whatif_report, as_of=day, today=common.today(), limit=LIMIT)
    totals = report["totals"]
    if not totals["overdue_invoices"] and not totals["notices_due"]:
        common.empty_state(f"No overdue invoices as of {long_date(day)}. Pick a later date, "
                           "or issue invoices on the Bill run page.")
        return
    cards = st.columns(4)
    cards[0].metric("Overdue invoices", f"{totals['overdue_invoices']:,}")
    cards[1].metric("Customers overdue", f"{totals['overdue_customers']:,}")
    figures.money(cards[2], "Amount overdue", totals["overdue_amount"])
    figures.money(cards[3], "Amount at risk", totals["amount_at_risk"],
                  help="Overdue invoices at the warning stage or beyond.")
    cards = st.columns(4)
    cards[0].metric("Notices that day", f"{totals['notices_due']:,}",
                    help="What the daily job's run on that day sends; each notice goes "
                         "to the customer and to the partner.")
    cards[1].metric("Services stopping that day", f"{totals['services_stopping']:,}")
    cards[2].metric("Services stopped", f"{totals['services_stopped']:,}",
                    help="Customers with an overdue invoice whose service is stopped that "
                         "day: stopped already, or by the daily runs until then.")
    cards[3].metric("Customers at risk", f"{totals['customers_at_risk']:,}")

    runs_from = report["runs_from"]
    if runs_from < day:
        st.caption(f"Assumes nothing more is paid and the daily job runs every day from "
                   f"{long_date(runs_from)} on.")
    else:
        st.caption(f"Assumes nothing more is paid. The daily job has not run before "
                   f"{long_date(day)}, so its run that day catches up: only the furthest "
                   "notice due goes out, the ones it overtakes are skipped.")
    st.markdown("**Overdue invoices by stage**")
    st.dataframe(report["by_stage"], hide_index=True, column_config=STAGE_COLUMNS)
    st.markdown(f"**Notices on {long_date(day)}**")
    if report["notices"].empty:
        st.caption("None: no step of the schedule falls on that day.")
    else:
        st.dataframe(report["notices"], hide_index=True, column_config=STAGE_COLUMNS)
    st.markdown(f"**Services that stop on {long_date(day)}**")
    if report["stopping"].empty:
        st.caption("None.")
    else:
        st.dataframe(report["stopping"], hide_index=True, column_config={
            "customer_id": "Customer ID", "customer_name": "Customer", "partner_id": None,
            "partner_name": "Partner", "invoice_number": st.column_config.NumberColumn(
                "Invoice", format="%d"), "balance": MONEY, "days_overdue": "Days overdue"})
    st.markdown("**By partner**")
    st.dataframe(report["by_partner"], hide_index=True, column_config=PARTNER_COLUMNS)
    st.markdown("**Overdue invoices, furthest along first**")
    st.dataframe(report["rows"], hide_index=True, column_config=ROW_COLUMNS,
                 column_order=ROW_ORDER)
    shown = len(report["rows"])
    if totals["overdue_invoices"] > shown:
        st.caption(f"Showing {shown:,} of {totals['overdue_invoices']:,}; the CSV has them all.")
    db = str(common.db_path())
    st.download_button("Download the what-if report (CSV)", icon=":material/download:",
                       mime="text/csv", on_click="ignore", file_name=f"whatif-{day}.csv",
                       data=lambda: reports.whatif_csv(db, as_of=day, today=common.today(),
                                                       principal=common.principal()))


def partner_tab() -> None:
    partners = common.load(reports.partners)
    names = dict(zip(partners["partner_id"], partners["partner_name"], strict=True))
    requested = st.query_params.get("partner")
    # It opens on the partner with the most at risk (the what-if's first partner).
    at_risk = common.load(reports.whatif_report, as_of=as_of, today=common.today(),
                          limit=LIMIT)["by_partner"]["partner_id"]
    first = requested if requested in names else next(iter(at_risk), next(iter(names)))
    partner = st.columns([2, 3])[0].selectbox(
        "Partner", list(names), format_func=lambda p: f"{names[p]} ({p})",
        index=list(names).index(first), key="dunning_partner")
    customers = common.load(reports.partner_view, as_of=as_of, today=common.today(),
                            partner_id=partner)
    if customers.empty:
        common.empty_state(f"No customer of {names[partner]} has an open invoice as of "
                           f"{long_date(as_of)}.")
        return
    overdue = customers[customers["days_overdue"] > 0]
    cards = st.columns(3)
    cards[0].metric("Customers with open invoices", f"{len(customers):,}")
    cards[1].metric("Customers overdue", f"{len(overdue):,}")
    figures.money(cards[2], "Overdue", sum(customers["overdue_balance"]))
    event = st.dataframe(worded(customers, stopped_since="not stopped"), hide_index=True,
                         column_config=CUSTOMER_COLUMNS,
                         key="dunning_partner_table", on_select="rerun",
                         selection_mode="single-row")
    st.caption("If nothing more is paid: each customer's furthest stage and the day its "
               "service stops. Select a customer to open its account.")
    if event.selection.rows:
        st.switch_page("pages/customers.py", query_params={
            "customer": customers.iloc[event.selection.rows[0]]["customer_id"]})


def timeline_tab() -> None:
    timeline = common.load(reports.notice_timeline, as_of=as_of, today=common.today(),
                           horizon_days=HORIZON_DAYS)
    end = as_of + timedelta(days=HORIZON_DAYS)
    if timeline.empty:
        common.empty_state(f"No notice falls due between {long_date(as_of)} and "
                           f"{long_date(end)}: nothing open reaches a dunning stage by then.")
        return
    chart = alt.Chart(timeline).mark_bar().encode(
        x=alt.X("yearmonthdate(on_date):T", title="Day"),
        y=alt.Y("sum(notices):Q", title="Notices (invoices)"),
        color=alt.Color("stage_label:N", title="Stage", scale=STAGE_COLORS),
        order=alt.Order("stage:N"),
        tooltip=[alt.Tooltip("on_date:T", title="Day"),
                 alt.Tooltip("stage_label:N", title="Stage"),
                 alt.Tooltip("notices:Q", title="Notices"),
                 alt.Tooltip("amount_text:N", title="Open balance")])
    st.altair_chart(chart)
    st.caption(f"Notices that fall due from {long_date(as_of)} to {long_date(end)} if nothing "
               "is paid and the job runs daily; each goes to the customer and the partner.")
    st.dataframe(timeline, hide_index=True, column_config={
        "on_date": st.column_config.DateColumn("Day"), "stage": None,
        "stage_label": "Stage", "action": None, "notices": "Notices", "amount": MONEY,
        "amount_text": None, "chart_amount": None})


st.title("Dunning")
if not common.has_data():
    common.empty_state(common.NO_DATA)
    st.stop()
left, right = st.columns([3, 1], vertical_alignment="center")
left.caption(f"Overdue notices as of **{long_date(as_of)}**. {schedule_caption()}")
if right.button("Run today's dunning", type="primary", icon=":material/send:",
                disabled=common.blocked(DUNNING),
                help=common.blocked_reason(DUNNING) or f"The daily job for {long_date(as_of)}: "
                     "each notice goes out once, however often it runs."):
    run_job()
last_run()
tabs = st.tabs([AGING, WHATIF, PARTNERS, TIMELINE], key=TABS, on_change="rerun",
               default=PARTNERS if "partner" in st.query_params else None)
for tab, show in zip(tabs, (aging_tab, whatif_tab, partner_tab, timeline_tab), strict=True):
    if tab.open:
        with tab:
            show()
