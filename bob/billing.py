"""The monthly bill run: in advance, by calendar month, from each subscription's BoB start.

Includes every activated customer's BoB subscriptions that start before the month ends, at
their (possibly overridden) prices; a first month that starts after the 1st is prorated by
days (days used / days in the month, rounded half-up to cents per line). Tax is the state's
rate on the invoice amount, rounded once. One invoice per customer per month: a re-run of a
month bills only customers not billed yet. After issuing, unapplied payment balances are
applied to the customer's open invoices, oldest first.
"""

from datetime import date, timedelta
from decimal import Decimal

from bob import store
from bob.activation import ActivationRequest, apply_activation
from bob.errors import BobError
from bob.months import first_of_month, first_of_next_month, long_date, month_bounds
from bob.store import billing as billing_sql
from bob.store import invoices as invoices_sql
from bob.store import payments as payments_sql


def payment_terms_days(con) -> int:
    return int(billing_sql.settings(con)["payment_terms_days"])


def bill_in(con, month: date, as_of: date, actor: str, customer_id: str | None = None) -> dict:
    start, end = month_bounds(month)
    latest = first_of_next_month(as_of)
    if start > latest:
        raise BobError(
            f"{start:%B %Y} cannot be billed yet: on {long_date(as_of)} the latest month "
            f"to bill in advance is {latest:%B %Y}."
        )
    config = billing_sql.settings(con)
    result = billing_sql.bill_month(
        con, month_start=start, month_end=end, as_of=as_of,
        due_date=as_of + timedelta(days=int(config["payment_terms_days"])),
        default_rate=Decimal(config["default_tax_rate"]), customer_id=customer_id,
    )
    result["allocations_from_balances"] = payments_sql.apply_unapplied_balances(
        con, as_of, customers_table="run_invoices")
    store.audit(con, actor, "bill-run", f"month:{start:%Y-%m}",
                f"{result['invoices']} invoices {result['first_number']}..{result['last_number']}")
    return {
        "month": f"{start:%Y-%m}",
        "issue_date": as_of.isoformat(),
        "invoices": result["invoices"],
        "lines": result["lines"],
        "amount": str(Decimal(result["amount_cents"]).scaleb(-2)),
        "tax": str(Decimal(result["tax_cents"]).scaleb(-2)),
        "first_number": result["first_number"],
        "last_number": result["last_number"],
        "allocations_from_balances": result["allocations_from_balances"],
    }


def bill_run(db, month: date, *, as_of: date, actor: str = "system") -> dict:
    """Issue the month's invoices (all or nothing); re-running never issues a second one."""
    return store.write(db, lambda con: bill_in(con, month, as_of, actor))


def preview_first_invoice(db, request: ActivationRequest, *, as_of: date) -> dict:
    """The customer's first invoice as the bill run will issue it, written nowhere.

    The activation and the bill run run for real inside a transaction that is rolled back,
    so what is confirmed is what is billed. Assumes the month is billed on its first day.
    """
    def work(con):
        apply_activation(con, request, as_of, "preview")
        month = first_of_month(request.start_date)
        bill_in(con, month, max(as_of, month), "preview", customer_id=request.customer_id)
        number = con.execute("SELECT max(number) FROM run_invoices").fetchone()[0]
        return invoices_sql.invoice_detail(con, number, max(as_of, month))
    return store.preview(db, work)
