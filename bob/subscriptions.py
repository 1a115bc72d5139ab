"""Editing the Billing on Behalf terms of subscriptions: start date and monthly unit price.

Only subscriptions of activated customers have BoB terms. A change obeys the wizard's rules
(bob.activation.check_terms): it starts no earlier than the customer's BoB start and costs
>= 0 in whole cents. Saving is all or nothing: one invalid edit and nothing is stored. A
change affects invoices not issued yet; issued invoices never change. Every saved change is
written to the audit log with the terms before and after.
"""

from datetime import date, datetime
from decimal import Decimal

import duckdb
import pandas as pd

from bob import access
from bob.access import Principal, scoped_read
from bob.activation import SubscriptionChange, check_terms
from bob.errors import BobError
from bob.money import format_money, parse_amount
from bob.months import long_date
from bob.store import accounts as accounts_sql
from bob.store import frame

EDITABLE = ("start_date", "price")

TERMS = """
SELECT b.subscription_id, b.customer_id, c.name AS customer_name, p.name AS partner_name,
       s.product, s.quantity, s.price AS list_price, a.start_date AS bob_start,
       b.start_date, b.price
FROM bob_subscriptions b
JOIN activations a ON a.customer_id = b.customer_id AND a.activated_on <= $as_of
JOIN subscriptions s ON s.id = b.subscription_id
JOIN customers c ON c.id = b.customer_id
JOIN partners p ON p.id = c.partner_id
WHERE ($customer_id IS NULL OR b.customer_id = $customer_id)
  AND ($partner_id IS NULL OR c.partner_id = $partner_id)
  AND ($search IS NULL OR c.name ILIKE '%' || $search || '%' OR c.id ILIKE $search || '%')
ORDER BY c.name, b.customer_id, b.subscription_id
LIMIT $limit
"""


def terms_rows(con: duckdb.DuckDBPyConnection, as_of: date, *, customer_id: str | None,
               partner_id: str | None, search: str | None, limit: int) -> pd.DataFrame:
    return frame(con, TERMS, {"as_of": as_of, "customer_id": customer_id,
                              "partner_id": partner_id, "search": search or None,
                              "limit": limit})


def terms(db, *, as_of: date, customer_id: str | None = None, partner_id: str | None = None,
          search: str | None = None, limit: int = 500,
          principal: Principal | None = None) -> pd.DataFrame:
    """The BoB terms of one customer's, one partner's or the matching customers'
    subscriptions, at most `limit` rows: never the whole table."""
    if not (customer_id or partner_id or search):
        raise BobError("Choose a customer or a partner first.")
    return scoped_read(principal, db, lambda con: terms_rows(con, as_of, customer_id=customer_id,
                                                 partner_id=partner_id, search=search,
                                                 limit=limit))


def _as_date(value, subscription_id: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        # The editor sends ISO text, sometimes with a time part: 2027-01-01T00:00:00.000
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise BobError(f"Subscription {subscription_id} needs a start date "
                       f"such as 2027-01-01, not {value!r}.") from None


def _as_price(value, subscription_id: str) -> Decimal:
    if value is None or isinstance(value, bool):
        raise BobError(f"Subscription {subscription_id} needs a price.")
    return parse_amount(value, what=f"The price of subscription {subscription_id}")


def _refuse(problems: list[str]) -> None:
    if problems:
        raise BobError("Nothing was saved. " + " ".join(problems))


def diff_edits(original_rows: list[dict], edited_rows: dict) -> list[SubscriptionChange]:
    """Turn a data editor's `edited_rows` ({row position: {column: value}}) over
    `original_rows` (subscription_id, bob_start, start_date, price) into validated changes.

    Rows whose terms end up unchanged are left out; columns other than start_date and price
    are ignored (the editor shows them read-only). Every problem found is reported at once.
    """
    changes, problems = [], []
    for position, edits in sorted((int(k), v) for k, v in edited_rows.items()):
        row = original_rows[position]
        subscription_id = row["subscription_id"]
        try:
            start = _as_date(edits.get("start_date", row["start_date"]), subscription_id)
            price = _as_price(edits.get("price", row["price"]), subscription_id)
            if start == row["start_date"] and price == row["price"]:
                continue
            check_terms(subscription_id, start, price, row["bob_start"])
        except BobError as error:
            problems.append(str(error))
            continue
        changes.append(SubscriptionChange(subscription_id, start, price))
    _refuse(problems)
    return changes


def save_terms(uow, changes: list[SubscriptionChange]) -> dict:
    """Store new BoB terms, checked again against the store: all of them, or none."""
    uow.permit(access.EDIT_TERMS)
    changes = list(changes)
    ids = [change.subscription_id for change in changes]
    if len(set(ids)) != len(ids):
        raise BobError("A subscription is changed twice; nothing was saved.")
    current = {row["subscription_id"]: row
               for row in accounts_sql.bob_subscription_terms(uow.con, ids).to_dict("records")}
    problems = []
    for change in changes:
        was = current.get(change.subscription_id)
        if was is None:
            problems.append(f"Subscription {change.subscription_id} is not billed on behalf; "
                            "activate its customer first.")
            continue
        try:
            check_terms(change.subscription_id, change.start_date, change.price,
                        was["bob_start"])
        except BobError as error:
            problems.append(str(error))
    _refuse(problems)
    saved, said = [], []
    for change in changes:
        was = current[change.subscription_id]
        said.append(_what_changed(change, was))
        accounts_sql.update_bob_subscription(uow.con, change.subscription_id, change.start_date,
                                             change.price)
        uow.audit("set-terms", f"subscription:{change.subscription_id}",
                  f"start {was['start_date']} -> {change.start_date}, "
                  f"price {was['price']} -> {change.price}")
        saved.append({"subscription_id": change.subscription_id,
                      "customer_id": was["customer_id"],
                      "start_date": change.start_date.isoformat(), "price": str(change.price)})
    return {"saved": len(saved), "subscriptions": saved, "summary": _summary(said)}


def _what_changed(change: SubscriptionChange, was: dict) -> str:
    """'the new price of S-1 ($7.50)', 'the new start date and price of S-1 (…, …)'."""
    parts = [(name, text) for name, text, changed in (
        ("start date", long_date(change.start_date), change.start_date != was["start_date"]),
        ("price", format_money(change.price), change.price != was["price"])) if changed]
    if not parts:
        return f"the same terms of {change.subscription_id}"
    return (f"the new {' and '.join(name for name, _ in parts)} of {change.subscription_id} "
            f"({', '.join(text for _, text in parts)})")


def _summary(said: list[str]) -> str:
    if not said:
        return "Nothing changed."
    if len(said) == 1:
        return f"Saved {said[0]}."
    return f"Saved {len(said)} changes: " + "; ".join(said) + "."


def save_edits(uow, original_rows: list[dict], edited_rows: dict) -> dict:
    """The editing table's Save: diff_edits, then save_terms."""
    return save_terms(uow, diff_edits(original_rows, edited_rows))
