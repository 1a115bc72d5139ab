"""The As-of lens: viewing a day other than today says so on every page, offers the way back,
and leaves no control that would write enabled. These runs go through app.py (the banner and
the sidebar live there), as on the server."""

from datetime import timedelta

import pytest

from bob.months import long_date
from tests.app.conftest import ACTIVE, AS_OF, LATE, NEW
from tests.app.test_invoices import first_invoice
from tests.app.test_payments import fill
from tests.app.test_subscriptions import EDITOR
from ui import common

LATER = AS_OF + timedelta(days=20)
BANNER = f"Viewing {long_date(LATER)}. Changes happen today, {long_date(AS_OF)}."
# Buttons that write nothing (they move around the app or close a question); every other
# enabled button would write.
WRITE_NOTHING = {"Back to today", "All customers", "All invoices", "Show other customers",
                 "No, keep it"}


@pytest.fixture
def lens(app, through_entry):
    """`lens(page, **query)`: the app on that page today (AS_OF), viewing LATER."""
    return lambda page, **query: app(page, as_of=LATER, **query)


def banner(at) -> list[str]:
    return [w.value for w in at.warning if w.value.startswith("Viewing ")]


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def enabled_writes(at) -> list[str]:
    return [b.label for b in at.button if not b.disabled and b.label not in WRITE_NOTHING]


def dunning(lens, db):
    return lens("pages/dunning.py"), [("Run today's dunning", None)]


def unpaid_invoice(lens, db):
    number = first_invoice(db, LATE, "Overdue")["number"]
    return lens("pages/invoices.py", invoice=str(number)), [("Cancel invoice", None)]


def cancel_confirmation(lens, db):
    """Cancel invoice pressed today, then the As-of moved ahead: Yes is disabled too."""
    number = first_invoice(db, LATE, "Overdue")["number"]
    at = lens("pages/invoices.py", invoice=str(number))
    at.session_state[common.AS_OF] = AS_OF
    at.run()
    button(at, "Cancel invoice").click().run()
    at.session_state[common.AS_OF] = LATER
    return at.run(), [(f"Yes, cancel invoice {number}", None)]


def paid_invoice(lens, db):
    number = first_invoice(db, ACTIVE, "Invoice Paid")["number"]
    return lens("pages/invoices.py", invoice=str(number)), [("Release payments", None)]


def payment_form(lens, db):
    at = lens("pages/payments.py")
    at.session_state["payments_tab"] = "Record a payment"
    at = fill(at.run(), LATE, "10.00")
    assert not at.error  # a valid request: only the lens disables the preview
    return at, [("Preview allocation", None)]


def activation(lens, db):
    return lens("pages/customers.py", customer=NEW), [("Billing on Behalf Activation",
                                                       "activate")]


def billing_email(lens, db):
    return lens("pages/customers.py", customer=ACTIVE), [(":material/edit:",
                                                         "edit_billing_email")]


def subscriptions(lens, db):
    at = lens("pages/subscriptions.py", customer=ACTIVE)
    at.session_state[EDITOR] = {"edited_rows": {0: {"price": 21}}, "added_rows": [],
                                "deleted_rows": []}
    return at.run(), [("Save", None)]


def notices(lens, db):
    return lens("pages/notices.py"), [("Deliver pending", None)]


SCREENS = [dunning, unpaid_invoice, cancel_confirmation, paid_invoice, payment_form,
           activation, billing_email, subscriptions, notices]


@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.__name__)
def test_viewing_another_day_says_so_and_disables_every_write(demo_db, lens, screen):
    at, writes = screen(lens, demo_db)
    assert not at.exception
    assert banner(at) == [BANNER]
    assert button(at, "Back to today")
    for label, key in writes:
        [control] = [b for b in at.button if b.label == label and (key is None or b.key == key)]
        assert control.disabled, label
        assert "Go back to today to make changes" in control.help
    assert enabled_writes(at) == []
    assert "Save payment" not in [b.label for b in at.button]


def test_back_to_today_puts_the_as_of_date_back(demo_db, lens):
    at = lens("pages/dunning.py")
    assert at.sidebar.date_input[0].value == LATER
    button(at, "Back to today").click().run()
    assert not at.exception
    assert at.session_state[common.AS_OF] == AS_OF
    assert at.sidebar.date_input[0].value == AS_OF
    assert banner(at) == []
    assert not [b for b in at.button if b.label == "Back to today"]
    assert not button(at, "Run today's dunning").disabled


def test_today_shows_no_banner_and_the_writes_are_enabled(demo_db, app, through_entry):
    at = app("pages/customers.py", customer=NEW)
    assert banner(at) == []
    assert not at.button(key="activate").disabled
