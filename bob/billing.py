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

from bob import access
from bob.activation import ActivationRequest, activate
from bob.errors import BobError
from bob.months import first_of_month, first_of_next_month, long_date, month_bounds
from bob.store import billing as billing_sql
from bob.store import invoices as invoices_sql
from bob.store import payments as payments_sql


def bill_run(uow, month: date) -> dict:
    """Issue the month's invoices on the business date (all or nothing); re-running never
    issues a second one."""
    uow.permit(access.BILL_RUN)
    result = issue_invoices(uow, month)
    uow.audit("bill-run", f"month:{result['month']}",
              f"{result['invoices']} invoices {result['first_number']}..{result['last_number']}")
    return result


def issue_invoices(uow, month: date, *, customer_id: str | None = None,
                   replaces: int | None = None) -> dict:
    """The bill run's issuing, unaudited: the month's invoices not issued yet, or with
    `replaces` (a canceled invoice of `customer_id`) its replacement at the current terms;
    then the customers' unapplied balances go to their open invoices, oldest first."""
    con, as_of = uow.con, uow.today
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
        replaces=replaces,
    )
    applied = payments_sql.apply_unapplied_balances(con, as_of, customers_table="run_invoices")
    return {
        "month": f"{start:%Y-%m}",
        "issue_date": as_of.isoformat(),
        "invoices": result["invoices"],
        "lines": result["lines"],
        "amount": str(Decimal(result["amount_cents"]).scaleb(-2)),
        "tax": str(Decimal(result["tax_cents"]).scaleb(-2)),
        "first_number": result["first_number"],
        "last_number": result["last_number"],
        "allocations_from_balances": applied["allocations"],
        "applied_from_balances": str(applied["amount"]),
    }


def preview_first_invoice(uow, request: ActivationRequest) -> dict:
    """The customer's first invoice as the bill run will issue it, in a preview unit of work
    (never committed): the activation and the bill run run for real, so what is confirmed is
    what is billed. Assumes the month is billed on its first day."""
    activate(uow, request)
    month = first_of_month(request.start_date)
    billed_on = uow.on(max(uow.today, month))
    # The customer's own first invoice, which whoever may activate it may preview.
    issue_invoices(billed_on, month, customer_id=request.customer_id)
    number = uow.con.execute("SELECT max(number) FROM run_invoices").fetchone()[0]
    return invoices_sql.invoice_detail(uow.con, number, billed_on.today)
