"""SQL for partners, customers, subscriptions and their Billing on Behalf terms."""

from datetime import date

import duckdb
import pandas as pd

from bob.store import frame


def customer_facts(con: duckdb.DuckDBPyConnection, customer_id: str) -> dict | None:
    row = con.execute(
        """
        SELECT c.id, c.name, c.state, p.id, p.name, p.country, p.email,
               a.start_date, a.billing_email, a.activated_on
        FROM customers c JOIN partners p ON p.id = c.partner_id
        LEFT JOIN activations a ON a.customer_id = c.id
        WHERE c.id = ?
        """,
        [customer_id],
    ).fetchone()
    if row is None:
        return None
    keys = ("customer_id", "customer_name", "state", "partner_id", "partner_name",
            "partner_country", "partner_email", "bob_start", "billing_email", "activated_on")
    return dict(zip(keys, row, strict=True))


def subscriptions_of(con: duckdb.DuckDBPyConnection, customer_id: str) -> pd.DataFrame:
    """The customer's subscriptions with catalog terms and, once activated, BoB terms."""
    return frame(con,
        """
        SELECT s.id AS subscription_id, s.product, s.quantity, s.price AS list_price,
               b.start_date AS bob_start_date, b.price AS bob_price
        FROM subscriptions s LEFT JOIN bob_subscriptions b ON b.subscription_id = s.id
        WHERE s.customer_id = ? ORDER BY s.id
        """,
        [customer_id],
    )


def insert_activation(con, customer_id: str, start: date, email: str, as_of: date) -> None:
    con.execute("INSERT INTO activations VALUES (?, ?, ?, ?)", [customer_id, start, email, as_of])


def insert_bob_subscriptions(con, rows: list[tuple]) -> None:
    """rows: (subscription_id, customer_id, start_date, price)."""
    frame = pd.DataFrame(rows, columns=["subscription_id", "customer_id", "start_date", "price"])
    con.register("new_terms", frame)
    con.execute(
        "INSERT INTO bob_subscriptions SELECT subscription_id, customer_id, start_date, "
        "price::DECIMAL(18, 2) FROM new_terms"
    )
    con.unregister("new_terms")


def set_billing_email(con, customer_id: str, email: str) -> None:
    con.execute("UPDATE activations SET billing_email = ? WHERE customer_id = ?",
                [email, customer_id])


def update_bob_subscription(con, subscription_id: str, start: date, price) -> None:
    con.execute(
        "UPDATE bob_subscriptions SET start_date = ?, price = ? WHERE subscription_id = ?",
        [start, price, subscription_id],
    )


def bob_subscription_terms(con, subscription_ids: list[str]) -> pd.DataFrame:
    return frame(con,
        """
        SELECT b.subscription_id, b.customer_id, b.start_date, b.price, a.start_date AS bob_start
        FROM bob_subscriptions b JOIN activations a ON a.customer_id = b.customer_id
        WHERE list_contains(?, b.subscription_id)
        """,
        [subscription_ids],
    )


def import_frames(con, partners: pd.DataFrame, customers: pd.DataFrame,
                  subscriptions: pd.DataFrame) -> None:
    for table, rows in (("partners", partners), ("customers", customers),
                        ("subscriptions", subscriptions)):
        if rows.empty:
            continue
        con.register("incoming", rows)
        columns = ", ".join(rows.columns)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
        con.unregister("incoming")


def existing_ids(con, table: str, ids: list[str]) -> list[str]:
    assert table in ("partners", "customers", "subscriptions")
    return [row[0] for row in con.execute(
        f"SELECT id FROM {table} WHERE list_contains(?, id) ORDER BY id", [ids]).fetchall()]


def partner_countries(con, ids: list[str]) -> dict[str, str]:
    """The country of each of these partners that the store holds."""
    return dict(con.execute(
        "SELECT id, country FROM partners WHERE list_contains(?, id)", [ids]).fetchall())
