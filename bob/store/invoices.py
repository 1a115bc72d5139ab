"""SQL of the invoice ledger: detail, cancellation (a mirrored, negative invoice), listing."""

from datetime import date

import duckdb
import pandas as pd

from bob.store import frame

STATE = "SELECT * FROM invoice_state($as_of)"


def invoice_head(con: duckdb.DuckDBPyConnection, number: int, as_of: date) -> dict | None:
    rows = frame(con,
        f"""
        SELECT s.*, c.name AS customer_name, c.state AS customer_state,
               p.id AS partner_id, p.name AS partner_name,
               (SELECT r.number FROM invoices r
                WHERE r.replaces = s.number AND r.issue_date <= $as_of) AS replaced_by
        FROM ({STATE}) s JOIN customers c ON c.id = s.customer_id
        JOIN partners p ON p.id = c.partner_id
        WHERE s.number = $number
        """,
        {"as_of": as_of, "number": number},
    )
    return rows.to_dict("records")[0] if len(rows) else None


def invoice_detail(con: duckdb.DuckDBPyConnection, number: int, as_of: date) -> dict | None:
    """Everything the invoice page shows, as of a date."""
    head = invoice_head(con, number, as_of)
    if head is None:
        return None
    lines = frame(con,
        "SELECT line_no, subscription_id, description, quantity, unit_price, period_start, "
        "period_end, days, days_in_month, amount FROM invoice_lines "
        "WHERE invoice_number = ? ORDER BY line_no",
        [number],
    )
    payments = frame(con,
        """
        SELECT a.payment_id, y.method, y.receipt_date, y.reference, a.amount, a.applied_on
        FROM allocations a JOIN payments y ON y.id = a.payment_id
        WHERE a.invoice_number = ? AND a.applied_on <= ? ORDER BY a.id
        """,
        [number, as_of],
    )
    notices = frame(con,
        """
        SELECT stage, outcome, decided_on, days_overdue, stop_date FROM notices
        WHERE invoice_number = ? AND decided_on <= ? ORDER BY decided_on, stage
        """,
        [number, as_of],
    )
    return {"invoice": head, "lines": lines, "payments": payments, "notices": notices}


def latest_dates(con, number: int) -> tuple[date | None, date | None]:
    """The latest day a notice was decided for the invoice, and the latest day one of its
    allocations applies on: a cancellation or a release never takes effect before them."""
    return con.execute(
        "SELECT (SELECT max(decided_on) FROM notices WHERE invoice_number = $number), "
        "(SELECT max(applied_on) FROM allocations WHERE invoice_number = $number)",
        {"number": number}).fetchone()


def allocated_total(con, number: int):
    return con.execute(
        "SELECT coalesce(sum(amount), 0) FROM allocations WHERE invoice_number = ?", [number]
    ).fetchone()[0]


def insert_cancellation(con, number: int, as_of: date) -> int:
    """A new invoice, linked to the original, every amount negated, line by line."""
    new = con.execute(
        """
        INSERT INTO invoices
        SELECT (SELECT max(number) FROM invoices) + 1, customer_id, 'cancellation', NULL, number,
               $as_of, $as_of, -amount, tax_rate, -tax, -total, billing_email, NULL, 0
        FROM invoices WHERE number = $number
        RETURNING number
        """,
        {"as_of": as_of, "number": number},
    ).fetchone()[0]
    con.execute(
        """
        INSERT INTO invoice_lines
        SELECT ?, line_no, subscription_id, description, quantity, -unit_price, period_start,
               period_end, days, days_in_month, -amount
        FROM invoice_lines WHERE invoice_number = ?
        """,
        [new, number],
    )
    return new


LEDGER_FILTERS = {
    "statuses": "list_contains($statuses, s.status)",
    "partner_ids": "list_contains($partner_ids, p.id)",
    "customer_ids": "list_contains($customer_ids, s.customer_id)",
    "month_from": "coalesce(s.billing_month, s.issue_date) >= $month_from",
    "month_to": "coalesce(s.billing_month, s.issue_date) < $month_to",
    "search": "(c.name ILIKE '%' || $search || '%' OR s.number::VARCHAR = $search)",
}


LEDGER_COLUMNS = """
s.number, s.kind, s.customer_id, c.name AS customer_name, p.id AS partner_id,
p.name AS partner_name, strftime(coalesce(s.billing_month, s.issue_date), '%Y-%m') AS period,
s.issue_date, s.due_date, s.amount, s.tax, s.total, s.paid, s.balance, s.status,
s.days_overdue, s.cancels, s.cancellation_number"""


LEDGER_JOINS = """
JOIN customers c ON c.id = s.customer_id JOIN partners p ON p.id = c.partner_id"""


def ledger_where(filters: dict) -> tuple[str, dict]:
    """The WHERE of the filters given (None, [] and "" mean all) and their parameters."""
    active = {name: value for name, value in filters.items() if value not in (None, [], "")}
    unknown = set(active) - set(LEDGER_FILTERS)
    if unknown:
        raise ValueError(f"unknown ledger filters: {sorted(unknown)}")
    return " AND ".join(["TRUE", *(LEDGER_FILTERS[name] for name in active)]), active


def ledger(con, as_of: date, *, limit: int | None = None, **filters) -> pd.DataFrame:
    """The invoice ledger as of a date; filters are named in LEDGER_FILTERS (None = all)."""
    where, active = ledger_where(filters)
    sql = f"""
        SELECT {LEDGER_COLUMNS}
        FROM ({STATE}) s {LEDGER_JOINS}
        WHERE {where}
        ORDER BY s.number DESC
        {"LIMIT $limit" if limit else ""}
    """
    params = {"as_of": as_of, **active}
    if limit:
        params["limit"] = limit
    return frame(con, sql, params)
