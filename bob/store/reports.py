"""SQL of the reports: aging, the what-if overdue projection, the notice timeline, partner
exposure, payments and customers. Each is one set-based query over
`open_invoices` (bob.store.receivables) or `invoice_state`.

Projection rule (what-if, aging, timeline, partner view): nothing more is paid, and the
daily job runs once for every day from `$first_day` on (bob.store.dunning
FIRST_SIMULATED_DAY: the day after its last run, never before the business date). Before
that day the ledger shows what the job actually decided. So each schedule step of an open
invoice is decided on a known day:
- a step already decided: the day it was decided;
- a reminder or the warning not decided yet: its own day (due date + days), or the first
  simulated day if that is later (a catch-up: the highest step reached is sent, the ones it
  overtook skipped);
- the stop: the day it was decided, else the first simulated day on which the invoice is
  35 days overdue and the warning was sent at least 5 days before.
An invoice stands on `$as_of` at the highest step decided by then; a customer's service is
stopped on `$as_of` when it was stopped by then or a projected stop falls on or before it.
"""

from datetime import date

import duckdb
import pandas as pd

from bob.store import bind, frame
from bob.store.dunning import OPEN, SCHEDULE_CTE

# CTE stopped (after projected): customers whose service is stopped on $as_of, since when.
STOPPED = """stopped AS (
    SELECT customer_id, min(since) AS since FROM (
        SELECT customer_id, since FROM service_state($as_of) WHERE last_event = 'stopped'
        UNION ALL
        SELECT customer_id, stop_on FROM projected WHERE stop_on <= $as_of)
    GROUP BY customer_id
)"""

# CTEs: schedule, open, decided (per open invoice: the highest step decided by $as_of, the
# warning sent, the stop decided, whenever), projected (+ warned_on, stop_on), staged
# (+ stage_rank, stage, stopped_by_then) and stopped (customers whose service is stopped on
# $as_of, with the day it stopped).
PROJECTED = f"""
{SCHEDULE_CTE}, {OPEN},
decided AS (
    SELECT n.invoice_number,
           max(s.rank) FILTER (n.decided_on <= $as_of) AS rank_by_then,
           max(n.decided_on) FILTER (s.action = 'warning' AND n.outcome = 'sent') AS warned_on,
           max(n.decided_on) FILTER (s.action = 'stop') AS stop_decided_on
    FROM notices n JOIN schedule s ON s.stage = n.stage
    WHERE n.invoice_number IN (SELECT invoice_number FROM open)
    GROUP BY n.invoice_number
), projected AS (
    SELECT *, coalesce(stop_decided_on, greatest($first_day::DATE, due_date + $stop_days,
                                                 warned_on + $stop_after_warning)) AS stop_on
    FROM (
        SELECT o.*, coalesce(d.rank_by_then, 0) AS rank_by_then, d.stop_decided_on,
               coalesce(d.warned_on, greatest($first_day::DATE, o.due_date + $warning_days))
                   AS warned_on
        FROM open o LEFT JOIN decided d ON d.invoice_number = o.invoice_number)
), staged AS (
    SELECT *, CASE WHEN stage_rank > 0 THEN $schedule[stage_rank].stage END AS stage
    FROM (
        -- From the first simulated day on, the reminders and warning reached by the days
        -- overdue are decided (counted in the schedule list itself: ascending days, no join).
        SELECT p.*, p.stop_on <= $as_of AS stopped_by_then,
               greatest(p.rank_by_then,
                        CASE WHEN $first_day::DATE <= $as_of THEN length(list_filter(
                            $schedule, lambda s: s.days <= p.days_overdue
                                                 AND s.action <> 'stop')) ELSE 0 END,
                        CASE WHEN p.stop_on <= $as_of THEN $stop_rank ELSE 0 END) AS stage_rank
        FROM projected p)
), {STOPPED}"""

# A read that asks several questions of the projection (the dashboard; the what-if's rows,
# decisions and stops) derives it once: hold_projection keeps `staged` in a temp table and
# held(sql) reads it there, under the same CTE names (`stopped` still defined by STOPPED).
HELD_PROJECTED = f"""
{SCHEDULE_CTE}, open AS (FROM held_staged), projected AS (FROM held_staged),
staged AS (FROM held_staged), {STOPPED}"""


def hold_projection(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """PROJECTED's `staged` rows for `params` (bob.dunning.projection) into held_staged."""
    sql = f"CREATE OR REPLACE TEMP TABLE held_staged AS WITH {PROJECTED} SELECT * FROM staged"
    con.execute(sql, bind(sql, params))


# One customer's open invoices only: its account profile needs no one else's projection.
OPEN_OF_CUSTOMER = OPEN.replace("FROM open_invoices($as_of)",
                                "FROM open_invoices($as_of) WHERE customer_id = $customer_id")


def of_customer(sql: str) -> str:
    """`sql`, written over PROJECTED, projecting only the invoices of `$customer_id`."""
    if OPEN not in sql:
        raise ValueError("of_customer() takes a query written over PROJECTED")
    return sql.replace(OPEN, OPEN_OF_CUSTOMER, 1)


def held(sql: str) -> str:
    """`sql`, written over PROJECTED, reading the projection hold_projection holds."""
    if PROJECTED not in sql:
        raise ValueError("held() takes a query written over PROJECTED")
    return sql.replace(PROJECTED, HELD_PROJECTED)

# CTE customer_status (after PROJECTED): each customer's BoB status on $as_of.
CUSTOMER_STATUS = """
customer_status AS (
    SELECT c.id AS customer_id, a.start_date AS bob_start, a.billing_email, a.activated_on,
           CASE WHEN a.customer_id IS NULL THEN 'Not activated'
                WHEN x.customer_id IS NOT NULL THEN 'Service stopped'
                WHEN a.start_date > $as_of THEN 'Scheduled'
                ELSE 'Active' END AS bob_status
    FROM customers c
    LEFT JOIN activations a ON a.customer_id = c.id AND a.activated_on <= $as_of
    LEFT JOIN stopped x ON x.customer_id = c.id
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
WITH {PROJECTED}
SELECT c.partner_id, p.name AS partner_name, t.customer_id, c.name AS customer_name,
       t.invoice_number, t.due_date, t.days_overdue, t.balance,
       coalesce(t.stage, 'none') AS stage, t.stage_rank, t.stop_on AS service_stops_on,
       t.customer_id IN (SELECT customer_id FROM stopped) AS service_stopped,
       t.stage_rank >= $warning_rank AS at_risk
FROM staged t JOIN customers c ON c.id = t.customer_id JOIN partners p ON p.id = c.partner_id
WHERE t.days_overdue > 0
ORDER BY c.partner_id, t.customer_id, t.invoice_number
"""

# Every step of every open invoice not decided yet, on the day the projected runs decide it,
# sent or skipped (a catch-up sends the highest step it reaches), and the notices actually
# sent after $as_of (a past date's timeline is what happened next).
STEPS = """
pending AS (
    SELECT t.invoice_number, t.customer_id, t.due_date, t.balance, s.stage, s.rank, s.action,
           greatest($first_day::DATE, t.due_date + s.days) AS on_date
    FROM staged t JOIN schedule s ON s.action <> 'stop'
    WHERE NOT EXISTS (SELECT 1 FROM notices n
                      WHERE n.invoice_number = t.invoice_number AND n.stage = s.stage)
), steps AS (
    SELECT p.*, p.on_date - p.due_date AS days_overdue,
           CASE WHEN p.rank = max(p.rank) OVER (PARTITION BY p.invoice_number, p.on_date)
                THEN 'sent' ELSE 'skipped' END AS outcome,
           CASE WHEN p.action = 'warning' THEN p.on_date + $stop_after_warning
                ELSE p.due_date + $stop_days END AS stop_date
    FROM pending p
    UNION ALL
    SELECT t.invoice_number, t.customer_id, t.due_date, t.balance, s.stage, s.rank, s.action,
           t.stop_on, t.stop_on - t.due_date, 'sent', t.stop_on
    FROM staged t JOIN schedule s ON s.action = 'stop'
    WHERE t.stop_decided_on IS NULL
)"""

TIMELINE = f"""
WITH {PROJECTED}, {STEPS}, sent AS (
    SELECT on_date, stage, action, rank, balance FROM steps WHERE outcome = 'sent'
    UNION ALL
    SELECT n.decided_on, n.stage, s.action, s.rank, t.balance
    FROM notices n JOIN staged t ON t.invoice_number = n.invoice_number
    JOIN schedule s ON s.stage = n.stage
    WHERE n.outcome = 'sent' AND n.decided_on > $as_of
)
SELECT on_date, stage, action, count(*) AS notices, sum(balance)::DECIMAL(18, 2) AS amount
FROM sent WHERE on_date > $as_of AND on_date <= $as_of::DATE + $horizon
GROUP BY ALL ORDER BY on_date, min(rank)
"""


def aging(con: duckdb.DuckDBPyConnection, params: dict) -> pd.DataFrame:
    return frame(con, AGING, bind(AGING, params))


def whatif(con: duckdb.DuckDBPyConnection, params: dict) -> pd.DataFrame:
    return frame(con, WHATIF, bind(WHATIF, params))


def timeline(con: duckdb.DuckDBPyConnection, params: dict, horizon: int) -> pd.DataFrame:
    return frame(con, TIMELINE, bind(TIMELINE, {**params, "horizon": horizon}))


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


def customers(con: duckdb.DuckDBPyConnection, params: dict, search: str | None = None,
              partner_id: str | None = None, bob_status: str | None = None,
              limit: int | None = None) -> pd.DataFrame:
    """Customers with their partner, BoB status as of a date and open / overdue balances;
    `params`: the projection's (bob.dunning.projection)."""
    sql = f"""
        WITH {PROJECTED}, balances AS (
            SELECT customer_id, sum(balance)::DECIMAL(18, 2) AS open_balance,
                   sum(balance) FILTER (days_overdue > 0)::DECIMAL(18, 2) AS overdue
            FROM open GROUP BY customer_id
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
        """
    return frame(con, sql, bind(sql, {**params, "search": search or None,
                                      "partner_id": partner_id, "bob_status": bob_status,
                                      "limit": limit}))
