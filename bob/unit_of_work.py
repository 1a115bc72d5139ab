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

`actor` is who acts: a bob.access.Principal (the app's signed-in person), or a name. A name
on a store with users is that user, with its role (unknown: refused); on a store with no
users it is a system actor (cron, the demo, a test) that may do everything. Each use case
asks `uow.permit(...)` before it writes anything.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb

from bob import store
from bob.access import Principal, check_permitted, resolve_actor
from bob.errors import BobError
from bob.months import long_date
from bob.store import users as users_sql


@dataclass(frozen=True)
class UnitOfWork:
    con: duckdb.DuckDBPyConnection
    principal: Principal
    today: date
    preview: bool = False
    _state: dict = field(default_factory=lambda: {"committed": False}, repr=False,
                         compare=False)

    @property
    def actor(self) -> str:
        """Who the audit log names."""
        return self.principal.email

    def permit(self, action: str, *, customer: str | None = None, invoice: int | None = None,
               payment: int | None = None) -> None:
        """Refuse, in plain words, a use case the principal's role may not run, or one about
        a customer, invoice or payment of another partner (as if it did not exist)."""
        check_permitted(self.principal, action)
        scope = self.principal.partner_id
        if scope is None:
            return
        for kind, key in (("customer", customer), ("invoice", invoice), ("payment", payment)):
            if key is not None and users_sql.owning_partner(self.con, kind, key) != scope:
                raise BobError(f"There is no {kind} {key!r}." if kind == "customer"
                               else f"There is no {kind} {key}.")

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
def unit_of_work(db: str | Path | None, *, actor: Principal | str, today: date,
                 preview: bool = False,
                 memory_limit: str | None = None, create: bool = False) -> Iterator[UnitOfWork]:
    """Open the store for one change; it commits only through `uow.commit()`. Only the
    commands that fill a store (demo, import) may `create` it (bob.store.transaction)."""
    with store.transaction(db, memory_limit=memory_limit, create=create) as con:
        try:
            uow = UnitOfWork(con, resolve_actor(con, actor), today, preview)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        try:
            yield uow
        finally:
            if not uow.committed:
                con.execute("ROLLBACK")

