"""SQL for users (who may use BoB, as what), the production mark, and whose partner a
customer, invoice or payment belongs to."""

from datetime import date

import duckdb
import pandas as pd

from bob.store import frame

PRODUCTION = "production"


def has_users(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT EXISTS (SELECT 1 FROM users)").fetchone()[0]


def user(con: duckdb.DuckDBPyConnection, email: str) -> tuple[str, str | None] | None:
    """(role, partner_id) of the user with this email (any case), or None."""
    return con.execute("SELECT role, partner_id FROM users WHERE email = lower(?)",
                       [email]).fetchone()


def add_user(con, email: str, role: str, partner_id: str | None, today: date) -> None:
    con.execute("INSERT INTO users VALUES (lower(?), ?, ?, ?)", [email, role, partner_id, today])


def remove_user(con, email: str) -> bool:
    return con.execute("DELETE FROM users WHERE email = lower(?) RETURNING email",
                       [email]).fetchone() is not None


def users(con) -> pd.DataFrame:
    return frame(con, "SELECT email, role, partner_id, added_on FROM users ORDER BY email")


def partner_exists(con, partner_id: str) -> bool:
    return con.execute("SELECT EXISTS (SELECT 1 FROM partners WHERE id = ?)",
                       [partner_id]).fetchone()[0]


_OWNER = {
    "customer": "SELECT partner_id FROM customers WHERE id = ?",
    "invoice": "SELECT c.partner_id FROM invoices i JOIN customers c ON c.id = i.customer_id "
               "WHERE i.number = ?",
    "payment": "SELECT c.partner_id FROM payments p JOIN customers c ON c.id = p.customer_id "
               "WHERE p.id = ?",
}


def owning_partner(con, kind: str, key) -> str | None:
    """The partner of this customer, invoice or payment (None when there is none)."""
    row = con.execute(_OWNER[kind], [key]).fetchone()
    return row[0] if row else None


def is_production(con) -> bool:
    return con.execute("SELECT EXISTS (SELECT 1 FROM settings WHERE key = ? AND value = 'yes')",
                       [PRODUCTION]).fetchone()[0]


def mark_production(con) -> None:
    con.execute("INSERT OR REPLACE INTO settings VALUES (?, 'yes')", [PRODUCTION])
