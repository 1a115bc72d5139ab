"""The invoice page's money actions behind a confirmation: Release payments (what becomes
unpaid) and Cancel and rebill (the terms editable, the replacement previewed by the same
bob.rebill in a preview unit of work before it is confirmed)."""

from decimal import Decimal

import streamlit as st

import bob
from bob import access, subscriptions
from bob.errors import BobError
from bob.money import format_money, parse_amount
from bob.months import long_date
from ui import common

RELEASE, REBILL, FLASH = "invoice_confirm_release", "invoice_rebill", "invoices_flash"


def _done(message: str) -> None:
    st.session_state.pop(RELEASE, None)
    st.session_state.pop(REBILL, None)
    st.session_state[FLASH] = message
    st.rerun()


def asked(state: str, target: int, label: str, icon: str, action: str, use_case,
          *args) -> dict | None:
    """A money action behind a confirmation: its button until pressed (state `state` then
    holds `target`), then what `use_case` would do today (a preview), or None after showing
    why it is refused."""
    if st.session_state.get(state) != target:
        st.button(label, icon=icon, disabled=common.blocked(action),
                  help=common.blocked_reason(action),
                  on_click=lambda: st.session_state.update({state: target}))
        return None
    try:
        return common.preview(use_case, *args)
    except BobError as refusal:
        st.error(str(refusal), icon=":material/block:")
        st.button("Close", on_click=lambda: st.session_state.pop(state, None),
                  key=f"{state}_close")
        return None


def confirm(state: str, question: str, yes: str, no: str, action: str, use_case, *args,
            done) -> None:
    """The question of a money action asked in `state` (see `asked`): Yes writes
    `use_case(uow, *args)` today and calls `done()` when it was written; No closes it."""
    st.warning(question, icon=":material/warning:")
    yes_column, no_column = st.columns([1, 4])
    if yes_column.button(yes, type="primary", disabled=common.blocked(action),
                         help=common.blocked_reason(action)) \
            and common.write(use_case, *args):
        done()
    no_column.button(no, on_click=lambda: st.session_state.pop(state, None), key=f"{state}_no")


def release(invoice: dict) -> None:
    """Release payments, asked first: which payments get their money back, and what the
    invoice then owes again."""
    number = invoice["number"]
    plan = asked(RELEASE, number, "Release payments", ":material/undo:", access.RELEASE,
                 bob.release_payments,
                 number)
    if plan is None:
        return
    given_back = ", ".join(f"{format_money(Decimal(r['amount']))} to payment {r['payment_id']}"
                           for r in plan["released"])
    confirm(RELEASE, f"Release the payments of invoice {number}? {given_back} goes back to "
            f"the payments' balances, and invoice {number} becomes unpaid: it owes "
            f"{format_money(invoice['total'])} again from {long_date(common.today())}, and "
            "its dunning runs from its due date.",
            f"Yes, release the payments of invoice {number}", "No, keep them", access.RELEASE,
            bob.release_payments, number,
            done=lambda: _done(f"Released {given_back} from invoice {number}."))


def _changed_terms(number: int, rows: list[dict]) -> list[bob.SubscriptionChange]:
    """The terms edited in the rebill panel that differ from the saved ones."""
    changes = []
    for row in rows:
        sub = row["subscription_id"]
        start = st.date_input(f"{row['product']} ({sub}): start", value=row["start_date"],
                              key=f"rebill_{number}_{sub}_start", format="YYYY-MM-DD")
        price_text = st.text_input(f"{row['product']} ({sub}): monthly unit price",
                                   value=f"{row['price']:.2f}",
                                   key=f"rebill_{number}_{sub}_price")
        price = parse_amount(price_text, what=f"The price of {sub}")
        if (start, price) != (row["start_date"], row["price"]):
            changes.append(bob.SubscriptionChange(sub, start, price))
    return changes


def rebill(invoice: dict) -> None:
    """Cancel and rebill: the customer's BoB terms editable, the replacement previewed."""
    number = invoice["number"]
    if st.session_state.get(REBILL) != number:
        st.button("Cancel and rebill", icon=":material/autorenew:",
                  disabled=common.blocked(access.REBILL), help=common.blocked_reason(access.REBILL),
                  on_click=lambda: st.session_state.update({REBILL: number}))
        return
    st.markdown(f"**Cancel and rebill invoice {number}**")
    rows = common.load(subscriptions.terms, as_of=common.today(),
                       customer_id=invoice["customer_id"]).to_dict("records")
    try:
        changes = _changed_terms(number, rows)
        plan = common.preview(bob.rebill, number, tuple(changes))
    except BobError as refusal:
        st.error(str(refusal), icon=":material/block:")
        st.button("Close", on_click=lambda: st.session_state.pop(REBILL, None))
        return
    saved = f" The {len(changes)} changed terms are saved for later months too." if changes else ""
    st.warning(
        f"Invoice {number} is canceled by Cancellation Invoice {plan['cancellation_invoice']} "
        f"and replaced by invoice {plan['replacement']} for {plan['month']}: "
        f"{plan['lines']} lines, {format_money(Decimal(plan['amount']))} plus "
        f"{format_money(Decimal(plan['tax']))} tax, dated {long_date(common.today())}. The "
        f"customer and the partner are told by email.{saved}", icon=":material/warning:")
    yes, no = st.columns([1, 4])
    if yes.button(f"Yes, rebill invoice {number}", type="primary",
                  disabled=common.blocked(access.REBILL),
                  help=common.blocked_reason(access.REBILL)):
        result = common.write(bob.rebill, number, tuple(changes))
        if result:
            _done(f"Invoice {number} is canceled by Cancellation Invoice "
                  f"{result['cancellation_invoice']} and replaced by invoice "
                  f"{result['replacement']}.")
    no.button("No, keep it", on_click=lambda: st.session_state.pop(REBILL, None),
              key="keep_invoice")
