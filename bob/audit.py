"""The audit trail read back: who changed what, and when, newest first.

`logged_at` is the database's clock when the change was stored, not the business date
(BOB_TODAY): the trail tells when things were done, so it is read without an As-of date.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from bob.access import Principal, scoped_read
from bob.reports import to_csv
from bob.store import audit_log

FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Trail:
    rows: pd.DataFrame  # id, logged_at, actor, action, entity, details; newest first
    matching: int  # how many rows match, of which `rows` holds the newest

    @property
    def cut(self) -> bool:
        return self.matching > len(self.rows)


def audit_trail(db, *, entity: str | None = None, actor: str | None = None,
                since: date | None = None, limit: int | None = None,
                principal: Principal | None = None) -> Trail:
    """The audit rows of an entity ('invoice:12', or a bare id: '12'), by an actor, logged
    on or after a day; every filter optional. At most `limit` rows, the newest."""
    def work(con):
        filters = {"entity": entity, "actor": actor, "since": since}
        return Trail(audit_log.trail(con, **filters, limit=limit),
                     audit_log.count(con, **filters))
    return scoped_read(principal, db, work)


def actors(db, *, principal: Principal | None = None) -> list[str]:
    """Everyone who appears in the audit log, for a filter's choices."""
    return scoped_read(principal, db, audit_log.actors)


def trail_csv(db, *, entity: str | None = None, actor: str | None = None,
              since: date | None = None, principal: Principal | None = None) -> bytes:
    """Every matching audit row as CSV, newest first."""
    return to_csv(audit_trail(db, entity=entity, actor=actor, since=since,
                              principal=principal).rows)
