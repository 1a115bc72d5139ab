"""One change to the ledger: the open transaction, who makes it and the day it happens on.

Every use case (`bill_run(uow, month)`, `record_payment(uow, request)`, ...) takes a unit
of work and writes through `uow.con`. Nothing is stored until `uow.commit()`; leaving the
`with` block without it rolls everything back, so a preview is a unit of work that never
commits:

    with unit_of_work(db, actor="ann@vendor.example", today=date(2026, 12, 1)) as uow:
        result = bill_run(uow, month)
        uow.commit()

`today` is the business date (bob.clock): the day every change happens on. A change dated
after it is refused in plain words; a command that allows an earlier date (a receipt date,
a catch-up dunning day) says so with `uow.not_after_today`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb

from bob import store
from bob.errors import BobError
from bob.months import long_date


@dataclass(frozen=True)
class UnitOfWork:
    con: duckdb.DuckDBPyConnection
    actor: str
    today: date
    preview: bool = False
    _state: dict = field(default_factory=lambda: {"committed": False}, repr=False,
                         compare=False)

    def not_after_today(self, day: date, what: str) -> date:
        """`day`, refused when it is after the business date (a preview may look ahead)."""
        if day > self.today and not self.preview:
            raise BobError(f"{what} {long_date(day)} is after today, {long_date(self.today)}; "
                           "changes happen today or earlier, never in the future.")
        return day

    def on(self, day: date) -> "UnitOfWork":
        """The same transaction dated `day`: an earlier business date (the demo's history, a
        catch-up), or a later one only in a preview (the first invoice of an activation)."""
        self.not_after_today(day, "The date")
        return replace(self, today=day)

    def audit(self, action: str, entity: str, details: str) -> None:
        store.audit(self.con, self.actor, action, entity, details)

    def commit(self) -> None:
        if self.preview:
            raise RuntimeError("a preview never commits")
        store.finish(self.con)
        self._state["committed"] = True

    @property
    def committed(self) -> bool:
        return self._state["committed"]


@contextmanager
def unit_of_work(db: str | Path | None, *, actor: str, today: date, preview: bool = False,
                 memory_limit: str | None = None, create: bool = False) -> Iterator[UnitOfWork]:
    """Open the store for one change; it commits only through `uow.commit()`. Only the
    commands that fill a store (demo, import) may `create` it (bob.store.transaction)."""
    with store.transaction(db, memory_limit=memory_limit, create=create) as con:
        uow = UnitOfWork(con, actor, today, preview)
        try:
            yield uow
        finally:
            if not uow.committed:
                con.execute("ROLLBACK")
