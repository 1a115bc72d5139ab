"""What every page shares: the business date and the As-of lens, the store in use, cached
reads, guarded writes.

Not a page itself (app.py registers pages explicitly). Reads are cached per (function,
arguments, store version); the store version is the file's size and modification time, so
a write by the cron job is seen on the next rerun, and every write here clears the cache.
"""

import importlib
import inspect
from collections.abc import Callable
from datetime import date
from pathlib import Path

import streamlit as st

import bob
from bob import overview, store
from bob.access import Principal
from bob.months import long_date
from ui import auth

AS_OF = "as_of"
TODAY = "business_date"


def db_path() -> Path:
    return store.db_path()


def start_rerun() -> None:
    """Read the business date, once per rerun, where the app starts (app.py)."""
    st.session_state[TODAY] = bob.business_date()
    st.session_state.setdefault(AS_OF, st.session_state[TODAY])


def today() -> date:
    """The business date of this rerun: every change in the app happens on it."""
    return st.session_state.get(TODAY) or bob.business_date()


def as_of() -> date:
    """The global As-of date, a lens for reading: every status, stage and chart follows it."""
    return st.session_state.get(AS_OF) or today()


def lens_only() -> bool:
    """True while the As-of date is not today: the app reads that date and writes nothing."""
    return as_of() != today()


def lens_reason() -> str | None:
    """Why a control that writes is disabled (None when it is not): the help text of every
    such control."""
    if not lens_only():
        return None
    return (f"You are viewing {long_date(as_of())}; changes happen today, "
            f"{long_date(today())}. Go back to today to make changes.")


def _back_to_today() -> None:
    st.session_state[AS_OF] = today()


def store_version() -> tuple[int, int]:
    path = db_path()
    if not path.exists():
        return (0, 0)
    wal = path.with_name(path.name + ".wal")
    stat = path.stat()
    return (stat.st_mtime_ns + (wal.stat().st_mtime_ns if wal.exists() else 0), stat.st_size)


def sidebar() -> None:
    with st.sidebar:
        st.date_input("As of", key=AS_OF, format="YYYY-MM-DD",
                      help="Time travel: statuses, dunning stages, aging and what-if follow "
                           "it. Changes always happen today.")
        path = db_path()
        size = path.stat().st_size / 1e6 if path.exists() else 0
        st.caption(f"Store: `{path}` · {size:,.1f} MB")


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(module: str, name: str, version: tuple[int, int], db: str, kwargs: tuple):
    return getattr(importlib.import_module(module), name)(db, **dict(kwargs))


def load(read: Callable, **kwargs):
    """A cached call of a bob read function, `read(db, **kwargs)`, as the signed-in person
    reads (a partner: only its own customers)."""
    if "principal" in inspect.signature(read).parameters:
        kwargs["principal"] = principal()
    return _cached(read.__module__, read.__name__, store_version(), str(db_path()),
                   tuple(sorted(kwargs.items())))


def lens_banner() -> None:
    """On every page while the As-of date is not today: say so, and offer the way back."""
    if not lens_only():
        return
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.warning(f"Viewing {long_date(as_of())}. Changes happen today, {long_date(today())}.",
                 icon=":material/history:")
    right.button("Back to today", on_click=_back_to_today, key="back_to_today",
                 icon=":material/today:")


def write(use_case: Callable, *args, **kwargs):
    """Run a bob use case, `use_case(uow, ...)`, in a unit of work dated today and commit it;
    a refusal is shown as the rule, in plain words. Refused while the As-of lens is on.

    Returns the result, or None when refused (nothing was written then).
    """
    if lens_only():
        st.error(lens_reason(), icon=":material/block:")
        return None
    try:
        with bob.unit_of_work(str(db_path()), actor=principal(), today=today()) as uow:
            result = use_case(uow, *args, **kwargs)
            uow.commit()
    except bob.BobError as error:
        st.error(str(error), icon=":material/block:")
        return None
    st.cache_data.clear()
    return result


def preview(use_case: Callable, *args, **kwargs):
    """What `use_case(uow, ...)` would do today, in a unit of work that never commits.
    Raises BobError when the use case refuses."""
    with bob.unit_of_work(str(db_path()), actor=principal(), today=today(),
                          preview=True) as uow:
        return use_case(uow, *args, **kwargs)


def principal() -> Principal | None:
    """Who reads and acts in this rerun (ui.auth: signed in, or the demo's "View as")."""
    return auth.principal()


def blocked(action: str) -> bool:
    """Whether a control that does `action` is disabled: the As-of lens, or a role that may
    not."""
    return lens_only() or not auth.may(action)


def blocked_reason(action: str) -> str | None:
    """The help text of such a control: why it is disabled (None when it is not)."""
    return lens_reason() or auth.refusal(action)


def empty_state(message: str) -> None:
    st.info(message, icon=":material/lightbulb:")


def has_data() -> bool:
    """False on a store with no customers: pages then say how to load the demo."""
    if not db_path().exists():
        return False
    return load(overview.has_customers)


NO_DATA = ("The store is empty. Create demo data with `python -m bob demo`, or import your "
           "partners, customers and subscriptions with `python -m bob import FILE.json`.")
