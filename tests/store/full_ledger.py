"""The invoice state derived from the whole ledger (every invoice, every allocation, every
cancellation), with nothing kept in between: the reference that `invoice_state`, which reads
what is paid from receivables, must always equal. It is migration 1's definition."""

from bob.store.schema import MIGRATIONS


def _first_definition() -> str:
    """Migration 1's invoice_state, as a temporary macro named full_invoice_state."""
    text = MIGRATIONS[0]
    start = text.index("CREATE MACRO invoice_state(as_of) AS TABLE")
    body = text[start:text.index(";", start)]
    return body.replace("CREATE MACRO invoice_state", "CREATE OR REPLACE TEMP MACRO "
                        "full_invoice_state", 1)


FULL_INVOICE_STATE = _first_definition()

# Rows in one and not the other, both ways, counted with multiplicity.
DIFFERENCE = """
SELECT count(*) FROM (
    (SELECT * FROM invoice_state($as_of) EXCEPT ALL SELECT * FROM full_invoice_state($as_of))
    UNION ALL
    (SELECT * FROM full_invoice_state($as_of) EXCEPT ALL SELECT * FROM invoice_state($as_of)))
"""


def differing_rows(con, as_of) -> int:
    """How many rows of invoice_state(as_of) differ from the whole ledger's derivation."""
    con.execute(FULL_INVOICE_STATE)
    return con.execute(DIFFERENCE, {"as_of": as_of}).fetchone()[0]


# Each payment's money not allocated, from every allocation: what payment_balances keeps.
BALANCES_DISAGREE = """
WITH derived AS (
    SELECT y.id AS payment_id, y.customer_id, y.receipt_date,
           (y.amount - coalesce(sum(a.amount), 0))::DECIMAL(18, 2) AS unapplied
    FROM payments y LEFT JOIN allocations a ON a.payment_id = y.id
    GROUP BY y.id, y.customer_id, y.receipt_date, y.amount
    HAVING y.amount - coalesce(sum(a.amount), 0) <> 0
)
(SELECT * FROM derived EXCEPT ALL SELECT * FROM payment_balances)
UNION ALL
(SELECT * FROM payment_balances EXCEPT ALL SELECT * FROM derived)
"""
