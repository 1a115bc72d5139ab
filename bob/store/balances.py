"""Payment balances: the money of each payment not allocated yet, derived from the ledger
(payments, allocations) and never the other way round, so the bill run's sweep of unapplied
balances reads the few payments with money left instead of summing every allocation.

A row per payment whose amount and allocations differ; `unapplied` is what is left. Every
write transaction brings it up to date with what it added (`sync`, called with the
receivables' sync; watermarks in `payment_balances_synced` say how far it has read): the
payments it touched are derived again from all their allocations.
"""

import duckdb

SYNC = """
CREATE OR REPLACE TEMP TABLE payments_touched AS
SELECT id AS payment_id FROM payments
WHERE id > (SELECT payment_id FROM payment_balances_synced)
UNION
SELECT payment_id FROM allocations
WHERE id > (SELECT allocation_id FROM payment_balances_synced);

DELETE FROM payment_balances WHERE payment_id IN (SELECT payment_id FROM payments_touched);

INSERT INTO payment_balances
SELECT y.id, y.customer_id, y.receipt_date,
       (y.amount - coalesce(sum(a.amount), 0))::DECIMAL(18, 2)
FROM payments y LEFT JOIN allocations a ON a.payment_id = y.id
WHERE y.id IN (SELECT payment_id FROM payments_touched)
GROUP BY y.id, y.customer_id, y.receipt_date, y.amount
HAVING y.amount - coalesce(sum(a.amount), 0) <> 0;

UPDATE payment_balances_synced
SET payment_id = (SELECT coalesce(max(id), 0) FROM payments),
    allocation_id = (SELECT coalesce(max(id), 0) FROM allocations);
"""

# The table and its first filling (migration 11) are defined in bob.store.schema, as the text
# they ran as.


def sync(con: duckdb.DuckDBPyConnection) -> None:
    """Bring payment_balances up to date with the ledger; cheap when nothing is new."""
    con.execute(SYNC)
