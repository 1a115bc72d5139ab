"""Who may do what: roles, the signed-in principal, and the one permission table.

Every use case asks its unit of work first (`uow.permit(CANCEL, invoice=number)`): a role
that may not run it is refused in plain words, and a partner may touch only its own
partner's customers, invoices and payments (another partner's reads as not found, like an
unknown id). Reads take `principal`: a partner's reads see only its own partner's rows
(bob.store.scope); everyone else reads everything.
"""

from dataclasses import dataclass

import duckdb

from bob import store
from bob.errors import BobError
from bob.store import users as users_sql

VIEWER, ACCOUNT_MANAGER, FINANCE, ADMIN, PARTNER = (
    "viewer", "account_manager", "finance", "admin", "partner")
ROLES = (VIEWER, ACCOUNT_MANAGER, FINANCE, ADMIN, PARTNER)
ROLE_LABELS = {VIEWER: "viewer", ACCOUNT_MANAGER: "account manager", FINANCE: "finance",
               ADMIN: "admin", PARTNER: "partner"}

(ACTIVATE, SET_EMAIL, EDIT_TERMS, BILL_RUN, RECORD_PAYMENT, APPLY, RELEASE, CANCEL, REBILL,
 DUNNING, DELIVER, SETTINGS, IMPORT, USERS) = (
    "activate", "set-email", "edit-terms", "bill-run", "pay", "apply", "release", "cancel",
    "rebill", "dunning", "deliver", "settings", "import", "users")

_AM, _F, _A, _P = ACCOUNT_MANAGER, FINANCE, ADMIN, PARTNER
# use case        -> (roles allowed, what it is, in words); a viewer reads and changes nothing
PERMISSIONS: dict[str, tuple[frozenset[str], str]] = {
    ACTIVATE:       (frozenset({_AM, _F, _A, _P}), "activate Billing on Behalf"),
    SET_EMAIL:      (frozenset({_AM, _F, _A, _P}), "change billing emails"),
    EDIT_TERMS:     (frozenset({_AM, _F, _A}), "edit subscription terms"),
    BILL_RUN:       (frozenset({_F, _A}), "run the bill run"),
    RECORD_PAYMENT: (frozenset({_F, _A}), "record payments"),
    APPLY:          (frozenset({_F, _A}), "apply payments"),
    RELEASE:        (frozenset({_F, _A}), "release payments"),
    CANCEL:         (frozenset({_F, _A}), "cancel invoices"),
    REBILL:         (frozenset({_F, _A}), "rebill invoices"),
    DUNNING:        (frozenset({_F, _A}), "run the dunning job"),
    DELIVER:        (frozenset({_F, _A}), "deliver emails"),
    SETTINGS:       (frozenset({_F, _A}), "change settings"),
    IMPORT:         (frozenset({_A}), "import accounts"),
    USERS:          (frozenset({_A}), "manage users"),
}


@dataclass(frozen=True)
class Principal:
    """Who acts or reads. `role` None is a system actor (cron, the demo, tests) on a store
    with no users: unrestricted."""
    email: str
    role: str | None = None
    partner_id: str | None = None

    def may(self, action: str) -> bool:
        return self.role is None or self.role in PERMISSIONS[action][0]

    @property
    def label(self) -> str:
        if self.role is None:
            return self.email
        if self.role == PARTNER:
            return f"{self.email} (partner {self.partner_id})"
        return f"{self.email} ({ROLE_LABELS[self.role]})"


def system(name: str) -> Principal:
    return Principal(name)


def partner_scope(principal: Principal | None) -> str | None:
    """The partner whose rows alone a read may see; None: every row."""
    return principal.partner_id if principal is not None and principal.role == PARTNER else None


def check_permitted(principal: Principal, action: str) -> None:
    if not principal.may(action):
        raise BobError(f"{principal.label} may not {PERMISSIONS[action][1]}; "
                       "ask an admin for a role that may.")


def check_user(email: str, role: str, partner_id: str | None) -> None:
    """A user's role, and a partner id exactly when the role is partner."""
    if role not in ROLES:
        raise BobError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
    if role == PARTNER and not partner_id:
        raise BobError(f"A partner user needs --partner PARTNER_ID ({email}).")
    if role != PARTNER and partner_id:
        raise BobError(f"Only a partner user belongs to a partner; {email} is {role}.")


def resolve_actor(con: duckdb.DuckDBPyConnection, actor: Principal | str) -> Principal:
    """The principal behind `actor`: itself, or a name. A name on a store with users is that
    user, with its role (unknown: refused); on a store with no users it is a system actor
    (cron, the demo, a test) that may do everything."""
    if isinstance(actor, Principal):
        return actor
    if not users_sql.has_users(con):
        return system(actor)
    found = users_sql.user(con, actor)
    if found is None:
        raise BobError(f"{actor} is not a BoB user; ask an admin to add them "
                       "(python -m bob users add).")
    return Principal(actor.lower(), *found)


def scoped_read(principal: Principal | None, db, work):
    """`store.read` as `principal` reads: a partner's connection sees only its own rows."""
    return store.read(db, work, partner_id=partner_scope(principal))
