"""SQL of dunning: today's decisions, applying them, service stop and restore, and the
projections behind aging, what-if and the notice timeline. The schedule comes in as a
parameter (`$schedule`, from bob.dunning.SCHEDULE), so Python holds the only copy.
"""

from datetime import date

import duckdb
import pandas as pd

from bob.store import bind, frame
from bob.store import outbox as outbox_sql

SCHEDULE_CTE = "schedule AS (SELECT unnest($schedule, recursive := true))"

OPEN = """
open AS (
    SELECT invoice_number, customer_id, due_date, balance, days_overdue
    FROM open_invoices($as_of)
)"""

# Notices already decided for the open invoices, and warnings actually sent (the job's view:
# everything recorded).
HISTORY = """
history AS (
    SELECT n.invoice_number, n.stage, n.outcome, n.decided_on, s.rank, s.action
    FROM notices n JOIN schedule s ON s.stage = n.stage
    WHERE n.invoice_number IN (SELECT invoice_number FROM open)
)"""
WARNED = """
warned AS (
    SELECT n.invoice_number, n.decided_on AS warned_on
    FROM notices n JOIN schedule s ON s.stage = n.stage
    WHERE s.action = 'warning' AND n.outcome = 'sent'
)"""

# The first day the projections assume the daily job runs: the day after its last run, but
# never before the business date (missed days in the past stay missed; today's run catches
# up). A store whose job never ran: the business date.
FIRST_SIMULATED_DAY = """
SELECT greatest(max(run_on) + 1, $today::DATE) FROM dunning_runs"""

DECIDE = f"""
CREATE OR REPLACE TEMP TABLE decisions AS
WITH {SCHEDULE_CTE}, {OPEN}, {HISTORY}, {WARNED},
top_done AS (
    SELECT invoice_number, max(rank) AS done_rank FROM history
    WHERE action <> 'stop' GROUP BY invoice_number
), reached AS (
    SELECT o.*, s.stage, s.rank, s.action
    FROM open o JOIN schedule s ON s.days <= o.days_overdue AND s.action <> 'stop'
    WHERE o.days_overdue > 0 AND NOT EXISTS (
        SELECT 1 FROM history h WHERE h.invoice_number = o.invoice_number AND h.stage = s.stage)
), notices_due AS (
    -- Catch-up: only the highest stage reached is sent; the ones it overtook are skipped.
    SELECT r.*,
           CASE WHEN r.rank = max(r.rank) OVER (PARTITION BY r.invoice_number)
                     AND r.rank > coalesce(t.done_rank, 0)
                THEN 'sent' ELSE 'skipped' END AS outcome,
           CASE WHEN r.action = 'warning' THEN $as_of::DATE + $stop_after_warning
                ELSE r.due_date + $stop_days END AS stop_date
    FROM reached r LEFT JOIN top_done t ON t.invoice_number = r.invoice_number
), stops AS (
    -- The service stops on day 35, and never less than 5 days after the warning was sent.
    SELECT o.*, s.stage, s.rank, s.action, 'sent' AS outcome, $as_of::DATE AS stop_date
    FROM open o
    JOIN schedule s ON s.action = 'stop' AND s.days <= o.days_overdue
    JOIN warned w ON w.invoice_number = o.invoice_number
    WHERE w.warned_on + $stop_after_warning <= $as_of AND NOT EXISTS (
        SELECT 1 FROM history h WHERE h.invoice_number = o.invoice_number AND h.stage = s.stage)
)
SELECT invoice_number, customer_id, due_date, balance, days_overdue, stage, rank, action,
       outcome, stop_date
FROM notices_due
UNION ALL
SELECT invoice_number, customer_id, due_date, balance, days_overdue, stage, rank, action,
       outcome, stop_date
FROM stops
"""

STOPPING = """
CREATE OR REPLACE TEMP TABLE stopping AS
SELECT d.customer_id, min(d.invoice_number) AS invoice_number
FROM decisions d
LEFT JOIN service_state($as_of) v ON v.customer_id = d.customer_id
WHERE d.action = 'stop' AND v.last_event IS DISTINCT FROM 'stopped'
GROUP BY d.customer_id
"""

RESTORING = """
CREATE OR REPLACE TEMP TABLE restoring AS
SELECT v.customer_id
FROM service_state($as_of) v
WHERE v.last_event = 'stopped'
  AND ($customer_id IS NULL OR v.customer_id = $customer_id)
  AND NOT EXISTS (
      SELECT 1 FROM open_invoices($as_of) s
      WHERE s.customer_id = v.customer_id AND s.days_overdue > 0)
"""


def schedule_params(schedule, as_of: date) -> dict:
    """The parameters of the dunning SQL: the schedule as a list, its warning and stop."""
    # The projections count the steps reached, which needs the steps in ascending days.
    if [s.days for s in schedule] != sorted(s.days for s in schedule):
        raise ValueError("the dunning schedule must list its steps in ascending days")
    steps = [{"stage": s.stage, "days": s.days, "action": s.action, "rank": rank}
             for rank, s in enumerate(schedule, start=1)]
    warning = next(s for s in steps if s["action"] == "warning")
    stop = next(s for s in steps if s["action"] == "stop")
    return {"schedule": steps, "as_of": as_of, "stop_after_warning": stop["days"] - warning["days"],
            "stop_days": stop["days"], "warning_days": warning["days"],
            "warning_rank": warning["rank"], "stop_rank": stop["rank"]}


def first_simulated_day(con: duckdb.DuckDBPyConnection, today: date) -> date:
    return con.execute(FIRST_SIMULATED_DAY, {"today": today}).fetchone()[0]


def decide(con: duckdb.DuckDBPyConnection, params: dict) -> pd.DataFrame:
    """Fill temp table `decisions` with what the job would do on `as_of`; return it."""
    con.execute(DECIDE, bind(DECIDE, params))
    return frame(con,
        "SELECT * FROM decisions ORDER BY invoice_number, rank")


def last_run(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest day the daily job ran for."""
    return con.execute("SELECT max(run_on) FROM dunning_runs").fetchone()[0]


def apply_decisions(con: duckdb.DuckDBPyConnection, as_of: date, *, queued_on: date) -> dict:
    """Record `decisions` (dated `as_of`), queue their emails (on `queued_on`, the business
    date), stop services; exactly-once by primary key."""
    con.execute(
        "INSERT INTO notices SELECT invoice_number, stage, outcome, $as_of, days_overdue::INTEGER,"
        " stop_date FROM decisions",
        {"as_of": as_of},
    )
    outbox_sql.queue_dunning_notices(con, "decisions", queued_on)
    stopped = mark_stopping(con, as_of)
    con.execute(
        "INSERT INTO service_events SELECT nextval('service_event_seq'), customer_id, 'stopped', "
        "$as_of, invoice_number FROM (SELECT * FROM stopping ORDER BY customer_id)",
        {"as_of": as_of},
    )
    con.execute("INSERT INTO dunning_runs VALUES ($as_of) ON CONFLICT DO NOTHING",
                {"as_of": as_of})
    sent, skipped = con.execute(
        "SELECT count(*) FILTER (outcome = 'sent'), count(*) FILTER (outcome = 'skipped') "
        "FROM decisions").fetchone()
    return {"notices_sent": sent, "notices_skipped": skipped, "services_stopped": stopped}


def mark_stopping(con: duckdb.DuckDBPyConnection, as_of: date) -> int:
    """Fill temp table `stopping` from `decisions`: customers whose service a stop decision
    stops (not those stopped already); returns how many."""
    con.execute(STOPPING, {"as_of": as_of})
    return con.execute("SELECT count(*) FROM stopping").fetchone()[0]


def restore_services(con: duckdb.DuckDBPyConnection, as_of: date,
                     customer_id: str | None = None, queued_on: date | None = None) -> int:
    """Stopped customers with nothing overdue on `as_of` get their service back that day,
    and are told so (queued on `queued_on`, the business date; default `as_of`)."""
    con.execute(RESTORING, {"as_of": as_of, "customer_id": customer_id})
    count = con.execute("SELECT count(*) FROM restoring").fetchone()[0]
    if count:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE restored AS
            SELECT nextval('service_event_seq') AS id, customer_id
            FROM (SELECT customer_id FROM restoring ORDER BY customer_id)
            """
        )
        con.execute(
            "INSERT INTO service_events SELECT id, customer_id, 'restored', $as_of, NULL "
            "FROM restored",
            {"as_of": as_of},
        )
        outbox_sql.queue_service_restored(con, "restored", queued_on or as_of)
    return count
