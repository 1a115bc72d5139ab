"""Each page's rerun time in Streamlit's AppTest, for `python -m bob bench`."""

import os
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bob import store

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGES = ("overview", "customers", "subscriptions", "invoices", "payments", "dunning", "notices")


def page_reruns(db: Path, customer_id: str, as_of: date, measure) -> dict[str, dict]:
    """Each page's rerun in AppTest, after a first run has warmed the caches."""
    os.environ[store.DB_ENV] = str(db)
    results = {}
    for page in PAGES:
        app = AppTest.from_file(str(APP),
                                default_timeout=120)
        app.session_state["as_of"] = as_of
        if page == "customers":
            app.query_params["customer"] = customer_id
        app.switch_page(f"pages/{page}.py")
        app.run()
        if app.exception:
            raise RuntimeError(f"page {page} failed: {app.exception[0].message}")
        results[page] = measure(app.run)
    return results
