"""Every page runs inside app.py: its navigation, the As-of sidebar and the open store.

Why a page has to ask: Streamlit treats a `pages/` folder next to the entry file as its
legacy multipage folder until some session has run st.navigation. The flag is
`PagesManager.uses_pages_directory` (streamlit/runtime/pages_manager.py): set when the first
session starts and `pages/` exists, cleared by st.navigation. While it is set, the script
runner (`_mpa_v1` in runtime/scriptrunner/script_runner.py) runs a deep link such as
/invoices as pages/invoices.py alone, without app.py, so on a fresh server every session
that did not start at / got a page without the frame.
"""

import runpy

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx


def require() -> None:
    """Make sure this run goes through app.py: the first line of every page.

    On a legacy run, run app.py here instead, as Streamlit runs it for /: its st.navigation
    switches the app to app.py's pages for every session and routes to this same page (both
    registries key a page by its URL), which then runs inside the frame; this bare run stops.
    Running it in place, not again, keeps what this run was asked (a click, a typed value).
    """
    if PagesManager.uses_pages_directory:
        runpy.run_path(get_script_run_ctx().main_script_path, run_name="__main__")
        st.stop()
