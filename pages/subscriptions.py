"""Subscriptions: edit the Billing on Behalf start date and price of a customer's or a
partner's subscriptions, in a table. Save stores every edit or, if one is invalid, none."""

import streamlit as st

from bob import overview
from bob import subscriptions as terms
from bob.access import EDIT_TERMS
from bob.errors import BobError
from ui import common, frame

frame.require()

ROW_LIMIT = 500
EDITOR_ROUND = "terms_editor_round"  # a new editor (no pending edits) after each save
FLASH = "subscriptions_flash"

st.title("Subscriptions")
st.caption("Billing on Behalf terms of activated customers' subscriptions. A new start date "
           "or price applies to invoices not issued yet; issued invoices never change.")
as_of = common.as_of()
if not common.has_data():
    common.empty_state(common.NO_DATA)
    st.stop()

customer_id = st.query_params.get("customer")
if customer_id:
    search, partner_id = None, None
    chip = st.container(horizontal=True, vertical_alignment="center")
    chip.markdown(f"Customer **{customer_id}**", width="content")
    if chip.button("Show other customers", icon=":material/close:", type="tertiary"):
        st.query_params.pop("customer")
        st.rerun()
else:
    search_box, partner_box = st.columns(2)
    search = search_box.text_input("Customer", placeholder="Name or ID").strip() or None
    partners = common.load(overview.partners)
    names = dict(zip(partners["partner_id"], partners["partner_name"], strict=True))
    partner_id = partner_box.selectbox("Partner", list(names), index=None,
                                       placeholder="Choose a partner",
                                       format_func=lambda pid: f"{names[pid]} ({pid})")
if not (customer_id or search or partner_id):
    common.empty_state("Choose a partner or search for a customer to edit their subscriptions.")
    st.stop()

rows = common.load(terms.terms, as_of=as_of, customer_id=customer_id, partner_id=partner_id,
                   search=search, limit=ROW_LIMIT + 1)
if rows.empty:
    common.empty_state("No Billing on Behalf subscriptions here. Subscriptions get their BoB "
                       "terms when their customer is activated (Customers page).")
    st.stop()
if len(rows) > ROW_LIMIT:
    st.caption(f"Showing the first {ROW_LIMIT:,} subscriptions; narrow the search to edit "
               "the others.")
rows = rows.head(ROW_LIMIT)

if message := st.session_state.pop(FLASH, None):
    st.success(message, icon=":material/check_circle:")
editor_key = f"terms_editor_{st.session_state.get(EDITOR_ROUND, 0)}"
st.caption("Edit the columns marked ✎: the start date, and the price as typed text "
           "(whole cents, such as 19.90).")
st.data_editor(
    # The price is edited as text so that what was typed is what is checked: a number
    # column would drop a minus sign or round 1.999 before BoB could refuse it.
    rows.assign(price=[f"{price:.2f}" for price in rows["price"]]), key=editor_key,
    hide_index=True, num_rows="fixed",
    disabled=[column for column in rows.columns if column not in terms.EDITABLE],
    column_order=("start_date", "price", "subscription_id", "customer_name", "product",
                  "quantity", "list_price", "bob_start", "customer_id", "partner_name"),
    column_config={
        "subscription_id": "Subscription", "customer_id": "Customer ID",
        "customer_name": "Customer", "partner_name": "Partner", "product": "Product",
        "quantity": "Quantity",
        "list_price": st.column_config.NumberColumn("List price", format="dollar"),
        "bob_start": st.column_config.DateColumn("BoB starts", format="YYYY-MM-DD",
                                                 help="The customer's Billing on Behalf start"),
        "start_date": st.column_config.DateColumn(
            "Start date ✎", format="YYYY-MM-DD", required=True, width=120,
            help="Editable. Not before the customer's Billing on Behalf start"),
        "price": st.column_config.TextColumn(
            "Price ✎", required=True, width=120,
            help="Editable. Monthly price per unit in dollars, whole cents, not below zero"),
    },
)
original, edited = rows.to_dict("records"), st.session_state[editor_key]["edited_rows"]
try:  # on every rerun, so that a refusal shows as soon as the cell is left
    changes, refusal = terms.diff_edits(original, edited), None
except BobError as error:
    changes, refusal = [], str(error)
if refusal:
    st.error(refusal, icon=":material/block:")
if st.button("Save", type="primary", icon=":material/save:",
             disabled=not changes or common.blocked(EDIT_TERMS),
             help=common.blocked_reason(EDIT_TERMS) or refusal):
    result = common.write(terms.save_edits, original, edited)
    if result is not None:
        st.session_state[EDITOR_ROUND] = st.session_state.get(EDITOR_ROUND, 0) + 1
        st.session_state[FLASH] = result["summary"]
        st.rerun()
