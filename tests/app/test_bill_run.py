"""The Bill run page: the month's preview (the bill run itself, never committed), whom it
skips and why, the confirmation, and a run that issues exactly what was previewed."""

from datetime import date

import bob
from bob.money import format_money
from tests.app.conftest import AS_OF, SCHEDULED

DECEMBER, JANUARY = date(2026, 12, 1), date(2027, 1, 1)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def open_december(app):
    at = app("pages/bill_run.py")
    at.selectbox(key="bill_run_month").set_value(DECEMBER).run()
    return at


def test_only_months_up_to_next_month_can_be_picked(demo_db, app):
    at = app("pages/bill_run.py")
    assert at.selectbox(key="bill_run_month").options[0] == "December 2026"


def test_the_preview_writes_nothing(demo_db, app):
    before = bob.ledger(demo_db, as_of=date(2099, 1, 1))
    open_december(app)
    assert len(bob.ledger(demo_db, as_of=date(2099, 1, 1))) == len(before)


def test_the_preview_names_a_skipped_customer_and_the_rule(demo_db, app):
    at = app("pages/bill_run.py")
    at.selectbox(key="bill_run_month").set_value(date(2026, 11, 1)).run()
    skipped = at.dataframe[0].value
    reasons = dict(zip(skipped["customer_id"], skipped["reason"], strict=True))
    assert reasons[SCHEDULED] == ("Billing on Behalf starts on 1 December 2026, after "
                                  "November 2026.")


def test_issuing_asks_first(demo_db, app):
    at = open_december(app)
    invoices = metric(at, "Invoices")
    button(at, f"Issue {invoices} invoices for December 2026?").click().run()
    assert any(w.value.startswith(f"Issue {invoices} invoices for December 2026?")
               for w in at.warning)
    assert bob.ledger(demo_db, as_of=AS_OF, month_from=DECEMBER).empty


def test_the_run_issues_what_the_preview_showed(demo_db, app):
    at = open_december(app)
    shown = {label: metric(at, label) for label in ("Invoices", "Lines", "Amount", "Tax")}
    numbers = next(c.value for c in at.caption if c.value.startswith("Invoice numbers"))
    button(at, f"Issue {shown['Invoices']} invoices for December 2026?").click().run()
    button(at, f"Yes, issue {shown['Invoices']} invoices").click().run()
    result = at.session_state["bill_run_result"]
    assert not at.exception
    assert (f"{result['invoices']:,}", result["lines"]) == (shown["Invoices"],
                                                            int(shown["Lines"]))
    assert numbers.startswith(
        f"Invoice numbers {result['first_number']} to {result['last_number']},")
    issued = bob.ledger(demo_db, as_of=AS_OF, month_from=DECEMBER, month_to=JANUARY)
    assert f"{len(issued):,}" == shown["Invoices"]
    assert (format_money(sum(issued["amount"])), format_money(sum(issued["tax"]))) == (
        shown["Amount"], shown["Tax"])


def test_the_result_links_to_the_months_invoices(demo_db, app):
    at = open_december(app)
    invoices = metric(at, "Invoices")
    button(at, f"Issue {invoices} invoices for December 2026?").click().run()
    button(at, f"Yes, issue {invoices} invoices").click().run()
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    assert links["The invoices of December 2026"] == "month=2026-12"


def test_issuing_is_disabled_under_the_lens(demo_db, app):
    at = app("pages/bill_run.py", as_of=date(2026, 12, 20))
    at.selectbox(key="bill_run_month").set_value(DECEMBER).run()
    assert all(b.disabled for b in at.button if b.label.startswith("Issue"))
