"""Bill run: pick a month, see what the run issues and whom it skips (the bill run itself in a
preview unit of work, so what is confirmed is what is issued), confirm, watch it run, and open
the invoices it issued."""

import streamlit as st

import bob
from bob import access
from bob.errors import BobError
from bob.money import format_money, parse_amount
from bob.months import long_date, parse_month
from ui import common, frame

frame.require()

MONTH, CONFIRM, RESULT = "bill_run_month", "bill_run_confirm", "bill_run_result"


def month_label(month) -> str:
    return f"{month:%B %Y}"


def issued(result: dict) -> None:
    """The result of the run just made, with the way to its invoices."""
    month = parse_month(result["month"])
    if not result["invoices"]:
        st.info(f"No invoice was issued for {month_label(month)}.", icon=":material/info:")
        return
    st.success(f"Issued {result['invoices']:,} invoices for {month_label(month)} "
               f"({result['first_number']}–{result['last_number']}), "
               f"{format_money(parse_amount(result['amount']))} plus "
               f"{format_money(parse_amount(result['tax']))} tax.",
               icon=":material/check_circle:")
    st.page_link("pages/invoices.py", label=f"The invoices of {month_label(month)}",
                 icon=":material/receipt_long:", query_params={"month": result["month"]})


def plan_figures(plan: dict) -> None:
    figures = st.columns(5)
    figures[0].metric("Customers", f"{plan['customers']:,}")
    figures[1].metric("Invoices", f"{plan['invoices']:,}")
    figures[2].metric("Lines", f"{plan['lines']:,}")
    figures[3].metric("Amount", format_money(parse_amount(plan["amount"])))
    figures[4].metric("Tax", format_money(parse_amount(plan["tax"])))
    if plan["invoices"]:
        st.caption(f"Invoice numbers {plan['first_number']} to {plan['last_number']}, dated "
                   f"{long_date(common.today())}. Unapplied payment balances applied: "
                   f"{plan['allocations_from_balances']:,} allocations, "
                   f"{format_money(parse_amount(plan['applied_from_balances']))}.")
    if plan["skipped"]:
        st.markdown(f"**Skipped ({len(plan['skipped']):,})**")
        st.dataframe(plan["skipped"], hide_index=True,
                     column_order=("customer_name", "customer_id", "reason"),
                     column_config={"customer_name": "Customer", "customer_id": "ID",
                                    "reason": "Why"})


def run(month, invoices: int) -> None:
    with st.status(f"Issuing {invoices:,} invoices for {month_label(month)}…",
                   expanded=True) as status:
        status.write("Issuing invoices, queueing their emails, applying balances…")
        result = common.write(bob.bill_run, month)
        if result is None:
            status.update(label="Nothing was issued.", state="error")
            return
        status.update(label=f"Issued {result['invoices']:,} invoices.", state="complete")
    st.session_state[RESULT] = result
    st.session_state.pop(CONFIRM, None)
    st.rerun()  # the page again, now with the result and the way to its invoices


def confirm(month, invoices: int) -> None:
    question = f"Issue {invoices:,} invoices for {month_label(month)}?"
    if st.session_state.get(CONFIRM) != month:
        st.button(question, type="primary", icon=":material/receipt_long:",
                  disabled=common.blocked(access.BILL_RUN),
                  help=common.blocked_reason(access.BILL_RUN),
                  on_click=lambda: st.session_state.update({CONFIRM: month}))
        return
    st.warning(f"{question} They are issued today, {long_date(common.today())}, and emailed "
               "to the customers' billing emails. Issued invoices are never edited.",
               icon=":material/warning:")
    yes, no = st.columns([1, 4])
    if yes.button(f"Yes, issue {invoices:,} invoices", type="primary",
                  disabled=common.blocked(access.BILL_RUN),
                  help=common.blocked_reason(access.BILL_RUN)):
        run(month, invoices)
    no.button("No, not now", on_click=lambda: st.session_state.pop(CONFIRM, None))


st.title("Bill run")
if not common.has_data():
    common.empty_state(common.NO_DATA)
    st.stop()
month = st.selectbox("Month to bill", bob.billable_months(common.today()), key=MONTH,
                     format_func=month_label,
                     help="Months are billed in advance: on "
                          f"{long_date(common.today())} up to next month.")
done = st.session_state.get(RESULT)
if done and done["month"] == f"{month:%Y-%m}":
    issued(done)
try:
    plan = common.load(bob.bill_run_plan, month=month, today=common.today())
except BobError as refusal:
    st.error(str(refusal), icon=":material/block:")
    st.stop()
st.subheader(f"{month_label(month)}: what the run issues")
plan_figures(plan)
if plan["invoices"]:
    confirm(month, plan["invoices"])
else:
    common.empty_state(f"Nothing to bill for {month_label(month)} today: every activated "
                       "customer is billed or skipped for the reason shown.")
