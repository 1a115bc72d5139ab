"""What a printed document says, as plain text: the invoice (or Cancellation Invoice) here,
the statement of account in bob.statements. Pure functions of what the ledger reads, giving
a Document that bob.pdf draws, whatever it holds.

Periods are half-open in the ledger (`period_start <= d < period_end`); a document prints the
last day billed, `period_end - 1 day`, as people read a period.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from bob.access import Principal, scoped_read
from bob.config import VENDOR
from bob.errors import BobError
from bob.money import format_money
from bob.months import long_date
from bob.reports import percent
from bob.store import invoices as invoices_sql


@dataclass(frozen=True)
class Table:
    """A titled table of text; `align` has one letter per column: L(eft) or R(ight)."""

    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    align: str


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    parties: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, lines): who from, who to
    facts: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...]
    totals: tuple[tuple[str, str], ...]
    notes: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, paragraphs)


def vendor_party() -> tuple[str, tuple[str, ...]]:
    return "From", (VENDOR.name, *VENDOR.address, VENDOR.email)


def period_text(start: date, end: date) -> str:
    """The half-open period [start, end) as its first and last day."""
    return f"{long_date(start)} – {long_date(end - timedelta(days=1))}"


def _lines_table(lines: list[dict]) -> Table:
    return Table(
        title="Lines",
        headings=("Description", "Qty", "Unit price", "Period", "Days", "Amount"),
        rows=tuple((line["description"], str(line["quantity"]), format_money(line["unit_price"]),
                    period_text(line["period_start"], line["period_end"]),
                    f"{line['days']}/{line['days_in_month']}", format_money(line["amount"]))
                   for line in lines),
        widths=(50, 10, 22, 60, 14, 24), align="LRRLRR")


def _payment_instructions(invoice: dict, as_of: date) -> tuple[str, ...]:
    number = invoice["number"]
    if invoice["kind"] == "cancellation":
        return (f"This Cancellation Invoice cancels invoice {invoice['cancels']}: "
                "nothing is to be paid for either.",)
    if invoice["cancellation_number"] is not None:
        return (f"This invoice is canceled by Cancellation Invoice "
                f"{invoice['cancellation_number']}: nothing is to be paid for it.",)
    if invoice["balance"] <= 0:
        return (f"Paid in full by {long_date(as_of)}. Thank you.",)
    overdue = (f" It is {invoice['days_overdue']} days overdue."
               if invoice["days_overdue"] else "")
    return (f"Please pay {format_money(invoice['balance'])} by "
            f"{long_date(invoice['due_date'])}.{overdue}",
            f"Remit to: {'; '.join(VENDOR.remit_to)}.",
            f"Reference invoice {number} with your payment.")


def invoice_document(detail: dict, as_of: date) -> Document:
    """An invoice or Cancellation Invoice as printed, from bob.invoice_detail(as_of=as_of)."""
    invoice = detail["invoice"]
    number = invoice["number"]
    cancellation = invoice["kind"] == "cancellation"
    facts = [("Invoice number", str(number)), ("Issue date", long_date(invoice["issue_date"])),
             ("Due date", long_date(invoice["due_date"]))]
    if cancellation:
        facts.append(("Cancels invoice", str(invoice["cancels"])))
    else:
        facts.append(("Billing month", f"{invoice['billing_month']:%B %Y}"))
    if invoice["cancellation_number"] is not None:
        facts.append(("Canceled by", f"Cancellation Invoice {invoice['cancellation_number']} "
                                     f"of {long_date(invoice['canceled_on'])}"))
    facts.append((f"Status on {long_date(as_of)}", invoice["status"]))
    return Document(
        title=f"{'Cancellation Invoice' if cancellation else 'Invoice'} {number}",
        subtitle=f"Billed on behalf of {invoice['partner_name']}",
        parties=(vendor_party(),
                 ("Bill to", (invoice["customer_name"], f"State: {invoice['customer_state']}",
                              invoice["billing_email"],
                              f"Customer {invoice['customer_id']}"))),
        facts=tuple(facts),
        tables=(_lines_table(detail["lines"].to_dict("records")),),
        totals=(("Amount", format_money(invoice["amount"])),
                (f"Sales tax ({invoice['customer_state']}, {percent(invoice['tax_rate'])})",
                 format_money(invoice["tax"])),
                ("Total", format_money(invoice["total"])),
                (f"Paid by {long_date(as_of)}", format_money(invoice["paid"])),
                (f"Balance on {long_date(as_of)}", format_money(invoice["balance"]))),
        notes=(("Payment instructions", _payment_instructions(invoice, as_of)),))


def invoice_pdf(db, number: int, *, as_of: date, principal: Principal | None = None) -> bytes:
    """The invoice as a PDF, with its balance and status as of a date."""
    from bob.pdf import render  # fpdf2 takes 0.2 s to import: only drawing pays it

    detail = scoped_read(principal, db, lambda con: invoices_sql.invoice_detail(con, number, as_of))
    if detail is None:
        raise BobError(f"There is no invoice {number} issued by {long_date(as_of)}.")
    return render(invoice_document(detail, as_of))
