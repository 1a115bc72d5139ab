"""Users: who may use BoB and as what (bob.access), and the production mark.

The first user may be added by anyone (a store with no users has no admin yet); after that
only an admin manages users. A store marked production refuses the app's demo mode.
"""

import pandas as pd

from bob import access, store
from bob.activation import normalized_email
from bob.errors import BobError
from bob.store import users as users_sql


def add_user(uow, email: str, role: str, partner_id: str | None = None) -> dict:
    uow.permit(access.USERS)
    email = normalized_email(email, what="The user's email").lower()
    access.check_user(email, role, partner_id)
    if role != access.ADMIN and not users_sql.has_users(uow.con):
        raise BobError("The first user must be an admin, so that someone can manage users.")
    if partner_id and not users_sql.partner_exists(uow.con, partner_id):
        raise BobError(f"There is no partner {partner_id!r}.")
    if users_sql.user(uow.con, email) is not None:
        raise BobError(f"{email} is already a user; remove them first to change their role.")
    users_sql.add_user(uow.con, email, role, partner_id, uow.today)
    uow.audit("user-add", f"user:{email}", f"role {role}" + (f", partner {partner_id}"
                                                             if partner_id else ""))
    return {"email": email, "role": role, "partner_id": partner_id}


def remove_user(uow, email: str) -> dict:
    uow.permit(access.USERS)
    if not users_sql.remove_user(uow.con, email):
        raise BobError(f"There is no user {email!r}.")
    uow.audit("user-remove", f"user:{email.lower()}", "removed")
    return {"removed": email.lower()}


def mark_production(uow) -> dict:
    """From now on the app refuses to run this store in demo mode."""
    uow.permit(access.USERS)
    users_sql.mark_production(uow.con)
    uow.audit("config", "settings", "production")
    return {"production": True}


def users(db, *, principal: access.Principal | None = None) -> pd.DataFrame:
    """Every user, by email (none for a partner)."""
    return store.read(db, users_sql.users, partner_id=access.partner_scope(principal))


def principal_of(db, email: str) -> access.Principal | None:
    """The signed-in person's principal, or None when BoB does not know the email."""
    found = store.read(db, lambda con: users_sql.user(con, email))
    return None if found is None else access.Principal(email.lower(), *found)


def is_production(db) -> bool:
    return store.read(db, users_sql.is_production)
