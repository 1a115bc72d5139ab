"""python -m bob: the command line for cron and scripts.

Every command that changes data prints a JSON result. Bad input exits 2 with one clear
line on stderr and writes nothing; any other failure exits 1, also as one line.
"""

import argparse
import dataclasses
import getpass
import json
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

import bob
from bob import audit, documents, statements, store, users
from bob.access import ROLES, Principal, resolve_actor
from bob.clock import business_date
from bob.errors import BobError, StoreBusy
from bob.money import parse_amount
from bob.months import long_date, parse_date, parse_month
from bob.unit_of_work import unit_of_work

REPORTS = ("aging", "whatif", "invoices", "payments", "notices")
T = TypeVar("T")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise BobError(f"{self.prog}: {message}")


def _argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse `type=` that lets argparse name the argument in a refusal."""
    def parse_argument(text: str) -> T:
        try:
            return parse(text)
        except BobError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return parse_argument


def _whole(minimum: int) -> Callable[[str], int]:
    """A whole number of at least `minimum` written in digits, small enough for the store."""
    def whole(text: str) -> int:
        written = text.strip()
        if not written.isascii() or not written.isdigit() or len(written) > 18:
            raise argparse.ArgumentTypeError(f"must be a whole number such as {max(minimum, 1)},"
                                             f" not {text!r}")
        if int(written) < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {text}")
        return int(written)
    return whole


def _store_path(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a store file, not ''")
    return text


_date = _argument(parse_date)


def _subscription_change(text: str) -> bob.SubscriptionChange:
    """SUB_ID=START_DATE:PRICE, e.g. S12=2027-01-01:19.90"""
    try:
        sub_id, terms = text.split("=", 1)
        start, price = terms.split(":", 1)
    except ValueError:
        raise BobError(f"--change must look like SUB_ID=2027-01-01:19.90, not {text!r}.") from None
    return bob.SubscriptionChange(sub_id.strip(), parse_date(start, what="Start date"),
                                  parse_amount(price, what=f"The price of {sub_id}"))


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m bob", description="BoB — Billing on Behalf")
    p.add_argument("--db", type=_store_path,
                   help="store file (default $BOB_DB or data/bob.duckdb)")
    p.add_argument("--actor", default=_os_user(), metavar="EMAIL",
                   help="who acts (default: the OS user): audited, and on a store with users "
                        "that user's role applies")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = sub.add_parser("demo", help="create a realistic demo store")
    demo.add_argument("--customers", type=_whole(1), default=300)
    demo.add_argument("--seed", type=_whole(0), default=7)
    demo.add_argument("--as-of", type=_date, default=None)

    imp = sub.add_parser("import", help="import partners, customers and subscriptions (JSON)")
    imp.add_argument("file", type=Path)

    act = sub.add_parser("activate", help="activate Billing on Behalf for a customer")
    act.add_argument("--customer", required=True)
    act.add_argument("--start", required=True, type=_date)
    act.add_argument("--email", required=True)
    act.add_argument("--change", action="append", default=[],
                     type=_argument(_subscription_change), metavar="SUB_ID=START_DATE:PRICE")
    act.add_argument("--as-of", type=_date, default=None)

    email = sub.add_parser("set-email", help="change a customer's billing email")
    email.add_argument("--customer", required=True)
    email.add_argument("--email", required=True)

    run = sub.add_parser("bill-run", help="issue a month's invoices")
    run.add_argument("--month", required=True, type=_argument(parse_month))
    run.add_argument("--as-of", type=_date, default=None)
    run.add_argument("--dry-run", action="store_true",
                     help="print what the run would issue and whom it skips; write nothing")

    pay = sub.add_parser("pay", help="record a payment")
    pay.add_argument("--customer", required=True)
    pay.add_argument("--amount", required=True, type=_argument(parse_amount))
    pay.add_argument("--method", required=True)
    pay.add_argument("--date", required=True, type=_date)
    pay.add_argument("--invoice", action="append", type=_whole(1), default=[], metavar="NUMBER")
    pay.add_argument("--reference", default="")
    pay.add_argument("--as-of", type=_date, default=None)

    cancel = sub.add_parser("cancel", help="cancel an invoice (issues its Cancellation Invoice)")
    cancel.add_argument("number", type=_whole(1))
    cancel.add_argument("--as-of", type=_date, default=None)

    rebill = sub.add_parser("rebill", help="cancel an invoice and issue its replacement")
    rebill.add_argument("number", type=_whole(1))
    rebill.add_argument("--change", action="append", default=[],
                        type=_argument(_subscription_change), metavar="SUB_ID=START_DATE:PRICE")

    apply = sub.add_parser("apply", help="apply a payment's unapplied balance now")
    apply.add_argument("--payment", required=True, type=_whole(1), metavar="ID")
    apply.add_argument("--invoice", action="append", type=_whole(1), default=[],
                       metavar="NUMBER")

    release = sub.add_parser("release", help="release an invoice's payments to their balances")
    release.add_argument("number", type=_whole(1))
    release.add_argument("--as-of", type=_date, default=None)

    dun = sub.add_parser("dunning", help="the daily overdue-notice job")
    dun.add_argument("--as-of", type=_date, default=None)
    dun.add_argument("--dry-run", action="store_true")

    deliver = sub.add_parser("deliver", help="send pending outbox emails over SMTP")
    deliver.add_argument("--limit", type=_whole(1))

    config = sub.add_parser("config", help="payment terms and sales tax rates")
    config.add_argument("--payment-terms", type=_whole(0), metavar="DAYS")
    config.add_argument("--tax-rate", action="append", default=[], metavar="STATE=RATE")
    config.add_argument("--production", action="store_true",
                        help="mark the store production: the app then refuses demo mode")

    users = sub.add_parser("users", help="who may use BoB, and as what")
    user_command = users.add_subparsers(dest="users_command", required=True,
                                        parser_class=_Parser)
    add = user_command.add_parser("add", help="add a user (the first one: an admin)")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--partner", metavar="PARTNER_ID", help="a partner user's partner")
    user_command.add_parser("list", help="every user, as CSV")
    remove = user_command.add_parser("remove", help="remove a user")
    remove.add_argument("email")

    rep = sub.add_parser("report", help="print a report")
    rep.add_argument("kind", choices=REPORTS)
    rep.add_argument("--as-of", type=_date, default=None)
    rep.add_argument("--format", choices=("csv", "json"), default="csv")

    pdf = sub.add_parser("pdf", help="write an invoice (or Cancellation Invoice) as a PDF")
    pdf.add_argument("number", type=_whole(1))
    pdf.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    pdf.add_argument("--as-of", type=_date, default=None, help="balance and status as of")

    statement = sub.add_parser("statement", help="a customer's statement of account")
    statement.add_argument("--customer", required=True)
    statement.add_argument("--from", dest="start", required=True, type=_date, metavar="DATE")
    statement.add_argument("--to", dest="end", required=True, type=_date, metavar="DATE")
    statement.add_argument("--format", choices=statements.FORMATS, default="pdf")
    statement.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")

    trail = sub.add_parser("audit", help="print the audit trail, newest first")
    trail.add_argument("--entity", help="e.g. invoice:1234, or a bare id such as 1234")
    trail.add_argument("--by", help="who made the changes (the actor)")
    trail.add_argument("--since", type=_date, metavar="DATE")
    trail.add_argument("--format", choices=audit.FORMATS, default="csv")

    bench = sub.add_parser("bench", help="measure bill run, dunning, reports and pages")
    bench.add_argument("--customers", type=_whole(1), default=100_000)
    bench.add_argument("--quick", action="store_true", help="10,000 customers")
    bench.add_argument("--browser", action="store_true",
                       help="also time the app in Chromium (bench/browser.py)")
    bench.add_argument("--growth", nargs=2, metavar=("SMALLER.json", "LARGER.json"),
                       help="compare two results of bench/results/: how each item grew")
    return p


def _json_default(value):
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, Decimal | date | Path):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON: {type(value)}")


def _print_json(result) -> None:
    print(json.dumps(result, default=_json_default, indent=2))


def _report(db, kind: str, as_of: date, today: date, reader: Principal) -> pd.DataFrame:
    if kind == "aging":
        return bob.aging(db, as_of=as_of, today=today, principal=reader)
    if kind == "whatif":
        return bob.whatif(db, as_of=as_of, today=today, principal=reader)
    if kind == "invoices":
        return bob.ledger(db, as_of=as_of, principal=reader)
    if kind == "payments":
        from bob.reports import payments
        return payments(db, as_of=as_of, principal=reader)
    from bob.reports import outbox
    return outbox(db, as_of=as_of, limit=None, principal=reader)


def _reader(args: argparse.Namespace) -> Principal:
    """Who reads: `--actor`, as its role allows on a store with users (a partner: only its
    own partner's rows)."""
    return store.read(args.db, lambda con: resolve_actor(con, args.actor))


def _print_rows(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        # Strict JSON: an empty cell is null, never NaN.
        _print_json(frame.astype(object).where(frame.notna(), None).to_dict("records"))


def _write_file(path: Path, data: bytes) -> None:
    """Write a document built in full beforehand; a path that cannot be written is refused."""
    try:
        path.write_bytes(data)
    except OSError as error:
        raise BobError(f"Cannot write {path}: {error.strerror or error}.") from None
    _print_json({"file": path, "bytes": len(data)})


def _on(args: argparse.Namespace, today: date) -> date:
    """The day a change happens on: `--as-of`, today or earlier; default today."""
    day = getattr(args, "as_of", None) or today
    if day > today:
        raise BobError(f"--as-of {long_date(day)} is after today, {long_date(today)}; "
                       "changes happen today or earlier, never in the future.")
    return day


def _change(args: argparse.Namespace, today: date, use_case, *params, create: bool = False,
            **options) -> None:
    """Run one use case in a unit of work dated `--as-of` (or today), commit, print JSON.
    Only `import` may `create` the store."""
    with unit_of_work(args.db, actor=args.actor, today=_on(args, today),
                      create=create) as uow:
        result = use_case(uow, *params, **options)
        uow.commit()
    _print_json(result)


def run(args: argparse.Namespace, today: date) -> None:
    db = args.db
    command = args.command
    if command == "demo":
        from bob.demo import build_demo
        _print_json(build_demo(db, customers=args.customers, seed=args.seed,
                               as_of=_on(args, today), progress=_progress()))
    elif command == "import":
        from bob.accounts import read_import_file
        _change(args, today, bob.import_accounts, read_import_file(args.file), create=True)
    elif command == "activate":
        request = bob.ActivationRequest(args.customer, args.start, args.email, tuple(args.change))
        _change(args, today, bob.activate, request)
    elif command == "set-email":
        _change(args, today, bob.set_billing_email, args.customer, args.email)
    elif command == "bill-run" and args.dry_run:
        _print_json(bob.bill_run_plan(db, month=args.month, today=_on(args, today)))
    elif command == "bill-run":
        _change(args, today, bob.bill_run, args.month)
    elif command == "rebill":
        _change(args, today, bob.rebill, args.number, tuple(args.change))
    elif command == "apply":
        _change(args, today, bob.apply_balance, args.payment, tuple(args.invoice))
    elif command == "pay":
        request = bob.PaymentRequest(args.customer, args.amount, args.method, args.date,
                                     args.reference, tuple(args.invoice))
        _change(args, today, bob.record_payment, request)
    elif command == "cancel":
        _change(args, today, bob.cancel, args.number)
    elif command == "release":
        _change(args, today, bob.release_payments, args.number)
    elif command == "dunning":
        # The run's day may be a past day (a catch-up); its emails are queued today.
        with unit_of_work(db, actor=args.actor, today=today, preview=args.dry_run) as uow:
            result = bob.run_dunning(uow, _on(args, today))
            if not args.dry_run:
                uow.commit()
        _print_json(result)
    elif command == "deliver":
        from bob.notices import SmtpConfig, deliver_pending
        config = SmtpConfig.from_env()
        if config is None:
            raise BobError("SMTP is not configured: set BOB_SMTP_HOST (and port, user, password)"
                           " or an [smtp] table in .streamlit/secrets.toml.")
        _print_json(deliver_pending(db, config, today=today, limit=args.limit,
                                    actor=args.actor))
    elif command == "config":
        from bob.config import configure
        if args.production:
            _change(args, today, users.mark_production)
        if args.payment_terms is not None or args.tax_rate or not args.production:
            _change(args, today, configure, payment_terms_days=args.payment_terms,
                    tax_rates=args.tax_rate)
    elif command == "users":
        _users(args, today)
    elif command == "report":
        _print_rows(_report(db, args.kind, args.as_of or today, today, _reader(args)),
                    args.format)
    elif command == "pdf":
        _write_file(args.output, documents.invoice_pdf(db, args.number, as_of=args.as_of or today,
                                                       principal=_reader(args)))
    elif command == "statement":
        _write_file(args.output, statements.statement_file(
            db, args.customer, start=args.start, end=args.end, fmt=args.format,
            principal=_reader(args)))
    elif command == "audit":
        trail = audit.audit_trail(db, entity=args.entity, actor=args.by, since=args.since,
                                  principal=_reader(args))
        _print_rows(trail.rows, args.format)
    elif command == "bench" and args.growth:
        from bob.bench import growth, growth_markdown
        print(growth_markdown(growth(*args.growth)))
    elif command == "bench":
        from bob.bench import main as bench_main
        bench_main(customers=10_000 if args.quick else args.customers, db=db,
                   browser=args.browser)


def _users(args: argparse.Namespace, today: date) -> None:
    if args.users_command == "add":
        _change(args, today, users.add_user, args.email, args.role, args.partner)
    elif args.users_command == "remove":
        _change(args, today, users.remove_user, args.email)
    else:
        _print_rows(users.users(args.db, principal=_reader(args)), "csv")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _progress() -> Callable[[float, str], None] | None:
    """The demo's progress, for a person watching: on a terminal only, so that what a script
    or cron reads on stderr is the one line of an error, if any."""
    if not sys.stderr.isatty():
        return None
    return lambda fraction, message: print(f"{fraction:4.0%} {message}", file=sys.stderr)


def _check_text(argv: list[str]) -> None:
    for argument in argv:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            raise BobError(f"An argument is not valid UTF-8 text: {argument!r}.") from None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    try:
        _check_text(arguments)
        run(parser().parse_args(arguments), business_date())
    except BobError as error:  # a refusal is bad input (2); a busy store is worth a retry (1)
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return 1 if isinstance(error, StoreBusy) else 2
    except (duckdb.InternalException, duckdb.FatalException) as error:
        print("error: The store hit an internal error; nothing was written: "
              f"{_one_line(error)}", file=sys.stderr)
        return 1
    except Exception as error:  # one line for cron mail, never a traceback
        print(f"error: {type(error).__name__}: {_one_line(error)}", file=sys.stderr)
        return 1
    return 0
