"""Who sees what in the app, through demo mode's "View as" (the OIDC sign-in itself is the
browser test's): a partner sees only its customers, each role's write controls follow the
permission table, and a store marked production refuses demo mode. Runs go through app.py."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from bob import users
from tests.app.conftest import AS_OF, FOREIGN, LATE, NEW, ROOT, US_PARTNER
from tests.app.test_invoices import first_invoice
from tests.conftest import change
from ui import auth


@pytest.fixture
def view_as(monkeypatch, through_entry):
    """`view_as(choice, page, **query)`: the app on that page, viewed as a demo role or a
    partner id."""
    def open_page(choice: str, page: str, **query_params) -> AppTest:
        monkeypatch.setenv("BOB_TODAY", AS_OF.isoformat())
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.session_state[auth.VIEW_AS] = choice
        at.switch_page(page)
        at.query_params.update(query_params)
        return at.run()
    return open_page


def texts(at) -> str:
    parts = [str(element.value) for kind in ("markdown", "caption", "title", "warning", "info",
                                             "error", "subheader", "header")
             for element in getattr(at, kind)]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


def test_demo_mode_says_so_and_offers_view_as(demo_db, view_as):
    at = view_as("Finance", "pages/customers.py")
    assert any("Demo mode" in w.value for w in at.sidebar.warning)
    assert at.sidebar.selectbox(key=auth.VIEW_AS).value == "Finance"


def test_a_partner_lists_only_its_own_customers(demo_db, view_as):
    at = view_as(US_PARTNER, "pages/customers.py")
    assert not at.exception
    listed = texts(at)
    assert "Juniper Law" in listed and "Berliner Werke" not in listed


def test_another_partners_customer_by_deep_link_reads_as_unknown(demo_db, view_as):
    at = view_as(US_PARTNER, "pages/customers.py", customer=FOREIGN)
    assert [w.value for w in at.warning if "There is no customer" in w.value] == [
        f"There is no customer {FOREIGN!r}."]
    assert "Berliner Werke" not in texts(at)


def test_the_same_deep_link_opens_for_finance(demo_db, view_as):
    assert "Berliner Werke" in texts(view_as("Finance", "pages/customers.py", customer=FOREIGN))


def test_a_partner_cannot_cancel_its_customers_invoice(demo_db, view_as):
    number = first_invoice(demo_db, LATE, "Overdue")["number"]
    at = view_as(US_PARTNER, "pages/invoices.py", invoice=str(number))
    cancel = next(b for b in at.button if b.label == "Cancel invoice")
    assert cancel.disabled


def test_a_partner_may_start_its_customers_activation(demo_db, view_as):
    at = view_as(US_PARTNER, "pages/customers.py", customer=NEW)
    assert not next(b for b in at.button if b.key == "activate").disabled


def test_a_viewer_may_not_start_an_activation(demo_db, view_as):
    at = view_as("Viewer", "pages/customers.py", customer=NEW)
    assert next(b for b in at.button if b.key == "activate").disabled


def test_a_partners_navigation_holds_only_its_screens(demo_db, view_as):
    at = view_as(US_PARTNER, "pages/overview.py")
    assert "Partner customers" not in texts(at)  # the overview's dashboard is not for partners
    assert not at.exception


def test_a_change_in_demo_mode_names_the_role_viewed_as(demo_db, view_as):
    at = view_as("Finance", "pages/dunning.py")
    next(b for b in at.button if b.label == "Run today's dunning").click().run()
    actor = users.store.read(demo_db, lambda con: con.execute(
        "SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert actor == "demo (finance)"


def test_a_production_store_refuses_demo_mode(demo_db, view_as):
    change(demo_db, users.mark_production, today=date(2026, 11, 25))
    at = view_as("Finance", "pages/customers.py")
    assert any("marked production" in e.value for e in at.error)
    assert not at.dataframe
