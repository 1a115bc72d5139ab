"""Each page's rerun time in Streamlit's AppTest, and its first load after the As-of date
changes, for `python -m bob bench`."""

import os
from datetime import date, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bob import store

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGES = ("overview", "customers", "subscriptions", "invoices", "payments", "dunning", "notices")


def page_reruns(db: Path, customer_id: str, as_of: date,
                measure) -> tuple[dict[str, dict], dict[str, dict]]:
    """Each page's rerun in AppTest, after a first run has warmed the caches; and its load
    after the sidebar's As-of date moves back a day, which the date-keyed reads miss."""
    os.environ[store.DB_ENV] = str(db)
    results, first_loads = {}, {}
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
        first_loads[page] = measure(_after_a_date_change(app, as_of))
    return results, first_loads


def _after_a_date_change(app: AppTest, as_of: date):
    """A rerun after each move of the sidebar's As-of date one more day back."""
    earlier = (as_of - timedelta(days=days) for days in range(1, 1000))

    def load() -> None:
        app.session_state["as_of"] = next(earlier)
        app.run()
        if app.exception:
            raise RuntimeError(f"a page failed: {app.exception[0].message}")
    return load
