"""The payments page's helpers that write or lead to a write: applying a payment's balance
now (asked first, showing what gets paid) and finding the customer a payment is from (by name
or ID, with their open invoices, warned when they have no Billing on Behalf)."""

from decimal import Decimal

import streamlit as st

import bob
from bob import access
from bob.money import format_money
from bob.months import long_date
from ui import common
from ui.corrections import asked, confirm

APPLY, FIND, PICK = "payment_confirm_apply", "pay_customer", "pay_customer_pick"
MATCHES = 20


def apply_balance(head: dict, flash_key: str) -> None:
    """Apply the payment's balance now, oldest open invoice first, behind a confirmation."""
    payment_id = head["payment_id"]
    if head["balance"] <= 0:
        return
    plan = asked(APPLY, payment_id, "Apply the balance now", ":material/call_split:", access.APPLY,
                 bob.apply_balance, payment_id)
    if plan is None:
        return
    paid = "; ".join(f"invoice {a['invoice_number']}: {format_money(Decimal(a['amount']))}"
                     for a in plan["applied"])
    def done() -> None:
        st.session_state.pop(APPLY, None)
        st.session_state[flash_key] = f"Applied {paid} from payment {payment_id}."
        st.rerun()

    confirm(APPLY, f"Apply {format_money(Decimal(plan['amount']))} of payment {payment_id}'s "
            f"balance today, {long_date(common.today())}, oldest open invoice first? It pays "
            f"{paid}; {format_money(Decimal(plan['balance']))} stays as balance.",
            f"Yes, apply {format_money(Decimal(plan['amount']))}", "No, keep the balance",
            access.APPLY, bob.apply_balance, payment_id, done=done)


def find_customer(column, preset: str | None) -> str | None:
    """Search as you type, by name or ID; the customer picked, with their open invoices and a
    warning when Billing on Behalf is not active for them."""
    typed = column.text_input("Customer (name or ID)", value=preset or "", key=FIND,
                              placeholder="Start typing a name or an ID")
    if not typed.strip():
        return None
    found = common.load(bob.customers, as_of=common.today(), today=common.today(),
                        search=typed.strip(), limit=MATCHES)
    if found.empty:
        column.warning(f"No customer matches {typed.strip()!r}.", icon=":material/search_off:")
        return None
    rows = found.to_dict("records")
    names = {row["customer_id"]: f"{row['customer_name']} ({row['customer_id']})"
             for row in rows}
    picked = column.selectbox("Matching customers", list(names), key=PICK,
                              format_func=names.get)
    chosen = next(row for row in rows if row["customer_id"] == picked)
    if chosen["bob_status"] == "Not activated":
        column.warning(f"{chosen['customer_name']} has no Billing on Behalf: BoB has issued "
                       "them no invoice, so a payment would only wait as their balance.",
                       icon=":material/warning:")
    open_invoices = common.load(bob.ledger, as_of=common.today(), customer_ids=(picked,),
                                statuses=("Invoice Created", "Overdue"))
    if open_invoices.empty:
        column.caption("No open invoice: the payment stays as their balance.")
    else:
        column.dataframe(open_invoices[["number", "due_date", "balance", "status"]],
                         hide_index=True, column_config={
                             "number": st.column_config.NumberColumn("Open invoice",
                                                                     format="%d"),
                             "due_date": st.column_config.DateColumn("Due"),
                             "balance": st.column_config.NumberColumn("Balance",
                                                                      format="dollar"),
                             "status": "Status"})
    return picked
