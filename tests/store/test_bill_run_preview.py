"""The bill run's preview is the bill run itself, never committed, plus whom it skips and by
which rule."""

from datetime import date

import bob
from tests.conftest import ACME, DECEMBER, GLOBEX, LEDGER_TABLES, preview

JANUARY = date(2027, 1, 1)


def test_the_preview_equals_what_the_run_then_issues(scenario):
    scenario.activate(ACME)
    scenario.activate(GLOBEX)
    planned = preview(scenario.db, bob.preview_bill_run, DECEMBER, today=DECEMBER)
    issued = scenario.bill(DECEMBER)
    assert {k: planned[k] for k in issued} == issued


def test_the_preview_writes_nothing(scenario):
    scenario.activate(ACME)
    before = scenario.counts(LEDGER_TABLES)
    preview(scenario.db, bob.preview_bill_run, DECEMBER, today=DECEMBER)
    assert scenario.counts(LEDGER_TABLES) == before


def reasons(scenario, month, today) -> dict[str, str]:
    planned = bob.bill_run_plan(scenario.db, month=month, today=today)
    return {row["customer_id"]: row["reason"] for row in planned["skipped"]}


def test_a_customer_already_billed_is_skipped_naming_the_invoice(scenario, december_invoice):
    assert reasons(scenario, DECEMBER, DECEMBER)[ACME] == (
        "Already billed for December 2026: invoice 1.")


def test_a_customer_whose_bob_starts_later_is_skipped_as_not_started(scenario):
    scenario.activate(ACME, start=JANUARY)
    assert reasons(scenario, DECEMBER, DECEMBER)[ACME] == (
        "Billing on Behalf starts on 1 January 2027, after December 2026.")


def test_a_canceled_month_is_skipped_pointing_to_rebill(scenario, december_invoice):
    scenario.cancel(december_invoice, as_of=DECEMBER)
    assert "rebill that invoice" in reasons(scenario, DECEMBER, DECEMBER)[ACME]


def test_a_month_after_next_cannot_be_picked(scenario):
    assert bob.billable_months(DECEMBER)[0] == JANUARY
