"""The scenario builder for the rule tests.

A store is a real DuckDB file in tmp_path. `scenario` holds the standard cast, imported with
bob.import_accounts: a US partner (Northwind) with Acme (California) and Globex (Texas), and a
German partner (Rheinland) with Berliner Werke. Its verbs are the user's: activate, bill, pay,
cancel, run the daily job. The account manager activates on 25 November 2026, so BoB starts on
1 December 2026; December is billed on its first day and falls due on 31 December.

Recipes (`with_accounts`, `with_december_invoice`, ...) build a store once per session and each
test gets a copy. Test modules import the cast's names from here: `from tests.conftest import`.
"""

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import bob
from bob import store

ACTIVATED_ON = date(2026, 11, 25)
BOB_START = date(2026, 12, 1)
DECEMBER = date(2026, 12, 1)

US_PARTNER, NON_US_PARTNER = "P-NORTHWIND", "P-RHEINLAND"
ACME, GLOBEX, BERLINER = "C-ACME", "C-GLOBEX", "C-BERLINER"
ACME_SEATS, ACME_STORAGE = "S-ACME-SEATS", "S-ACME-STORAGE"

ACCOUNTS = {
    "partners": [
        {"id": US_PARTNER, "name": "Northwind Partners", "country": "US",
         "email": "ops@northwind.example"},
        {"id": NON_US_PARTNER, "name": "Rheinland Systemhaus", "country": "DE",
         "email": "ops@rheinland.example"},
    ],
    "customers": [
        {"id": ACME, "partner_id": US_PARTNER, "name": "Acme Corp", "state": "CA"},
        {"id": GLOBEX, "partner_id": US_PARTNER, "name": "Globex", "state": "TX"},
        {"id": BERLINER, "partner_id": NON_US_PARTNER, "name": "Berliner Werke", "state": "BE"},
    ],
    "subscriptions": [
        {"id": ACME_SEATS, "customer_id": ACME, "product": "Seats", "quantity": 3,
         "price": "10.00"},
        {"id": ACME_STORAGE, "customer_id": ACME, "product": "Storage", "quantity": 1,
         "price": "30.00"},
        {"id": "S-GLOBEX-SEATS", "customer_id": GLOBEX, "product": "Seats", "quantity": 5,
         "price": "20.00"},
        {"id": "S-BERLINER-SEATS", "customer_id": BERLINER, "product": "Seats", "quantity": 2,
         "price": "15.00"},
    ],
}
BILLING_EMAILS = {ACME: "billing@acme.example", GLOBEX: "ap@globex.example",
                  BERLINER: "rechnung@berliner.example"}
LEDGER_TABLES = ("activations", "bob_subscriptions", "invoices", "invoice_lines", "payments",
                 "allocations", "notices", "service_events", "outbox", "audit_log")


def change(db: Path, use_case: Callable, *args, today: date, actor: str = "test",
           create: bool = False, **kwargs):
    """Run one use case in a unit of work dated `today` (the business date of the rehearsal)
    and commit it; `create` makes the store first (an import into a new store)."""
    with bob.unit_of_work(db, actor=actor, today=today, create=create) as uow:
        result = use_case(uow, *args, **kwargs)
        uow.commit()
    return result


def preview(db: Path, use_case: Callable, *args, today: date, **kwargs):
    """What the use case would do on `today`, rolled back."""
    with bob.unit_of_work(db, actor="test", today=today, preview=True) as uow:
        return use_case(uow, *args, **kwargs)


@dataclass
class Scenario:
    """Verbs over one store file; every one goes through the public `bob` API, each on the
    business date the test names (Kill Bill's ClockMock: time is an argument)."""

    db: Path

    # --- account manager -------------------------------------------------------------
    def add_customer(self, customer: str, *, state: str = "CA",
                     subscriptions: tuple[tuple[int, str], ...] = ((1, "10.00"),)) -> list[str]:
        """Import one more customer of the US partner with (quantity, price) subscriptions;
        returns their ids (ordered as the invoice lines will be)."""
        ids = [f"{customer}-S{n:02d}" for n in range(1, len(subscriptions) + 1)]
        change(self.db, bob.import_accounts, {
            "customers": [{"id": customer, "partner_id": US_PARTNER, "name": customer,
                           "state": state}],
            "subscriptions": [
                {"id": sub, "customer_id": customer, "product": "Seats", "quantity": quantity,
                 "price": price}
                for sub, (quantity, price) in zip(ids, subscriptions, strict=True)],
        }, today=ACTIVATED_ON)
        return ids

    def activate(self, customer: str = ACME, *, start: date = BOB_START, email: str | None = None,
                 changes: tuple[bob.SubscriptionChange, ...] = (),
                 as_of: date = ACTIVATED_ON) -> dict:
        email = email or BILLING_EMAILS.get(customer, f"billing@{customer.lower()}.example")
        request = bob.ActivationRequest(customer, start, email, tuple(changes))
        return change(self.db, bob.activate, request, today=as_of)

    # --- finance ---------------------------------------------------------------------
    def bill(self, month: date = DECEMBER, *, as_of: date | None = None) -> dict:
        """The month's bill run, on the month's first day unless told otherwise."""
        return change(self.db, bob.bill_run, month, today=as_of or month)

    def activate_and_bill(self, customer: str = ACME, *, month: date = DECEMBER,
                          **activation) -> int:
        """Activate, bill `month`, and return the number of the customer's new invoice."""
        self.activate(customer, **activation)
        self.bill(month)
        return self.invoice_number(customer, month)

    def pay(self, amount: str | Decimal, customer: str = ACME, *, on: date,
            method: str = "ACH", invoices: tuple[int, ...] = (),
            as_of: date | None = None) -> dict:
        request = bob.PaymentRequest(customer, Decimal(amount), method, on, "REF-1",
                                     tuple(invoices))
        return change(self.db, bob.record_payment, request, today=as_of or on)

    def cancel(self, number: int, *, as_of: date) -> int:
        """Cancel an invoice; returns the number of its Cancellation Invoice."""
        return change(self.db, bob.cancel, number, today=as_of)["cancellation_invoice"]

    def release(self, number: int, *, as_of: date) -> dict:
        return change(self.db, bob.release_payments, number, today=as_of)

    def rebill(self, number: int, *, as_of: date,
               changes: tuple[bob.SubscriptionChange, ...] = ()) -> dict:
        return change(self.db, bob.rebill, number, changes, today=as_of)

    def apply(self, payment_id: int, *, as_of: date, invoices: tuple[int, ...] = ()) -> dict:
        return change(self.db, bob.apply_balance, payment_id, invoices, today=as_of)

    def dun(self, as_of: date, *, dry_run: bool = False) -> dict:
        if dry_run:
            return preview(self.db, bob.run_dunning, today=as_of)
        return change(self.db, bob.run_dunning, today=as_of)

    # --- what the ledger says ----------------------------------------------------------
    def invoice(self, number: int, as_of: date) -> dict:
        return bob.invoice_detail(self.db, number, as_of=as_of)["invoice"]

    def lines(self, number: int, as_of: date = date(2099, 1, 1)) -> pd.DataFrame:
        return bob.invoice_detail(self.db, number, as_of=as_of)["lines"]

    def status(self, number: int, as_of: date) -> str:
        return self.invoice(number, as_of)["status"]

    def invoice_number(self, customer: str, month: date) -> int:
        return self.value("SELECT number FROM invoices WHERE customer_id = ? "
                          "AND billing_month = ?", [customer, month])

    def total(self, number: int) -> Decimal:
        return self.value("SELECT total FROM invoices WHERE number = ?", [number])

    def value(self, sql: str, params=None):
        return store.read(self.db, lambda con: con.execute(sql, params).fetchone()[0])

    def rows(self, sql: str, params=None) -> list[dict]:
        return store.read(self.db, lambda con: store.records(con, sql, params))

    def counts(self, tables: tuple[str, ...] = LEDGER_TABLES) -> dict[str, int]:
        return store.read(self.db, lambda con: {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in tables})

    def outbox(self, kind: str | None = None) -> list[dict]:
        return self.rows("SELECT * FROM outbox WHERE ? IS NULL OR kind = ? ORDER BY id",
                         [kind, kind])


def with_accounts(scenario: Scenario) -> None:
    change(scenario.db, bob.import_accounts, ACCOUNTS, today=ACTIVATED_ON, create=True)


def with_december_invoice(scenario: Scenario) -> None:
    with_accounts(scenario)
    scenario.activate_and_bill(ACME)


@pytest.fixture(scope="session")
def prebuilt(tmp_path_factory):
    """`prebuilt(recipe, path=None)`: a Scenario whose store `recipe` built.

    Every unit of work opens and closes the file, so building a store step by step costs a
    tenth of a second a step; each recipe (known by its name) runs once per session and its
    store is copied after that.
    """
    built: dict[str, Path] = {}

    def copy(recipe: Callable[[Scenario], None], path: Path | None = None) -> Scenario:
        if recipe.__name__ not in built:
            template = Scenario(tmp_path_factory.mktemp(recipe.__name__) / "bob.duckdb")
            recipe(template)
            built[recipe.__name__] = template.db
        target = path or tmp_path_factory.mktemp("store") / "bob.duckdb"
        shutil.copyfile(built[recipe.__name__], target)
        return Scenario(target)
    return copy


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "bob.duckdb"


@pytest.fixture
def scenario(db, prebuilt) -> Scenario:
    """A store holding the standard cast, nobody activated yet."""
    return prebuilt(with_accounts, db)


@pytest.fixture
def december_invoice(scenario, prebuilt) -> int:
    """Acme activated from 1 December and billed for December (invoice 1, 64.35, due
    31 December 2026): the scenario's store is replaced by one built that way."""
    prebuilt(with_december_invoice, scenario.db)
    return 1


# Another process (the cron job, a second app) that opens the store and keeps it open until
# told to let go: its stdin closes.
HOLDER = """
import sys
import duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def held_store():
    """`held_store(path)` returns once another process holds the store at `path`; it lets go
    when `release()` is called, or at the end of the test."""
    holders = []

    def release() -> None:
        for holder in holders:
            holder.communicate(timeout=30)

    def hold(path: Path):
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        holders.append(holder)
        assert holder.stdout.readline() == "holding\n"
        return release

    yield hold
    release()
