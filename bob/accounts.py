"""Partners, customers and subscriptions: the import file and the lists the app browses."""

from datetime import date
from decimal import Decimal

import pandas as pd

from bob import store
from bob.activation import normalized_email
from bob.errors import BobError
from bob.money import parse_amount
from bob.store import accounts as accounts_sql
from bob.store import reports as reports_sql

# A subscription's seats or units; with prices capped by bob.money.MAX_AMOUNT, no invoice
# line can outgrow its DECIMAL column.
MAX_QUANTITY = 1_000_000

FIELDS = {
    "partners": ("id", "name", "country", "email"),
    "customers": ("id", "partner_id", "name", "state"),
    "subscriptions": ("id", "customer_id", "product", "quantity", "price"),
}


def _frame(data: dict, kind: str) -> pd.DataFrame:
    rows = data.get(kind, [])
    if not isinstance(rows, list):
        raise BobError(f"'{kind}' must be a list of objects.")
    for n, row in enumerate(rows, start=1):
        missing = [f for f in FIELDS[kind] if not isinstance(row, dict) or row.get(f) in (None, "")]
        if missing:
            raise BobError(f"{kind} #{n} is missing {', '.join(missing)}.")
    frame = pd.DataFrame([{f: row[f] for f in FIELDS[kind]} for row in rows],
                         columns=list(FIELDS[kind]))
    for column in ("id", "partner_id", "customer_id", "name", "product", "state", "email"):
        if column in frame:
            frame[column] = frame[column].astype(str).str.strip()
    duplicated = frame["id"][frame["id"].duplicated()].tolist()
    if duplicated:
        raise BobError(f"{kind} ids appear twice in the file: {', '.join(duplicated[:5])}.")
    return frame


def parse_import(data: dict) -> dict[str, pd.DataFrame]:
    """Validate the import document's shape and values; every refusal names the row."""
    if not isinstance(data, dict):
        raise BobError("The import file must hold one JSON object with partners, customers "
                       "and subscriptions.")
    frames = {kind: _frame(data, kind) for kind in FIELDS}
    partners = frames["partners"]
    partners["country"] = partners["country"].str.upper()
    bad = partners[partners["country"].str.len() != 2]
    if len(bad):
        raise BobError(f"Partner {bad['id'].iloc[0]} needs a two-letter country code "
                       f"such as US, not {bad['country'].iloc[0]!r}.")
    partners["email"] = [normalized_email(email, what=f"The email of partner {partner}")
                         for partner, email in zip(partners["id"], partners["email"], strict=True)]
    subs = frames["subscriptions"]
    try:
        subs["quantity"] = [int(q) for q in subs["quantity"]]
    except (TypeError, ValueError):
        raise BobError("Subscription quantities must be whole numbers.") from None
    if (subs["quantity"] <= 0).any():
        raise BobError("Subscription quantities must be at least 1.")
    if (subs["quantity"] > MAX_QUANTITY).any():
        raise BobError(f"Subscription quantities can be at most {MAX_QUANTITY:,}.")
    subs["price"] = [parse_amount(p, what=f"The price of subscription {i}")
                     for i, p in zip(subs["id"], subs["price"], strict=True)]
    if any(p < Decimal(0) for p in subs["price"]):
        raise BobError("Subscription prices cannot be negative.")
    subs["price"] = subs["price"].astype(str)
    return frames


def import_accounts(db, data: dict, *, actor: str = "system") -> dict:
    """Add partners, customers and subscriptions; all of the file or none of it."""
    frames = parse_import(data)

    def work(con):
        for kind in FIELDS:
            taken = accounts_sql.existing_ids(con, kind, frames[kind]["id"].tolist())
            if taken:
                raise BobError(f"{kind} already in the store: {', '.join(taken[:5])}.")
        known_partners = set(frames["partners"]["id"]) | set(
            accounts_sql.existing_ids(con, "partners", frames["customers"]["partner_id"].tolist()))
        orphans = set(frames["customers"]["partner_id"]) - known_partners
        if orphans:
            raise BobError(f"Customers name unknown partners: {', '.join(sorted(orphans)[:5])}.")
        known_customers = set(frames["customers"]["id"]) | set(accounts_sql.existing_ids(
            con, "customers", frames["subscriptions"]["customer_id"].tolist()))
        orphans = set(frames["subscriptions"]["customer_id"]) - known_customers
        if orphans:
            raise BobError("Subscriptions name unknown customers: "
                           f"{', '.join(sorted(orphans)[:5])}.")
        accounts_sql.import_frames(con, frames["partners"], frames["customers"],
                                   frames["subscriptions"])
        counts = {kind: len(frame) for kind, frame in frames.items()}
        store.audit(con, actor, "import", "accounts", str(counts))
        return {"imported": counts}
    return store.write(db, work)


def customer_profile(db, customer_id: str, *, as_of: date) -> dict | None:
    """The account profile: the customer, its partner, BoB information, subscriptions."""
    def work(con):
        facts = accounts_sql.customer_facts(con, customer_id)
        if facts is None:
            return None
        listed = reports_sql.customers(con, as_of, search=None, partner_id=facts["partner_id"])
        row = listed[listed["customer_id"] == customer_id].to_dict("records")[0]
        return {**facts, **row, "subscriptions": accounts_sql.subscriptions_of(con, customer_id)}
    return store.read(db, work)


def customers(db, *, as_of: date, search: str | None = None, partner_id: str | None = None,
              bob_status: str | None = None, limit: int | None = None) -> pd.DataFrame:
    return store.read(db, lambda con: reports_sql.customers(
        con, as_of, search=search, partner_id=partner_id, bob_status=bob_status, limit=limit))
