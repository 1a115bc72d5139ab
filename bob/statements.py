"""A customer's statement of account for a period [FROM, TO], both days included, as the
ledger reads: opening figures on the day before FROM, every invoice, Cancellation Invoice,
payment and allocation effective in the period in date order with running figures, the
closing figures on TO, and what is open on TO by age.

Two running figures, as the ledger keeps them apart:
- the balance due: invoice totals (Cancellation Invoices negative) less allocations; it is
  the sum of the open invoices' balances, so the aging adds up to it;
- the unapplied credit: payments received less allocations (the payments' balances).
A payment received moves only the credit; applying it moves both. Nothing here writes.
"""

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from bob.access import Principal, scoped_read
from bob.documents import Document, Table, vendor_party
from bob.errors import BobError
from bob.money import format_money
from bob.months import long_date
from bob.reports import AGING_BUCKETS, to_csv
from bob.store import accounts
from bob.store import statements as statements_sql

FORMATS = ("pdf", "csv")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Entry:
    on_date: date
    entry: str
    document: str
    details: str
    charges: Decimal | None  # invoice totals, cancellations negative
    applied: Decimal | None  # allocations to invoices, releases negative
    received: Decimal | None  # payments
    balance: Decimal  # balance due after this entry
    credit: Decimal | None  # unapplied credit after this entry


@dataclass(frozen=True)
class Statement:
    customer: dict  # bob.store.accounts.customer_facts
    start: date
    end: date
    opening_balance: Decimal
    opening_credit: Decimal
    entries: tuple[Entry, ...]
    aging: dict[str, Decimal]  # every bucket of AGING_BUCKETS, in order

    @property
    def closing_balance(self) -> Decimal:
        return self.entries[-1].balance if self.entries else self.opening_balance

    @property
    def closing_credit(self) -> Decimal:
        return self.entries[-1].credit if self.entries else self.opening_credit


def check_period(start: date, end: date) -> None:
    if start > end:
        raise BobError(f"A statement's FROM date ({long_date(start)}) is after its TO date "
                       f"({long_date(end)}); FROM must be on or before TO.")


def _describe(row: dict) -> tuple[str, str, str]:
    """(entry, document, details) of one ledger row."""
    kind = row["kind"]
    if kind == "invoice":
        return "Invoice", f"Invoice {row['invoice_number']}", f"{row['billing_month']:%B %Y}"
    if kind == "cancellation":
        return ("Cancellation Invoice", f"Invoice {row['invoice_number']}",
                f"cancels invoice {row['cancels']}")
    if kind == "payment":
        reference = f" {row['reference']}" if row["reference"] else ""
        return "Payment received", f"Payment {row['payment_id']}", f"{row['method']}{reference}"
    if row["amount"] < 0:
        return ("Payment released", f"Payment {row['payment_id']}",
                f"released from invoice {row['invoice_number']}")
    return ("Payment applied", f"Payment {row['payment_id']}",
            f"to invoice {row['invoice_number']}")


def _moves(row: dict) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(charges, applied, received): the one column a ledger row fills."""
    kind, amount = row["kind"], row["amount"]
    return (amount if kind in ("invoice", "cancellation") else None,
            amount if kind == "allocation" else None,
            amount if kind == "payment" else None)


def build_statement(customer: dict, start: date, end: date, rows: list[dict],
                    open_by_age: dict[str, Decimal]) -> Statement:
    """Fold the ledger rows (bob.store.statements.entries up to `end`, in date order) into
    the opening figures (the rows before `start`) and the period's entries."""
    balance = credit = ZERO
    opening = None
    entries = []
    for row in rows:
        in_period = row["on_date"] >= start
        if in_period and opening is None:
            opening = (balance, credit)
        charges, applied, received = _moves(row)
        balance += (charges or ZERO) - (applied or ZERO)
        credit += (received or ZERO) - (applied or ZERO)
        if in_period:
            entries.append(Entry(row["on_date"], *_describe(row), charges, applied, received,
                                 balance, credit))
    opening_balance, opening_credit = opening or (balance, credit)
    return Statement(customer, start, end, opening_balance, opening_credit, tuple(entries),
                     {bucket: open_by_age.get(bucket, ZERO) for bucket in AGING_BUCKETS})


def statement(db, customer_id: str, *, start: date, end: date,
              principal: Principal | None = None) -> Statement:
    check_period(start, end)

    def work(con):
        customer = accounts.customer_facts(con, customer_id)
        if customer is None:
            raise BobError(f"There is no customer {customer_id!r}.")
        rows = statements_sql.entries(con, customer_id, end).to_dict("records")
        aged = statements_sql.open_by_age(con, customer_id, end)
        return build_statement(customer, start, end, rows,
                               dict(zip(aged["bucket"], aged["amount"], strict=True)))
    return scoped_read(principal, db, work)


def bucket_label(bucket: str) -> str:
    return "Current" if bucket == AGING_BUCKETS[0] else f"{bucket} days"


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else format_money(amount)


def statement_rows(statement: Statement) -> list[Entry]:
    """The statement as one table: the opening line, the entries, the closing line, then
    what is open on TO by age (its amount in the balance column)."""
    def summary(on_date: date, entry: str, details: str, balance: Decimal,
                credit: Decimal | None) -> Entry:
        return Entry(on_date, entry, "", details, None, None, None, balance, credit)
    return [summary(statement.start - timedelta(days=1), "Opening balance", "",
                    statement.opening_balance, statement.opening_credit),
            *statement.entries,
            summary(statement.end, "Closing balance", "", statement.closing_balance,
                    statement.closing_credit),
            *(summary(statement.end, "Open by age", bucket_label(bucket), amount, None)
              for bucket, amount in statement.aging.items())]


def statement_csv(statement: Statement) -> bytes:
    return to_csv(pd.DataFrame([asdict(row) for row in statement_rows(statement)]))


def statement_document(statement: Statement) -> Document:
    customer = statement.customer
    period = f"{long_date(statement.start)} – {long_date(statement.end)}"
    entries = tuple((e.on_date.isoformat(), e.entry, e.document, e.details, _money(e.charges),
                     _money(e.applied), _money(e.received), format_money(e.balance),
                     format_money(e.credit)) for e in statement.entries)
    aging = Table(title=f"Open on {long_date(statement.end)}, by days overdue",
                  headings=(*(bucket_label(b) for b in statement.aging), "Total open"),
                  rows=((*(format_money(a) for a in statement.aging.values()),
                         format_money(sum(statement.aging.values(), ZERO))),),
                  widths=(1, 1, 1, 1, 1, 1), align="RRRRRR")
    charges = sum((e.charges for e in statement.entries if e.charges is not None), ZERO)
    applied = sum((e.applied for e in statement.entries if e.applied is not None), ZERO)
    return Document(
        title="Statement of account",
        subtitle=f"{customer['customer_name']} · {period}",
        parties=(vendor_party(),
                 ("Customer", (customer["customer_name"], f"State: {customer['state']}",
                               customer["billing_email"] or "no billing email",
                               f"Customer {customer['customer_id']}",
                               f"Billed on behalf of {customer['partner_name']}"))),
        facts=(("Period", period),
               (f"Opening balance on {long_date(statement.start - timedelta(days=1))}",
                format_money(statement.opening_balance)),
               ("Opening unapplied credit", format_money(statement.opening_credit))),
        tables=(Table(title="Invoices, cancellations and payments",
                      headings=("Date", "Entry", "Document", "Details", "Charges", "Applied",
                                "Received", "Balance", "Credit"),
                      rows=entries or (("", "No entries in the period", "", "", "", "", "",
                                        "", ""),),
                      widths=(22, 27, 20, 29, 18, 18, 18, 18, 18), align="LLLLRRRRR"),
                aging),
        totals=(("Opening balance", format_money(statement.opening_balance)),
                ("Invoices and cancellations", format_money(charges)),
                ("Payments applied", format_money(-applied)),
                (f"Closing balance on {long_date(statement.end)}",
                 format_money(statement.closing_balance)),
                ("Unapplied credit", format_money(statement.closing_credit))),
        notes=(("How to read this statement", (
            "The balance is what the invoices ask for (Cancellation Invoices negative) less "
            "the payments applied to them. A payment not applied yet is a credit: it goes to "
            "the next invoice.",)),))


def statement_file(db, customer_id: str, *, start: date, end: date, fmt: str = "pdf",
                   principal: Principal | None = None) -> bytes:
    """The statement as the bytes of a PDF or CSV file."""
    if fmt not in FORMATS:
        raise BobError(f"A statement is written as {' or '.join(FORMATS)}, not {fmt!r}.")
    account = statement(db, customer_id, start=start, end=end, principal=principal)
    if fmt == "csv":
        return statement_csv(account)
    from bob.pdf import render  # fpdf2 takes 0.2 s to import: only drawing pays it

    return render(statement_document(account))
