"""The one home of connections, schema and SQL.

DuckDB lets one process hold a database file at a time, so nothing here keeps a connection
open between operations: each unit of work opens the file, does its work, and closes it
(`session` keeps it open across one short burst, such as a page rerun). A second process
(the cron job while the app is up) waits for the lock with backoff.
"""

import math
import os
import random
import re
import tempfile
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

from bob.errors import BobError, StoreBusy
from bob.store import balances, receivables, scope
from bob.store.schema import migrate

DB_ENV = "BOB_DB"
DEFAULT_DB = Path("data") / "bob.duckdb"
LOCK_WAIT_ENV = "BOB_LOCK_WAIT_SECONDS"
MAX_LOCK_WAIT_SECONDS = 3600.0

T = TypeVar("T")

# Serialises writers inside one process (Streamlit sessions share it); DuckDB's file lock
# serialises processes.
_writer = threading.RLock()


def db_path(path: str | Path | None = None) -> Path:
    """The store in use: an explicit path, else $BOB_DB, else data/bob.duckdb."""
    return Path(path or os.environ.get(DB_ENV) or DEFAULT_DB)


def lock_wait_seconds() -> float:
    """How long to wait for another process to let go of the file: $BOB_LOCK_WAIT_SECONDS,
    30 by default; read when a store is opened, so a bad value refuses that command only."""
    text = os.environ.get(LOCK_WAIT_ENV, "").strip() or "30"
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= MAX_LOCK_WAIT_SECONDS:
        raise BobError(f"{LOCK_WAIT_ENV} must be a number of seconds from 0 to "
                       f"{MAX_LOCK_WAIT_SECONDS:.0f}, such as 30, not {text!r}.")
    return seconds


def _is_lock_error(error: Exception) -> bool:
    text = str(error)
    return "Could not set lock" in text or "Conflicting lock" in text


def _backoff(attempt: int) -> float:
    return min(0.02 * 2**attempt, 1.0) * (0.5 + random.random())


def _open(path: Path, *, create: bool) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting for another process to let go of it (StoreBusy when it has not
    by the lock wait). Only `create` makes a store (and its folder) where there is none."""
    deadline = time.monotonic() + lock_wait_seconds()
    if not create and not path.exists():
        raise BobError(f"There is no store at {path}; create one with demo or import.")
    if path.exists() and not _is_duckdb_file(path):
        raise BobError(f"{path} is not a store: it is not a DuckDB database file.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BobError(f"Cannot make a store at {path}: {error.strerror}.") from None
    attempt = 0
    while True:
        try:
            con = duckdb.connect(str(path))
        except duckdb.IOException as error:
            if not _is_lock_error(error):
                raise BobError(f"Cannot open {path} as a store: {_first_line(error)}") from None
            if time.monotonic() > deadline:
                raise StoreBusy() from None
            time.sleep(_backoff(attempt))
            attempt += 1
        else:
            con.execute("SET enable_progress_bar = false")  # never on a command's stdout
            return con


def _is_duckdb_file(path: Path) -> bool:
    """DuckDB's header: a checksum, then the magic bytes DUCK. Checked before connecting,
    since DuckDB opens some other files (JSON, CSV) as an empty in-memory database."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as file:
            return file.read(12)[8:] == b"DUCK"
    except OSError as error:
        raise BobError(f"Cannot read the store {path}: {error.strerror}.") from None


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split())


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
def connect(path: str | Path | None = None, *, create: bool = False,
            partner_id: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection to the migrated store; closed on exit. A store that does not
    exist is refused unless `create` (demo and import make stores; nothing else does).
    With `partner_id`, the connection reads only that partner's rows (bob.store.scope)."""
    resolved = db_path(path)
    con = _open(resolved, create=create)
    try:
        if not _in_session[resolved.resolve()]:
            migrate(con, _writer)
        if partner_id is not None:
            scope.restrict_to_partner(con, partner_id)
        yield con
    finally:
        con.close()


def create(path: str | Path | None = None) -> Path:
    """An empty, migrated store at `path` (made only if there is none): the explicit way to
    start one without demo data or an import."""
    with connect(path, create=True):
        return db_path(path)


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


def read(path: str | Path | None, work: Callable[[duckdb.DuckDBPyConnection], T], *,
         partner_id: str | None = None) -> T:
    """`work` on a connection of its own; a partner's reads see only its rows."""
    with connect(path, partner_id=partner_id) as con:
        return work(con)


@contextmanager
def transaction(path: str | Path | None, *, memory_limit: str | None = None,
                create: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """An open transaction on the store, for bob.unit_of_work. Writers of this process take
    turns (DuckDB's file lock already keeps other processes out), so two never conflict.
    The caller ends it: `finish(con)` to commit, or ROLLBACK. `create` makes the store if
    there is none (see `connect`); a store made for a change that is not committed is
    removed again.

    `memory_limit` (e.g. "1250MB") caps DuckDB's memory for a large transaction, commit
    included: past the cap it writes the new rows ahead to the file instead of holding them."""
    with _writer, _created_only_if_written(db_path(path), create), \
            connect(path, create=create) as con, _memory_capped(con, memory_limit):
        con.execute("BEGIN TRANSACTION")
        yield con


def finish(con: duckdb.DuckDBPyConnection) -> None:
    """Commit, after bringing the derived receivables and payment balances up to date with
    what was written."""
    receivables.sync(con)
    balances.sync(con)
    con.execute("COMMIT")


def write(path: str | Path | None, work: Callable[[duckdb.DuckDBPyConnection], T], *,
          create: bool = False) -> T:
    """Run `work` in one transaction of its own: all of it is stored, or nothing. For the
    outbox's delivery bookkeeping, which changes no ledger row; ledger changes go through
    bob.unit_of_work."""
    with transaction(path, create=create) as con:
        try:
            result = work(con)
            finish(con)
            return result
        except BaseException:
            con.execute("ROLLBACK")
            raise


@contextmanager
def _created_only_if_written(path: Path, create: bool) -> Iterator[None]:
    """A store made for a write that fails is removed again, with the folders made for it:
    a refused command leaves nothing behind."""
    if not create or path.exists():
        yield
        return
    made = [folder for folder in path.parents if not folder.exists()]
    try:
        yield
    except BaseException:
        for leftover in (path, path.with_name(path.name + ".wal")):
            leftover.unlink(missing_ok=True)
        for folder in made:
            folder.rmdir()
        raise


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


_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


def bind(sql: str, params: dict) -> dict:
    """The parameters `sql` names, out of a larger set (DuckDB refuses unused ones): the
    projections share one set, each query reads part of it."""
    named = set(_PARAMETER.findall(sql))
    return {key: value for key, value in params.items() if key in named}


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


def csv(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> bytes:
    """The query's rows as UTF-8 CSV with a header, written by DuckDB itself (COPY to a
    temp file): a ledger of 600,000 invoices takes a second or two, through pandas half a
    minute. Decimals print exactly, dates as YYYY-MM-DD, booleans as true/false."""
    with tempfile.TemporaryDirectory(prefix="bob-csv-") as folder:
        path = Path(folder) / "rows.csv"
        # The path is ours, never user text; the query's values stay parameters.
        con.execute(f"COPY ({sql}) TO '{path}' (HEADER, DELIMITER ',')", params)
        return path.read_bytes()


def records(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[dict]:
    return frame(con, sql, params).to_dict("records")
