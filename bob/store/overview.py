"""SQL of the overview dashboard and the account profile: set-based reads as of a date.

Amounts stay DECIMAL(18, 2). A customer's BoB status follows the customer list's rule
(bob.store.reports.CUSTOMER_STATUS): an activation counts once recorded by `as_of`, a
service is stopped by the projection's one definition.
"""

from datetime import date

import duckdb
import pandas as pd

from bob.store import bind, frame
from bob.store.reports import CUSTOMER_STATUS, PROJECTED, held, of_customer

STATUS_COUNTS = f"""
WITH {PROJECTED}, {CUSTOMER_STATUS}
SELECT bob_status, count(*) AS customers FROM customer_status GROUP BY bob_status
"""

# Invoices that still count: issued by `as_of`, not canceled by then (cancellations net to
# zero). Their open balances are those of the projection the dashboard holds (its rows are
# `open_invoices`, bob.store.receivables): what is not open is paid in full, since a
# payment never allocates more than an invoice's balance.
OPEN_HELD = """
open AS (SELECT invoice_number, customer_id, balance, days_overdue FROM held_staged)"""
KEPT = f"""
kept AS (
    SELECT i.number, i.customer_id, i.billing_month, i.total
    FROM invoices i
    WHERE i.kind = 'invoice' AND i.issue_date <= $as_of AND NOT EXISTS (
        SELECT 1 FROM invoices c
        WHERE c.kind = 'cancellation' AND c.cancels = i.number AND c.issue_date <= $as_of)
), {OPEN_HELD}"""

FIGURES = f"""
WITH {KEPT}, billed AS (
    SELECT count(*) FILTER (billing_month = $month) AS billed_invoices,
           coalesce(sum(total) FILTER (billing_month = $month), 0)::DECIMAL(18, 2) AS billed,
           coalesce(sum(total) FILTER (billing_month = $previous_month), 0)::DECIMAL(18, 2)
               AS billed_previous_month
    FROM kept WHERE billing_month IN ($month, $previous_month)
), owed AS (
    SELECT coalesce(sum(balance), 0)::DECIMAL(18, 2) AS open_receivables,
           count(*) FILTER (days_overdue > 0) AS overdue_invoices,
           coalesce(sum(balance) FILTER (days_overdue > 0), 0)::DECIMAL(18, 2)
               AS overdue_receivables
    FROM open
)
SELECT * FROM billed, owed
"""

# Each month's billed total split into what is paid, still open, and overdue.
BILLING_BY_MONTH = f"""
WITH {KEPT}, months AS (
    SELECT k.billing_month AS month,
           (sum(k.total) - coalesce(sum(o.balance), 0))::DECIMAL(18, 2) AS "Paid",
           coalesce(sum(o.balance) FILTER (o.days_overdue = 0), 0)::DECIMAL(18, 2) AS "Open",
           coalesce(sum(o.balance) FILTER (o.days_overdue > 0), 0)::DECIMAL(18, 2) AS "Overdue"
    FROM kept k LEFT JOIN open o ON o.invoice_number = k.number
    WHERE k.billing_month >= $first_month AND k.billing_month <= $month
    GROUP BY k.billing_month
)
UNPIVOT months ON "Paid", "Open", "Overdue" INTO NAME part VALUE amount
ORDER BY month, part
"""

RECEIVABLES_BY_PARTNER = f"""
WITH {OPEN_HELD}, partners_open AS (
    SELECT p.id AS partner_id, p.name AS partner_name,
           coalesce(sum(o.balance) FILTER (o.days_overdue = 0), 0)::DECIMAL(18, 2)
               AS "Not yet due",
           coalesce(sum(o.balance) FILTER (o.days_overdue > 0), 0)::DECIMAL(18, 2) AS "Overdue",
           sum(o.balance)::DECIMAL(18, 2) AS open_total
    FROM open o JOIN customers c ON c.id = o.customer_id
    JOIN partners p ON p.id = c.partner_id
    GROUP BY p.id, p.name
    ORDER BY open_total DESC, p.id
    LIMIT $top
)
SELECT partner_id, partner_name, part, amount, open_total
FROM (UNPIVOT partners_open ON "Not yet due", "Overdue" INTO NAME part VALUE amount)
ORDER BY open_total DESC, partner_id, part
"""

ACCOUNT_HEAD = f"""
WITH {PROJECTED}, {CUSTOMER_STATUS}, balances AS (
    SELECT customer_id,
           sum(balance) FILTER (is_open)::DECIMAL(18, 2) AS open_balance,
           sum(balance) FILTER (is_open AND days_overdue > 0)::DECIMAL(18, 2) AS overdue
    FROM invoice_state($as_of) WHERE customer_id = $customer_id GROUP BY customer_id
)
SELECT c.id AS customer_id, c.name AS customer_name, c.state,
       p.id AS partner_id, p.name AS partner_name, p.country AS partner_country,
       p.email AS partner_email, s.bob_status, s.bob_start, s.billing_email, s.activated_on,
       coalesce(b.open_balance, 0)::DECIMAL(18, 2) AS open_balance,
       coalesce(b.overdue, 0)::DECIMAL(18, 2) AS overdue
FROM customers c
JOIN partners p ON p.id = c.partner_id
JOIN customer_status s ON s.customer_id = c.id
LEFT JOIN balances b ON b.customer_id = c.id
WHERE c.id = $customer_id
"""


def status_counts(con: duckdb.DuckDBPyConnection, params: dict) -> dict[str, int]:
    """Customers per BoB status; `params`: the projection's (bob.dunning.projection), held
    (bob.store.reports.hold_projection)."""
    sql = held(STATUS_COUNTS)
    rows = con.execute(sql, bind(sql, params)).fetchall()
    return {status: int(n) for status, n in rows}


# figures, billing_by_month and receivables_by_partner read the projection held for the
# dashboard (bob.store.reports.hold_projection), which must have run for the same as_of.
def figures(con: duckdb.DuckDBPyConnection, as_of: date, month: date,
            previous_month: date) -> dict:
    return frame(con, FIGURES, {"as_of": as_of, "month": month,
                                "previous_month": previous_month}).to_dict("records")[0]


def billing_by_month(con: duckdb.DuckDBPyConnection, as_of: date, first_month: date,
                     month: date) -> pd.DataFrame:
    """Long form: month, part (Paid / Open / Overdue), amount."""
    return frame(con, BILLING_BY_MONTH, {"as_of": as_of, "first_month": first_month,
                                         "month": month})


def receivables_by_partner(con: duckdb.DuckDBPyConnection, top: int) -> pd.DataFrame:
    """Long form, largest open balance first: partner, part (Not yet due / Overdue), amount."""
    return frame(con, RECEIVABLES_BY_PARTNER, {"top": top})


def account_head(con: duckdb.DuckDBPyConnection, customer_id: str,
                 params: dict) -> dict | None:
    sql = of_customer(ACCOUNT_HEAD)
    rows = frame(con, sql, bind(sql, {**params, "customer_id": customer_id}))
    return rows.to_dict("records")[0] if len(rows) else None


def has_customers(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT EXISTS (SELECT 1 FROM customers)").fetchone()[0]


def partners(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return frame(con, "SELECT id AS partner_id, name AS partner_name, country FROM partners "
                      "ORDER BY name, id")
