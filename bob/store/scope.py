"""A partner's reads see only its own partner's rows: one filter, applied to the store itself.

For a partner principal, the read's connection gets temporary views with the names of the
tables that hold anything of a customer; they shadow the tables for every query and macro on
that connection (and only that one), so no read can reach another partner's rows: lists,
totals, charts, searches and documents alike. The one filter is `partner_id = $partner_id`
on customers; every other table keeps the rows of the customers kept.
"""

import duckdb

# table -> the rows of it a partner keeps, in terms of the (already scoped) views before it
_KEPT = (
    ("partners", "id IN (SELECT partner_id FROM partner_scope)"),
    ("customers", "partner_id IN (SELECT partner_id FROM partner_scope)"),
    ("subscriptions", "customer_id IN (SELECT id FROM customers)"),
    ("activations", "customer_id IN (SELECT id FROM customers)"),
    ("bob_subscriptions", "customer_id IN (SELECT id FROM customers)"),
    ("invoices", "customer_id IN (SELECT id FROM customers)"),
    ("invoice_lines", "invoice_number IN (SELECT number FROM invoices)"),
    ("payments", "customer_id IN (SELECT id FROM customers)"),
    ("allocations", "payment_id IN (SELECT id FROM payments)"),
    ("notices", "invoice_number IN (SELECT number FROM invoices)"),
    ("service_events", "customer_id IN (SELECT id FROM customers)"),
    ("outbox", "customer_id IN (SELECT id FROM customers)"),
    ("deliveries", "outbox_id IN (SELECT id FROM outbox)"),
    ("receivables", "customer_id IN (SELECT id FROM customers)"),
    ("receivables_synced", "invoice_number IN (SELECT number FROM invoices)"),
    ("payment_balances", "customer_id IN (SELECT id FROM customers)"),
    ("payment_balances_synced", "FALSE"),
    ("audit_log", "FALSE"),
    ("delivery_claims", "FALSE"),
    ("users", "FALSE"),
)


def restrict_to_partner(con: duckdb.DuckDBPyConnection, partner_id: str) -> None:
    """From now on this connection reads only `partner_id`'s rows."""
    catalog = con.execute("SELECT current_database()").fetchone()[0].replace('"', '""')
    con.execute("CREATE TEMP TABLE partner_scope AS SELECT $partner_id::VARCHAR AS partner_id",
                {"partner_id": partner_id})
    for table, kept in _KEPT:
        # the catalog and table names are this module's constants, never user text
        con.execute(f'CREATE TEMP VIEW {table} AS SELECT * FROM "{catalog}".main.{table} '
                    f"WHERE {kept}")
