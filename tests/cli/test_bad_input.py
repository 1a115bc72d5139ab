"""Bad input on every command, class by class: each case exits 2 (1 for the store's own
internal errors), prints exactly one line on stderr and nothing on stdout, shows no
traceback, and leaves the store as it was: every table's rows hash the same, and a store
that did not exist is not created.

Each case changes one argument of a command that succeeds (`test_the_valid_command_succeeds`
proves the baselines), so the refusal is that argument's. The cases run in-process through
bob.cli.main on one shared store; a few run through `python -m bob` to prove the entry point.
A store whose file (and WAL) kept every byte holds the same rows; when a byte moved, the rows'
hashes are compared.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from bob import demo, notices, store
from bob.cli import main, parser
from bob.store import receivables
from tests.cli.test_cli import ACCOUNTS as CLI_ACCOUNTS

AS_OF = "2026-11-25"
LATER = "2027-01-10"
# test_cli's cast, and two more customers of its US partner: C3 (billed, partly paid) and
# C4 (not activated yet).
ACCOUNTS = {
    "partners": CLI_ACCOUNTS["partners"],
    "customers": CLI_ACCOUNTS["customers"] + [
        {"id": "C3", "partner_id": "P1", "name": "Pine Realty", "state": "TX"},
        {"id": "C4", "partner_id": "P1", "name": "Oak Bakery", "state": "NY"},
    ],
    "subscriptions": CLI_ACCOUNTS["subscriptions"] + [
        {"id": "S4", "customer_id": "C3", "product": "UC Essential seat", "quantity": 3,
         "price": "19.95"},
        {"id": "S5", "customer_id": "C4", "product": "UC Premium seat", "quantity": 2,
         "price": "34.95"},
        {"id": "S6", "customer_id": "C4", "product": "SIP trunk", "quantity": 2, "price": "24.99"},
    ],
}
NEW_ACCOUNTS = {
    "partners": [{"id": "P3", "name": "Birch Networks", "country": "US",
                  "email": "ops@birch.example"}],
    "customers": [{"id": "C5", "partner_id": "P3", "name": "Elm Law", "state": "WA"}],
    "subscriptions": [{"id": "S7", "customer_id": "C5", "product": "UC Business seat",
                       "quantity": 1, "price": "27.95"}],
}
SMTP_UNREACHABLE = {"BOB_SMTP_HOST": "127.0.0.1", "BOB_SMTP_PORT": "9",
                    "BOB_SMTP_FROM": "billing@vendor.example", "BOB_SMTP_SECURITY": "none"}

# Each command's valid arguments, as (flag, value) pairs or positionals; "{new}" is a store
# path that does not exist yet, "{file}" the valid import file.
BASELINES = {
    "demo": ["--customers", "10", "--seed", "7", "--as-of", AS_OF],
    "import": ["{file}"],
    "activate": ["--customer", "C4", "--start", "2026-12-01", "--email", "ap@oak.example",
                 "--change", "S5=2026-12-16:30.00", "--as-of", AS_OF],
    "set-email": ["--customer", "C1", "--email", "new@bolt.example"],
    "bill-run": ["--month", "2026-12", "--as-of", AS_OF],
    "pay": ["--customer", "C1", "--amount", "10.00", "--method", "ACH", "--date", AS_OF,
            "--invoice", "1", "--reference", "wire 7", "--as-of", AS_OF],
    "cancel": ["1", "--as-of", AS_OF],
    "release": ["2", "--as-of", "2026-12-06"],
    "rebill": ["1", "--change", "S1=2026-12-01:5.00"],
    "apply": ["--payment", "2", "--invoice", "4"],
    "dunning": ["--as-of", LATER, "--dry-run"],
    "deliver": ["--limit", "5"],
    "config": ["--payment-terms", "30", "--tax-rate", "CA=7.25%"],
    "report": ["aging", "--as-of", LATER, "--format", "json"],
    "users": ["add", "boss@vendor.example", "--role", "admin"],
}
REQUIRED = {
    "import": ["{file}"], "activate": ["--customer", "--start", "--email"],
    "set-email": ["--customer", "--email"], "bill-run": ["--month"],
    "pay": ["--customer", "--amount", "--method", "--date"], "cancel": ["1"], "release": ["2"],
    "report": ["aging"], "rebill": ["1"], "apply": ["--payment"], "users": ["--role"],
}
COMMAND_ENV = {"deliver": SMTP_UNREACHABLE}
# demo makes a store: its cases run on a path with no store, which must stay absent.
MAKES_A_STORE = {"demo"}

BAD_DATES = ["", "tomorrow", "2026-13-01", "2026-02-30", "2026-00-10", "20261201",
             "2026-W48-1", "2026-12-01T00:00", "2026/12/01", "01-12-2026", "+2026-12-01",
             "２０２６-12-01", "10000-01-01", "0000-01-01", "0001-01-01", "9999-12-31",
             "1999-12-31", "3000-01-01"]
BAD_AMOUNTS = ["", "abc", "1,5", "12,50", "1,2345", "12,5000", "1e30", "1e400", "1E2",
               "1" * 29, "NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "-0", "-0.00",
               "12.345", "100000000", "0x10", "1_000", "$5", "12 50", "５", "5.", "--5"]
BAD_CUSTOMERS = ["", "NOPE", "C1' OR '1'='1", "C9", "c1", "\udcff"]
BAD_EMAILS = ["", "nope", "a@", "@b.example", "a b@c.example", "a@b", "a@@b.example",
              "a@b..example", "<a@b.example>", "a@b.example, c@d.example", "\udcff@b.example"]
BAD_MONTHS = ["", "2026", "2026-13", "2026-00", "26-12", "2026-1", "December", "2026/12",
              "9999-12", "0000-12", "10000-01", "2026-12-01", "+2026-12", "1999-12"]
BAD_METHODS = ["", "bitcoin", "cash", "ACH;--", "c h e c k"]
BAD_NUMBERS = ["0", "-1", "abc", "1.5", "99999999999999999999", "", "１", "1e3", "+1", "99"]
BAD_COUNTS = ["0", "-1", "abc", "1.5", "1e3", "", "99999999999999999999"]
BAD_TAX_RATES = ["CA", "CA=", "CA=abc", "CA=7,25%", "CA=100%", "CA=-1%", "ZZ=5%", "CA=1e5",
                 "CA=NaN", "=5%", "CA=0.123456", "CA=-0"]
BAD_CHANGES = ["S5", "S5=2026-12-16", "=2026-12-16:5.00", "S5=bad:5.00", "S5=2026-12-16:abc",
               "S5=2026-12-16:1,5", "S5=2026-12-16:-1.00", "S5=2026-12-16:1e9",
               "S5=2026-11-30:5.00", "S1=2026-12-16:5.00", "S9=2026-12-16:5.00"]
BAD_LOCK_WAITS = ["abc", "-1", "nan", "inf", "1e9", "3601", "30s"]
BAD_SMTP = [{"BOB_SMTP_PORT": port} for port in ("99999", "0", "-1", "abc", "587.0", "65536")] + [
    {"BOB_SMTP_SECURITY": "tls"}, {"BOB_SMTP_FROM": ""}]
STORE_COMMANDS = [c for c in BASELINES if c not in ("demo", "import")]


@dataclass(frozen=True)
class Case:
    argv: tuple[str, ...]
    env: dict = field(default_factory=dict, hash=False)
    exit_code: int = 2
    store: str = "shared"  # shared | new (no store there) | folder | text | json


def _replace(args: list[str], flag: str, value: str) -> list[str]:
    """The arguments with `flag`'s value (or the positional `flag`) set to `value`."""
    if not flag.startswith("-"):
        return [value if a == flag else a for a in args]
    at = args.index(flag)
    return [*args[:at + 1], value, *args[at + 2:]]


def _without(args: list[str], flag: str) -> list[str]:
    if not flag.startswith("-"):
        return [a for a in args if a != flag]
    at = args.index(flag)
    return [*args[:at], *args[at + 2:]]


def _case(command: str, args: list[str], **kwargs) -> Case:
    env = {**COMMAND_ENV.get(command, {}), **kwargs.pop("env", {})}
    where = "new" if command in MAKES_A_STORE else kwargs.pop("store", "shared")
    return Case((command, *args), env=env, store=where, **kwargs)


def _values(command: str, flag: str, values: list[str]) -> list[Case]:
    return [_case(command, _replace(BASELINES[command], flag, v)) for v in values]


def _cases() -> dict[str, Case]:
    cases: list[Case] = []
    date_flags = [(c, "--as-of") for c in BASELINES if "--as-of" in BASELINES[c]]
    date_flags += [("activate", "--start"), ("pay", "--date")]
    for command, flag in date_flags:
        cases += _values(command, flag, BAD_DATES)
    cases += _values("activate", "--change", [f"S5={d}:30.00" for d in BAD_DATES])
    cases += _values("pay", "--amount", BAD_AMOUNTS + ["0", "-5.00"])
    cases += _values("activate", "--change", [f"S5=2026-12-16:{a}" for a in BAD_AMOUNTS])
    cases += _values("activate", "--change", BAD_CHANGES)
    for command in ("activate", "set-email", "pay"):
        cases += _values(command, "--customer", BAD_CUSTOMERS)
    for command in ("activate", "set-email"):
        cases += _values(command, "--email", BAD_EMAILS)
    cases += _values("bill-run", "--month", BAD_MONTHS)
    cases += _values("pay", "--method", BAD_METHODS)
    cases += _values("pay", "--invoice", BAD_NUMBERS + ["2"])  # 2 is another customer's
    cases += _values("cancel", "1", BAD_NUMBERS)
    cases += _values("release", "2", BAD_NUMBERS + ["1"])  # 1 has no payments
    cases += _values("rebill", "1", BAD_NUMBERS + ["2", "5"])  # 2 is paid, 5 a cancellation
    cases += _values("rebill", "--change", [  # S1 is C1's own; S4 is C3's
        *(c for c in BAD_CHANGES if not c.startswith("S1=")), "S4=2026-12-01:5.00",
        "S1=2026-11-01:5.00"])  # before BoB starts
    cases += _values("apply", "--payment", BAD_NUMBERS + ["1"])  # 1 has nothing left
    cases += _values("apply", "--invoice", BAD_NUMBERS + ["2", "3"])  # paid; C1's
    cases += [_case("bill-run", ["--month", month, "--dry-run"])
              for month in [*BAD_MONTHS, "2027-03"]]  # March 2027 is too early on LATER
    cases += _values("deliver", "--limit", BAD_COUNTS)
    cases += _values("config", "--payment-terms", BAD_COUNTS[1:] + ["366"])
    cases += _values("config", "--tax-rate", BAD_TAX_RATES)
    cases += _values("demo", "--customers", BAD_COUNTS + ["9", "1000001"])
    cases += _values("demo", "--seed", ["-1", "abc", "1.5", ""])
    cases += _values("report", "aging", ["nope", "AGING", ""])
    cases += _values("report", "json", ["xml", ""])
    cases += [_case("bench", ["--customers", v]) for v in BAD_COUNTS]
    cases += [_case("bench", args) for args in (
        ["--growth", "no-such.json", "other.json"], ["--growth", "one.json"], ["--growth"])]
    cases += _values("users", "--role", ["", "owner", "Admin", "viewer"])  # the first: admin
    cases += _values("users", "boss@vendor.example", BAD_EMAILS)
    cases += [_case("users", args) for args in (
        [], ["add"], ["list", "extra"], ["remove"], ["remove", "nobody@vendor.example"],
        ["add", "p@vendor.example", "--role", "partner"],
        ["add", "p@vendor.example", "--role", "partner", "--partner", "P9"],
        ["add", "v@vendor.example", "--role", "admin", "--partner", "P1"])]
    for command, required in REQUIRED.items():
        cases += [_case(command, _without(BASELINES[command], flag)) for flag in required]
    for command in [*BASELINES, "bench"]:
        base = BASELINES.get(command, [])
        cases += [_case(command, [*base, extra]) for extra in ("--bogus", "--bogus=1", "extra")]
        cases += [_case(command, ["--as-of"]) if "--as-of" in base else
                  _case(command, [*base, "--db"])]
    cases += [Case(argv) for argv in [(), ("nope",), ("--db",), ("--db", "", "report", "aging"),
                                      ("--actor",), ("--help-me",)]]
    cases += [_case(c, BASELINES[c], env={"BOB_LOCK_WAIT_SECONDS": wait})
              for c in STORE_COMMANDS for wait in BAD_LOCK_WAITS]
    cases += [_case("deliver", BASELINES["deliver"], env=env) for env in BAD_SMTP]
    cases += [_case("deliver", BASELINES["deliver"], env={"BOB_SMTP_HOST": ""})]
    for where in ("new", "folder", "text", "json"):
        cases += [_case(c, BASELINES[c], store=where) for c in STORE_COMMANDS]
    cases += [Case(("import", "{file}"), store=where) for where in ("folder", "text", "json")]
    cases += [Case(("import", name)) for name in IMPORT_FILES]
    cases += [Case(("import", name), store="new") for name in IMPORT_FILES
              if name != "id-taken.json"]  # P1 is taken in the shared store only
    cases += [Case(("report", "aging"), env={"BOB_DB": "{new}"}),
              Case(("import", "{missing}")), Case(("import", "{folder}"))]
    by_id = {}
    for case in cases:
        name = " ".join(case.argv) + "".join(f" {k}={v}" for k, v in case.env.items()
                                             if k not in COMMAND_ENV.get(case.argv[0], {}))
        by_id[f"{case.store}: {name}".encode("utf-8", "backslashreplace").decode()] = case
    return by_id


def _partner(**changes) -> dict:
    return {"partners": [{**NEW_ACCOUNTS["partners"][0], **changes}]}


def _customer(**changes) -> dict:
    return {"partners": NEW_ACCOUNTS["partners"],
            "customers": [{**NEW_ACCOUNTS["customers"][0], **changes}]}


def _subscription(**changes) -> dict:
    return {**NEW_ACCOUNTS, "subscriptions": [{**NEW_ACCOUNTS["subscriptions"][0], **changes}]}


# Import files, each refused as a whole: file name -> the JSON text.
IMPORT_FILES = {
    "state-lowercase.json": json.dumps(_customer(state="ca")),
    "state-not-us.json": json.dumps(_customer(state="ON")),
    "state-number.json": json.dumps(_customer(state=6)),
    "state-empty.json": json.dumps(_customer(state="")),
    "state-long.json": json.dumps(_customer(state="CALIF")),
    "state-not-a-state.json": json.dumps(_customer(state="ZZ")),
    "customer-of-stored-us-partner-in-ontario.json": json.dumps(
        {"customers": [{"id": "C6", "partner_id": "P1", "name": "X", "state": "ON"}]}),
    "quantity-fraction.json": json.dumps(_subscription(quantity=2.5)),
    "quantity-true.json": json.dumps(_subscription(quantity=True)),
    "quantity-text.json": json.dumps(_subscription(quantity="3")),
    "quantity-zero.json": json.dumps(_subscription(quantity=0)),
    "quantity-negative.json": json.dumps(_subscription(quantity=-1)),
    "quantity-huge.json": json.dumps(_subscription(quantity=10**30)),
    "quantity-null.json": json.dumps(_subscription(quantity=None)),
    "price-comma.json": json.dumps(_subscription(price="12,50")),
    "price-exponent.json": json.dumps(_subscription(price="1e30")),
    "price-float-exponent.json": '{"subscriptions": [{"id": "S8", "customer_id": "C1", '
                                 '"product": "X", "quantity": 1, "price": 1e400}]}',
    "price-nan.json": '{"subscriptions": [{"id": "S8", "customer_id": "C1", "product": "X", '
                      '"quantity": 1, "price": NaN}]}',
    "price-negative.json": json.dumps(_subscription(price="-1.00")),
    "price-minus-zero.json": json.dumps(_subscription(price="-0")),
    "price-cents.json": json.dumps(_subscription(price="1.001")),
    "price-too-large.json": json.dumps(_subscription(price="100000000")),
    "price-object.json": json.dumps(_subscription(price={"amount": 5})),
    "price-true.json": json.dumps(_subscription(price=True)),
    "name-object.json": json.dumps(_partner(name={"first": "A"})),
    "name-number.json": json.dumps(_partner(name=7)),
    "name-empty.json": json.dumps(_partner(name="  ")),
    "name-control.json": json.dumps(_partner(name="Birch\u0000Networks")),
    "name-surrogate.json": '{"partners": [{"id": "P3", "name": "\\ud800", "country": "US", '
                           '"email": "ops@birch.example"}]}',
    "name-too-long.json": json.dumps(_partner(name="B" * 201)),
    "id-number.json": json.dumps(_partner(id=3)),
    "id-list.json": json.dumps(_partner(id=["P3"])),
    "id-null.json": json.dumps(_partner(id=None)),
    "id-twice.json": json.dumps({"partners": [NEW_ACCOUNTS["partners"][0]] * 2}),
    "id-taken.json": json.dumps(_partner(id="P1")),
    "product-empty.json": json.dumps(_subscription(product="")),
    "customer-unknown-partner.json": json.dumps(_customer(partner_id="P404")),
    "subscription-unknown-customer.json": json.dumps(_subscription(customer_id="C404")),
    "email-invalid.json": json.dumps(_partner(email="ops at birch")),
    "email-number.json": json.dumps(_partner(email=12)),
    "email-two.json": json.dumps(_partner(email="a@b.example, c@d.example")),
    "country-digits.json": json.dumps(_partner(country="12")),
    "country-lowercase.json": json.dumps(_partner(country="us")),
    "country-unassigned.json": json.dumps(_partner(country="XX")),
    "country-three-letters.json": json.dumps(_partner(country="USA")),
    "unknown-key.json": json.dumps(_partner(vat_id="X1")),
    "unknown-part.json": json.dumps({**NEW_ACCOUNTS, "invoices": []}),
    "missing-field.json": json.dumps({"partners": [{"id": "P3", "name": "Birch"}]}),
    "row-not-object.json": json.dumps({"partners": ["P3"]}),
    "part-not-list.json": json.dumps({"partners": {"id": "P3"}}),
    "top-level-list.json": json.dumps([NEW_ACCOUNTS]),
    "top-level-string.json": json.dumps("partners"),
    "top-level-null.json": "null",
    "deeply-nested.json": "[" * 100_000 + "]" * 100_000,
    "not-json.json": "{partners: []}",
    "empty.json": "",
    "not-utf8.json": "\udcff",
}


@pytest.fixture(scope="module", autouse=True)
def business_date():
    """The cases' dates are rehearsed on LATER, the business date of every command here."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BOB_TODAY", LATER)
        yield


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The module's files: the shared store, a valid import file, and the bad ones."""
    root = tmp_path_factory.mktemp("bad-input")
    (root / "accounts.json").write_text(json.dumps(ACCOUNTS))
    (root / "new-accounts.json").write_text(json.dumps(NEW_ACCOUNTS))
    for name, text in IMPORT_FILES.items():
        (root / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    (root / "a-folder.duckdb").mkdir()
    (root / "notes.duckdb").write_text("not a store\n")
    (root / "accounts.duckdb").write_text(json.dumps(ACCOUNTS))
    return root


@pytest.fixture(scope="module")
def shared(folder) -> Path:
    """C1 and C3 activated and billed for December (invoices 1 and 2), C3 partly paid;
    January billed (3 for C1, canceled by 5; 4 for C3), C3's second payment (2) pays off
    invoice 2 and keeps a balance."""
    db = folder / "bob.duckdb"
    steps = [
        ["import", str(folder / "accounts.json")],
        ["activate", "--customer", "C1", "--start", "2026-12-01", "--email", "ap@bolt.example",
         "--as-of", AS_OF],
        ["activate", "--customer", "C3", "--start", "2026-12-01", "--email", "ap@pine.example",
         "--as-of", AS_OF],
        ["bill-run", "--month", "2026-12", "--as-of", AS_OF],
        ["pay", "--customer", "C3", "--amount", "20.00", "--method", "check", "--date", AS_OF,
         "--invoice", "2", "--as-of", AS_OF],
        ["bill-run", "--month", "2027-01", "--as-of", "2026-12-05"],
        ["pay", "--customer", "C3", "--amount", "100.00", "--method", "wire",
         "--date", "2026-12-06", "--invoice", "2", "--as-of", "2026-12-06"],
        ["cancel", "3", "--as-of", "2026-12-06"],
    ]
    for step in steps:
        assert main(["--db", str(db), *step]) == 0, step
    return db


def fingerprint(db: Path) -> dict[str, str]:
    """A hash of every table's rows, in a stable order."""
    def work(con):
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()]
        return {t: hashlib.sha256(repr(sorted(map(repr, con.execute(
            f'SELECT * FROM "{t}"').fetchall()))).encode()).hexdigest() for t in tables}
    return store.read(db, work)


@pytest.fixture(scope="module")
def shared_fingerprint(shared) -> dict[str, str]:
    return fingerprint(shared)


def _file_bytes(db: Path) -> str:
    """A hash of the store's file and WAL as they are on disk (15 ms; its rows take 60)."""
    wal = db.with_name(db.name + ".wal")
    return hashlib.sha256(db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")).hexdigest()


def assert_unchanged(db: Path, file_bytes: str, rows: dict[str, str]) -> None:
    if _file_bytes(db) != file_bytes:
        assert fingerprint(db) == rows


def _argv(case: Case, folder: Path, shared: Path) -> tuple[list[str], Path]:
    """The case's command line with its placeholders filled in, and the store it names."""
    db = {"shared": shared, "new": folder / "no-store" / "bob.duckdb",
          "folder": folder / "a-folder.duckdb", "text": folder / "notes.duckdb",
          "json": folder / "accounts.duckdb"}[case.store]
    names = {"{file}": folder / "new-accounts.json", "{missing}": folder / "missing.json",
             "{folder}": folder / "a-folder.duckdb", "{new}": folder / "no-store" / "bob.duckdb"}
    args = [str(names.get(a, folder / a if a in IMPORT_FILES else a)) for a in case.argv]
    explicit_db = "--db" in case.argv or "BOB_DB" in case.env
    return (args if explicit_db else ["--db", str(db), *args]), db


def _stored_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def assert_one_line_refusal(out: str, err: str, exit_code: int, expected: int) -> None:
    assert exit_code == expected, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err


CASES = _cases()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
        case, folder, shared, shared_fingerprint, capsys, monkeypatch):
    argv, db = _argv(case, folder, shared)
    for name, value in case.env.items():
        monkeypatch.setenv(name, str(folder / "no-store" / "bob.duckdb") if value == "{new}"
                           else value)
    files, file_bytes = _stored_files(folder), _file_bytes(shared)
    exit_code = main(argv)
    assert_one_line_refusal(*capsys.readouterr(), exit_code, case.exit_code)
    assert _stored_files(folder) == files  # no store, folder or WAL was made
    monkeypatch.delenv("BOB_LOCK_WAIT_SECONDS", raising=False)
    assert_unchanged(shared, file_bytes, shared_fingerprint)


def test_the_cases_cover_every_command_with_hundreds_of_inputs():
    commands = {case.argv[0] for case in CASES.values() if case.argv}
    assert commands >= {*BASELINES, "bench"}
    assert len(CASES) >= 500


@pytest.mark.parametrize("command", [c for c in BASELINES if c not in MAKES_A_STORE])
def test_the_valid_command_succeeds(command, folder, shared, tmp_path, capsys, monkeypatch):
    """Each case above differs from one of these in one argument."""
    copy = tmp_path / "bob.duckdb"
    shutil.copyfile(shared, copy)
    for name, value in COMMAND_ENV.get(command, {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(notices, "FIRST_BACKOFF_SECONDS", 0.0)  # deliver's retries, at once
    args = [str(folder / "new-accounts.json") if a == "{file}" else a
            for a in BASELINES[command]]
    assert main(["--db", str(copy), command, *args]) == 0, capsys.readouterr().err


def test_the_valid_demo_arguments_are_read(capsys):
    """The demo itself is built from them in tests/demo (half a minute on a busy machine)."""
    args = parser().parse_args(["demo", *BASELINES["demo"]])
    assert (args.customers, args.seed, args.as_of.isoformat()) == (10, 7, AS_OF)


def test_the_demo_shows_its_progress_on_a_terminal_only(monkeypatch, capsys):
    shown = []
    monkeypatch.setattr(demo, "build_demo", lambda db, progress, **_: shown.append(progress) or {})
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert main(["demo", *BASELINES["demo"]]) == 0
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["demo", *BASELINES["demo"]]) == 0
    assert shown[0] is None and callable(shown[1])
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("error", [duckdb.InternalException("INTERNAL Error: bad vector"),
                                   duckdb.FatalException("FATAL Error: database invalidated")])
def test_an_internal_store_error_is_one_line_and_writes_nothing(
        error, shared, shared_fingerprint, capsys, monkeypatch):
    def fail(con):
        raise error
    monkeypatch.setattr(receivables, "sync", fail)
    exit_code = main(["--db", str(shared), *(["pay"] + BASELINES["pay"])])
    out, err = capsys.readouterr()
    assert_one_line_refusal(out, err, exit_code, 1)
    assert "The store hit an internal error; nothing was written: " in err
    monkeypatch.undo()
    assert fingerprint(shared) == shared_fingerprint


def test_duckdb_never_draws_its_progress_bar(shared):
    setting = store.read(shared, lambda con: con.execute(
        "SELECT current_setting('enable_progress_bar')").fetchone()[0])
    assert setting is False


def python_m_bob(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bob", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("case", [
    ("report", "aging", "--as-of", AS_OF),
    ("pay", *BASELINES["pay"][:3], "12,50", *BASELINES["pay"][4:]),
    ("import", "deeply-nested.json"),
    ("import", "name-surrogate.json"),
    ("cancel", "1", "--as-of", "9999-12-31"),
])
def test_the_entry_point_refuses_in_one_line(case, folder, shared, shared_fingerprint):
    argv, _ = _argv(Case(case, store="new" if case[0] == "report" else "shared"), folder, shared)
    files = _stored_files(folder)
    result = python_m_bob(*argv)
    assert_one_line_refusal(result.stdout, result.stderr, result.returncode, 2)
    assert _stored_files(folder) == files
    assert fingerprint(shared) == shared_fingerprint


def test_the_entry_point_refuses_a_bad_lock_wait(shared):
    result = python_m_bob("--db", str(shared), "report", "aging",
                          env={"BOB_LOCK_WAIT_SECONDS": "abc"})
    assert_one_line_refusal(result.stdout, result.stderr, result.returncode, 2)
    assert "BOB_LOCK_WAIT_SECONDS" in result.stderr
