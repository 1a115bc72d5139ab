"""SQL of who a month's bill run leaves out, and by which rule (the bill run's preview)."""

from datetime import date

import duckdb
import pandas as pd

from bob.store import frame

# Every activated customer the run issues nothing for, with the first rule that skips it.
# Read before the run: afterwards every customer billed reads as "already billed".
SKIPPED = """
WITH month_invoices AS (
    SELECT i.customer_id, max(i.number) AS number,
           bool_and(EXISTS (SELECT 1 FROM invoices c WHERE c.cancels = i.number)) AS canceled
    FROM invoices i WHERE i.kind = 'invoice' AND i.billing_month = $month_start
    GROUP BY i.customer_id
), billable AS (
    SELECT customer_id, min(start_date) AS first_start FROM bob_subscriptions
    GROUP BY customer_id
)
SELECT a.customer_id, c.name AS customer_name,
       CASE WHEN m.number IS NOT NULL AND NOT m.canceled THEN 'already billed'
            WHEN m.number IS NOT NULL THEN 'canceled'
            WHEN a.start_date >= $month_end THEN 'not started yet'
            ELSE 'no subscription started' END AS rule,
       m.number AS invoice_number, a.start_date AS bob_start, b.first_start
FROM activations a
JOIN customers c ON c.id = a.customer_id
LEFT JOIN month_invoices m ON m.customer_id = a.customer_id
LEFT JOIN billable b ON b.customer_id = a.customer_id
WHERE a.activated_on <= $today
  AND (m.number IS NOT NULL OR a.start_date >= $month_end
       OR b.first_start IS NULL OR b.first_start >= $month_end)
ORDER BY rule, c.name, a.customer_id
"""


def skipped(con: duckdb.DuckDBPyConnection, month_start: date, month_end: date,
            today: date) -> pd.DataFrame:
    return frame(con, SKIPPED, {"month_start": month_start, "month_end": month_end,
                                "today": today})
