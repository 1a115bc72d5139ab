"""Every change is written to the audit log: who, when, what."""

from datetime import date
from decimal import Decimal

import pytest

import bob
from bob.config import configure
from tests.conftest import ACME, ACME_STORAGE, ACTIVATED_ON, BOB_START, DECEMBER

ACTOR = "alice@vendor.example"


def _import(scenario):
    bob.import_accounts(scenario.db, {"customers": [
        {"id": "C-NEW", "partner_id": "P-NORTHWIND", "name": "New Co", "state": "CA"}]},
        actor=ACTOR)


def _activate(scenario):
    request = bob.ActivationRequest(ACME, BOB_START, "billing@acme.example", (
        bob.SubscriptionChange(ACME_STORAGE, date(2026, 12, 17), Decimal("25.00")),))
    bob.activate(scenario.db, request, as_of=ACTIVATED_ON, actor=ACTOR)


def _set_email(scenario):
    scenario.activate(ACME)
    bob.set_billing_email(scenario.db, ACME, "finance@acme.example", actor=ACTOR)


def _bill_run(scenario):
    scenario.activate(ACME)
    bob.bill_run(scenario.db, DECEMBER, as_of=DECEMBER, actor=ACTOR)


def _pay(scenario):
    scenario.activate_and_bill(ACME)
    request = bob.PaymentRequest(ACME, Decimal("10.00"), "wire", date(2026, 12, 3))
    bob.record_payment(scenario.db, request, as_of=date(2026, 12, 3), actor=ACTOR)


def _cancel(scenario):
    number = scenario.activate_and_bill(ACME)
    bob.cancel(scenario.db, number, as_of=date(2026, 12, 3), actor=ACTOR)


def _release(scenario):
    number = scenario.activate_and_bill(ACME)
    scenario.pay("10.00", on=date(2026, 12, 3))
    bob.release_payments(scenario.db, number, as_of=date(2026, 12, 4), actor=ACTOR)


def _dunning(scenario):
    scenario.activate_and_bill(ACME)
    bob.run_dunning(scenario.db, as_of=date(2027, 1, 5), actor=ACTOR)


def _configure(scenario):
    configure(scenario.db, payment_terms_days=14, actor=ACTOR)


CHANGES = {"import": _import, "activate": _activate, "set-email": _set_email,
           "bill-run": _bill_run, "pay": _pay, "cancel": _cancel, "release": _release,
           "dunning": _dunning, "config": _configure}


@pytest.mark.parametrize("action", CHANGES)
def test_every_change_leaves_an_audit_row_naming_who_did_it(scenario, action):
    CHANGES[action](scenario)
    rows = scenario.rows("SELECT action, details, logged_at FROM audit_log WHERE actor = ?",
                         [ACTOR])
    assert [row["action"] for row in rows] == [action]
    assert rows[0]["details"] and rows[0]["logged_at"] is not None


def test_a_refused_change_leaves_no_audit_row(scenario):
    before = scenario.counts(("audit_log",))
    with pytest.raises(bob.BobError):
        bob.activate(scenario.db, bob.ActivationRequest(
            "C-BERLINER", BOB_START, "x@berliner.example"), as_of=ACTIVATED_ON, actor=ACTOR)
    assert scenario.counts(("audit_log",)) == before
