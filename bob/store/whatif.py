"""SQL of the report views the screens need beyond bob.store.reports: the invoice ledger
sorted and counted, the payment ledger filtered, the what-if overdue report summarised by
stage and partner, and the partner view.

Each what-if query reads the temp tables `fill_whatif` fills once per read (`whatif_rows`,
`decisions`, `stopping`), so the projection runs once, not per table.
"""

from datetime import date

import duckdb
import pandas as pd

from bob.store import bind, frame
from bob.store import reports as reports_sql
from bob.store.invoices import LEDGER_COLUMNS, LEDGER_JOINS, ledger_where

# Sort orders the ledger offers, label -> ORDER BY (never user text in SQL).
LEDGER_SORTS = {
    "Newest first": "s.number DESC",
    "Oldest first": "s.number",
    "Largest balance first": "s.balance DESC, s.number DESC",
    "Most days overdue first": "s.days_overdue DESC, s.number",
    "Due date, earliest first": "s.due_date, s.number",
    "Customer name": "c.name, s.number DESC",
}

# Filters and sorts that read the customer or the partner; the others read the invoice alone,
# so the ledger can filter, count and pick its page before joining names to 500 rows, not to
# every invoice (about 70 ms of a first load at 100,000 customers).
NAMED_FILTERS = {"partner_ids", "search"}
NAMED_SORTS = {"Customer name"}


# Sorts by invoice number alone: with no filter, the page's numbers are known before any
# invoice's state is (the invoices issued by then, first or last), so only those are derived.
NUMBER_SORTS = {"Newest first": "DESC", "Oldest first": "ASC"}


def ledger_rows(con: duckdb.DuckDBPyConnection, as_of: date, sort: str, limit: int | None,
                filters: dict) -> pd.DataFrame:
    """The ledger's rows (bob.store.invoices.ledger's columns) in a chosen order."""
    return frame(con, *ledger_query(as_of, sort, limit, filters))


def ledger_query(as_of: date, sort: str, limit: int | None,
                 filters: dict) -> tuple[str, dict]:
    """`ledger_rows`' query and its parameters (for a CSV streamed from DuckDB)."""
    where, active = ledger_where(filters)
    order, page = LEDGER_SORTS[sort], "LIMIT $limit" if limit else ""
    state = "invoice_state($as_of)"
    if limit and not active and sort in NUMBER_SORTS:
        source = (f"(SELECT * FROM {state} s WHERE s.number IN (SELECT number FROM invoices "
                  f"WHERE issue_date <= $as_of ORDER BY number {NUMBER_SORTS[sort]} {page})) s "
                  f"{LEDGER_JOINS} ORDER BY {order}")
    elif sort in NAMED_SORTS or NAMED_FILTERS & set(active) or not limit:
        source = f"{state} s {LEDGER_JOINS} WHERE {where} ORDER BY {order} {page}"
    else:
        source = (f"(SELECT * FROM {state} s WHERE {where} ORDER BY {order} "
                  f"{page}) s {LEDGER_JOINS} ORDER BY {order}")
    sql = f"SELECT {LEDGER_COLUMNS} FROM {source}"
    return sql, bind(sql, {"as_of": as_of, **active, **({"limit": limit} if limit else {})})


def ledger_summary(con: duckdb.DuckDBPyConnection, as_of: date,
                   filters: dict) -> pd.DataFrame:
    """Per status: how many invoices match the filters, their total and open balance."""
    where, active = ledger_where(filters)
    joins = LEDGER_JOINS if NAMED_FILTERS & set(active) else ""
    sql = f"""
        SELECT s.status, count(*) AS invoices, sum(s.total)::DECIMAL(18, 2) AS total,
               coalesce(sum(s.balance) FILTER (s.is_open), 0)::DECIMAL(18, 2) AS open_balance
        FROM invoice_state($as_of) s {joins} WHERE {where}
        GROUP BY s.status ORDER BY s.status
        """
    return frame(con, sql, bind(sql, {"as_of": as_of, **active}))


PAYMENT_FILTERS = """
WHERE y.receipt_date <= $as_of
  AND ($customer_id IS NULL OR y.customer_id = $customer_id)
  AND ($partner_id IS NULL OR c.partner_id = $partner_id)
  AND ($method IS NULL OR y.method = $method)
  AND ($received_from IS NULL OR y.receipt_date >= $received_from)
  AND ($received_to IS NULL OR y.receipt_date <= $received_to)"""


def payment_rows(con: duckdb.DuckDBPyConnection, params: dict,
                 limit: int | None) -> pd.DataFrame:
    """The payment ledger as of a date, newest first: allocated and balance count what was
    applied by then. The newest `limit` payments are picked before their allocations are
    summed, so a page of a big ledger stays cheap."""
    return frame(con, *payment_query(params, limit))


def payment_query(params: dict, limit: int | None) -> tuple[str, dict]:
    """`payment_rows`' query and its parameters (for a CSV streamed from DuckDB)."""
    return (
        f"""
        WITH listed AS (
            SELECT y.*, c.name AS customer_name, c.partner_id
            FROM payments y JOIN customers c ON c.id = y.customer_id
            {PAYMENT_FILTERS}
            ORDER BY y.receipt_date DESC, y.id DESC
            {"LIMIT $limit" if limit else ""}
        )
        SELECT y.id AS payment_id, y.customer_id, y.customer_name, y.partner_id, y.method,
               y.receipt_date, y.reference, y.amount,
               coalesce(sum(a.amount), 0)::DECIMAL(18, 2) AS allocated,
               (y.amount - coalesce(sum(a.amount), 0))::DECIMAL(18, 2) AS balance,
               count(DISTINCT a.invoice_number) AS invoices
        FROM listed y
        LEFT JOIN allocations a ON a.payment_id = y.id AND a.applied_on <= $as_of
        GROUP BY y.id, y.customer_id, y.customer_name, y.partner_id, y.method,
                 y.receipt_date, y.reference, y.amount
        ORDER BY y.receipt_date DESC, y.id DESC
        """,
        {**params, **({"limit": limit} if limit else {})},
    )


def payment_summary(con: duckdb.DuckDBPyConnection, params: dict) -> dict:
    """How many payments the filters match and how much they bring in."""
    return frame(con,
        f"""
        SELECT count(*) AS payments, coalesce(sum(y.amount), 0)::DECIMAL(18, 2) AS amount
        FROM payments y JOIN customers c ON c.id = y.customer_id
        {PAYMENT_FILTERS}
        """,
        params,
    ).to_dict("records")[0]


def partners(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return frame(con,
        """
        SELECT p.id AS partner_id, p.name AS partner_name, p.country, p.email,
               count(c.id) AS customers
        FROM partners p LEFT JOIN customers c ON c.partner_id = p.id
        GROUP BY p.id, p.name, p.country, p.email
        ORDER BY p.country <> 'US', p.name, p.id
        """)


# --- what-if ------------------------------------------------------------------------------

# What the run on $as_of decides: from the first simulated day on, the projected steps that
# fall on that day; before it, what the job actually decided that day.
DECISIONS = f"""
CREATE OR REPLACE TEMP TABLE decisions AS
WITH {reports_sql.PROJECTED}, {reports_sql.STEPS}
SELECT invoice_number, customer_id, due_date, balance, days_overdue, stage, rank, action,
       outcome, stop_date
FROM steps WHERE $first_day::DATE <= $as_of AND on_date = $as_of
UNION ALL
SELECT n.invoice_number, v.customer_id, v.due_date, coalesce(o.balance, 0), n.days_overdue,
       n.stage, s.rank, s.action, n.outcome, n.stop_date
FROM notices n JOIN schedule s ON s.stage = n.stage
JOIN invoices v ON v.number = n.invoice_number
LEFT JOIN open o ON o.invoice_number = n.invoice_number
WHERE $as_of < $first_day::DATE AND n.decided_on = $as_of
"""

# The customers whose service the run on $as_of stops: a stop decided that day for a
# customer whose service was not stopped before (the job's own rule), or, before the first
# simulated day, the stops recorded that day.
STOPPING = f"""
CREATE OR REPLACE TEMP TABLE stopping AS
WITH {reports_sql.PROJECTED}
SELECT d.customer_id, min(d.invoice_number) AS invoice_number
FROM decisions d
WHERE $first_day::DATE <= $as_of AND d.action = 'stop' AND d.customer_id NOT IN (
    SELECT customer_id FROM stopped WHERE since < $as_of)
GROUP BY d.customer_id
UNION ALL
SELECT customer_id, min(invoice_number) FROM service_events
WHERE $as_of < $first_day::DATE AND event = 'stopped' AND on_date = $as_of
GROUP BY customer_id
"""


def fill_whatif(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """Temp tables `whatif_rows` (every overdue invoice, projected), `decisions` (what the
    dunning run on the date decides) and `stopping` (the services that run stops), for the
    projection parameters `params` (bob.dunning.DunningPolicy.projection)."""
    reports_sql.hold_projection(con, params)
    for sql in (f"CREATE OR REPLACE TEMP TABLE whatif_rows AS {reports_sql.WHATIF}", DECISIONS,
                STOPPING):
        held = reports_sql.held(sql)
        con.execute(held, bind(held, params))


def whatif_totals(con: duckdb.DuckDBPyConnection) -> dict:
    return frame(con,
        """
        SELECT (SELECT count(*) FROM whatif_rows) AS overdue_invoices,
               (SELECT count(DISTINCT customer_id) FROM whatif_rows) AS overdue_customers,
               (SELECT coalesce(sum(balance), 0) FROM whatif_rows)::DECIMAL(18, 2)
                   AS overdue_amount,
               (SELECT coalesce(sum(balance) FILTER (at_risk), 0) FROM whatif_rows)
                   ::DECIMAL(18, 2) AS amount_at_risk,
               (SELECT count(DISTINCT customer_id) FILTER (at_risk) FROM whatif_rows)
                   AS customers_at_risk,
               (SELECT count(DISTINCT customer_id) FILTER (service_stopped) FROM whatif_rows)
                   AS services_stopped,
               (SELECT count(*) FILTER (outcome = 'sent') FROM decisions) AS notices_due,
               (SELECT count(*) FROM stopping) AS services_stopping
        """).to_dict("records")[0]


def whatif_by_stage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return frame(con,
        """
        SELECT stage, stage_rank, count(*) AS invoices, count(DISTINCT customer_id) AS customers,
               sum(balance)::DECIMAL(18, 2) AS amount
        FROM whatif_rows GROUP BY stage, stage_rank ORDER BY stage_rank
        """)


def whatif_by_partner(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per partner: what is overdue, what is at risk, and what the run on the date does."""
    return frame(con,
        """
        WITH overdue AS (
            SELECT partner_id, any_value(partner_name) AS partner_name,
                   count(DISTINCT customer_id) AS customers_overdue,
                   count(*) AS invoices_overdue,
                   sum(balance)::DECIMAL(18, 2) AS amount_overdue,
                   coalesce(sum(balance) FILTER (at_risk), 0)::DECIMAL(18, 2) AS amount_at_risk,
                   count(DISTINCT customer_id) FILTER (at_risk) AS customers_at_risk
            FROM whatif_rows GROUP BY partner_id
        ), run AS (
            SELECT c.partner_id, count(*) FILTER (d.outcome = 'sent') AS notices_due,
                   (SELECT count(*) FROM stopping x JOIN customers y ON y.id = x.customer_id
                    WHERE y.partner_id = c.partner_id) AS services_stopping
            FROM decisions d JOIN customers c ON c.id = d.customer_id GROUP BY c.partner_id
        )
        SELECT o.*, coalesce(r.notices_due, 0) AS notices_due,
               coalesce(r.services_stopping, 0) AS services_stopping
        FROM overdue o LEFT JOIN run r ON r.partner_id = o.partner_id
        ORDER BY o.amount_at_risk DESC, o.amount_overdue DESC, o.partner_id
        """)


def whatif_notices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The notices the run on the date decides, by stage: sent ones go to two addresses."""
    return frame(con,
        """
        SELECT stage, rank AS stage_rank, action, outcome, count(*) AS invoices,
               count(DISTINCT customer_id) AS customers,
               sum(balance)::DECIMAL(18, 2) AS amount
        FROM decisions GROUP BY ALL ORDER BY stage_rank, outcome
        """)


def whatif_stopping(con: duckdb.DuckDBPyConnection, limit: int) -> pd.DataFrame:
    """Customers whose service the run on the date stops, with what they have overdue."""
    return frame(con,
        """
        SELECT x.customer_id, c.name AS customer_name, c.partner_id, p.name AS partner_name,
               x.invoice_number, coalesce(sum(w.balance), 0)::DECIMAL(18, 2) AS balance,
               max(w.days_overdue) AS days_overdue
        FROM stopping x JOIN customers c ON c.id = x.customer_id
        JOIN partners p ON p.id = c.partner_id
        LEFT JOIN whatif_rows w ON w.customer_id = x.customer_id
        GROUP BY ALL ORDER BY c.partner_id, x.customer_id LIMIT $limit
        """,
        {"limit": limit})


def whatif_detail(con: duckdb.DuckDBPyConnection, limit: int | None,
                  partner_id: str | None = None) -> pd.DataFrame:
    """The projected rows, furthest along first."""
    return frame(con,
        f"""
        SELECT * FROM whatif_rows
        WHERE $partner_id IS NULL OR partner_id = $partner_id
        ORDER BY stage_rank DESC, days_overdue DESC, invoice_number
        {"LIMIT $limit" if limit else ""}
        """,
        {"partner_id": partner_id, **({"limit": limit} if limit else {})})


def partner_customers(con: duckdb.DuckDBPyConnection, params: dict, partner_id: str,
                      limit: int) -> pd.DataFrame:
    """A partner's customers with open invoices: each one's furthest stage and the day its
    service would stop if nothing more is paid (or the day it stopped)."""
    sql = f"""
        WITH {reports_sql.PROJECTED}
        SELECT t.customer_id, c.name AS customer_name,
               count(*) AS open_invoices,
               sum(t.balance)::DECIMAL(18, 2) AS open_balance,
               coalesce(sum(t.balance) FILTER (t.days_overdue > 0), 0)::DECIMAL(18, 2)
                   AS overdue_balance,
               max(t.days_overdue) AS days_overdue,
               coalesce(max_by(t.stage, t.stage_rank), 'none') AS stage,
               max(t.stage_rank) AS stage_rank,
               coalesce(any_value(x.since), min(t.stop_on)) AS service_stops_on,
               any_value(x.since) IS NOT NULL AS service_stopped,
               any_value(x.since) AS stopped_since
        FROM staged t JOIN customers c ON c.id = t.customer_id
        LEFT JOIN stopped x ON x.customer_id = t.customer_id
        WHERE c.partner_id = $partner_id
        GROUP BY t.customer_id, c.name
        ORDER BY stage_rank DESC, service_stops_on, t.customer_id
        LIMIT $limit
        """
    return frame(con, sql, bind(sql, {**params, "partner_id": partner_id, "limit": limit}))


# --- outbox ---------------------------------------------------------------------------------

def invoice_customer(con: duckdb.DuckDBPyConnection, number: int) -> str | None:
    row = con.execute("SELECT customer_id FROM invoices WHERE number = ?", [number]).fetchone()
    return row[0] if row else None


def outbox_customer(con: duckdb.DuckDBPyConnection, outbox_id: int) -> str | None:
    row = con.execute("SELECT customer_id FROM outbox WHERE id = ?", [outbox_id]).fetchone()
    return row[0] if row else None


def delivery_attempts(con: duckdb.DuckDBPyConnection, outbox_id: int) -> pd.DataFrame:
    return frame(con,
        "SELECT attempt, attempted_at, ok, error FROM deliveries WHERE outbox_id = ? "
        "ORDER BY attempt",
        [outbox_id])
