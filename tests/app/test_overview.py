"""The overview page: figures and charts for the As-of date, and the empty store."""

from streamlit.testing.v1 import AppTest

from bob import overview
from bob.clock import TODAY_ENV
from tests.app.conftest import AS_OF, ROOT


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_overview_shows_customers_money_and_two_charts(demo_db, app):
    at = app("pages/overview.py")
    assert not at.exception
    board = overview.dashboard(demo_db, as_of=AS_OF, today=AS_OF)
    assert metric(at, "Service stopped") == f"{board.customers['Service stopped']:,}"
    assert metric(at, "Overdue receivables") == f"${board.overdue_receivables:,.2f}"
    assert metric(at, "Billed in November 2026") == f"${board.billed:,.2f}"
    assert len(at.get("vega_lite_chart")) == 2


def test_dashboard_counts_the_cast_by_bob_status(demo_db):
    board = overview.dashboard(demo_db, as_of=AS_OF, today=AS_OF)
    assert board.customers["Service stopped"] >= 1  # Late Freight
    assert board.customers["Scheduled"] >= 1  # Soon Clinic
    assert board.overdue_receivables > 0
    assert set(board.billing_by_month["part"]) <= {"Paid", "Open", "Overdue"}


def test_billing_by_month_sums_to_what_was_billed(demo_db):
    board = overview.dashboard(demo_db, as_of=AS_OF, today=AS_OF)
    november = board.billing_by_month[board.billing_by_month["month"] == board.month]
    assert sum(november["amount"]) == board.billed


def test_overview_of_an_empty_store_says_how_to_load_data(empty_db, app):
    at = app("pages/overview.py")
    assert not at.exception
    assert "python -m bob demo" in at.info[0].value


def test_the_app_opens_on_the_overview_with_the_as_of_date_in_the_sidebar(demo_db, monkeypatch):
    monkeypatch.setenv(TODAY_ENV, AS_OF.isoformat())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert at.sidebar.date_input[0].label == "As of"
    assert at.sidebar.date_input[0].value == AS_OF  # the business date, until moved
    assert not [button for button in at.button if button.label == "Back to today"]
    assert at.title[0].value == "Overview"


def test_a_store_held_by_another_process_past_the_lock_wait_is_busy_not_a_traceback(
        demo_db, held_store, monkeypatch):
    monkeypatch.setenv("BOB_LOCK_WAIT_SECONDS", "0.5")
    held_store(demo_db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert [error.value for error in at.error] == [
        "The store is busy (another BoB process is writing); try again."]


def test_has_customers_tells_an_empty_store_from_a_populated_one(demo_db, empty_db):
    assert overview.has_customers(demo_db)
    assert not overview.has_customers(empty_db)


def test_receivables_by_partner_says_it_shows_the_partners_owed_the_most(demo_db, app):
    at = app("pages/overview.py")
    shown = overview.dashboard(demo_db, as_of=AS_OF, today=AS_OF).receivables_by_partner
    captions = [c.value for c in at.caption]
    assert (f"The {shown['partner_id'].nunique():,} partners owed the most on the As-of date, "
            "largest first.") in captions
