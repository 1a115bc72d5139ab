"""The customers page: the list, the account profile, the activation wizard (the seed's
five steps), refusals that write nothing, and the billing email's pencil."""

from datetime import date
from decimal import Decimal

import bob
from tests.app.conftest import (
    ACTIVATED_ON,
    ACTIVE,
    AS_OF,
    FOREIGN,
    LATE,
    NEW,
    NEW_FAX,
    NEW_SEATS,
)


def errors(at) -> str:
    return " ".join(e.value for e in at.error)


def bob_information(at) -> dict[str, str]:
    """The BoB Information facts, label -> value, as the page shows them."""
    facts = {}
    for block in at.markdown:
        if block.value.startswith(":small["):
            label, value = block.value.removeprefix(":small[").split("]  \n", 1)
            facts[label] = value.strip("*")
    return facts


def open_wizard(app, customer: str = NEW, **options):
    at = app("pages/customers.py", customer=customer, **options)
    at.button(key="activate").click().run()
    return at


def step_one(at, *, start: date | None = None, email: str = "ap@juniper.example"):
    if start is not None:
        at.date_input(key="wizard_start").set_value(start)
    at.text_input(key="wizard_email").input(email)
    return at.button(key="wizard_next_1").click().run()


def not_activated(db, customer: str) -> bool:
    profile = bob.customer_profile(db, customer, as_of=date(2099, 1, 1), today=AS_OF)
    return profile["bob_start"] is None and profile["subscriptions"]["bob_price"].isna().all()


def test_customer_list_shows_customers_with_their_bob_status(demo_db, app):
    at = app("pages/customers.py")
    assert not at.exception
    listed = at.dataframe[0].value
    assert {ACTIVE, LATE, NEW} <= set(listed["customer_id"])
    assert listed.set_index("customer_id").loc[LATE, "bob_status"] == "Service stopped"


def test_customer_list_filters_by_search_and_status(demo_db, app):
    at = app("pages/customers.py")
    at.text_input[0].input("juniper law").run()
    listed = at.dataframe[0].value
    assert NEW in set(listed["customer_id"])
    assert listed["customer_name"].str.contains("Juniper Law").all()
    at.text_input[0].input("").run()
    at.selectbox[1].select("Service stopped").run()
    assert set(at.dataframe[0].value["bob_status"]) == {"Service stopped"}


def test_selecting_a_row_opens_the_account_profile(demo_db, app):
    at = app("pages/customers.py")
    at.text_input[0].input(NEW).run()
    at.session_state["customer_list"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert at.query_params["customer"] == NEW
    assert at.title[0].value == "Juniper Law"


def test_account_profile_shows_bob_information_and_the_customer_ledgers(demo_db, app):
    at = app("pages/customers.py", customer=ACTIVE)
    assert not at.exception
    assert at.title[0].value == "Acme Dental"
    assert "Northwind Partners" in at.caption[0].value
    assert bob_information(at) == {"Status": "Active", "Start date": "1 September 2026",
                                   "Billing email": f"ap@{ACTIVE.lower()}.example"}
    subscriptions, invoices, payments = [frame.value for frame in at.dataframe][:3]  # then history
    assert len(invoices) == 3 and set(invoices["status"]) == {"Invoice Paid"}
    assert len(payments) == 3
    links = {link.proto.page: link.proto.query_string for link in at.get("page_link")}
    assert any("subscriptions" in page for page in links)
    assert all(query == f"customer={ACTIVE}" for page, query in links.items()
               if "audit" not in page)  # the history links to the audit trail by entity


def test_an_active_customer_has_no_activation_button(demo_db, app):
    at = app("pages/customers.py", customer=ACTIVE)
    assert "activate" not in [b.key for b in at.button]


def test_unknown_customer_says_so(demo_db, app):
    at = app("pages/customers.py", customer="C-NOBODY")
    assert not at.exception
    assert "no customer 'C-NOBODY'" in at.warning[0].value


def test_wizard_activates_with_a_changed_subscription_and_previews_the_first_invoice(
        demo_db, app):
    at = open_wizard(app)
    assert at.date_input(key="wizard_start").value == date(2026, 12, 1)  # the earliest
    at = step_one(at)
    assert not errors(at)
    at.multiselect(key="wizard_selected").select(NEW_SEATS)
    at.button(key="wizard_next_2").click().run()
    at.date_input(key=f"wizard_start_{NEW_SEATS}").set_value(date(2026, 12, 15))
    at.text_input(key=f"wizard_price_{NEW_SEATS}").input("20.00")
    at.button(key="wizard_next_3").click().run()
    # Review: 5 seats x 20.00 for 17 of 31 days = 54.84, fax 9.90, NY tax 4% on 64.74.
    review = {m.label: m.value for m in at.metric}
    assert review["Amount"] == "$64.74"
    assert review["Total"] == "$67.33"
    assert not_activated(demo_db, NEW)  # nothing is written before Confirm
    at.button(key="wizard_confirm").click().run()
    assert not errors(at)
    assert at.success[0].value == ("Billing on Behalf is active for Juniper Law from "
                                   "1 December 2026.")
    profile = bob.customer_profile(demo_db, NEW, as_of=AS_OF, today=AS_OF)
    assert profile["bob_start"] == date(2026, 12, 1)
    assert profile["billing_email"] == "ap@juniper.example"
    terms = profile["subscriptions"].set_index("subscription_id")
    assert terms.loc[NEW_SEATS, "bob_start_date"] == date(2026, 12, 15)
    assert terms.loc[NEW_SEATS, "bob_price"] == Decimal("20.00")
    assert terms.loc[NEW_FAX, "bob_start_date"] == date(2026, 12, 1)
    assert terms.loc[NEW_FAX, "bob_price"] == Decimal("9.90")


def test_after_activation_the_bob_information_shows_status_start_and_email(demo_db, app):
    at = step_one(open_wizard(app))
    at.button(key="wizard_next_2").click().run()  # nothing to change
    at.button(key="wizard_confirm").click().run()
    at.button(key="wizard_done").click().run()
    assert bob_information(at) == {"Status": "Scheduled", "Start date": "1 December 2026",
                                   "Billing email": "ap@juniper.example"}


def test_a_start_date_in_the_current_month_is_refused_at_the_first_step(demo_db, app):
    at = step_one(open_wizard(app), start=date(2026, 11, 30))
    assert "can start on 1 December 2026 at the earliest" in errors(at)
    assert at.button(key="wizard_next_1")  # still on the first step
    assert not_activated(demo_db, NEW)


def test_an_invalid_billing_email_is_refused_at_the_first_step(demo_db, app):
    at = step_one(open_wizard(app), email="billing-at-juniper")
    assert "not a valid address" in errors(at)
    assert not_activated(demo_db, NEW)


def test_a_non_us_partner_s_customer_is_told_up_front_and_offered_no_activation(demo_db, app):
    at = app("pages/customers.py", customer=FOREIGN)
    assert "activate" not in [b.key for b in at.button]
    assert "available for US partners only; Rheinland Systemhaus is in DE" in at.info[0].value
    assert "DE" in at.caption[0].value  # the partner's country in the profile


def test_the_customer_list_shows_the_partner_s_country_and_words_for_empty_cells(demo_db, app):
    listed = app("pages/customers.py").dataframe[0].value.set_index("customer_id")
    assert listed.loc[FOREIGN, "partner_country"] == "DE"
    assert (listed.loc[NEW, "bob_start"], listed.loc[NEW, "billing_email"]) == ("not active",
                                                                              "—")
    assert listed.loc[ACTIVE, "bob_start"] == "2026-09-01"


def test_the_profile_s_subscriptions_say_not_active_before_activation(demo_db, app):
    subscriptions = app("pages/customers.py", customer=NEW).dataframe[0].value
    assert set(subscriptions["bob_start_date"]) == set(subscriptions["bob_price"]) == {
        "not active"}


def wizard_at_terms(app):
    """The wizard at step 3 with both of NEW's subscriptions selected."""
    at = step_one(open_wizard(app))
    at.multiselect(key="wizard_selected").select(NEW_SEATS).select(NEW_FAX)
    return at.button(key="wizard_next_2").click().run()


def test_a_price_typed_for_the_second_subscription_survives_back_and_next(demo_db, app):
    at = wizard_at_terms(app)
    at.button(key="wizard_next_3").click().run()
    at.text_input(key=f"wizard_price_{NEW_FAX}").input("7.25").run()
    at.button(key="wizard_back_3").click().run()
    at.button(key="wizard_next_3").click().run()
    assert at.text_input(key=f"wizard_price_{NEW_FAX}").value == "7.25"


def test_a_price_below_a_cent_is_refused_at_the_terms_step(demo_db, app):
    at = wizard_at_terms(app)
    at.text_input(key=f"wizard_price_{NEW_SEATS}").input("1.999")
    at.button(key="wizard_next_3").click().run()
    assert "whole cents" in errors(at)
    assert at.text_input(key=f"wizard_price_{NEW_SEATS}")  # still on that subscription


def test_a_second_activation_is_refused(demo_db, app):
    # The day before its activation was recorded, Acme shows as not activated; the rule still
    # holds.
    at = step_one(open_wizard(app, customer=ACTIVE, today=ACTIVATED_ON - date.resolution))
    assert "already active" in errors(at)
    assert bob.customer_profile(demo_db, ACTIVE, as_of=AS_OF, today=AS_OF)["billing_email"] == (
        f"ap@{ACTIVE.lower()}.example")


def test_the_pencil_edits_the_billing_email(demo_db, app):
    at = app("pages/customers.py", customer=ACTIVE)
    at.button(key="edit_billing_email").click().run()
    at.text_input(key="new_billing_email").input("Finance@Acme.example")
    at.button(key="save_billing_email").click().run()
    assert not errors(at)
    assert "now go to Finance@acme.example" in at.success[0].value
    assert bob_information(at)["Billing email"] == "Finance@acme.example"
    assert bob.customer_profile(demo_db, ACTIVE, as_of=AS_OF, today=AS_OF)["billing_email"] == (
        "Finance@acme.example")


def test_an_invalid_billing_email_edit_is_refused(demo_db, app):
    at = app("pages/customers.py", customer=ACTIVE)
    at.button(key="edit_billing_email").click().run()
    at.text_input(key="new_billing_email").input("nobody")
    at.button(key="save_billing_email").click().run()
    assert "not a valid address" in errors(at)
    assert bob.customer_profile(demo_db, ACTIVE, as_of=AS_OF, today=AS_OF)["billing_email"] == (
        f"ap@{ACTIVE.lower()}.example")


def test_customers_of_an_empty_store_says_how_to_load_data(empty_db, app):
    at = app("pages/customers.py")
    assert not at.exception
    assert "python -m bob demo" in at.info[0].value


def test_all_customers_leaves_the_profile_for_the_list(demo_db, app):
    at = app("pages/customers.py", customer=ACTIVE)
    at.button[0].click().run()
    assert "customer" not in at.query_params
    assert at.title[0].value == "Customers"


def test_selecting_an_invoice_opens_the_invoice_page(demo_db, app):
    at = app("pages/customers.py", customer=LATE)
    number = at.dataframe(key="account_invoices").value["number"].iloc[0]
    at.session_state["account_invoices"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert at.query_params["invoice"] == str(number)
