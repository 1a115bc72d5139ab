"""Activation on a real store: US partners only, once per customer, all or nothing."""

from datetime import date
from decimal import Decimal

import pytest

import bob
from bob.errors import BobError
from bob.store import accounts as accounts_sql
from tests.conftest import (
    ACME,
    ACME_SEATS,
    ACME_STORAGE,
    ACTIVATED_ON,
    BERLINER,
    BOB_START,
    DECEMBER,
    change,
)

ACTIVATION_TABLES = ("activations", "bob_subscriptions", "audit_log")


def test_a_customer_of_a_non_us_partner_cannot_be_activated(scenario):
    with pytest.raises(BobError, match="US partners only"):
        scenario.activate(BERLINER)


def test_a_refused_non_us_activation_writes_nothing(scenario):
    before = scenario.counts(ACTIVATION_TABLES)
    with pytest.raises(BobError):
        scenario.activate(BERLINER)
    assert scenario.counts(ACTIVATION_TABLES) == before


def test_a_customer_is_activated_once(scenario):
    scenario.activate(ACME)
    with pytest.raises(BobError, match="already active for Acme Corp"):
        scenario.activate(ACME, start=date(2027, 1, 1), email="other@acme.example")


def test_a_refused_second_activation_keeps_the_first(scenario):
    scenario.activate(ACME)
    with pytest.raises(BobError):
        scenario.activate(ACME, start=date(2027, 1, 1), email="other@acme.example")
    profile = bob.customer_profile(scenario.db, ACME, as_of=ACTIVATED_ON, today=ACTIVATED_ON)
    assert (profile["bob_start"], profile["billing_email"]) == (BOB_START, "billing@acme.example")


def test_a_start_date_in_the_activation_month_is_refused_and_nothing_written(scenario):
    before = scenario.counts(ACTIVATION_TABLES)
    with pytest.raises(BobError, match="1 December 2026 at the earliest"):
        scenario.activate(ACME, start=date(2026, 11, 30))
    assert scenario.counts(ACTIVATION_TABLES) == before


@pytest.mark.parametrize(("email", "words"), [
    ("billing-at-acme", "not a valid address"),
    ("jörg@exämple.com", "cannot receive BoB's emails"),  # would need SMTPUTF8
])
def test_an_unusable_billing_email_is_refused_and_nothing_written(scenario, email, words):
    before = scenario.counts(ACTIVATION_TABLES)
    with pytest.raises(BobError, match=words):
        scenario.activate(ACME, email=email)
    assert scenario.counts(ACTIVATION_TABLES) == before


def test_bob_information_shows_the_start_date_and_billing_email(scenario):
    scenario.activate(ACME)
    profile = bob.customer_profile(scenario.db, ACME, as_of=DECEMBER, today=DECEMBER)
    assert (profile["bob_status"], profile["bob_start"], profile["billing_email"]) == (
        "Active", BOB_START, "billing@acme.example")


def test_unchanged_subscriptions_start_with_bob_at_their_list_price(scenario):
    scenario.activate(ACME, changes=(
        bob.SubscriptionChange(ACME_STORAGE, date(2026, 12, 17), Decimal("25.00")),))
    terms = scenario.rows("SELECT start_date, price FROM bob_subscriptions "
                          "WHERE subscription_id = ?", [ACME_SEATS])
    assert terms == [{"start_date": BOB_START, "price": Decimal("10.00")}]


def test_a_changed_subscription_keeps_its_new_start_date_and_price(scenario):
    scenario.activate(ACME, changes=(
        bob.SubscriptionChange(ACME_STORAGE, date(2026, 12, 17), Decimal("25.00")),))
    terms = scenario.rows("SELECT start_date, price FROM bob_subscriptions "
                          "WHERE subscription_id = ?", [ACME_STORAGE])
    assert terms == [{"start_date": date(2026, 12, 17), "price": Decimal("25.00")}]


@pytest.mark.parametrize("bad_change", [
    bob.SubscriptionChange("S-NOT-ACMES", date(2026, 12, 17), Decimal("25.00")),
    bob.SubscriptionChange(ACME_STORAGE, date(2026, 11, 30), Decimal("25.00")),
    bob.SubscriptionChange(ACME_STORAGE, date(2026, 12, 17), Decimal("-1.00")),
    bob.SubscriptionChange(ACME_STORAGE, date(2026, 12, 17), Decimal("1.001")),
], ids=["unknown subscription", "starts before BoB", "negative price", "fraction of a cent"])
def test_one_bad_change_in_the_list_stores_nothing(scenario, bad_change):
    good_change = bob.SubscriptionChange(ACME_SEATS, date(2026, 12, 10), Decimal("9.00"))
    before = scenario.counts(ACTIVATION_TABLES)
    with pytest.raises(BobError):
        scenario.activate(ACME, changes=(good_change, bad_change))
    assert scenario.counts(ACTIVATION_TABLES) == before


def test_an_activation_that_fails_halfway_leaves_nothing_behind(scenario, monkeypatch):
    # The activation row is written first; storing the subscriptions' terms then fails.
    def fail(con, rows):
        raise RuntimeError("disk full")
    monkeypatch.setattr(accounts_sql, "insert_bob_subscriptions", fail)
    before = scenario.counts(ACTIVATION_TABLES)
    with pytest.raises(RuntimeError):
        scenario.activate(ACME)
    assert scenario.counts(ACTIVATION_TABLES) == before


def test_the_billing_email_can_be_edited(scenario):
    scenario.activate(ACME)
    change(scenario.db, bob.set_billing_email, ACME, "finance@acme.example", today=DECEMBER)
    profile = bob.customer_profile(scenario.db, ACME, as_of=DECEMBER, today=DECEMBER)
    assert profile["billing_email"] == "finance@acme.example"


def test_a_billing_email_edit_is_audited_with_the_old_and_new_address(scenario):
    scenario.activate(ACME)
    change(scenario.db, bob.set_billing_email, ACME, "finance@acme.example", actor="alice",
           today=DECEMBER)
    audit = scenario.rows("SELECT actor, action, entity, details FROM audit_log "
                          "WHERE action = 'set-email'")
    assert audit == [{"actor": "alice", "action": "set-email", "entity": f"customer:{ACME}",
                      "details": "billing@acme.example -> finance@acme.example"}]


def test_an_invalid_billing_email_edit_is_refused_and_nothing_written(scenario):
    scenario.activate(ACME)
    before = scenario.counts(ACTIVATION_TABLES)
    with pytest.raises(BobError, match="not a valid address"):
        change(scenario.db, bob.set_billing_email, ACME, "finance@", today=DECEMBER)
    assert scenario.counts(ACTIVATION_TABLES) == before
    assert scenario.value("SELECT billing_email FROM activations") == "billing@acme.example"


def test_an_email_edit_to_an_address_that_needs_smtputf8_is_refused(scenario):
    scenario.activate(ACME)
    with pytest.raises(BobError, match="cannot receive BoB's emails"):
        change(scenario.db, bob.set_billing_email, ACME, "jörg@exämple.com", today=DECEMBER)
    assert scenario.value("SELECT billing_email FROM activations") == "billing@acme.example"


def test_invoices_issued_after_an_email_edit_go_to_the_new_address(scenario):
    scenario.activate(ACME)
    change(scenario.db, bob.set_billing_email, ACME, "finance@acme.example", today=DECEMBER)
    scenario.bill(DECEMBER)
    assert [row["recipient"] for row in scenario.outbox("invoice_issued")] == [
        "finance@acme.example"]
