"""What every page shares: the As-of date, the store in use, cached reads, guarded writes.

Not a page itself (app.py registers pages explicitly). Reads are cached per (function,
arguments, store version); the store version is the file's size and modification time, so
a write by the cron job is seen on the next rerun, and every write here clears the cache.
"""

import importlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import streamlit as st

import bob
from bob import overview, store

AS_OF = "as_of"


def db_path() -> Path:
    return store.db_path()


def as_of() -> date:
    """The global As-of date: every status, stage and chart follows it."""
    return st.session_state.get(AS_OF) or date.today()


def store_version() -> tuple[int, int]:
    path = db_path()
    if not path.exists():
        return (0, 0)
    wal = path.with_name(path.name + ".wal")
    stat = path.stat()
    return (stat.st_mtime_ns + (wal.stat().st_mtime_ns if wal.exists() else 0), stat.st_size)


def sidebar() -> None:
    with st.sidebar:
        st.date_input("As of", value=date.today(), key=AS_OF, format="YYYY-MM-DD",
                      help="Time travel: statuses, dunning stages, aging and what-if follow it.")
        path = db_path()
        size = path.stat().st_size / 1e6 if path.exists() else 0
        st.caption(f"Store: `{path}` · {size:,.1f} MB")


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(module: str, name: str, version: tuple[int, int], db: str, kwargs: tuple):
    return getattr(importlib.import_module(module), name)(db, **dict(kwargs))


def load(read: Callable, **kwargs):
    """A cached call of a bob read function, `read(db, **kwargs)`."""
    return _cached(read.__module__, read.__name__, store_version(), str(db_path()),
                   tuple(sorted(kwargs.items())))


def write(change: Callable, *args, **kwargs):
    """Call a bob write, `change(db, ...)`; a refusal is shown as the rule, in plain words.

    Returns the result, or None when refused (nothing was written then).
    """
    try:
        result = change(str(db_path()), *args, **kwargs)
    except bob.BobError as error:
        st.error(str(error), icon=":material/block:")
        return None
    st.cache_data.clear()
    return result


def empty_state(message: str) -> None:
    st.info(message, icon=":material/lightbulb:")


def has_data() -> bool:
    """False on a store with no customers: pages then say how to load the demo."""
    if not db_path().exists():
        return False
    return load(overview.has_customers)


NO_DATA = ("The store is empty. Create demo data with `python -m bob demo`, or import your "
           "partners, customers and subscriptions with `python -m bob import FILE.json`.")
