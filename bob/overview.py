"""Read models for the overview dashboard and a customer's account profile.

Each is read in one connection, as of a date, so a page makes one call and one round trip.
Amounts are Decimal; the chart frames are in long form (one row per bar segment).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from bob import store
from bob.access import Principal, scoped_read
from bob.dunning import projection
from bob.months import first_of_month
from bob.store import accounts as accounts_sql
from bob.store import invoices as invoices_sql
from bob.store import overview as overview_sql
from bob.store import reports as reports_sql
from bob.store import whatif as whatif_sql

BOB_STATUSES = ("Active", "Scheduled", "Service stopped", "Not activated")


@dataclass(frozen=True)
class Dashboard:
    """The business on `as_of`. Billed amounts leave canceled invoices out."""

    as_of: date
    month: date
    customers: dict[str, int]  # BoB status -> number of customers, every status present
    billed: Decimal  # invoice totals for the as-of month
    billed_invoices: int
    previous_month: date
    billed_previous_month: Decimal
    open_receivables: Decimal
    overdue_receivables: Decimal
    overdue_invoices: int
    notices_due: int  # reminders, warnings and stops a dunning run on `as_of` would send
    services_to_stop: int
    billing_by_month: pd.DataFrame  # month, part (Paid / Open / Overdue), amount
    receivables_by_partner: pd.DataFrame  # partner_id, partner_name, part, amount, open_total


@dataclass(frozen=True)
class Account:
    """The account profile: customer and partner, BoB information, and the customer's
    subscriptions, invoices (newest first) and payments (newest first) as of a date."""

    customer: dict
    subscriptions: pd.DataFrame
    invoices: pd.DataFrame
    payments: pd.DataFrame

    @property
    def activated(self) -> bool:
        return self.customer["bob_status"] != "Not activated"


def months_back(month: date, count: int) -> date:
    """The first day of the month `count` months before `month`."""
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def dashboard(db, *, as_of: date, today: date, months: int = 12,
              top_partners: int = 10, principal: Principal | None = None) -> Dashboard:
    """Customers by BoB status, this month's billing, receivables, today's notices, and the
    two charts: billing of the last `months` months and the `top_partners` largest open
    balances."""
    month = first_of_month(as_of)
    previous_month = months_back(month, 1)

    def work(con):
        params = projection(con, as_of, today)
        whatif_sql.fill_whatif(con, params)  # the run on `as_of`, as the what-if has it
        counts = overview_sql.status_counts(con, params)  # the projection fill_whatif held
        figures = overview_sql.figures(con, as_of, month, previous_month)
        run = whatif_sql.whatif_totals(con)
        return Dashboard(
            as_of=as_of,
            month=month,
            customers={status: counts.get(status, 0) for status in BOB_STATUSES},
            billed=figures["billed"],
            billed_invoices=int(figures["billed_invoices"]),
            previous_month=previous_month,
            billed_previous_month=figures["billed_previous_month"],
            open_receivables=figures["open_receivables"],
            overdue_receivables=figures["overdue_receivables"],
            overdue_invoices=int(figures["overdue_invoices"]),
            notices_due=int(run["notices_due"]),
            services_to_stop=int(run["services_stopping"]),
            billing_by_month=overview_sql.billing_by_month(
                con, as_of, months_back(month, months - 1), month),
            receivables_by_partner=overview_sql.receivables_by_partner(con, top_partners),
        )
    return scoped_read(principal, db, work)


def account(db, customer_id: str, *, as_of: date, today: date,
            principal: Principal | None = None) -> Account | None:
    """Everything the account profile shows, or None when there is no such customer."""
    def work(con):
        head = overview_sql.account_head(con, customer_id, projection(con, as_of, today))
        if head is None:
            return None
        return Account(
            customer=head,
            subscriptions=accounts_sql.subscriptions_of(con, customer_id),
            invoices=invoices_sql.ledger(con, as_of, customer_ids=[customer_id]),
            payments=reports_sql.payments(con, as_of, customer_id=customer_id),
        )
    return scoped_read(principal, db, work)


def has_customers(db) -> bool:
    """Whether the store holds any customer: the pages' empty-state test, in one cheap query."""
    return store.read(db, overview_sql.has_customers)


def partners(db, *, principal: Principal | None = None) -> pd.DataFrame:
    """Every partner: partner_id, partner_name, country (for the pages' filters)."""
    return scoped_read(principal, db, overview_sql.partners)
