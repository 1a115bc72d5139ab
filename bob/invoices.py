"""Invoice statuses, the invoice page, and cancellation (django-silver's storno).

Issued invoices are never edited. Canceling one issues a Cancellation Invoice: a new
invoice linked to the original with every line and amount negated (100 becomes -100), so
the two sum to zero and the customer's balance stays right. An invoice with payments
applied cannot be canceled: release its payments first. Canceling the last overdue invoice
of a customer whose service was stopped restores the service, as paying it would.
"""

from datetime import date

from bob import access
from bob.access import Principal, scoped_read
from bob.errors import BobError
from bob.money import format_money
from bob.months import long_date
from bob.store import dunning as dunning_sql
from bob.store import invoices as invoices_sql
from bob.store import outbox as outbox_sql
from bob.store import payments as payments_sql
from bob.store import receivables

STATUSES = ("Invoice Created", "Invoice Paid", "Overdue", "Invoice Canceled",
            "Cancellation Invoice")


def _original(con, number: int) -> dict:
    """The invoice to cancel or release, as recorded so far."""
    head = invoices_sql.invoice_head(con, number, date.max)
    if head is None:
        raise BobError(f"There is no invoice {number}.")
    if head["kind"] == "cancellation":
        raise BobError(f"Invoice {number} is a Cancellation Invoice; it cannot be canceled.")
    if head["cancellation_number"] is not None:
        raise BobError(f"Invoice {number} is already canceled by Cancellation Invoice "
                       f"{head['cancellation_number']}.")
    return head


def _not_before(day: date, earliest: date | None, number: int, what: str, because: str) -> None:
    if earliest is not None and day < earliest:
        raise BobError(f"Invoice {number} cannot be {what} on {long_date(day)}: {because} "
                       f"{long_date(earliest)}.")


def cancel(uow, number: int) -> dict:
    """Cancel an unpaid invoice on the business date with its Cancellation Invoice, never
    before the invoice was issued nor before its latest notice; the customer and the partner
    are told."""
    uow.permit(access.CANCEL, invoice=number)
    result = issue_cancellation(uow, number)
    outbox_sql.queue_correction(uow.con, "invoice_canceled", number,
                                cancellation=result["cancellation_invoice"], replacement=None,
                                as_of=uow.today)
    uow.audit("cancel", f"invoice:{number}",
              f"cancellation invoice {result['cancellation_invoice']}")
    return result


def issue_cancellation(uow, number: int) -> dict:
    """The Cancellation Invoice of an unpaid invoice, unaudited and untold (cancel and rebill
    each tell it their way)."""
    con, day = uow.con, uow.today
    head = _original(con, number)
    last_notice, _ = invoices_sql.latest_dates(con, number)
    _not_before(day, head["issue_date"], number, "canceled", "it was issued on")
    _not_before(day, last_notice, number, "canceled", "its latest notice was decided on")
    paid = invoices_sql.allocated_total(con, number)
    if paid:
        raise BobError(
            f"Invoice {number} has {format_money(paid)} of payments applied and cannot be "
            "canceled; release its payments first."
        )
    cancellation = invoices_sql.insert_cancellation(con, number, day)
    receivables.sync(con)  # the restore below reads what is still open
    restored = dunning_sql.restore_services(con, day, customer_id=head["customer_id"])
    return {"canceled": number, "cancellation_invoice": cancellation,
            "service_restored": restored > 0}


def release_payments(uow, number: int) -> dict:
    """Hand an invoice's payments back to the payments' balances (so it can be canceled), on
    the business date, never before the allocations it releases."""
    uow.permit(access.RELEASE, invoice=number)
    con, day = uow.con, uow.today
    _original(con, number)
    _, last_allocation = invoices_sql.latest_dates(con, number)
    _not_before(day, last_allocation, number, "released",
                "its latest payment applies on")
    released = payments_sql.release_invoice(con, number, day)
    if not released:
        raise BobError(f"Invoice {number} has no payments applied.")
    uow.audit("release", f"invoice:{number}",
              ", ".join(f"payment {r['payment_id']}: {r['amount']}" for r in released))
    return {"invoice": number,
            "released": [{"payment_id": int(r["payment_id"]), "amount": str(r["amount"])}
                         for r in released]}


def invoice_detail(db, number: int, *, as_of: date,
                   principal: Principal | None = None) -> dict | None:
    return scoped_read(principal, db, lambda con: invoices_sql.invoice_detail(con, number, as_of))


def ledger(db, *, as_of: date, limit: int | None = None,
           principal: Principal | None = None, **filters):
    return scoped_read(principal, db,
                       lambda con: invoices_sql.ledger(con, as_of, limit=limit, **filters))
