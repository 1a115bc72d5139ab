"""SQL that queues emails in the outbox, in the same transaction as the decision behind them.

Message-IDs are deterministic per (invoice, stage, recipient role), so a resend after a
failure carries the same ID and the outbox's UNIQUE key refuses a second copy.
"""

from datetime import date

import duckdb

NOTICE_FACTS = """id, message_id, kind, stage, created_on, recipient, recipient_role,
    customer_id, customer_name, partner_name, invoice_number, invoice_total, invoice_balance,
    issue_date, due_date, days_overdue, stop_date"""
COLUMNS = f"({NOTICE_FACTS})"
# A correction also names the Cancellation Invoice and the replacement (migration 8).
CORRECTION_COLUMNS = f"({NOTICE_FACTS}, cancellation_number, replacement_number, replacement_total)"


def queue_invoices_issued(con: duckdb.DuckDBPyConnection, invoices_table: str,
                          as_of: date) -> None:
    """'Issuing an invoice sends it to the billing email': one email per new invoice."""
    con.execute(
        f"""
        INSERT INTO outbox {COLUMNS}
        SELECT nextval('outbox_seq'), '<bob.' || i.number || '.issued.customer@bob.invalid>',
               'invoice_issued', 'issued', $as_of, v.billing_email, 'customer', v.customer_id,
               c.name, p.name, v.number, v.total, v.total, v.issue_date, v.due_date, NULL, NULL
        FROM {invoices_table} i
        JOIN invoices v ON v.number = i.number
        JOIN customers c ON c.id = v.customer_id
        JOIN partners p ON p.id = c.partner_id
        ORDER BY v.number
        """,
        {"as_of": as_of},
    )


def queue_correction(con: duckdb.DuckDBPyConnection, kind: str, number: int, *,
                     cancellation: int, replacement: int | None, as_of: date) -> None:
    """An invoice canceled ('invoice_canceled') or replaced ('invoice_rebilled'), told to the
    customer's billing email and the partner's email, naming the Cancellation Invoice and the
    replacement."""
    stage = {"invoice_canceled": "canceled", "invoice_rebilled": "rebilled"}[kind]
    con.execute(
        f"""
        INSERT INTO outbox {CORRECTION_COLUMNS}
        SELECT nextval('outbox_seq'),
               '<bob.' || v.number || '.' || $stage || '.' || r.role || '@bob.invalid>',
               $kind, $stage, $as_of,
               CASE r.role WHEN 'customer' THEN a.billing_email ELSE p.email END,
               r.role, v.customer_id, c.name, p.name, v.number, v.total, NULL, v.issue_date,
               v.due_date, NULL, NULL, $cancellation, $replacement,
               (SELECT total FROM invoices WHERE number = $replacement)
        FROM invoices v
        CROSS JOIN (VALUES ('customer'), ('partner')) r(role)
        JOIN customers c ON c.id = v.customer_id
        JOIN partners p ON p.id = c.partner_id
        JOIN activations a ON a.customer_id = v.customer_id
        WHERE v.number = $number
        ORDER BY r.role
        """,
        {"kind": kind, "stage": stage, "as_of": as_of, "number": number,
         "cancellation": cancellation, "replacement": replacement},
    )


def queue_dunning_notices(con: duckdb.DuckDBPyConnection, decisions_table: str,
                          as_of: date) -> None:
    """Each notice sent goes to both the customer's billing email and the partner's email."""
    con.execute(
        f"""
        INSERT INTO outbox {COLUMNS}
        SELECT nextval('outbox_seq'),
               '<bob.' || d.invoice_number || '.' || d.stage || '.' || r.role || '@bob.invalid>',
               CASE d.action WHEN 'stop' THEN 'service_stopped' ELSE d.action END,
               d.stage, $as_of,
               CASE r.role WHEN 'customer' THEN a.billing_email ELSE p.email END,
               r.role, d.customer_id, c.name, p.name, d.invoice_number, v.total, d.balance,
               v.issue_date, v.due_date, d.days_overdue, d.stop_date
        FROM {decisions_table} d
        CROSS JOIN (VALUES ('customer'), ('partner')) r(role)
        JOIN invoices v ON v.number = d.invoice_number
        JOIN customers c ON c.id = d.customer_id
        JOIN partners p ON p.id = c.partner_id
        JOIN activations a ON a.customer_id = d.customer_id
        WHERE d.outcome = 'sent'
        ORDER BY d.invoice_number, d.stage, r.role
        """,
        {"as_of": as_of},
    )


def queue_service_restored(con: duckdb.DuckDBPyConnection, events_table: str,
                           as_of: date) -> None:
    """A restored service is news for the customer and the partner alike."""
    con.execute(
        f"""
        INSERT INTO outbox {COLUMNS}
        SELECT nextval('outbox_seq'),
               '<bob.restored.' || e.customer_id || '.' || e.id || '.' || r.role || '@bob.invalid>',
               'service_restored', 'restored', $as_of,
               CASE r.role WHEN 'customer' THEN a.billing_email ELSE p.email END,
               r.role, e.customer_id, c.name, p.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        FROM {events_table} e
        CROSS JOIN (VALUES ('customer'), ('partner')) r(role)
        JOIN customers c ON c.id = e.customer_id
        JOIN partners p ON p.id = c.partner_id
        JOIN activations a ON a.customer_id = e.customer_id
        ORDER BY e.customer_id, r.role
        """,
        {"as_of": as_of},
    )


# --- delivery -------------------------------------------------------------------------------

# Outbox row `o` has been delivered.
DELIVERED = "o.delivered_at IS NOT NULL"

# Outbox rows with no successful delivery: pending, or failed for good.
UNDELIVERED = f"""
undelivered AS (SELECT * FROM outbox o WHERE NOT {DELIVERED})"""

# Stamps the outbox rows `{which}` selects (a condition on deliveries) with the time of their
# first successful delivery, so finding what is left to send reads the outbox alone, not
# every delivery attempt (80 ms to 5 ms on a 100,000-customer outbox).
MARK_DELIVERED = """
UPDATE outbox SET delivered_at = d.delivered_at
FROM (SELECT outbox_id, min(attempted_at) AS delivered_at FROM deliveries
      WHERE ok AND {which} GROUP BY outbox_id) d
WHERE outbox.id = d.outbox_id AND outbox.delivered_at IS NULL"""


def states(rows: str) -> str:
    """CTEs `tries` and `states`: each row of the CTE `rows` (outbox rows) with its delivery
    state. Only those rows' attempts are summed: summing every row's costs ~0.1 s on a
    100,000-customer outbox. `$max_attempts` decides when pending becomes failed."""
    return f"""
tries AS (
    SELECT outbox_id, count(*) AS attempts, arg_max(error, attempt) AS last_error,
           max(attempted_at) AS last_attempt_at
    FROM deliveries WHERE outbox_id IN (SELECT id FROM {rows}) GROUP BY outbox_id
), states AS (
    SELECT o.*, coalesce(t.attempts, 0) AS attempts, t.last_error, t.last_attempt_at,
           CASE WHEN {DELIVERED} THEN 'delivered'
                WHEN coalesce(t.attempts, 0) >= $max_attempts THEN 'failed'
                ELSE 'pending' END AS state
    FROM {rows} o LEFT JOIN tries t ON t.outbox_id = o.id
)"""


# One attempt, numbered after the ones already stored.
RECORD = """
INSERT INTO deliveries (outbox_id, attempt, ok, error)
SELECT $outbox_id, coalesce(max(attempt), 0) + 1, $error IS NULL, $error::VARCHAR
FROM deliveries WHERE outbox_id = $outbox_id
"""

# A sender claims the rows it is about to send, so a second sender (another process) skips
# them. Only rows whose date has come are sent; claims of senders that are gone are dropped
# first (bob.senders decides which).
CLAIM = f"""
INSERT INTO delivery_claims (outbox_id, claimed_at, claimer, host, booted_at, pid, started_at)
WITH {UNDELIVERED}, {states("undelivered")}, claimable AS (
    SELECT s.id FROM states s
    WHERE s.state = 'pending' AND s.created_on <= $today AND NOT list_contains($skip, s.id)
      AND NOT EXISTS (SELECT 1 FROM delivery_claims c WHERE c.outbox_id = s.id)
    ORDER BY s.id LIMIT $limit
)
SELECT id, now()::TIMESTAMP, $claimer, $host, $booted_at, $pid, $started_at FROM claimable
RETURNING outbox_id
"""

# Each sender holding claims, with how many and how long since it last refreshed them.
CLAIMERS = """
SELECT claimer, any_value(host) AS host, any_value(booted_at) AS booted_at,
       any_value(pid) AS pid, any_value(started_at) AS started_at, count(*) AS rows,
       epoch(now()::TIMESTAMP - max(claimed_at)) AS idle_seconds
FROM delivery_claims GROUP BY claimer ORDER BY claimer
"""

CLAIMED = f"""
WITH claimed AS (SELECT * FROM outbox WHERE id IN (SELECT unnest($ids))), {states("claimed")}
SELECT * FROM states ORDER BY id
"""

# The newest rows the filters keep are picked first; only their deliveries are then read.
LISTING = """
WITH listed AS (
    SELECT * FROM outbox o
    WHERE ($as_of IS NULL OR created_on <= $as_of) AND ($kind IS NULL OR kind = $kind)
      AND ($customer_id IS NULL OR customer_id = $customer_id) {delivered}
    ORDER BY id DESC LIMIT $limit
), {states}
SELECT * FROM states ORDER BY id DESC"""
DELIVERED_FILTER = {True: f"AND {DELIVERED}", False: f"AND NOT {DELIVERED}", None: ""}


def records(cursor) -> list[dict]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def claimers(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return records(con.execute(CLAIMERS))


def drop_claims(con: duckdb.DuckDBPyConnection, claimers: list[str]) -> None:
    con.execute("DELETE FROM delivery_claims WHERE list_contains($claimers, claimer)",
                {"claimers": claimers})


def claim_pending(con: duckdb.DuckDBPyConnection, sender: dict, *, max_attempts: int,
                  limit: int | None, today: date, skip: list[int]) -> list[dict]:
    """Claim for `sender` (claimer, host, booted_at, pid, started_at) the oldest pending rows
    dated `today` or earlier that no sender holds, but those in `skip` (tried already in this
    call); returns them with their attempts."""
    claimed = [row[0] for row in con.execute(CLAIM, {
        **sender, "max_attempts": max_attempts, "limit": limit, "today": today,
        "skip": skip}).fetchall()]
    return records(con.execute(CLAIMED, {"max_attempts": max_attempts, "ids": claimed}))


def release_claims(con: duckdb.DuckDBPyConnection, claimer: str) -> None:
    con.execute("DELETE FROM delivery_claims WHERE claimer = ?", [claimer])


def waiting(con: duckdb.DuckDBPyConnection, max_attempts: int, today: date) -> dict:
    """The undelivered rows: `pending` (of which `later` are dated after `today`) and
    `failed` (attempts exhausted)."""
    pending, later, failed = con.execute(
        f"WITH {UNDELIVERED}, {states('undelivered')} "
        "SELECT count(*) FILTER (state = 'pending'), "
        "       count(*) FILTER (state = 'pending' AND created_on > $today), "
        "       count(*) FILTER (state = 'failed') FROM states",
        {"max_attempts": max_attempts, "today": today}).fetchone()
    return {"pending": pending, "later": later, "failed": failed}


def record_attempt(con: duckdb.DuckDBPyConnection, outbox_id: int, error: str | None,
                   claimer: str) -> None:
    """One attempt to send `outbox_id`, a success when `error` is None. A delivered row's
    claim goes; the sender's other claims are refreshed, a sign it still runs."""
    con.execute(RECORD, {"outbox_id": outbox_id, "error": error})
    if error is None:
        mark_delivered(con, [outbox_id])
        con.execute("DELETE FROM delivery_claims WHERE outbox_id = ?", [outbox_id])
    con.execute("UPDATE delivery_claims SET claimed_at = now()::TIMESTAMP WHERE claimer = ?",
                [claimer])


def mark_delivered(con: duckdb.DuckDBPyConnection, outbox_ids: list[int] | None = None) -> None:
    """Stamp the delivered time on these outbox rows (None: on every row delivered)."""
    if outbox_ids is None:
        con.execute(MARK_DELIVERED.format(which="TRUE"))
    elif outbox_ids:
        con.execute(MARK_DELIVERED.format(which="outbox_id IN (SELECT unnest($ids))"),
                    {"ids": outbox_ids})


def listing(con: duckdb.DuckDBPyConnection, params: dict) -> list[dict]:
    """Outbox rows with their delivery state, newest first (see bob.notices.outbox)."""
    sql = LISTING.format(delivered=DELIVERED_FILTER[params["delivered"]], states=states("listed"))
    return records(con.execute(sql, {k: v for k, v in params.items() if k != "delivered"}))


def row(con: duckdb.DuckDBPyConnection, outbox_id: int) -> dict | None:
    rows = records(con.execute("SELECT * FROM outbox WHERE id = ?", [outbox_id]))
    return rows[0] if rows else None


# How many emails the listing's filters keep, by delivery state, over the whole outbox. Only
# the undelivered ones are told apart by their attempts: the rest were delivered.
COUNTS = """
WITH kept AS (
    SELECT * FROM outbox o
    WHERE ($as_of IS NULL OR created_on <= $as_of) AND ($kind IS NULL OR kind = $kind)
      AND ($customer_id IS NULL OR customer_id = $customer_id)
      AND ($invoice_number IS NULL OR invoice_number = $invoice_number)
), undelivered AS (SELECT * FROM kept o WHERE NOT {delivered}), {states}
SELECT 'delivered' AS state, count(*) AS emails FROM kept o WHERE {delivered}
UNION ALL SELECT state, count(*) FROM states GROUP BY state"""


def counts(con: duckdb.DuckDBPyConnection, params: dict) -> dict[str, int]:
    """{state: emails} over every outbox row the filters keep (see bob.reports.outbox_counts)."""
    found = con.execute(COUNTS.format(delivered=DELIVERED, states=states("undelivered")),
                        params).fetchall()
    return {state: emails for state, emails in found}
