"""Every page runs inside app.py: its navigation, the As-of sidebar and the open store.

Why a page has to ask: Streamlit treats a `pages/` folder next to the entry file as its
legacy multipage folder until some session has run st.navigation. The flag is
`PagesManager.uses_pages_directory` (streamlit/runtime/pages_manager.py): set when the first
session starts and `pages/` exists, cleared by st.navigation. While it is set, the script
runner (`_mpa_v1` in runtime/scriptrunner/script_runner.py) runs a deep link such as
/invoices as pages/invoices.py alone, without app.py, so on a fresh server every session
that did not start at / got a page without the frame.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def require() -> None:
    """Make sure this run goes through app.py: the first line of every page.

    On a legacy run, switch the app to app.py's navigation for every session (what
    st.navigation itself does) and run the request again: app.py then routes to the same
    page, with the same query parameters, since both page registries key a page by its URL.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
