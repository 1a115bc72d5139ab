"""Billing settings finance may change (payment terms, state sales tax rates), and the vendor
that issues every invoice."""

from dataclasses import dataclass
from decimal import Decimal

from bob import access, store
from bob.errors import BobError
from bob.money import parse_decimal
from bob.places import check_us_state

RATE_PLACES = 5  # a rate is stored as DECIMAL(7, 5): 0.07250 is 7.25%
RATE_QUANTUM = Decimal(1).scaleb(-RATE_PLACES)


@dataclass(frozen=True)
class Vendor:
    """Who issues the invoices (on the partners' behalf) and where customers send the money."""

    name: str
    address: tuple[str, ...]
    email: str
    remit_to: tuple[str, ...]


# The one place the documents (invoice PDFs, statements) read the vendor from.
VENDOR = Vendor(
    name="BoB Vendor, Inc.",
    address=("100 Market Street, Suite 400", "San Francisco, CA 94105", "United States"),
    email="billing@vendor.example",
    remit_to=("ACH or wire to BoB Vendor, Inc.", "First Example Bank, ABA 021000021",
              "Account 4000123456"),
)


def parse_tax_rate(text: str) -> tuple[str, Decimal]:
    """'CA=0.0725' or 'CA=7.25%' -> ('CA', Decimal('0.0725'))."""
    state, equals, rate_text = str(text).partition("=")
    if not equals:
        raise BobError(f"A tax rate must look like CA=0.0725 or CA=7.25%, not {text!r}.")
    state = check_us_state(state.strip().upper(), who=f"The tax rate {text!r}")
    rate_text = rate_text.strip()
    what = f"The tax rate of {state}"
    if rate_text.endswith("%"):
        rate = parse_decimal(rate_text[:-1], what=what, places=RATE_PLACES - 2,
                             example="7.25%") / 100
    else:
        rate = parse_decimal(rate_text, what=what, places=RATE_PLACES, example="0.0725")
    if not 0 <= rate < 1:
        raise BobError(f"{what} must be between 0 and 100%, not {rate_text}.")
    return state, rate


EFFECT = ("Applies to invoices issued from now on; invoices already issued keep their due "
          "dates and tax.")


def _current(con) -> dict:
    terms = con.execute(
        "SELECT value FROM settings WHERE key = 'payment_terms_days'").fetchall()[0][0]
    table = con.execute("SELECT state, rate FROM tax_rates ORDER BY state").fetchall()
    return {"payment_terms_days": int(terms),
            "tax_rates": {state: str(rate) for state, rate in table}}


def billing_settings(db) -> dict:
    """Payment terms (days) and the sales tax rate of each state that has one."""
    return store.read(db, _current)


def configure(uow, *, payment_terms_days: int | None = None, tax_rates: list[str] = ()) -> dict:
    """Change payment terms and/or tax rates; invoices already issued keep theirs. Each change
    is audited with the value before and after."""
    uow.permit(access.SETTINGS)
    rates = [parse_tax_rate(text) for text in tax_rates]
    if payment_terms_days is not None and not 0 <= payment_terms_days <= 365:
        raise BobError(f"Payment terms must be 0 to 365 days, not {payment_terms_days}.")
    con = uow.con
    before = _current(con)
    if payment_terms_days is not None:
        con.execute("UPDATE settings SET value = ? WHERE key = 'payment_terms_days'",
                    [str(payment_terms_days)])
        uow.audit("config", "payment_terms_days",
                  f"{before['payment_terms_days']} -> {payment_terms_days}")
    for state, rate in rates:
        con.execute("INSERT OR REPLACE INTO tax_rates VALUES (?, ?)", [state, rate])
        was = before["tax_rates"].get(state, "none")
        uow.audit("config", f"tax_rate:{state}", f"{was} -> {rate.quantize(RATE_QUANTUM)}")
    return _current(con)
