"""SQL of the monthly bill run: one INSERT ... SELECT per ledger table, no row loops.

Amounts are computed in integer cents so nothing passes through a float:
line cents = round_half_up(quantity * unit price cents * days / days in month),
tax cents  = round_half_up(invoice amount cents * rate).
Every value involved is >= 0, so (2x + d) // (2d) is x/d rounded half-up.
"""

from datetime import date

import duckdb

from bob.store import outbox as outbox_sql

# The month's lines not billed yet; the bench's bare limit computes the same (bob.bench).
LINES_SELECT = """
SELECT b.customer_id, b.subscription_id, s.product AS description, s.quantity,
       b.price AS unit_price,
       greatest(b.start_date, $month_start) AS period_start,
       $month_end::DATE AS period_end,
       ($month_end::DATE - greatest(b.start_date, $month_start))::INTEGER AS days,
       $days_in_month::INTEGER AS days_in_month,
       (s.quantity::HUGEINT * (b.price * 100)::HUGEINT * days * 2 + days_in_month)
           // (2 * days_in_month) AS amount_cents
FROM bob_subscriptions b
JOIN subscriptions s ON s.id = b.subscription_id
WHERE b.start_date < $month_end
  AND ($customer_id IS NULL OR b.customer_id = $customer_id)
  AND ($replaces IS NOT NULL OR NOT EXISTS (
      SELECT 1 FROM invoices i
      WHERE i.customer_id = b.customer_id AND i.billing_month = $month_start))
"""
LINES = "CREATE OR REPLACE TEMP TABLE run_lines AS" + LINES_SELECT

HEADERS = """
CREATE OR REPLACE TEMP TABLE run_invoices AS
WITH totals AS (
    SELECT customer_id, sum(amount_cents) AS amount_cents FROM run_lines GROUP BY customer_id
), priced AS (
    SELECT t.customer_id, t.amount_cents, a.billing_email,
           coalesce(r.rate, $default_rate)::DECIMAL(7, 5) AS tax_rate
    FROM totals t
    JOIN customers c ON c.id = t.customer_id
    JOIN activations a ON a.customer_id = t.customer_id
    LEFT JOIN tax_rates r ON r.state = c.state
)
SELECT (SELECT coalesce(max(number), 0) FROM invoices)
           + row_number() OVER (ORDER BY customer_id) AS number,
       customer_id, billing_email, tax_rate, amount_cents,
       (amount_cents * (tax_rate * 100000)::HUGEINT * 2 + 100000) // 200000 AS tax_cents
FROM priced
"""

INSERT_INVOICES = """
INSERT INTO invoices
SELECT number, customer_id, 'invoice', $month_start, NULL, $as_of, $due_date,
       (amount_cents::DECIMAL(20, 0) * 0.01)::DECIMAL(18, 2),
       tax_rate,
       (tax_cents::DECIMAL(20, 0) * 0.01)::DECIMAL(18, 2),
       ((amount_cents + tax_cents)::DECIMAL(20, 0) * 0.01)::DECIMAL(18, 2),
       billing_email, $replaces,
       coalesce((SELECT revision + 1 FROM invoices WHERE number = $replaces), 0)
FROM run_invoices ORDER BY number
"""

INSERT_LINES = """
INSERT INTO invoice_lines
SELECT i.number,
       row_number() OVER (PARTITION BY l.customer_id ORDER BY l.subscription_id)::INTEGER,
       l.subscription_id, l.description, l.quantity, l.unit_price,
       l.period_start, l.period_end, l.days, l.days_in_month,
       (l.amount_cents::DECIMAL(20, 0) * 0.01)::DECIMAL(18, 2)
FROM run_lines l JOIN run_invoices i ON i.customer_id = l.customer_id
"""


def settings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM settings").fetchall())


def bill_month(con: duckdb.DuckDBPyConnection, *, month_start: date, month_end: date,
               as_of: date, due_date: date, default_rate, customer_id: str | None = None,
               replaces: int | None = None) -> dict:
    """Issue every invoice of the month not issued yet; returns counts and totals. With
    `replaces` (a canceled invoice of `customer_id`), issue its replacement instead."""
    params = {"month_start": month_start, "month_end": month_end,
              "days_in_month": (month_end - month_start).days, "customer_id": customer_id,
              "replaces": replaces}
    con.execute(LINES, params)
    con.execute(HEADERS, {"default_rate": default_rate})
    con.execute(INSERT_INVOICES, {"month_start": month_start, "as_of": as_of,
                                  "due_date": due_date, "replaces": replaces})
    con.execute(INSERT_LINES)
    outbox_sql.queue_invoices_issued(con, "run_invoices", as_of)
    invoices, lines, amount, tax = con.execute(
        """
        SELECT count(*), (SELECT count(*) FROM run_lines),
               coalesce(sum(amount_cents), 0), coalesce(sum(tax_cents), 0)
        FROM run_invoices
        """
    ).fetchone()
    first, last = con.execute("SELECT min(number), max(number) FROM run_invoices").fetchone()
    return {"invoices": invoices, "lines": lines, "amount_cents": int(amount),
            "tax_cents": int(tax), "first_number": first, "last_number": last}
