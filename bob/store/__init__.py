"""The one home of connections, schema and SQL.

DuckDB lets one process hold a database file at a time, so nothing here keeps a connection
open between operations: each unit of work opens the file, does its work, and closes it
(`session` keeps it open across one short burst, such as a page rerun). A second process
(the cron job while the app is up) waits for the lock with backoff.
"""

import os
import random
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import pyarrow as pa

from bob.errors import StoreBusy
from bob.store import receivables
from bob.store.schema import migrate

DB_ENV = "BOB_DB"
DEFAULT_DB = Path("data") / "bob.duckdb"
LOCK_WAIT_SECONDS = float(os.environ.get("BOB_LOCK_WAIT_SECONDS", "30"))

T = TypeVar("T")

# Serialises writers inside one process (Streamlit sessions share it); DuckDB's file lock
# serialises processes.
_writer = threading.RLock()


def db_path(path: str | Path | None = None) -> Path:
    """The store in use: an explicit path, else $BOB_DB, else data/bob.duckdb."""
    return Path(path or os.environ.get(DB_ENV) or DEFAULT_DB)


def _is_lock_error(error: Exception) -> bool:
    text = str(error)
    return "Could not set lock" in text or "Conflicting lock" in text


def _is_conflict(error: Exception) -> bool:
    return isinstance(error, duckdb.TransactionException) or "Transaction conflict" in str(error)


def _backoff(attempt: int) -> float:
    return min(0.02 * 2**attempt, 1.0) * (0.5 + random.random())


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting for another process to let go of it; StoreBusy when it has
    not by LOCK_WAIT_SECONDS."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    attempt = 0
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.Error as error:
            if not _is_lock_error(error):
                raise
            if time.monotonic() > deadline:
                raise StoreBusy() from None
            time.sleep(_backoff(attempt))
            attempt += 1


# Stores a session holds open in this process. They were migrated when the session began
# and nothing else can open them meanwhile, so their connections skip asking for the schema
# version (about 1 ms a read).
_in_session: Counter[Path] = Counter()
_in_session_lock = threading.Lock()
_this_thread = threading.local()  # .sessions: the stores this thread's sessions hold open


def _sessions_of_this_thread() -> Counter[Path]:
    if not hasattr(_this_thread, "sessions"):
        _this_thread.sessions = Counter()
    return _this_thread.sessions


def held_by_this_thread(path: str | Path | None = None) -> bool:
    """Whether a session of the calling thread holds the store open: other processes then
    wait for the file until the session ends, so nothing slow may happen meanwhile."""
    return _sessions_of_this_thread()[db_path(path).resolve()] > 0


@contextmanager
def connect(path: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection to the migrated store; closed on exit."""
    resolved = db_path(path)
    con = _open(resolved)
    try:
        if not _in_session[resolved.resolve()]:
            migrate(con, _writer)
        yield con
    finally:
        con.close()


@contextmanager
def session(path: str | Path | None = None) -> Iterator[None]:
    """Keep the store open for a short burst of units of work (one page rerun, a series of
    timings): connections opened meanwhile share the open database instead of starting it
    again (about 15 ms each). It holds the file lock, so another process waits until it ends.
    Does nothing when there is no store yet."""
    resolved = db_path(path)
    if not resolved.exists():
        yield
        return
    with connect(resolved):
        key, mine = resolved.resolve(), _sessions_of_this_thread()
        with _in_session_lock:
            _in_session[key] += 1
        mine[key] += 1
        try:
            yield
        finally:
            mine[key] -= 1
            with _in_session_lock:
                _in_session[key] -= 1


def read(path: str | Path | None, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    with connect(path) as con:
        return work(con)


def write(path: str | Path | None, work: Callable[[duckdb.DuckDBPyConnection], T], *,
          memory_limit: str | None = None) -> T:
    """Run `work` in one transaction: all of it is stored, or nothing. Conflicts are retried.
    The transaction ends by bringing the derived receivables up to date.

    `memory_limit` (e.g. "1250MB") caps DuckDB's memory for a large transaction, commit
    included: past the cap it writes the new rows ahead to the file instead of holding them."""
    attempt = 0
    with _writer:
        while True:
            with connect(path) as con, _memory_capped(con, memory_limit):
                con.execute("BEGIN TRANSACTION")
                try:
                    result = work(con)
                    receivables.sync(con)
                    con.execute("COMMIT")
                    return result
                except Exception as error:
                    con.execute("ROLLBACK")
                    if not _is_conflict(error) or attempt >= 8:
                        raise
            time.sleep(_backoff(attempt))
            attempt += 1


@contextmanager
def _memory_capped(con: duckdb.DuckDBPyConnection, limit: str | None) -> Iterator[None]:
    if limit is None:
        yield
        return
    con.execute(f"SET memory_limit = '{limit}'")  # a constant of the caller, never user text
    try:
        yield
    finally:
        con.execute("RESET memory_limit")


def audit(con: duckdb.DuckDBPyConnection, actor: str, action: str, entity: str,
          details: str) -> None:
    """Every change leaves a line: who, when (the database clock), what."""
    con.execute(
        "INSERT INTO audit_log (id, actor, action, entity, details) "
        "VALUES (nextval('audit_seq'), ?, ?, ?, ?)",
        [actor, action, entity, details],
    )


def preview(path: str | Path | None, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run `work` as a write, return its result, and roll everything back."""
    with _writer, connect(path) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            result = work(con)
            receivables.sync(con)  # part of the cost of the real write
            return result
        finally:
            con.execute("ROLLBACK")


def frame(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pd.DataFrame:
    """A query's rows as a DataFrame keeping money as Decimal and dates as date
    (DuckDB's own .df() turns DECIMAL into float and DATE into Timestamp).

    Money columns stay Arrow decimals: each value read out, and each sum, is a Decimal, and
    no Python object is made per row until one is read (2.5 ms of a 13,000-row report)."""
    with warnings.catch_warnings():
        # DuckDB notes that Arrow from execute() costs one extra copy; con.sql() refuses to
        # run while an earlier execute() result is unfinished, and measured 2-4 ms slower on
        # the 100,000-customer reports anyway.
        warnings.simplefilter("ignore", UserWarning)
        return con.execute(sql, params).to_arrow_table().to_pandas(
            integer_object_nulls=True, types_mapper=_keep_decimals)


def _keep_decimals(arrow_type: pa.DataType) -> pd.ArrowDtype | None:
    return pd.ArrowDtype(arrow_type) if pa.types.is_decimal(arrow_type) else None


def records(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[dict]:
    return frame(con, sql, params).to_dict("records")
