"""Receivables: one row per invoice with the day it closed for good, so the questions asked
most ("what is open on this date?") skip the hundreds of thousands of settled invoices
instead of summing every allocation ever made.

It is derived from the ledger (invoices, allocations) and never the other way round. An
invoice's `closed_on` is the first day from which it stays closed given everything recorded
so far: the day its payments first covered its total for good, or the day it was canceled,
whichever is earlier; a zero or negative invoice is closed on issue. A release of payments
reopens an invoice, so its `closed_on` moves later or goes back to NULL.

It also keeps what has been paid so far (`paid`, every allocation recorded) and the latest
day an allocation applies on (`last_paid_on`): for any `as_of` on or after that day `paid`
is already the amount paid by then, and no allocation needs summing.

Rule the readers rely on: an invoice with `closed_on <= as_of` is not open on `as_of`. Every
write transaction ends with `sync`, which brings the rows and `closed_on` up to date with
what the transaction added (watermarks in `receivables_synced` say how far it has read).
"""

import duckdb

# Newly issued invoices, then every invoice that new allocations or new cancellations touch.
SYNC = """
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
"""

# The tables (migration 2) and the `open_invoices(as_of)` macro that reads them (migration 5)
# are defined in bob.store.schema, as the text they ran as.


def sync(con: duckdb.DuckDBPyConnection) -> None:
    """Bring receivables up to date with the ledger; cheap when nothing is new."""
    con.execute(SYNC)
