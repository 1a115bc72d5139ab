"""SQL of the reports: aging, the what-if overdue projection, the notice timeline, partner
exposure, payments and customers. Each is one set-based query over
`open_invoices` (bob.store.receivables) or `invoice_state`.

Projection rule (what-if and aging): nothing more is paid and the daily job runs every day
from the day after its last run (a first run catches up on what it missed), so an open
invoice stands at the highest schedule step its days overdue reach; the stop step also
waits until 5 days after the warning, which goes out on day 30 or at that catch-up.
"""

from datetime import date

import duckdb
import pandas as pd

from bob.store import frame
from bob.store.dunning import HISTORY, OPEN, SCHEDULE_CTE, WARNED, with_first_day
from bob.store.overview import CUSTOMER_STATUS

# $first_day: the first day the projection assumes a run (bob.store.dunning.with_first_day).
PROJECTED = f"""
{SCHEDULE_CTE}, {OPEN}, {WARNED},
projected AS (
    SELECT *, days_overdue >= $stop_days AND stop_on <= $as_of AS stopped_by_then
    FROM (
        -- The warning not sent yet goes out on day 30, or on the first simulated run if that
        -- is later (a catch-up); the stop follows on day 35, at least 5 days after the warning.
        SELECT o.*, greatest($first_day::DATE, o.due_date + $stop_days,
                             coalesce(w.warned_on, greatest(
                                 o.due_date + ($stop_days - $stop_after_warning),
                                 $first_day::DATE))
                             + $stop_after_warning) AS stop_on
        FROM open o LEFT JOIN warned w ON w.invoice_number = o.invoice_number)
), ranked AS (
    -- The steps reached, counted in the schedule list itself (ascending days): no join.
    SELECT p.*, length(list_filter($schedule, lambda s: s.days <= p.days_overdue
                                   AND (s.action <> 'stop' OR p.stopped_by_then)))
                    AS stage_rank
    FROM projected p
), staged AS (
    SELECT *, CASE WHEN stage_rank > 0 THEN $schedule[stage_rank].stage END AS stage
    FROM ranked
)"""

# An open invoice's age bucket (bob.reports.AGING_BUCKETS), from its `days_overdue`.
AGE_BUCKET = """CASE WHEN days_overdue = 0 THEN 'current'
            WHEN days_overdue <= 30 THEN '1-30'
            WHEN days_overdue <= 60 THEN '31-60'
            WHEN days_overdue <= 90 THEN '61-90'
            ELSE '90+' END"""

AGING = f"""
WITH {PROJECTED}
SELECT {AGE_BUCKET} AS bucket,
       coalesce(stage, 'none') AS stage, stage_rank,
       count(*) AS invoices, sum(balance)::DECIMAL(18, 2) AS amount
FROM staged GROUP BY ALL ORDER BY min(days_overdue), stage_rank
"""

WHATIF = f"""
WITH {PROJECTED}, stopped AS (
    -- Stopped already, or by the projected runs by then (nothing more is paid). Only read
    -- through IN, so repeats need no removing.
    SELECT customer_id FROM service_state($as_of) WHERE last_event = 'stopped'
    UNION ALL
    SELECT customer_id FROM projected WHERE stopped_by_then
)
SELECT c.partner_id, p.name AS partner_name, t.customer_id, c.name AS customer_name,
       t.invoice_number, t.due_date, t.days_overdue, t.balance,
       coalesce(t.stage, 'none') AS stage, t.stage_rank, t.stop_on AS service_stops_on,
       t.customer_id IN (SELECT customer_id FROM stopped) AS service_stopped,
       t.stage_rank >= $warning_rank AS at_risk
FROM staged t JOIN customers c ON c.id = t.customer_id JOIN partners p ON p.id = c.partner_id
WHERE t.days_overdue > 0
ORDER BY c.partner_id, t.customer_id, t.invoice_number
"""

TIMELINE = f"""
WITH {PROJECTED}, {HISTORY}, steps AS (
    SELECT CASE WHEN s.action = 'stop' THEN p.stop_on ELSE p.due_date + s.days END AS on_date,
           s.stage, s.action, s.rank, p.balance
    FROM projected p JOIN schedule s ON NOT EXISTS (
        SELECT 1 FROM history h WHERE h.invoice_number = p.invoice_number AND h.stage = s.stage)
)
SELECT on_date, stage, action, count(*) AS notices, sum(balance)::DECIMAL(18, 2) AS amount
FROM steps WHERE on_date > $as_of AND on_date <= $as_of::DATE + $horizon
GROUP BY ALL ORDER BY on_date, min(rank)
"""


def aging(con: duckdb.DuckDBPyConnection, params: dict) -> pd.DataFrame:
    return frame(con, AGING, with_first_day(con, params))


def whatif(con: duckdb.DuckDBPyConnection, params: dict) -> pd.DataFrame:
    return frame(con, WHATIF, with_first_day(con, params))


def timeline(con: duckdb.DuckDBPyConnection, params: dict, horizon: int) -> pd.DataFrame:
    return frame(con, TIMELINE, {**with_first_day(con, params), "horizon": horizon})


def payments(con: duckdb.DuckDBPyConnection, as_of: date, customer_id: str | None = None,
             partner_id: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """The payment ledger: method, receipt date, amount, allocated, balance (as of a date)."""
    return frame(con,
        f"""
        SELECT y.id AS payment_id, y.customer_id, c.name AS customer_name,
               c.partner_id, y.method, y.receipt_date, y.reference, y.amount,
               coalesce(sum(a.amount), 0)::DECIMAL(18, 2) AS allocated,
               (y.amount - coalesce(sum(a.amount), 0))::DECIMAL(18, 2) AS balance,
               count(DISTINCT a.invoice_number) AS invoices
        FROM payments y JOIN customers c ON c.id = y.customer_id
        LEFT JOIN allocations a ON a.payment_id = y.id AND a.applied_on <= $as_of
        WHERE y.receipt_date <= $as_of
          AND ($customer_id IS NULL OR y.customer_id = $customer_id)
          AND ($partner_id IS NULL OR c.partner_id = $partner_id)
        GROUP BY y.id, y.customer_id, c.name, c.partner_id, y.method, y.receipt_date,
                 y.reference, y.amount
        ORDER BY y.receipt_date DESC, y.id DESC
        {"LIMIT $limit" if limit else ""}
        """,
        {"as_of": as_of, "customer_id": customer_id, "partner_id": partner_id,
         **({"limit": limit} if limit else {})},
    )


def customers(con: duckdb.DuckDBPyConnection, as_of: date, search: str | None = None,
              partner_id: str | None = None, bob_status: str | None = None,
              limit: int | None = None) -> pd.DataFrame:
    """Customers with their partner, BoB status as of a date and open / overdue balances."""
    return frame(con,
        f"""
        WITH balances AS (
            SELECT customer_id, sum(balance)::DECIMAL(18, 2) AS open_balance,
                   sum(balance) FILTER (days_overdue > 0)::DECIMAL(18, 2) AS overdue
            FROM open_invoices($as_of) GROUP BY customer_id
        ), {CUSTOMER_STATUS}, listed AS (
            SELECT c.id AS customer_id, c.name AS customer_name, c.state,
                   p.id AS partner_id, p.name AS partner_name, p.country AS partner_country,
                   s.bob_status, s.bob_start, s.billing_email,
                   coalesce(b.open_balance, 0) AS open_balance, coalesce(b.overdue, 0) AS overdue
            FROM customers c JOIN partners p ON p.id = c.partner_id
            JOIN customer_status s ON s.customer_id = c.id
            LEFT JOIN balances b ON b.customer_id = c.id
        )
        SELECT * FROM listed
        WHERE ($search IS NULL OR customer_name ILIKE '%' || $search || '%'
               OR customer_id ILIKE $search || '%')
          AND ($partner_id IS NULL OR partner_id = $partner_id)
          AND ($bob_status IS NULL OR bob_status = $bob_status)
        ORDER BY customer_name, customer_id
        {"LIMIT $limit" if limit else ""}
        """,
        {"as_of": as_of, "search": search or None, "partner_id": partner_id,
         "bob_status": bob_status, **({"limit": limit} if limit else {})},
    )
