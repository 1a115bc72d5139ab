"""Partners, customers and subscriptions: the import file and the lists the app browses."""

import json
import re
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd

from bob import access
from bob.access import Principal, scoped_read
from bob.activation import normalized_email
from bob.dunning import projection
from bob.errors import BobError
from bob.money import parse_amount
from bob.places import check_country, check_us_state
from bob.store import accounts as accounts_sql
from bob.store import reports as reports_sql

# A subscription's seats or units; with prices capped by bob.money.MAX_AMOUNT, no invoice
# line can outgrow its DECIMAL column.
MAX_QUANTITY = 1_000_000
MAX_TEXT = 200  # characters in an id, a name or a product

FIELDS = {
    "partners": ("id", "name", "country", "email"),
    "customers": ("id", "partner_id", "name", "state"),
    "subscriptions": ("id", "customer_id", "product", "quantity", "price"),
}
ROW_NAMES = {"partners": "Partner", "customers": "Customer", "subscriptions": "Subscription"}
# A region abroad as ISO 3166-2 writes it after the country: ON, ENG, BY, D.
_REGION = re.compile(r"[A-Z0-9]{1,3}", re.ASCII)


def read_import_file(path: Path) -> dict:
    """The import file's JSON document; a file that cannot be read as JSON is refused."""
    try:
        text = path.read_text(encoding="utf-8")
        return json.loads(text, parse_float=Decimal, parse_constant=_not_json)
    except RecursionError:
        raise BobError(f"Cannot read {path}: it is nested too deeply for an import file.") from None
    except (OSError, ValueError) as error:
        raise BobError(f"Cannot read {path}: {' '.join(str(error).split())}") from None


def _not_json(constant: str):
    raise ValueError(f"{constant} is not a JSON number")


def _as_json(value) -> str:
    """A value as the file wrote it: true, null, {"a": 1}, "ca"."""
    return json.dumps(value, default=str)


def _text(value, who: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BobError(f"{who} needs {field} as non-empty text, not {_as_json(value)}.")
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise BobError(f"{who} has a {field} longer than {MAX_TEXT} characters.")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise BobError(f"{who} has a {field} with control or broken characters: "
                       f"{_as_json(text)}.")
    return text


def _region(value, who: str) -> str:
    if not isinstance(value, str) or not _REGION.fullmatch(value.strip()):
        raise BobError(f"{who} needs a state code such as CA (uppercase), not {_as_json(value)}.")
    return value.strip()


def _quantity(value, who: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        raise BobError(f"{who} needs a quantity that is a whole number from 1 to "
                       f"{MAX_QUANTITY:,}, not {_as_json(value)}.")
    return value


def _price(value, who: str) -> str:
    if not isinstance(value, str | int | Decimal):
        raise BobError(f"{who} needs a price such as \"19.90\", not {_as_json(value)}.")
    price = parse_amount(value, what=f"The price of {who.lower()}")
    if price < 0:
        raise BobError(f"The price of {who.lower()} cannot be negative ({price}).")
    return str(price)


def _field(field: str, value, who: str):
    if field == "country":
        return check_country(value, who=who)
    if field == "email":
        return normalized_email(_text(value, who, field), what=f"The email of {who.lower()}")
    if field == "state":
        return _region(value, who)
    if field == "quantity":
        return _quantity(value, who)
    if field == "price":
        return _price(value, who)
    return _text(value, who, field)


def _row(kind: str, n: int, row) -> dict:
    who = f"{ROW_NAMES[kind]} #{n}"
    if not isinstance(row, dict):
        raise BobError(f"{who} must be an object with {', '.join(FIELDS[kind])}.")
    unknown = [str(key) for key in row if key not in FIELDS[kind]]
    if unknown:
        raise BobError(f"{who} has fields an import does not know: {', '.join(unknown)} "
                       f"(it takes {', '.join(FIELDS[kind])}).")
    missing = [f for f in FIELDS[kind] if f not in row]
    if missing:
        raise BobError(f"{who} is missing {', '.join(missing)}.")
    return {field: _field(field, row[field], who) for field in FIELDS[kind]}


def _frame(data: dict, kind: str) -> pd.DataFrame:
    rows = data.get(kind, [])
    if not isinstance(rows, list):
        raise BobError(f"'{kind}' must be a list of objects.")
    frame = pd.DataFrame([_row(kind, n, row) for n, row in enumerate(rows, start=1)],
                         columns=list(FIELDS[kind]))
    duplicated = frame["id"][frame["id"].duplicated()].tolist()
    if duplicated:
        raise BobError(f"{kind} ids appear twice in the file: {', '.join(duplicated[:5])}.")
    return frame


def parse_import(data: dict) -> dict[str, pd.DataFrame]:
    """Validate the import document's shape and every value; a refusal names the first bad
    row. Customers' states are checked against their partners' countries in `import_accounts`,
    since a partner may already be in the store."""
    if not isinstance(data, dict):
        raise BobError("The import file must hold one JSON object with partners, customers "
                       "and subscriptions.")
    unknown = [str(key) for key in data if key not in FIELDS]
    if unknown:
        raise BobError(f"The import file has parts BoB does not know: {', '.join(unknown)} "
                       "(it takes partners, customers and subscriptions).")
    return {kind: _frame(data, kind) for kind in FIELDS}


def check_states(customers: pd.DataFrame, countries: dict[str, str]) -> None:
    """A US partner's customers are taxed by state: each needs a US state (or DC) code."""
    for n, row in enumerate(customers.itertuples(), start=1):
        if countries.get(row.partner_id) == "US":
            check_us_state(row.state, who=f"Customer #{n} ({row.id}, of a US partner)")


def import_accounts(uow, data: dict) -> dict:
    """Add partners, customers and subscriptions; all of the file or none of it."""
    uow.permit(access.IMPORT)
    frames = parse_import(data)
    con = uow.con
    for kind in FIELDS:
        taken = accounts_sql.existing_ids(con, kind, frames[kind]["id"].tolist())
        if taken:
            raise BobError(f"{kind} already in the store: {', '.join(taken[:5])}.")
    countries = {**accounts_sql.partner_countries(
        con, frames["customers"]["partner_id"].tolist()),
        **dict(zip(frames["partners"]["id"], frames["partners"]["country"], strict=True))}
    orphans = set(frames["customers"]["partner_id"]) - set(countries)
    if orphans:
        raise BobError(f"Customers name unknown partners: {', '.join(sorted(orphans)[:5])}.")
    check_states(frames["customers"], countries)
    known_customers = set(frames["customers"]["id"]) | set(accounts_sql.existing_ids(
        con, "customers", frames["subscriptions"]["customer_id"].tolist()))
    orphans = set(frames["subscriptions"]["customer_id"]) - known_customers
    if orphans:
        raise BobError("Subscriptions name unknown customers: "
                       f"{', '.join(sorted(orphans)[:5])}.")
    accounts_sql.import_frames(con, frames["partners"], frames["customers"],
                               frames["subscriptions"])
    counts = {kind: len(frame) for kind, frame in frames.items()}
    uow.audit("import", "accounts", str(counts))
    return {"imported": counts}


def customer_profile(db, customer_id: str, *, as_of: date, today: date,
                     principal: Principal | None = None) -> dict | None:
    """The account profile: the customer, its partner, BoB information, subscriptions."""
    def work(con):
        facts = accounts_sql.customer_facts(con, customer_id)
        if facts is None:
            return None
        listed = reports_sql.customers(con, projection(con, as_of, today), search=None,
                                       partner_id=facts["partner_id"])
        row = listed[listed["customer_id"] == customer_id].to_dict("records")[0]
        return {**facts, **row, "subscriptions": accounts_sql.subscriptions_of(con, customer_id)}
    return scoped_read(principal, db, work)


def customers(db, *, as_of: date, today: date, search: str | None = None,
              partner_id: str | None = None, bob_status: str | None = None,
              limit: int | None = None, principal: Principal | None = None) -> pd.DataFrame:
    return scoped_read(principal, db, lambda con: reports_sql.customers(
        con, projection(con, as_of, today), search=search, partner_id=partner_id,
        bob_status=bob_status, limit=limit))
