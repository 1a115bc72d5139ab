"""SQL that queues emails in the outbox, in the same transaction as the decision behind them.

Message-IDs are deterministic per (invoice, stage, recipient role), so a resend after a
failure carries the same ID and the outbox's UNIQUE key refuses a second copy.
"""

from datetime import date

import duckdb

COLUMNS = """(id, message_id, kind, stage, created_on, recipient, recipient_role, customer_id,
    customer_name, partner_name, invoice_number, invoice_total, invoice_balance, issue_date,
    due_date, days_overdue, stop_date)"""


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
