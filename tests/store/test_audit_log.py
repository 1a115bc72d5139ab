"""Every change is written to the audit log: who, when, what."""

from datetime import date
from decimal import Decimal

import pytest

import bob
from bob.config import configure
from tests.conftest import ACME, ACME_STORAGE, ACTIVATED_ON, BOB_START, DECEMBER, change

ACTOR = "alice@vendor.example"


def _import(scenario):
    change(scenario.db, bob.import_accounts, {"customers": [
        {"id": "C-NEW", "partner_id": "P-NORTHWIND", "name": "New Co", "state": "CA"}]},
        actor=ACTOR, today=ACTIVATED_ON)


def _activate(scenario):
    request = bob.ActivationRequest(ACME, BOB_START, "billing@acme.example", (
        bob.SubscriptionChange(ACME_STORAGE, date(2026, 12, 17), Decimal("25.00")),))
    change(scenario.db, bob.activate, request, today=ACTIVATED_ON, actor=ACTOR)


def _set_email(scenario):
    scenario.activate(ACME)
    change(scenario.db, bob.set_billing_email, ACME, "finance@acme.example", actor=ACTOR,
           today=ACTIVATED_ON)


def _bill_run(scenario):
    scenario.activate(ACME)
    change(scenario.db, bob.bill_run, DECEMBER, today=DECEMBER, actor=ACTOR)


def _pay(scenario):
    scenario.activate_and_bill(ACME)
    request = bob.PaymentRequest(ACME, Decimal("10.00"), "wire", date(2026, 12, 3))
    change(scenario.db, bob.record_payment, request, today=date(2026, 12, 3), actor=ACTOR)


def _cancel(scenario):
    number = scenario.activate_and_bill(ACME)
    change(scenario.db, bob.cancel, number, today=date(2026, 12, 3), actor=ACTOR)


def _release(scenario):
    number = scenario.activate_and_bill(ACME)
    scenario.pay("10.00", on=date(2026, 12, 3))
    change(scenario.db, bob.release_payments, number, today=date(2026, 12, 4), actor=ACTOR)


def _dunning(scenario):
    scenario.activate_and_bill(ACME)
    change(scenario.db, bob.run_dunning, today=date(2027, 1, 5), actor=ACTOR)


def _configure(scenario):
    change(scenario.db, configure, payment_terms_days=14, today=ACTIVATED_ON, actor=ACTOR)


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
        change(scenario.db, bob.activate, bob.ActivationRequest(
            "C-BERLINER", BOB_START, "x@berliner.example"), today=ACTIVATED_ON, actor=ACTOR)
    assert scenario.counts(("audit_log",)) == before
