"""BoB — Billing on Behalf. The entry file: navigation and the sidebar, nothing else."""

import streamlit as st

from bob import store
from bob.errors import StoreBusy
from ui import auth, common

st.set_page_config(page_title="BoB — Billing on Behalf", page_icon=":material/receipt_long:",
                   layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/customers.py", title="Customers", icon=":material/groups:"),
    st.Page("pages/subscriptions.py", title="Subscriptions", icon=":material/edit_note:"),
    st.Page("pages/invoices.py", title="Invoices", icon=":material/receipt_long:"),
    st.Page("pages/bill_run.py", title="Bill run", icon=":material/event_repeat:"),
    st.Page("pages/settings.py", title="Settings", icon=":material/settings:"),
    st.Page("pages/payments.py", title="Payments", icon=":material/payments:"),
    st.Page("pages/dunning.py", title="Dunning", icon=":material/notifications_active:"),
    st.Page("pages/notices.py", title="Notices", icon=":material/mail:"),
    st.Page("pages/audit.py", title="Audit trail", icon=":material/manage_search:"),
]

common.start_rerun()  # the business date and who acts: read here, once, for every change


def run() -> None:
    """Who acts, the pages that person may open, the sidebar, then the page itself. The
    whole rerun's reads share one open store: starting the database costs ~30 ms each time.
    (Widget callbacks, which send email, run before this, outside the session.)"""
    with store.session(common.db_path()):
        who = auth.settle(common.db_path())
        if who is None:  # sign in, no access, or a production store in demo mode: that alone
            st.navigation([st.Page(lambda: auth.gate(common.db_path()), title="BoB",
                                   url_path="welcome")]).run()
            return
        page = st.navigation(auth.pages_for(who, PAGES))
        auth.sidebar(common.db_path())
        common.sidebar()
        common.lens_banner()
        page.run()


try:
    run()
except StoreBusy as busy:  # another process held the store past the lock wait
    st.error(str(busy), icon=":material/hourglass_top:")
