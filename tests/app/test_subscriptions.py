"""The subscriptions page and the rules behind its editing table.

AppTest cannot type into st.data_editor cells, so the edits go in two ways: straight into
the pure diff_edits / save_edits functions the page calls, and as the editor's edit state
(`edited_rows`) seeded in session state before pressing Save.
"""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

import bob
from bob import store
from bob import subscriptions as terms
from bob.errors import BobError
from bob.months import long_date
from tests.app.conftest import ACTIVE, AS_OF, US_PARTNER
from tests.conftest import change

SEATS = "S-APP-ACTIVE-SEATS"
EDITOR = "terms_editor_0"


def row(subscription_id: str = "S-1", *, start: date = date(2026, 12, 1),
        price: str = "25.00", bob_start: date = date(2026, 12, 1)) -> dict:
    return {"subscription_id": subscription_id, "bob_start": bob_start, "start_date": start,
            "price": Decimal(price)}


# --- diff_edits: the editor's edited_rows as validated changes (no database) ------------------

def test_a_price_edit_becomes_a_change_keeping_the_start_date():
    changes = terms.diff_edits([row()], {0: {"price": 19.9}})
    assert changes == [bob.SubscriptionChange("S-1", date(2026, 12, 1), Decimal("19.90"))]


def test_a_start_date_edit_arrives_as_iso_text():
    changes = terms.diff_edits([row()], {"0": {"start_date": "2027-01-15T00:00:00.000"}})
    assert changes == [bob.SubscriptionChange("S-1", date(2027, 1, 15), Decimal("25.00"))]


def test_an_edit_back_to_the_same_terms_is_no_change():
    assert terms.diff_edits([row()], {0: {"price": 25, "start_date": "2026-12-01"}}) == []


def test_only_the_edited_rows_change():
    rows = [row("S-1"), row("S-2"), row("S-3")]
    changes = terms.diff_edits(rows, {2: {"price": 30}})
    assert [c.subscription_id for c in changes] == ["S-3"]


def test_a_negative_price_is_refused():
    with pytest.raises(BobError, match="cannot be negative"):
        terms.diff_edits([row()], {0: {"price": -1}})


def test_a_price_below_a_cent_is_refused():
    with pytest.raises(BobError, match="more than two decimals"):
        terms.diff_edits([row()], {0: {"price": 19.999}})


def test_an_emptied_price_is_refused():
    with pytest.raises(BobError, match="needs a price"):
        terms.diff_edits([row()], {0: {"price": None}})


def test_a_start_before_the_customers_bob_start_is_refused():
    with pytest.raises(BobError, match="before Billing on Behalf starts on 1 December 2026"):
        terms.diff_edits([row()], {0: {"start_date": "2026-11-30"}})


def test_every_problem_is_named_at_once_and_nothing_is_kept():
    rows = [row("S-1"), row("S-2"), row("S-3")]
    with pytest.raises(BobError) as refusal:
        terms.diff_edits(rows, {0: {"price": -1}, 1: {"price": 12}, 2: {"price": 1.001}})
    message = str(refusal.value)
    assert message.startswith("Nothing was saved.")
    assert "S-1" in message and "S-3" in message and "S-2" not in message


# --- save_edits / save_terms on a store ---------------------------------------------------------

def active_terms(db) -> dict:
    rows = terms.terms(db, as_of=AS_OF, customer_id=ACTIVE)
    return rows.set_index("subscription_id").loc[SEATS].to_dict()


def audit_lines(db) -> list[tuple]:
    return store.read(db, lambda con: con.execute(
        "SELECT actor, action, entity, details FROM audit_log WHERE action = 'set-terms'"
    ).fetchall())


def test_saving_edits_stores_them_and_audits_before_and_after(demo_db):
    rows = terms.terms(demo_db, as_of=AS_OF, customer_id=ACTIVE).to_dict("records")
    result = change(demo_db, terms.save_edits, rows,
                    {0: {"price": 22.5, "start_date": "2026-10-01"}}, today=AS_OF, actor="tester")
    assert result["saved"] == 1
    saved = active_terms(demo_db)
    assert (saved["start_date"], saved["price"]) == (date(2026, 10, 1), Decimal("22.50"))
    [line] = audit_lines(demo_db)
    assert line[:3] == ("tester", "set-terms", f"subscription:{SEATS}")
    assert "2026-09-01 -> 2026-10-01" in line[3] and "25.00 -> 22.50" in line[3]


def test_saving_two_edits_says_what_changed_in_each(demo_db):
    rows = terms.terms(demo_db, as_of=AS_OF, partner_id=US_PARTNER).to_dict("records")
    seats = next(i for i, r in enumerate(rows) if r["subscription_id"] == SEATS)
    other = next(i for i, r in enumerate(rows) if r["customer_id"] != ACTIVE)
    moved = rows[other]["start_date"] + timedelta(days=31)
    result = change(demo_db, terms.save_edits, rows,
                    {seats: {"price": "19.90"}, other: {"start_date": moved.isoformat()}},
                    today=AS_OF)
    assert result["summary"] == (
        f"Saved 2 changes: the new price of {SEATS} ($19.90); the new start date of "
        f"{rows[other]['subscription_id']} ({long_date(moved)}).")


def test_one_invalid_edit_saves_nothing(demo_db):
    rows = terms.terms(demo_db, as_of=AS_OF, partner_id=US_PARTNER).to_dict("records")
    late = next(i for i, r in enumerate(rows) if r["customer_id"] != ACTIVE)
    seats = next(i for i, r in enumerate(rows) if r["subscription_id"] == SEATS)
    with pytest.raises(BobError, match="cannot be negative"):
        change(demo_db, terms.save_edits, rows, {seats: {"price": 1}, late: {"price": -5}},
               today=AS_OF)
    assert active_terms(demo_db)["price"] == Decimal("25.00")
    assert audit_lines(demo_db) == []


def test_the_store_checks_again_against_the_customers_bob_start(demo_db):
    early = bob.SubscriptionChange(SEATS, date(2026, 8, 1), Decimal("20.00"))
    with pytest.raises(BobError, match="before Billing on Behalf starts"):
        change(demo_db, terms.save_terms, [early], today=AS_OF)
    assert active_terms(demo_db)["price"] == Decimal("25.00")


def test_a_subscription_without_bob_terms_is_refused(demo_db):
    unbilled = bob.SubscriptionChange("S-APP-NEW-SEATS", date(2027, 1, 1), Decimal("20.00"))
    with pytest.raises(BobError, match="not billed on behalf"):
        change(demo_db, terms.save_terms, [unbilled], today=AS_OF)


# --- the page ---------------------------------------------------------------------------------

def test_the_page_shows_the_editing_table_for_the_customer_in_the_link(demo_db, app):
    at = app("pages/subscriptions.py", customer=ACTIVE)
    assert not at.exception
    [editor] = at.data_editor
    assert editor.editing_mode == "fixed"
    assert list(editor.value["subscription_id"]) == [SEATS]
    assert "invoices not issued yet" in at.caption[0].value


def test_the_page_asks_for_a_partner_or_a_customer_first(demo_db, app):
    at = app("pages/subscriptions.py")
    assert not at.data_editor
    assert "Choose a partner" in at.info[0].value
    at.selectbox[0].select(US_PARTNER).run()
    customers = set(at.data_editor[0].value["customer_id"])
    assert ACTIVE in customers and "C-APP-NEW" not in customers  # only activated customers


def typed(app, edits: dict):
    """The page for ACTIVE with `edits` in its editor, as if typed into the cells."""
    at = app("pages/subscriptions.py", customer=ACTIVE)
    at.session_state[EDITOR] = {"edited_rows": {0: edits}, "added_rows": [],
                                "deleted_rows": []}
    return at.run()


def save_button(at):
    return next(button for button in at.button if button.label == "Save")


@pytest.mark.parametrize(("text", "words"), [("-5", "cannot be negative"),
                                             ("1.999", "whole cents")])
def test_a_price_typed_wrong_is_refused_before_save_and_save_is_disabled(
        demo_db, app, text, words):
    at = typed(app, {"price": text})
    assert words in at.error[0].value
    assert save_button(at).disabled
    assert active_terms(demo_db)["price"] == Decimal("25.00")


def test_the_editable_columns_come_first_and_say_so(demo_db, app):
    at = app("pages/subscriptions.py", customer=ACTIVE)
    editor = at.data_editor[0].proto
    assert list(editor.column_order)[:2] == ["start_date", "price"]
    columns = json.loads(editor.columns)
    assert [columns[c]["label"] for c in ("start_date", "price")] == ["Start date ✎", "Price ✎"]
    assert all(not columns[c].get("disabled") for c in ("start_date", "price"))


def test_a_valid_price_in_the_table_is_saved_and_named(demo_db, app):
    at = typed(app, {"price": "21"})
    save_button(at).click().run()
    assert not at.error
    assert at.success[0].value == f"Saved the new price of {SEATS} ($21.00)."
    assert active_terms(demo_db)["price"] == Decimal("21.00")


def test_subscriptions_of_an_empty_store_says_how_to_load_data(empty_db, app):
    at = app("pages/subscriptions.py")
    assert not at.exception
    assert "python -m bob demo" in at.info[0].value
