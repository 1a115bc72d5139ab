"""SQL of payments and their allocation to invoices.

Allocation is interval matching, set-based: per customer, lay the money available
(payments in order) and the amounts open (invoices in order) end to end; each allocation is
the overlap of one payment's interval with one invoice's interval. One statement serves a
single payment and a bill run's sweep of every unapplied balance alike.

Each allocation takes effect on the later of the money's and the invoice's `not_before`: a
new payment's money from its receipt date, a balance applied later from the day it is
applied; an invoice from its issue date, or from the latest release of its payments (so
the money taken back and the money given again never overlap in time).
"""

from datetime import date

import duckdb

from bob.store import balances, frame, receivables

ALLOCATE = """
INSERT INTO allocations
WITH p AS (
    SELECT *, sum(available) OVER (PARTITION BY customer_id ORDER BY ord
                                   ROWS UNBOUNDED PRECEDING) AS hi
    FROM fifo_payments WHERE available > 0
), i AS (
    SELECT *, sum(open) OVER (PARTITION BY customer_id ORDER BY ord
                              ROWS UNBOUNDED PRECEDING) AS hi
    FROM fifo_invoices WHERE open > 0
), matched AS (
    SELECT p.payment_id, i.invoice_number, p.ord AS p_ord, i.ord AS i_ord,
           least(p.hi, i.hi) - greatest(p.hi - p.available, i.hi - i.open) AS amount,
           greatest(p.not_before, i.not_before) AS applied_on
    FROM p JOIN i ON p.customer_id = i.customer_id
    WHERE least(p.hi, i.hi) > greatest(p.hi - p.available, i.hi - i.open)
)
SELECT nextval('allocation_seq'), payment_id, invoice_number, amount::DECIMAL(18, 2), applied_on
FROM matched ORDER BY payment_id, i_ord
"""

# Open invoices: issued, not canceled, with money still owed; every allocation counts.
# `not_before`: the first day an allocation to it may take effect.
OPEN_INVOICES = """
SELECT v.number AS invoice_number, v.customer_id,
       (v.total - coalesce(sum(a.amount), 0))::DECIMAL(18, 2) AS open,
       v.due_date, v.issue_date,
       greatest(v.issue_date, max(a.applied_on) FILTER (a.amount < 0)) AS not_before
FROM invoices v
LEFT JOIN allocations a ON a.invoice_number = v.number
WHERE v.kind = 'invoice'
  AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.cancels = v.number)
  {where}
GROUP BY v.number, v.customer_id, v.total, v.due_date, v.issue_date
HAVING v.total - coalesce(sum(a.amount), 0) > 0
"""

# Allocations summed per payment before the join: grouping 500,000 payments by four columns
# after it took twice as long.
UNAPPLIED = """
WITH allocated AS (
    SELECT payment_id, sum(amount) AS amount FROM allocations GROUP BY payment_id
)
SELECT y.id AS payment_id, y.customer_id,
       (y.amount - coalesce(a.amount, 0))::DECIMAL(18, 2) AS available,
       y.receipt_date
FROM payments y
LEFT JOIN allocated a ON a.payment_id = y.id
WHERE y.receipt_date <= $as_of AND y.amount - coalesce(a.amount, 0) > 0 {where}
"""


def open_invoices(con: duckdb.DuckDBPyConnection, customer_id: str) -> list[dict]:
    rows = frame(con,
        OPEN_INVOICES.format(where="AND v.customer_id = $customer_id")
        + " ORDER BY v.due_date, v.number",
        {"customer_id": customer_id},
    )
    return rows.to_dict("records")


def insert_payment(con, customer_id: str, amount, method: str, receipt_date: date,
                   reference: str) -> int:
    return con.execute(
        "INSERT INTO payments VALUES (nextval('payment_seq'), ?, ?, ?, ?, ?) RETURNING id",
        [customer_id, amount, method, receipt_date, reference],
    ).fetchone()[0]


def allocate_payment(con, payment_id: int, invoice_numbers: list[int] | None,
                     applied_from: date | None = None) -> dict:
    """This payment's unapplied balance (all of it, for a new payment) to the named invoices
    in the order named, else oldest open first, from its receipt date or, for a balance
    applied later, from `applied_from`; returns how many allocations that made and their sum."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE fifo_payments AS
        SELECT payment_id, customer_id, available, 0 AS ord,
               coalesce($applied_from, receipt_date) AS not_before
        FROM ({UNAPPLIED.format(where="AND y.id = $payment_id")})
        """,
        {"payment_id": payment_id, "applied_from": applied_from, "as_of": date.max},
    )
    customer = "AND v.customer_id = (SELECT customer_id FROM payments WHERE id = $payment_id)"
    if invoice_numbers:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE fifo_invoices AS
            SELECT o.invoice_number, o.customer_id, o.open, o.not_before,
                   list_position($named, o.invoice_number) AS ord
            FROM ({OPEN_INVOICES.format(where=customer)}) o
            WHERE list_contains($named, o.invoice_number)
            """,
            {"payment_id": payment_id, "named": invoice_numbers},
        )
    else:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE fifo_invoices AS
            SELECT invoice_number, customer_id, open, not_before,
                   row_number() OVER (ORDER BY due_date, invoice_number) AS ord
            FROM ({OPEN_INVOICES.format(where=customer)})
            """,
            {"payment_id": payment_id},
        )
    return _allocate(con)


def apply_unapplied_balances(con, as_of: date, customers_table: str | None = None) -> dict:
    """Every unapplied payment balance to its customer's open invoices, oldest first,
    taking effect on `as_of` (the day it is applied) at the earliest; returns how many
    allocations that made and their sum."""
    where = (f"AND customer_id IN (SELECT customer_id FROM {customers_table})"
             if customers_table else "")
    # The payments with money left (bob.store.balances), not every allocation summed: the
    # other half of a bill run's saving.
    balances.sync(con)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE fifo_payments AS
        SELECT payment_id, customer_id, unapplied AS available, $as_of::DATE AS not_before,
               row_number() OVER (PARTITION BY customer_id ORDER BY receipt_date, payment_id) AS ord
        FROM payment_balances WHERE unapplied > 0 AND receipt_date <= $as_of {where}
        """,
        {"as_of": as_of},
    )
    # Only invoices receivables has not closed can be open (bob.store.receivables): summing
    # the allocations of those few, not of every invoice, is most of a bill run's saving.
    receivables.sync(con)
    candidates = ("AND v.number IN (SELECT invoice_number FROM receivables WHERE closed_on IS NULL"
                  " AND customer_id IN (SELECT customer_id FROM fifo_payments))")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE fifo_invoices AS
        SELECT invoice_number, customer_id, open, not_before,
               row_number() OVER (PARTITION BY customer_id ORDER BY due_date, invoice_number) AS ord
        FROM ({OPEN_INVOICES.format(where=candidates)})
        """
    )
    return _allocate(con)


def _allocate(con) -> dict:
    """ALLOCATE over fifo_payments and fifo_invoices: the allocations it made and their sum."""
    before = con.execute("SELECT coalesce(max(id), 0) FROM allocations").fetchone()[0]
    con.execute(ALLOCATE)
    made, amount = con.execute(
        "SELECT count(*), coalesce(sum(amount), 0)::DECIMAL(18, 2) FROM allocations "
        "WHERE id > ?", [before]).fetchone()
    return {"allocations": made, "amount": amount}


def payment_detail(con, payment_id: int,
                   as_of: date | None = None) -> tuple[dict | None, list[dict]]:
    """The payment and its allocations applied by `as_of` (None: all of them)."""
    params = {"payment_id": payment_id, "as_of": as_of}
    head = frame(con,
        """
        SELECT y.id AS payment_id, y.customer_id, c.name AS customer_name, y.amount, y.method,
               y.receipt_date, y.reference,
               coalesce(sum(a.amount), 0)::DECIMAL(18, 2) AS allocated,
               (y.amount - coalesce(sum(a.amount), 0))::DECIMAL(18, 2) AS balance
        FROM payments y JOIN customers c ON c.id = y.customer_id
        LEFT JOIN allocations a ON a.payment_id = y.id
            AND ($as_of IS NULL OR a.applied_on <= $as_of)
        WHERE y.id = $payment_id
        GROUP BY y.id, y.customer_id, c.name, y.amount, y.method, y.receipt_date, y.reference
        """,
        params,
    )
    allocations = frame(con,
        "SELECT invoice_number, amount, applied_on FROM allocations WHERE payment_id = $payment_id "
        "AND ($as_of IS NULL OR applied_on <= $as_of) ORDER BY id",
        params,
    )
    return (head.to_dict("records")[0] if len(head) else None), allocations.to_dict("records")


def release_invoice(con, invoice_number: int, as_of: date) -> list[dict]:
    """Negative allocations that hand an invoice's payments back to their balances."""
    rows = frame(con,
        """
        SELECT payment_id, sum(amount)::DECIMAL(18, 2) AS amount FROM allocations
        WHERE invoice_number = ? GROUP BY payment_id HAVING sum(amount) <> 0 ORDER BY payment_id
        """,
        [invoice_number],
    )
    con.execute(
        """
        INSERT INTO allocations
        SELECT nextval('allocation_seq'), payment_id, invoice_number, -sum(amount), ?
        FROM allocations WHERE invoice_number = ?
        GROUP BY payment_id, invoice_number HAVING sum(amount) <> 0
        """,
        [as_of, invoice_number],
    )
    return rows.to_dict("records")
