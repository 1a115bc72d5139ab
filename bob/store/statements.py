"""SQL of a customer's statement of account: every ledger row that moves the customer's
balance or credit, each on the day it takes effect, and what is open on a date by age."""

from datetime import date

import duckdb
import pandas as pd

from bob.store import frame
from bob.store.reports import AGE_BUCKET

# kind: 'invoice' and 'cancellation' (on their issue date), 'payment' (on its receipt date),
# 'allocation' (on the day it applies; a negative one releases an earlier one). Within a day:
# invoices, then cancellations, payments, allocations, each in the order they were made.
ENTRIES = """
SELECT issue_date AS on_date, kind, number AS invoice_number, NULL::BIGINT AS payment_id,
       cancels, billing_month, NULL AS method, NULL AS reference, total AS amount,
       CASE kind WHEN 'invoice' THEN 1 ELSE 2 END AS rank, number AS seq
FROM invoices WHERE customer_id = $customer_id AND issue_date <= $until
UNION ALL
SELECT receipt_date, 'payment', NULL, id, NULL, NULL, method, reference, amount, 3, id
FROM payments WHERE customer_id = $customer_id AND receipt_date <= $until
UNION ALL
SELECT a.applied_on, 'allocation', a.invoice_number, a.payment_id, NULL, NULL, NULL, NULL,
       a.amount, 4, a.id
FROM allocations a JOIN payments y ON y.id = a.payment_id
WHERE y.customer_id = $customer_id AND a.applied_on <= $until
ORDER BY on_date, rank, seq
"""


def entries(con: duckdb.DuckDBPyConnection, customer_id: str, until: date) -> pd.DataFrame:
    """Every invoice, cancellation, payment and allocation of the customer effective on or
    before `until`, in date order."""
    return frame(con, ENTRIES, {"customer_id": customer_id, "until": until})


def open_by_age(con: duckdb.DuckDBPyConnection, customer_id: str, as_of: date) -> pd.DataFrame:
    """The customer's open invoices on `as_of` summed by age bucket (only buckets with some)."""
    return frame(con,
        f"""
        SELECT {AGE_BUCKET} AS bucket, sum(balance)::DECIMAL(18, 2) AS amount
        FROM invoice_state($as_of) WHERE is_open AND customer_id = $customer_id
        GROUP BY ALL
        """,
        {"customer_id": customer_id, "as_of": as_of},
    )
