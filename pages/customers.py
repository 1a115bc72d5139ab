"""Customers: find a customer and open the account profile, where an account manager
activates Billing on Behalf (the seed's five steps), edits the billing email, and sees the
customer's subscriptions, invoices and payments. `?customer=ID` opens a profile directly.
"""

from datetime import date
from functools import partial

import streamlit as st

import bob
from bob import overview, statements
from bob.access import ACTIVATE, SET_EMAIL
from bob.money import format_money, parse_amount
from bob.months import first_of_month, long_date
from ui import common, frame
from ui.audit_history import history
from ui.tables import worded

frame.require()

LIST_LIMIT = 500
WIZARD = "activation_wizard"  # session state: the open wizard, one customer at a time
EDITING_EMAIL = "editing_billing_email"
FLASH = "customers_flash"


def money(label: str | None = None):
    return st.column_config.NumberColumn(label, format="dollar")


def day(label: str | None = None):
    return st.column_config.DateColumn(label, format="YYYY-MM-DD")


def open_account(customer_id: str | None) -> None:
    if customer_id:
        st.query_params["customer"] = customer_id
    else:
        st.query_params.pop("customer", None)
    st.session_state.pop(WIZARD, None)
    st.session_state.pop(EDITING_EMAIL, None)
    st.rerun()


def done(message: str) -> None:
    """After a write: say so on the next run, which reads the store afresh."""
    st.session_state[FLASH] = message
    st.rerun()


def attempt(call, *args, **kwargs) -> tuple[bool, object]:
    """Run a bob check or preview: (True, result), or (False, None) with the refusal shown
    as its rule. Nothing is written either way."""
    try:
        return True, call(*args, **kwargs)
    except bob.BobError as error:
        st.error(str(error), icon=":material/block:")
        return False, None


# --- the list ----------------------------------------------------------------------------

def customer_list(as_of: date) -> None:
    st.title("Customers")
    search_box, partner_box, status_box = st.columns([2, 2, 1])
    search = search_box.text_input("Search", placeholder="Customer name or ID")
    partners = common.load(overview.partners)
    names = dict(zip(partners["partner_id"], partners["partner_name"], strict=True))
    partner_id = partner_box.selectbox("Partner", list(names), index=None, placeholder="All",
                                       format_func=lambda pid: f"{names[pid]} ({pid})")
    status = status_box.selectbox("BoB status", overview.BOB_STATUSES, index=None,
                                  placeholder="All")
    rows = common.load(bob.customers, as_of=as_of, today=common.today(),
                       search=search.strip() or None,
                       partner_id=partner_id, bob_status=status, limit=LIST_LIMIT + 1)
    if rows.empty:
        common.empty_state("No customer matches these filters.")
        return
    if len(rows) > LIST_LIMIT:
        st.caption(f"Showing the first {LIST_LIMIT:,} customers; search or filter to find "
                   "the others.")
    st.caption("Select a row to open the customer's account profile.")
    # What a person reads first comes first (who, status, money): at 1440 px wide every
    # column up to "Overdue" is on screen without scrolling sideways.
    picked = st.dataframe(
        worded(rows.head(LIST_LIMIT), bob_start="not active", billing_email="—"),
        hide_index=True, key="customer_list", on_select="rerun", selection_mode="single-row",
        column_order=("customer_name", "bob_status", "open_balance", "overdue", "customer_id",
                      "partner_name", "partner_country", "state", "bob_start",
                      "billing_email"),
        column_config={"customer_id": st.column_config.TextColumn("Customer ID", width=110),
                       "customer_name": st.column_config.TextColumn("Customer", width=200),
                       "state": st.column_config.TextColumn("State", width=60),
                       "partner_name": st.column_config.TextColumn("Partner", width=170),
                       "partner_country": st.column_config.TextColumn(
                           "Country", width=70, help="The partner's country: Billing on "
                           "Behalf is available for US partners' customers only"),
                       "bob_status": st.column_config.TextColumn("BoB status", width=110),
                       "bob_start": st.column_config.TextColumn("BoB start", width=100),
                       "billing_email": "Billing email",
                       "open_balance": money("Open"), "overdue": money("Overdue")},
    )
    if picked.selection.rows:
        open_account(rows["customer_id"].iloc[picked.selection.rows[0]])


# --- the activation wizard -----------------------------------------------------------------

def start_wizard(customer_id: str, as_of: date) -> None:
    st.session_state[WIZARD] = {"customer_id": customer_id, "step": 1,
                                "start": bob.earliest_start(as_of), "email": "",
                                "selected": [], "index": 0, "changes": {}, "drafts": {},
                                "preview": None}


def request_of(wizard: dict) -> bob.ActivationRequest:
    changes = tuple(bob.SubscriptionChange(sub_id, *wizard["changes"][sub_id])
                    for sub_id in wizard["selected"])
    return bob.ActivationRequest(wizard["customer_id"], wizard["start"], wizard["email"],
                                 changes)


def go(wizard: dict, step: int, **updates) -> None:
    wizard.update(step=step, **updates)
    st.rerun()


def step_start(wizard: dict, as_of: date) -> None:
    st.markdown("**Step 1 of 4 · Choose the start date and enter the billing email**")
    start = st.date_input("Start date", value=wizard["start"], format="YYYY-MM-DD",
                          key="wizard_start")
    st.caption(f"Billing on behalf can be activated starting from the next month: "
               f"{long_date(bob.earliest_start(as_of))} at the earliest.")
    email = st.text_input("Billing email", value=wizard["email"], key="wizard_email",
                          placeholder="accounts@customer.example")
    if st.button("Next", type="primary", key="wizard_next_1"):
        # The same checks as Confirm (partner's country, one activation, start date, email,
        # subscriptions to bill), run on a transaction that is rolled back.
        trial = {**wizard, "start": start, "email": email, "selected": []}
        accepted, _ = attempt(common.preview, bob.preview_first_invoice, request_of(trial))
        if accepted:
            go(wizard, 2, start=start, email=bob.normalized_email(email))


def step_select(wizard: dict, subscriptions) -> None:
    st.markdown("**Step 2 of 4 · Review the subscriptions list and select the subscriptions "
                "where you want to update the start date or price**")
    st.dataframe(subscriptions, hide_index=True,
                 column_order=("subscription_id", "product", "quantity", "list_price"),
                 column_config={"subscription_id": "Subscription", "product": "Product",
                                "quantity": "Quantity", "list_price": money("Price")})
    labels = {row.subscription_id: f"{row.product} × {row.quantity} ({row.subscription_id})"
              for row in subscriptions.itertuples()}
    selected = st.multiselect("Subscriptions to change", list(labels),
                              default=wizard["selected"], format_func=labels.get,
                              key="wizard_selected",
                              placeholder="None: all start with Billing on Behalf, at list price")
    buttons = st.container(horizontal=True)
    if buttons.button("Back", key="wizard_back_2"):
        go(wizard, 1)
    if buttons.button("Next", type="primary", key="wizard_next_2"):
        changes = {sub_id: wizard["changes"].get(sub_id) for sub_id in selected}
        if selected:
            go(wizard, 3, selected=selected, index=0, changes=changes)
        else:
            review(wizard, selected=[], changes={})


def step_terms(wizard: dict, subscriptions) -> None:
    index, selected = wizard["index"], wizard["selected"]
    sub_id = selected[index]
    sub = subscriptions.set_index("subscription_id").loc[sub_id]
    st.markdown(f"**Step 3 of 4 · Set the start date and price · "
                f"{index + 1} of {len(selected)}**")
    st.markdown(f"{sub['product']} × {sub['quantity']} ({sub_id}), list price "
                f"{format_money(sub['list_price'])}")
    # What was typed for each subscription is kept as a draft, so that Back and Next show
    # it again (a widget's own state ends when it leaves the screen).
    start, price = wizard["changes"].get(sub_id) or (wizard["start"], sub["list_price"])
    start, price_text = wizard["drafts"].get(sub_id, (start, f"{price:.2f}"))
    new_start = st.date_input("Start date", value=start, min_value=wizard["start"],
                              format="YYYY-MM-DD", key=f"wizard_start_{sub_id}")
    new_price = st.text_input("Price (USD per unit and month)", value=price_text,
                              key=f"wizard_price_{sub_id}",
                              help="In dollars and whole cents, such as 19.90")
    wizard["drafts"][sub_id] = (new_start, new_price)
    buttons = st.container(horizontal=True)
    if buttons.button("Back", key="wizard_back_3"):
        if index:
            go(wizard, 3, index=index - 1)
        else:
            go(wizard, 2)
    if buttons.button("Next", type="primary", key="wizard_next_3"):
        valid, amount = attempt(parse_amount, new_price,
                                what=f"The price of subscription {sub_id}")
        if valid and attempt(bob.check_terms, sub_id, new_start, amount, wizard["start"])[0]:
            wizard["changes"][sub_id] = (new_start, amount)
            if index + 1 < len(selected):
                go(wizard, 3, index=index + 1)
            review(wizard)


def review(wizard: dict, **updates) -> None:
    """Move to the review step with the first invoice previewed once, not on every rerun."""
    trial = {**wizard, **updates}
    accepted, preview = attempt(common.preview, bob.preview_first_invoice, request_of(trial))
    if accepted:
        go(wizard, 4, preview=preview, **updates)


def step_review(wizard: dict, subscriptions, as_of: date) -> None:
    st.markdown("**Step 4 of 4 · Review and confirm**")
    st.markdown(f"Start date **{long_date(wizard['start'])}** · billing email "
                f"**{wizard['email']}**")
    changed = subscriptions[subscriptions["subscription_id"].isin(wizard["selected"])]
    if len(changed):
        st.caption("Changed subscriptions")
        st.dataframe(changed.assign(
            bob_start_date=[wizard["changes"][s][0] for s in changed["subscription_id"]],
            bob_price=[wizard["changes"][s][1] for s in changed["subscription_id"]]),
            hide_index=True,
            column_order=("subscription_id", "product", "quantity", "list_price",
                          "bob_start_date", "bob_price"),
            column_config={"subscription_id": "Subscription", "product": "Product",
                           "quantity": "Quantity", "list_price": money("List price"),
                           "bob_start_date": day("New start date"),
                           "bob_price": money("New price")})
    unchanged = len(subscriptions) - len(changed)
    if unchanged:
        st.caption(f"{unchanged} other subscription(s) start on {long_date(wizard['start'])} "
                   "at their list prices.")
    first_invoice(wizard["preview"])
    buttons = st.container(horizontal=True)
    if buttons.button("Back", key="wizard_back_4"):
        if wizard["selected"]:
            go(wizard, 3, index=len(wizard["selected"]) - 1)
        else:
            go(wizard, 2)
    if buttons.button("Confirm", type="primary", key="wizard_confirm",
                      disabled=common.blocked(ACTIVATE), help=common.blocked_reason(ACTIVATE)
                      ) and common.write(bob.activate, request_of(wizard)):
        go(wizard, 5)


def first_invoice(preview: dict) -> None:
    invoice = preview["invoice"]
    st.markdown(f"**First invoice** for {invoice['billing_month']:%B %Y}: issued "
                f"{long_date(invoice['issue_date'])}, due {long_date(invoice['due_date'])}")
    st.dataframe(preview["lines"], hide_index=True,
                 column_order=("description", "quantity", "unit_price", "period_start",
                               "period_end", "days", "days_in_month", "amount"),
                 column_config={"description": "Product", "quantity": "Quantity",
                                "unit_price": money("Unit price"), "period_start": day("From"),
                                "period_end": day("To (exclusive)"), "days": "Days billed",
                                "days_in_month": "Days in month", "amount": money("Amount")})
    amount, tax, total = st.columns(3)
    amount.metric("Amount", format_money(invoice["amount"]))
    tax.metric(f"Tax ({(invoice['tax_rate'] * 100).normalize():f}%)", format_money(invoice["tax"]))
    total.metric("Total", format_money(invoice["total"]))


def wizard_panel(wizard: dict, account: overview.Account, as_of: date) -> None:
    with st.container(border=True):
        st.subheader("Billing on Behalf Activation")
        if wizard["step"] == 5:
            st.success(f"Billing on Behalf is active for {account.customer['customer_name']} "
                       f"from {long_date(wizard['start'])}.", icon=":material/check_circle:")
            if st.button("Done", key="wizard_done"):
                st.session_state.pop(WIZARD)
                st.rerun()
            return
        steps = {1: lambda: step_start(wizard, as_of),
                 2: lambda: step_select(wizard, account.subscriptions),
                 3: lambda: step_terms(wizard, account.subscriptions),
                 4: lambda: step_review(wizard, account.subscriptions, as_of)}
        steps[wizard["step"]]()
        if st.button("Cancel activation", type="tertiary", key="wizard_cancel"):
            st.session_state.pop(WIZARD)
            st.rerun()


# --- the account profile ---------------------------------------------------------------------

def bob_information(account: overview.Account) -> None:
    customer = account.customer
    st.subheader("Billing on Behalf Information")
    if not account.activated:
        st.caption("Billing on Behalf is not active for this customer.")
        return
    facts = st.container(horizontal=True, vertical_alignment="bottom", gap="large")
    for label, value in (("Status", customer["bob_status"]),
                         ("Start date", long_date(customer["bob_start"])),
                         ("Billing email", customer["billing_email"])):
        facts.markdown(f":small[{label}]  \n**{value}**", width="content")
    if facts.button(":material/edit:", key="edit_billing_email",
                    help=common.blocked_reason(SET_EMAIL) or "Edit billing email",
                    type="tertiary", disabled=common.blocked(SET_EMAIL)):
        st.session_state[EDITING_EMAIL] = customer["customer_id"]
    if st.session_state.get(EDITING_EMAIL) == customer["customer_id"]:
        new_email = st.text_input("New billing email", value=customer["billing_email"],
                                  key="new_billing_email")
        buttons = st.container(horizontal=True)
        if buttons.button("Save", type="primary", key="save_billing_email",
                          disabled=common.blocked(SET_EMAIL),
                          help=common.blocked_reason(SET_EMAIL)):
            result = common.write(bob.set_billing_email, customer["customer_id"], new_email)
            if result:
                st.session_state.pop(EDITING_EMAIL)
                done(f"Invoices and notices now go to {result['billing_email']}.")
        if buttons.button("Cancel", key="cancel_billing_email"):
            st.session_state.pop(EDITING_EMAIL)
            st.rerun()


def ledgers(account: overview.Account) -> None:
    customer_id = account.customer["customer_id"]
    link = {"customer": customer_id}
    st.subheader("Subscriptions")
    st.dataframe(worded(account.subscriptions, bob_start_date="not active",
                        bob_price="not active"), hide_index=True,
                 column_config={"subscription_id": "Subscription", "product": "Product",
                                "quantity": "Quantity", "list_price": money("List price"),
                                "bob_start_date": "BoB start", "bob_price": "BoB price"})
    if account.activated:
        st.page_link("pages/subscriptions.py", label="Edit start dates and prices",
                     icon=":material/edit_note:", query_params=link)

    st.subheader("Invoices")
    if account.invoices.empty:
        st.caption("No invoices yet.")
    else:
        picked = st.dataframe(
            account.invoices, hide_index=True, key="account_invoices", on_select="rerun",
            selection_mode="single-row",
            column_order=("number", "period", "issue_date", "due_date", "amount", "tax",
                          "total", "balance", "status"),
            column_config={"number": "Invoice", "period": "Month", "issue_date": day("Date"),
                           "due_date": day("Due date"), "amount": money("Amount"),
                           "tax": money("Tax"), "total": money("Total"),
                           "balance": money("Balance"), "status": "Status"})
        if picked.selection.rows:
            number = account.invoices["number"].iloc[picked.selection.rows[0]]
            st.switch_page("pages/invoices.py", query_params={"invoice": str(number)})
    st.page_link("pages/invoices.py", label="All invoices of this customer",
                 icon=":material/receipt_long:", query_params=link)

    st.subheader("Payments")
    if account.payments.empty:
        st.caption("No payments yet.")
    else:
        picked = st.dataframe(
            account.payments, hide_index=True, key="account_payments", on_select="rerun",
            selection_mode="single-row",
            column_order=("payment_id", "receipt_date", "method", "reference", "amount",
                          "allocated", "balance"),
            column_config={"payment_id": "Payment", "receipt_date": day("Receipt date"),
                           "method": "Method", "reference": "Reference",
                           "amount": money("Amount"), "allocated": money("Applied"),
                           "balance": money("Balance")})
        if picked.selection.rows:
            payment = account.payments["payment_id"].iloc[picked.selection.rows[0]]
            st.switch_page("pages/payments.py", query_params={"payment": str(payment)})
    st.page_link("pages/payments.py", label="All payments of this customer",
                 icon=":material/payments:", query_params=link)


def statement_downloads(customer_id: str, as_of: date) -> None:
    st.subheader("Statement of account")
    start_box, end_box = st.columns(2)
    start = start_box.date_input("From", value=first_of_month(as_of), format="YYYY-MM-DD",
                                 key="statement_from")
    end = end_box.date_input("To", value=as_of, format="YYYY-MM-DD", key="statement_to")
    if start is None or end is None:
        st.caption("Pick the first and the last day of the statement.")
        return
    if not attempt(statements.check_period, start, end)[0]:
        return
    db = str(common.db_path())
    buttons = st.container(horizontal=True)
    for fmt in statements.FORMATS:
        buttons.download_button(
            f"Statement ({fmt.upper()})", icon=":material/download:", on_click="ignore",
            mime="application/pdf" if fmt == "pdf" else "text/csv",
            file_name=f"statement-{customer_id}-{start}-{end}.{fmt}",
            data=partial(statements.statement_file, db, customer_id, start=start, end=end,
                         principal=common.principal(),
                         fmt=fmt))


def account_profile(customer_id: str, as_of: date) -> None:
    if st.button("All customers", icon=":material/arrow_back:", type="tertiary"):
        open_account(None)
    account = common.load(overview.account, customer_id=customer_id, as_of=as_of,
                          today=common.today())
    if account is None:
        st.warning(f"There is no customer {customer_id!r}.")
        return
    customer = account.customer
    wizard = st.session_state.get(WIZARD)
    if wizard and wizard["customer_id"] != customer_id:
        wizard = None
    header, action = st.columns([3, 1], vertical_alignment="center")
    header.title(customer["customer_name"])
    header.caption(f"Customer {customer['customer_id']} · {customer['state']} · partner "
                   f"**{customer['partner_name']}** ({customer['partner_id']}, "
                   f"{customer['partner_country']}) · open {format_money(customer['open_balance'])}"
                   f", overdue {format_money(customer['overdue'])}")
    refusal = bob.partner_refusal(customer["partner_name"], customer["partner_country"])
    if refusal and not account.activated:
        st.info(f"{refusal} Activation is not offered for this customer.",
                icon=":material/public:")
    elif not account.activated and wizard is None and action.button(
            "Billing on Behalf Activation", type="primary", key="activate",
            disabled=common.blocked(ACTIVATE), help=common.blocked_reason(ACTIVATE)):
        start_wizard(customer_id, common.today())
        st.rerun()
    if message := st.session_state.pop(FLASH, None):
        st.success(message, icon=":material/check_circle:")
    if wizard:
        wizard_panel(wizard, account, common.today())
    bob_information(account)
    ledgers(account)
    statement_downloads(customer_id, as_of)
    history(f"customer:{customer_id}")


as_of = common.as_of()
if not common.has_data():
    st.title("Customers")
    common.empty_state(common.NO_DATA)
elif customer := st.query_params.get("customer"):
    account_profile(customer, as_of)
else:
    customer_list(as_of)
