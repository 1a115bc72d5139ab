"""Billing settings finance may change (payment terms, state sales tax rates), and the vendor
that issues every invoice."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bob import store
from bob.errors import BobError


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
    state, _, rate_text = str(text).partition("=")
    state = state.strip().upper()
    if len(state) != 2 or not state.isalpha():
        raise BobError(f"A tax rate must look like CA=0.0725 or CA=7.25%, not {text!r}.")
    try:
        rate_text = rate_text.strip()
        rate = (Decimal(rate_text[:-1]) / 100 if rate_text.endswith("%") else Decimal(rate_text))
    except InvalidOperation:
        raise BobError(f"The tax rate of {state} must be a number, not {rate_text!r}.") from None
    if not 0 <= rate < 1 or rate != rate.quantize(Decimal("0.00001")):
        raise BobError(f"The tax rate of {state} must be between 0 and 100% with at most five "
                       f"decimals as a fraction, not {rate_text}.")
    return state, rate


def configure(db, *, payment_terms_days: int | None = None, tax_rates: list[str] = (),
              actor: str = "system") -> dict:
    """Change payment terms and/or tax rates; invoices already issued keep theirs."""
    rates = [parse_tax_rate(text) for text in tax_rates]
    if payment_terms_days is not None and not 0 <= payment_terms_days <= 365:
        raise BobError(f"Payment terms must be 0 to 365 days, not {payment_terms_days}.")

    def work(con):
        if payment_terms_days is not None:
            con.execute("UPDATE settings SET value = ? WHERE key = 'payment_terms_days'",
                        [str(payment_terms_days)])
            store.audit(con, actor, "config", "payment_terms_days", str(payment_terms_days))
        for state, rate in rates:
            con.execute("INSERT OR REPLACE INTO tax_rates VALUES (?, ?)", [state, rate])
            store.audit(con, actor, "config", f"tax_rate:{state}", str(rate))
        terms = con.execute(
            "SELECT value FROM settings WHERE key = 'payment_terms_days'").fetchall()[0][0]
        table = con.execute("SELECT state, rate FROM tax_rates ORDER BY state").fetchall()
        return {"payment_terms_days": int(terms),
                "tax_rates": {state: str(rate) for state, rate in table}}
    return store.write(db, work)
