"""python -m bob: the command line for cron and scripts.

Every command that changes data prints a JSON result. Bad input exits 2 with one clear
line on stderr and writes nothing; any other failure exits 1, also as one line.
"""

import argparse
import dataclasses
import json
import os
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd

import bob
from bob.errors import BobError
from bob.money import parse_amount
from bob.months import parse_date, parse_month

REPORTS = ("aging", "whatif", "invoices", "payments", "notices")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise BobError(f"{self.prog}: {message}")


def _date(text: str) -> date:
    return parse_date(text)


def _change(text: str) -> bob.SubscriptionChange:
    """SUB_ID=START_DATE:PRICE, e.g. S12=2027-01-01:19.90"""
    try:
        sub_id, terms = text.split("=", 1)
        start, price = terms.split(":", 1)
    except ValueError:
        raise BobError(f"--change must look like SUB_ID=2027-01-01:19.90, not {text!r}.") from None
    return bob.SubscriptionChange(sub_id.strip(), parse_date(start, what="Start date"),
                                  parse_amount(price, what=f"The price of {sub_id}"))


def parser() -> argparse.ArgumentParser:
    today = date.today()
    p = _Parser(prog="python -m bob", description="BoB — Billing on Behalf")
    p.add_argument("--db", help="store file (default $BOB_DB or data/bob.duckdb)")
    p.add_argument("--actor", default=os.environ.get("USER", "cli"), help="who, for the audit log")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = sub.add_parser("demo", help="create a realistic demo store")
    demo.add_argument("--customers", type=int, default=300)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--as-of", type=_date, default=today)

    imp = sub.add_parser("import", help="import partners, customers and subscriptions (JSON)")
    imp.add_argument("file", type=Path)

    act = sub.add_parser("activate", help="activate Billing on Behalf for a customer")
    act.add_argument("--customer", required=True)
    act.add_argument("--start", required=True, type=_date)
    act.add_argument("--email", required=True)
    act.add_argument("--change", action="append", default=[], type=_change,
                     metavar="SUB_ID=START_DATE:PRICE")
    act.add_argument("--as-of", type=_date, default=today)

    email = sub.add_parser("set-email", help="change a customer's billing email")
    email.add_argument("--customer", required=True)
    email.add_argument("--email", required=True)

    run = sub.add_parser("bill-run", help="issue a month's invoices")
    run.add_argument("--month", required=True, type=parse_month)
    run.add_argument("--as-of", type=_date, default=today)

    pay = sub.add_parser("pay", help="record a payment")
    pay.add_argument("--customer", required=True)
    pay.add_argument("--amount", required=True, type=parse_amount)
    pay.add_argument("--method", required=True)
    pay.add_argument("--date", required=True, type=_date)
    pay.add_argument("--invoice", action="append", type=int, default=[], metavar="NUMBER")
    pay.add_argument("--reference", default="")
    pay.add_argument("--as-of", type=_date, default=today)

    cancel = sub.add_parser("cancel", help="cancel an invoice (issues its Cancellation Invoice)")
    cancel.add_argument("number", type=int)
    cancel.add_argument("--as-of", type=_date, default=today)

    release = sub.add_parser("release", help="release an invoice's payments to their balances")
    release.add_argument("number", type=int)
    release.add_argument("--as-of", type=_date, default=today)

    dun = sub.add_parser("dunning", help="the daily overdue-notice job")
    dun.add_argument("--as-of", type=_date, default=today)
    dun.add_argument("--dry-run", action="store_true")

    deliver = sub.add_parser("deliver", help="send pending outbox emails over SMTP")
    deliver.add_argument("--limit", type=int)

    config = sub.add_parser("config", help="payment terms and sales tax rates")
    config.add_argument("--payment-terms", type=int, metavar="DAYS")
    config.add_argument("--tax-rate", action="append", default=[], metavar="STATE=RATE")

    rep = sub.add_parser("report", help="print a report")
    rep.add_argument("kind", choices=REPORTS)
    rep.add_argument("--as-of", type=_date, default=today)
    rep.add_argument("--format", choices=("csv", "json"), default="csv")

    bench = sub.add_parser("bench", help="measure bill run, dunning, reports and pages")
    bench.add_argument("--customers", type=int, default=100_000)
    bench.add_argument("--quick", action="store_true", help="10,000 customers")
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


def _report(db, kind: str, as_of: date) -> pd.DataFrame:
    if kind == "aging":
        return bob.aging(db, as_of=as_of)
    if kind == "whatif":
        return bob.whatif(db, as_of=as_of)
    if kind == "invoices":
        return bob.ledger(db, as_of=as_of)
    if kind == "payments":
        from bob.reports import payments
        return payments(db, as_of=as_of)
    from bob.reports import outbox
    return outbox(db, as_of=as_of, limit=None)


def _print_rows(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        # Strict JSON: an empty cell is null, never NaN.
        _print_json(frame.astype(object).where(frame.notna(), None).to_dict("records"))


def run(args: argparse.Namespace) -> None:
    db = args.db
    command = args.command
    if command == "demo":
        from bob.demo import build_demo
        _print_json(build_demo(db, customers=args.customers, seed=args.seed, as_of=args.as_of,
                               progress=lambda f, m: print(f"{f:4.0%} {m}", file=sys.stderr)))
    elif command == "import":
        try:
            data = json.loads(args.file.read_text())
        except (OSError, ValueError) as error:
            raise BobError(f"Cannot read {args.file}: {error}") from None
        _print_json(bob.import_accounts(db, data, actor=args.actor))
    elif command == "activate":
        request = bob.ActivationRequest(args.customer, args.start, args.email, tuple(args.change))
        _print_json(bob.activate(db, request, as_of=args.as_of, actor=args.actor))
    elif command == "set-email":
        _print_json(bob.set_billing_email(db, args.customer, args.email, actor=args.actor))
    elif command == "bill-run":
        _print_json(bob.bill_run(db, args.month, as_of=args.as_of, actor=args.actor))
    elif command == "pay":
        request = bob.PaymentRequest(args.customer, args.amount, args.method, args.date,
                                     args.reference, tuple(args.invoice))
        _print_json(bob.record_payment(db, request, as_of=args.as_of, actor=args.actor))
    elif command == "cancel":
        _print_json(bob.cancel(db, args.number, as_of=args.as_of, actor=args.actor))
    elif command == "release":
        _print_json(bob.release_payments(db, args.number, as_of=args.as_of, actor=args.actor))
    elif command == "dunning":
        _print_json(bob.run_dunning(db, as_of=args.as_of, dry_run=args.dry_run, actor=args.actor))
    elif command == "deliver":
        from bob.notices import SmtpConfig, deliver_pending
        config = SmtpConfig.from_env()
        if config is None:
            raise BobError("SMTP is not configured: set BOB_SMTP_HOST (and port, user, password)"
                           " or an [smtp] table in .streamlit/secrets.toml.")
        _print_json(deliver_pending(db, config, limit=args.limit))
    elif command == "config":
        from bob.config import configure
        _print_json(configure(db, payment_terms_days=args.payment_terms,
                              tax_rates=args.tax_rate, actor=args.actor))
    elif command == "report":
        _print_rows(_report(db, args.kind, args.as_of), args.format)
    elif command == "bench":
        from bob.bench import main as bench_main
        bench_main(customers=10_000 if args.quick else args.customers, db=db)


def main(argv: list[str] | None = None) -> int:
    try:
        run(parser().parse_args(argv))
    except BobError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # one line for cron mail, never a traceback
        message = " ".join(str(error).split())
        print(f"error: {type(error).__name__}: {message}", file=sys.stderr)
        return 1
    return 0
