"""The audit trail read back: who changed what, newest first, filtered."""

from datetime import date, timedelta

import bob
from bob.audit import audit_trail, trail_csv
from tests.conftest import ACME, ACTIVATED_ON, GLOBEX, change

ALICE, BOB = "alice@vendor.example", "bob@vendor.example"


def with_changes(scenario):
    for customer, actor in ((ACME, ALICE), (GLOBEX, BOB)):
        scenario.activate(customer)
        change(scenario.db, bob.set_billing_email, customer, f"new@{customer.lower()}.example",
               actor=actor, today=ACTIVATED_ON)


def test_newest_change_comes_first(scenario):
    with_changes(scenario)
    rows = audit_trail(scenario.db).rows
    assert list(rows["id"]) == sorted(rows["id"], reverse=True)
    assert (rows["entity"].iloc[0], rows["actor"].iloc[0]) == (f"customer:{GLOBEX}", BOB)


def test_an_entity_is_named_by_kind_and_id_or_by_its_bare_id(scenario):
    with_changes(scenario)
    named = audit_trail(scenario.db, entity=f"customer:{ACME}").rows
    bare = audit_trail(scenario.db, entity=ACME).rows
    assert list(named["action"]) == ["set-email", "activate"]
    assert named.equals(bare)


def test_a_bare_id_matches_whole_ids_only(scenario):
    with_changes(scenario)
    assert audit_trail(scenario.db, entity="ACME").matching == 0  # not the tail of C-ACME


def test_actor_filter_ignores_case(scenario):
    with_changes(scenario)
    rows = audit_trail(scenario.db, actor=ALICE.upper()).rows
    assert set(rows["actor"]) == {ALICE}
    assert list(rows["entity"]) == [f"customer:{ACME}"]


def test_since_keeps_changes_stored_on_or_after_the_day(scenario):
    with_changes(scenario)
    stored_on = audit_trail(scenario.db).rows["logged_at"].min().date()
    assert audit_trail(scenario.db, since=stored_on).matching == audit_trail(scenario.db).matching
    assert audit_trail(scenario.db, since=stored_on + timedelta(days=1)).matching == 0


def test_a_limited_listing_keeps_the_newest_and_counts_them_all(scenario):
    with_changes(scenario)
    everything = audit_trail(scenario.db)
    cut = audit_trail(scenario.db, limit=2)
    assert (len(cut.rows), cut.matching, cut.cut) == (2, everything.matching, True)
    assert list(cut.rows["id"]) == list(everything.rows["id"][:2])


def test_csv_holds_every_matching_row(scenario):
    with_changes(scenario)
    lines = trail_csv(scenario.db, entity=GLOBEX).decode().splitlines()
    assert lines[0] == "id,logged_at,actor,action,entity,details"
    assert len(lines) == 1 + audit_trail(scenario.db, entity=GLOBEX).matching == 3


def test_reading_the_trail_writes_nothing(scenario):
    with_changes(scenario)
    before = scenario.counts()
    audit_trail(scenario.db, entity=ACME, actor=ALICE, since=date(2026, 1, 1))
    assert scenario.counts() == before
