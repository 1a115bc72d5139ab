"""SQL of the audit log read back: who changed what, when (the writers' side is
bob.store.audit)."""

from datetime import date

import duckdb
import pandas as pd

from bob.store import frame

# An entity is named 'kind:id' ('invoice:12', 'customer:C-ACME'); asking for a bare id
# ('12', 'C-ACME') matches every kind with that id.
WHERE = """
($entity IS NULL OR entity = $entity OR ends_with(entity, ':' || $entity))
AND ($actor IS NULL OR lower(actor) = lower($actor))
AND ($since IS NULL OR logged_at >= $since::DATE)
"""


def _params(entity: str | None, actor: str | None, since: date | None) -> dict:
    return {"entity": entity or None, "actor": actor or None, "since": since}


def trail(con: duckdb.DuckDBPyConnection, *, entity: str | None, actor: str | None,
          since: date | None, limit: int | None) -> pd.DataFrame:
    """The matching audit rows, newest first; at most `limit` (None: all)."""
    return frame(con,
        f"""
        SELECT id, logged_at, actor, action, entity, details FROM audit_log
        WHERE {WHERE} ORDER BY id DESC
        {"LIMIT $limit" if limit else ""}
        """,
        {**_params(entity, actor, since), **({"limit": limit} if limit else {})},
    )


def count(con: duckdb.DuckDBPyConnection, *, entity: str | None, actor: str | None,
          since: date | None) -> int:
    return con.execute(f"SELECT count(*) FROM audit_log WHERE {WHERE}",
                       _params(entity, actor, since)).fetchone()[0]


def actors(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT DISTINCT actor FROM audit_log ORDER BY actor").fetchall()]
