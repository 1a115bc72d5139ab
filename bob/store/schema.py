"""Versioned migrations. Each is applied once, in order, in its own transaction, and each is
the literal text it ran as: never built from SQL the running code also uses, which may change
(tests/store/test_migrations.py pins every one).

Ledger tables (invoices, lines, payments, allocations, notices, service events, outbox,
deliveries, audit) are append-only: statuses and balances are derived in queries, never
updated in place.
"""

import threading

import duckdb

MIGRATIONS: tuple[str, ...] = (
    # 1: the whole first schema
    """
    CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
    INSERT INTO settings VALUES ('payment_terms_days', '30'), ('default_tax_rate', '0');

    CREATE TABLE tax_rates (
        state VARCHAR PRIMARY KEY,
        rate DECIMAL(7, 5) NOT NULL CHECK (rate >= 0 AND rate < 1)
    );
    -- State-level base sales tax rates; finance overrides them with `config --tax-rate`.
    INSERT INTO tax_rates VALUES
        ('AZ', 0.056), ('CA', 0.0725), ('CO', 0.029), ('CT', 0.0635), ('FL', 0.06),
        ('GA', 0.04), ('IL', 0.0625), ('MA', 0.0625), ('MI', 0.06), ('NC', 0.0475),
        ('NJ', 0.06625), ('NY', 0.04), ('OH', 0.0575), ('PA', 0.06), ('TX', 0.0625),
        ('VA', 0.053), ('WA', 0.065);

    CREATE TABLE partners (
        id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        country VARCHAR NOT NULL CHECK (length(country) = 2 AND country = upper(country)),
        email VARCHAR NOT NULL
    );
    CREATE TABLE customers (
        id VARCHAR PRIMARY KEY,
        partner_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        state VARCHAR NOT NULL
    );
    CREATE TABLE subscriptions (
        id VARCHAR PRIMARY KEY,
        customer_id VARCHAR NOT NULL,
        product VARCHAR NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        price DECIMAL(18, 2) NOT NULL CHECK (price >= 0)
    );

    -- One activation per customer: the primary key refuses a second.
    CREATE TABLE activations (
        customer_id VARCHAR PRIMARY KEY,
        start_date DATE NOT NULL,
        billing_email VARCHAR NOT NULL,
        activated_on DATE NOT NULL,
        CHECK (start_date > activated_on)
    );
    -- The terms BoB bills each subscription at: its start date and monthly unit price.
    CREATE TABLE bob_subscriptions (
        subscription_id VARCHAR PRIMARY KEY,
        customer_id VARCHAR NOT NULL,
        start_date DATE NOT NULL,
        price DECIMAL(18, 2) NOT NULL CHECK (price >= 0)
    );

    -- Invoice numbers are gapless: allocated as max + 1 inside the writing transaction.
    CREATE TABLE invoices (
        number BIGINT PRIMARY KEY,
        customer_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('invoice', 'cancellation')),
        billing_month DATE,
        cancels BIGINT UNIQUE,
        issue_date DATE NOT NULL,
        due_date DATE NOT NULL,
        amount DECIMAL(18, 2) NOT NULL,
        tax_rate DECIMAL(7, 5) NOT NULL,
        tax DECIMAL(18, 2) NOT NULL,
        total DECIMAL(18, 2) NOT NULL,
        billing_email VARCHAR NOT NULL,
        UNIQUE (customer_id, billing_month),
        CHECK (total = amount + tax),
        CHECK (due_date >= issue_date),
        CHECK ((kind = 'invoice' AND billing_month IS NOT NULL AND cancels IS NULL
                AND total >= 0)
            OR (kind = 'cancellation' AND billing_month IS NULL AND cancels IS NOT NULL
                AND total <= 0))
    );
    CREATE TABLE invoice_lines (
        invoice_number BIGINT NOT NULL,
        line_no INTEGER NOT NULL,
        subscription_id VARCHAR NOT NULL,
        description VARCHAR NOT NULL,
        quantity INTEGER NOT NULL,
        unit_price DECIMAL(18, 2) NOT NULL,
        period_start DATE NOT NULL,
        period_end DATE NOT NULL,
        days INTEGER NOT NULL CHECK (days > 0),
        days_in_month INTEGER NOT NULL CHECK (days_in_month BETWEEN 28 AND 31),
        amount DECIMAL(18, 2) NOT NULL,
        PRIMARY KEY (invoice_number, line_no),
        CHECK (period_start < period_end)
    );

    CREATE SEQUENCE payment_seq START 1;
    CREATE TABLE payments (
        id BIGINT PRIMARY KEY,
        customer_id VARCHAR NOT NULL,
        amount DECIMAL(18, 2) NOT NULL CHECK (amount > 0),
        method VARCHAR NOT NULL,
        receipt_date DATE NOT NULL,
        reference VARCHAR NOT NULL DEFAULT ''
    );
    -- A negative allocation releases an earlier one (to cancel an invoice that was paid).
    CREATE SEQUENCE allocation_seq START 1;
    CREATE TABLE allocations (
        id BIGINT PRIMARY KEY,
        payment_id BIGINT NOT NULL,
        invoice_number BIGINT NOT NULL,
        amount DECIMAL(18, 2) NOT NULL CHECK (amount <> 0),
        applied_on DATE NOT NULL
    );

    -- Exactly once per (invoice, stage): the primary key.
    CREATE TABLE notices (
        invoice_number BIGINT NOT NULL,
        stage VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL CHECK (outcome IN ('sent', 'skipped')),
        decided_on DATE NOT NULL,
        days_overdue INTEGER NOT NULL,
        stop_date DATE,
        PRIMARY KEY (invoice_number, stage)
    );
    CREATE SEQUENCE service_event_seq START 1;
    CREATE TABLE service_events (
        id BIGINT PRIMARY KEY,
        customer_id VARCHAR NOT NULL,
        event VARCHAR NOT NULL CHECK (event IN ('stopped', 'restored')),
        on_date DATE NOT NULL,
        invoice_number BIGINT
    );

    -- Every email, written in the same transaction as the decision that sends it. It keeps
    -- the facts it was rendered from, so it reads the same later; delivery is separate.
    CREATE SEQUENCE outbox_seq START 1;
    CREATE TABLE outbox (
        id BIGINT PRIMARY KEY,
        message_id VARCHAR NOT NULL UNIQUE,
        kind VARCHAR NOT NULL CHECK (kind IN
            ('invoice_issued', 'reminder', 'warning', 'service_stopped', 'service_restored')),
        stage VARCHAR,
        created_on DATE NOT NULL,
        recipient VARCHAR NOT NULL,
        recipient_role VARCHAR NOT NULL CHECK (recipient_role IN ('customer', 'partner')),
        customer_id VARCHAR NOT NULL,
        customer_name VARCHAR NOT NULL,
        partner_name VARCHAR NOT NULL,
        invoice_number BIGINT,
        invoice_total DECIMAL(18, 2),
        invoice_balance DECIMAL(18, 2),
        issue_date DATE,
        due_date DATE,
        days_overdue INTEGER,
        stop_date DATE
    );
    CREATE TABLE deliveries (
        outbox_id BIGINT NOT NULL,
        attempt INTEGER NOT NULL,
        attempted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
        ok BOOLEAN NOT NULL,
        error VARCHAR,
        PRIMARY KEY (outbox_id, attempt)
    );

    -- Each invoice as seen on `as_of`: only what was issued, paid and canceled by then.
    -- Status follows the seed's names; Overdue is derived, never stored.
    CREATE MACRO invoice_state(as_of) AS TABLE
    WITH paid AS (
        SELECT invoice_number, sum(amount) AS paid
        FROM allocations WHERE applied_on <= as_of GROUP BY invoice_number
    ), canceled AS (
        SELECT cancels AS invoice_number, issue_date AS canceled_on, number AS cancellation_number
        FROM invoices WHERE kind = 'cancellation' AND issue_date <= as_of
    )
    SELECT i.*,
        coalesce(p.paid, 0)::DECIMAL(18, 2) AS paid,
        (i.total - coalesce(p.paid, 0))::DECIMAL(18, 2) AS balance,
        c.canceled_on, c.cancellation_number,
        CASE WHEN i.kind = 'cancellation' THEN 'Cancellation Invoice'
             WHEN c.canceled_on IS NOT NULL THEN 'Invoice Canceled'
             WHEN i.total - coalesce(p.paid, 0) <= 0 THEN 'Invoice Paid'
             WHEN as_of > i.due_date THEN 'Overdue'
             ELSE 'Invoice Created' END AS status,
        (i.kind = 'invoice' AND c.canceled_on IS NULL
            AND i.total - coalesce(p.paid, 0) > 0) AS is_open,
        CASE WHEN i.kind = 'invoice' AND c.canceled_on IS NULL
                  AND i.total - coalesce(p.paid, 0) > 0 AND as_of > i.due_date
             THEN (as_of - i.due_date)::INTEGER ELSE 0 END AS days_overdue
    FROM invoices i
    LEFT JOIN paid p ON p.invoice_number = i.number
    LEFT JOIN canceled c ON c.invoice_number = i.number
    WHERE i.issue_date <= as_of;

    -- A customer's service is stopped when its latest service event up to `as_of` says so.
    CREATE MACRO service_state(as_of) AS TABLE
    SELECT customer_id, arg_max(event, id) AS last_event, arg_max(on_date, id) AS since
    FROM service_events WHERE on_date <= as_of GROUP BY customer_id;

    CREATE SEQUENCE audit_seq START 1;
    CREATE TABLE audit_log (
        id BIGINT PRIMARY KEY,
        logged_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        details VARCHAR NOT NULL
    );
    """,
    # 2: receivables, so open-invoice questions skip what is settled (bob.store.receivables
    # keeps the running SQL; this is the text the migration ran as)
    """
CREATE TABLE receivables (
    invoice_number BIGINT PRIMARY KEY,
    customer_id VARCHAR NOT NULL,
    issue_date DATE NOT NULL,
    due_date DATE NOT NULL,
    total DECIMAL(18, 2) NOT NULL,
    closed_on DATE,
    paid DECIMAL(18, 2) NOT NULL,  -- every allocation recorded so far, whatever its date
    last_paid_on DATE              -- the latest date an allocation applies on
);
CREATE TABLE receivables_synced (allocation_id BIGINT NOT NULL, invoice_number BIGINT NOT NULL);
INSERT INTO receivables_synced VALUES (0, 0);

INSERT INTO receivables
SELECT number, customer_id, issue_date, due_date, total,
       CASE WHEN kind = 'cancellation' OR total <= 0 THEN issue_date END, 0, NULL
FROM invoices WHERE number > (SELECT invoice_number FROM receivables_synced);

CREATE OR REPLACE TEMP TABLE receivables_touched AS
SELECT invoice_number FROM allocations
WHERE id > (SELECT allocation_id FROM receivables_synced)
UNION
SELECT cancels FROM invoices
WHERE kind = 'cancellation' AND number > (SELECT invoice_number FROM receivables_synced);

UPDATE receivables
SET closed_on = closing.closed_on, paid = closing.paid, last_paid_on = closing.last_paid_on
FROM (
    WITH daily AS (
        SELECT invoice_number, applied_on, sum(amount) AS amount FROM allocations
        WHERE invoice_number IN (SELECT invoice_number FROM receivables_touched)
        GROUP BY invoice_number, applied_on
    ), running AS (
        SELECT d.invoice_number, d.applied_on, r.total,
               sum(d.amount) OVER by_day AS paid, lead(d.applied_on) OVER by_day AS next_on
        FROM daily d JOIN receivables r ON r.invoice_number = d.invoice_number
        WINDOW by_day AS (PARTITION BY d.invoice_number ORDER BY d.applied_on)
    ), paid_off AS (
        -- Paid for good from the day after the last day it was short (or its first payment).
        SELECT invoice_number, arg_max(paid, applied_on) AS paid, max(applied_on) AS last_paid_on,
               CASE WHEN arg_max(paid, applied_on) < any_value(total) THEN NULL
                    WHEN count(*) FILTER (paid < total) = 0 THEN min(applied_on)
                    ELSE arg_max(next_on, applied_on) FILTER (paid < total) END AS paid_on
        FROM running GROUP BY invoice_number
    ), canceled AS (
        SELECT cancels AS invoice_number, issue_date AS canceled_on FROM invoices
        WHERE kind = 'cancellation'
          AND cancels IN (SELECT invoice_number FROM receivables_touched)
    )
    SELECT r.invoice_number,
           CASE WHEN r.total <= 0 THEN r.issue_date
                ELSE least(p.paid_on, c.canceled_on) END AS closed_on,
           coalesce(p.paid, 0) AS paid, p.last_paid_on
    FROM receivables r
    LEFT JOIN paid_off p ON p.invoice_number = r.invoice_number
    LEFT JOIN canceled c ON c.invoice_number = r.invoice_number
    WHERE r.invoice_number IN (SELECT invoice_number FROM receivables_touched)
) closing
WHERE receivables.invoice_number = closing.invoice_number;

UPDATE receivables_synced
SET allocation_id = (SELECT coalesce(max(id), 0) FROM allocations),
    invoice_number = (SELECT coalesce(max(number), 0) FROM invoices);
""",
    # 3: the days the daily job ran, so projections know from which day on to assume it runs
    # daily (earlier runs are read back from the audit log)
    """
    CREATE TABLE dunning_runs (run_on DATE PRIMARY KEY);
    INSERT INTO dunning_runs
    SELECT DISTINCT CAST(substr(entity, length('as-of:') + 1) AS DATE) FROM audit_log
    WHERE action = 'dunning' AND entity LIKE 'as-of:%';
    """,
    # 4: claims on the outbox rows a sender is sending, so two senders never send one twice
    """
    CREATE TABLE delivery_claims (
        outbox_id BIGINT PRIMARY KEY,
        claimed_at TIMESTAMP NOT NULL,
        claimer VARCHAR NOT NULL
    );
    """,
    # 5: open_invoices without an OR in its scan (see bob.store.receivables)
    """
-- The invoices open on `as_of` (issued, not canceled, money still owed), read through
-- receivables: invoices closed by then are skipped, and allocations are summed only for
-- invoices with some applied after `as_of` (time travel); the others' `paid` is complete.
-- Never closed, and closed after `as_of`, are two plain filters rather than one OR, so the
-- scan skips the row groups whose statistics rule them out.
CREATE OR REPLACE MACRO open_invoices(as_of) AS TABLE
WITH candidates AS (
    SELECT * FROM receivables WHERE closed_on IS NULL AND issue_date <= as_of
    UNION ALL
    SELECT * FROM receivables WHERE closed_on > as_of AND issue_date <= as_of
), paid_by_then AS (
    SELECT invoice_number, sum(amount) AS paid FROM allocations
    WHERE applied_on <= as_of AND invoice_number IN (
        SELECT invoice_number FROM candidates WHERE last_paid_on > as_of)
    GROUP BY invoice_number
), owed AS (
    SELECT c.invoice_number, c.customer_id, c.issue_date, c.due_date, c.total,
           CASE WHEN c.last_paid_on > as_of THEN coalesce(p.paid, 0) ELSE c.paid END AS paid
    FROM candidates c LEFT JOIN paid_by_then p ON p.invoice_number = c.invoice_number
)
SELECT invoice_number, customer_id, issue_date, due_date, total, paid::DECIMAL(18, 2) AS paid,
       (total - paid)::DECIMAL(18, 2) AS balance,
       CASE WHEN as_of > due_date THEN (as_of - due_date)::INTEGER ELSE 0 END AS days_overdue
FROM owed WHERE total - paid > 0;
""",
    # 6: each email's first successful delivery on its outbox row (see bob.store.outbox)
    """ALTER TABLE outbox ADD COLUMN delivered_at TIMESTAMP;

UPDATE outbox SET delivered_at = d.delivered_at
FROM (SELECT outbox_id, min(attempted_at) AS delivered_at FROM deliveries
      WHERE ok AND TRUE GROUP BY outbox_id) d
WHERE outbox.id = d.outbox_id AND outbox.delivered_at IS NULL""",
    # 7: each claim names its sender's host, boot and process, so a dead sender's claims are
    # taken over as soon as it is gone (see bob.senders)
    """
    ALTER TABLE delivery_claims ADD COLUMN host VARCHAR;
    ALTER TABLE delivery_claims ADD COLUMN booted_at DOUBLE;
    ALTER TABLE delivery_claims ADD COLUMN pid INTEGER;
    ALTER TABLE delivery_claims ADD COLUMN started_at DOUBLE;
    """,
    # 8: rebilling and telling cancellations. DuckDB cannot alter a key or a CHECK, so both
    # tables are made again with their rows. An invoice `replaces` a canceled one of the same
    # customer and month and counts one `revision` up: the key is (customer, month, revision),
    # and `replaces` is UNIQUE, so each month is one chain, and a re-run still adds nothing.
    # The outbox gains the correction notices and the invoices they name.
    """
    CREATE TABLE invoices_v8 (
        number BIGINT PRIMARY KEY,
        customer_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('invoice', 'cancellation')),
        billing_month DATE,
        cancels BIGINT UNIQUE,
        issue_date DATE NOT NULL,
        due_date DATE NOT NULL,
        amount DECIMAL(18, 2) NOT NULL,
        tax_rate DECIMAL(7, 5) NOT NULL,
        tax DECIMAL(18, 2) NOT NULL,
        total DECIMAL(18, 2) NOT NULL,
        billing_email VARCHAR NOT NULL,
        replaces BIGINT UNIQUE,
        revision INTEGER NOT NULL DEFAULT 0,
        UNIQUE (customer_id, billing_month, revision),
        CHECK (total = amount + tax),
        CHECK (due_date >= issue_date),
        CHECK ((kind = 'invoice' AND billing_month IS NOT NULL AND cancels IS NULL
                AND total >= 0)
            OR (kind = 'cancellation' AND billing_month IS NULL AND cancels IS NOT NULL
                AND total <= 0)),
        CHECK ((replaces IS NULL AND revision = 0)
            OR (replaces IS NOT NULL AND revision > 0 AND kind = 'invoice'))
    );
    INSERT INTO invoices_v8 SELECT *, NULL, 0 FROM invoices;
    DROP TABLE invoices;
    ALTER TABLE invoices_v8 RENAME TO invoices;

    CREATE TABLE outbox_v8 (
        id BIGINT PRIMARY KEY,
        message_id VARCHAR NOT NULL UNIQUE,
        kind VARCHAR NOT NULL CHECK (kind IN
            ('invoice_issued', 'reminder', 'warning', 'service_stopped', 'service_restored',
             'invoice_canceled', 'invoice_rebilled')),
        stage VARCHAR,
        created_on DATE NOT NULL,
        recipient VARCHAR NOT NULL,
        recipient_role VARCHAR NOT NULL CHECK (recipient_role IN ('customer', 'partner')),
        customer_id VARCHAR NOT NULL,
        customer_name VARCHAR NOT NULL,
        partner_name VARCHAR NOT NULL,
        invoice_number BIGINT,
        invoice_total DECIMAL(18, 2),
        invoice_balance DECIMAL(18, 2),
        issue_date DATE,
        due_date DATE,
        days_overdue INTEGER,
        stop_date DATE,
        delivered_at TIMESTAMP,
        cancellation_number BIGINT,
        replacement_number BIGINT,
        replacement_total DECIMAL(18, 2)
    );
    INSERT INTO outbox_v8 SELECT *, NULL, NULL, NULL FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_v8 RENAME TO outbox;
    """,
    # 9: who may use BoB, and as what (see bob.access); a partner user belongs to one partner
    """
    CREATE TABLE users (
        email VARCHAR PRIMARY KEY,
        role VARCHAR NOT NULL
            CHECK (role IN ('viewer', 'account_manager', 'finance', 'admin', 'partner')),
        partner_id VARCHAR,
        added_on DATE NOT NULL,
        CHECK ((role = 'partner') = (partner_id IS NOT NULL))
    );
    """,
    # 10: invoice_state reads what is paid from receivables, summing allocations only for
    # invoices paid after `as_of` or changed since the last sync (within a write transaction)
    """
CREATE OR REPLACE MACRO invoice_state(as_of) AS TABLE
WITH synced AS (
    SELECT invoice_number AS last_invoice, allocation_id AS last_allocation
    FROM receivables_synced
), stale AS (
    SELECT invoice_number FROM receivables WHERE last_paid_on > as_of
    UNION
    SELECT number FROM invoices WHERE number > (SELECT last_invoice FROM synced)
    UNION
    SELECT invoice_number FROM allocations WHERE id > (SELECT last_allocation FROM synced)
), paid_by_then AS (
    SELECT invoice_number, sum(amount) AS paid FROM allocations
    WHERE applied_on <= as_of AND invoice_number IN (SELECT invoice_number FROM stale)
    GROUP BY invoice_number
), canceled AS (
    SELECT cancels AS invoice_number, issue_date AS canceled_on, number AS cancellation_number
    FROM invoices WHERE kind = 'cancellation' AND issue_date <= as_of
), paid AS (
    SELECT i.*,
        (CASE WHEN s.invoice_number IS NOT NULL THEN coalesce(p.paid, 0)
              ELSE r.paid END)::DECIMAL(18, 2) AS paid,
        c.canceled_on, c.cancellation_number
    FROM invoices i
    LEFT JOIN receivables r ON r.invoice_number = i.number
    LEFT JOIN stale s ON s.invoice_number = i.number
    LEFT JOIN paid_by_then p ON p.invoice_number = i.number
    LEFT JOIN canceled c ON c.invoice_number = i.number
    WHERE i.issue_date <= as_of
)
SELECT * EXCLUDE (paid, canceled_on, cancellation_number), paid,
    (total - paid)::DECIMAL(18, 2) AS balance, canceled_on, cancellation_number,
    CASE WHEN kind = 'cancellation' THEN 'Cancellation Invoice'
         WHEN canceled_on IS NOT NULL THEN 'Invoice Canceled'
         WHEN total - paid <= 0 THEN 'Invoice Paid'
         WHEN as_of > due_date THEN 'Overdue'
         ELSE 'Invoice Created' END AS status,
    (kind = 'invoice' AND canceled_on IS NULL AND total - paid > 0) AS is_open,
    CASE WHEN kind = 'invoice' AND canceled_on IS NULL AND total - paid > 0
              AND as_of > due_date
         THEN (as_of - due_date)::INTEGER ELSE 0 END AS days_overdue
FROM paid;
""",
    # 11: payment balances, so the bill run's sweep reads the payments with money left
    # (bob.store.balances keeps the running SQL; this is the text the migration ran as)
    """
CREATE TABLE payment_balances (
    payment_id BIGINT NOT NULL,
    customer_id VARCHAR NOT NULL,
    receipt_date DATE NOT NULL,
    unapplied DECIMAL(18, 2) NOT NULL
);
CREATE TABLE payment_balances_synced (payment_id BIGINT NOT NULL, allocation_id BIGINT NOT NULL);
INSERT INTO payment_balances
SELECT y.id, y.customer_id, y.receipt_date, (y.amount - coalesce(a.amount, 0))::DECIMAL(18, 2)
FROM payments y
LEFT JOIN (SELECT payment_id, sum(amount) AS amount FROM allocations GROUP BY payment_id) a
    ON a.payment_id = y.id
WHERE y.amount - coalesce(a.amount, 0) <> 0;
INSERT INTO payment_balances_synced
SELECT (SELECT coalesce(max(id), 0) FROM payments), (SELECT coalesce(max(id), 0) FROM allocations);
""",
)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    # Asked on every connection, so it reads the table directly (information_schema is slower).
    try:
        return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]
    except duckdb.CatalogException:
        return 0


def migrate(con: duckdb.DuckDBPyConnection, writer: threading.RLock) -> int:
    """Bring the store up to the latest version; returns the version it is at."""
    if current_version(con) == len(MIGRATIONS):
        return len(MIGRATIONS)
    with writer:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        for version, script in enumerate(MIGRATIONS, start=1):
            if version <= current_version(con):
                continue
            con.execute("BEGIN TRANSACTION")
            con.execute(script)
            con.execute("INSERT INTO schema_version (version) VALUES (?)", [version])
            con.execute("COMMIT")
    return len(MIGRATIONS)

