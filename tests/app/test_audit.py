"""The audit trail page, each detail page's own history, and the document downloads."""

import bob
from bob import audit, store
from tests.app.conftest import ACTIVE, AS_OF, LATE


def test_audit_page_lists_the_newest_change_first_with_the_total_count(demo_db, app):
    at = app("pages/audit.py")
    assert not at.exception
    trail = audit.audit_trail(demo_db)
    assert next(m.value for m in at.metric if m.label == "Changes") == f"{trail.matching:,}"
    shown = at.dataframe[0].value
    assert shown["entity"].iloc[0] == trail.rows["entity"].iloc[0]
    assert shown["logged_at"].is_monotonic_decreasing


def test_audit_page_says_when_its_listing_is_cut(demo_db, app):
    def more_changes(con):
        for n in range(600):
            store.audit(con, "carol@vendor.example", "set-email", f"customer:C-{n}", "x")
    store.write(demo_db, more_changes)
    at = app("pages/audit.py")
    trail = audit.audit_trail(demo_db)
    assert len(at.dataframe[0].value) == 500
    assert any(f"newest 500 of {trail.matching:,}" in c.value for c in at.caption)


def test_audit_page_filters_by_entity(demo_db, app):
    at = app("pages/audit.py", entity=f"customer:{ACTIVE}")
    assert set(at.dataframe[0].value["entity"]) == {f"customer:{ACTIVE}"}


def test_audit_page_filters_by_actor(demo_db, app):
    at = app("pages/audit.py")
    actor = audit.actors(demo_db)[0]
    at.selectbox(key="audit_actor").set_value(actor).run()
    assert set(at.dataframe[0].value["actor"]) == {actor}


def test_audit_page_offers_the_trail_as_csv(demo_db, app):
    at = app("pages/audit.py")
    assert [b.label for b in at.download_button] == ["Download CSV"]


def test_invoice_page_offers_its_pdf_and_shows_its_history(demo_db, app):
    number = int(bob.ledger(demo_db, as_of=AS_OF, customer_ids=[LATE])["number"].iloc[0])
    at = app("pages/invoices.py", invoice=str(number))
    assert not at.exception
    assert "Download PDF" in [b.label for b in at.download_button]
    assert any(e.label.startswith("History") for e in at.expander)


def test_payment_page_shows_its_history(demo_db, app):
    rows = audit.audit_trail(demo_db).rows
    recorded = rows[rows["action"] == "pay"].iloc[0]
    at = app("pages/payments.py", payment=recorded["entity"].removeprefix("payment:"))
    assert not at.exception
    history = next(e for e in at.expander if e.label.startswith("History"))
    assert history.label == "History (1)"
    assert history.dataframe[0].value["details"].iloc[0] == recorded["details"]


def test_customer_profile_offers_the_statement_as_pdf_and_csv(demo_db, app):
    at = app("pages/customers.py", customer=ACTIVE)
    assert not at.exception
    assert [b.label for b in at.download_button] == ["Statement (PDF)", "Statement (CSV)"]


def test_customer_profile_refuses_a_statement_ending_before_it_starts(demo_db, app):
    at = app("pages/customers.py", customer=ACTIVE)
    at.date_input(key="statement_from").set_value(AS_OF).run()
    at.date_input(key="statement_to").set_value(AS_OF.replace(day=1)).run()
    assert not at.download_button
    assert "after its TO date" in at.error[0].value


def test_customer_profile_shows_the_activation_in_its_history(demo_db, app):
    at = app("pages/customers.py", customer=ACTIVE)
    history = next(e for e in at.expander if e.label.startswith("History"))
    assert "activate" in set(history.dataframe[0].value["action"])
