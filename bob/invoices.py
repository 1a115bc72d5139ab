"""Invoice statuses, the invoice page, and cancellation (django-silver's storno).

Issued invoices are never edited. Canceling one issues a Cancellation Invoice: a new
invoice linked to the original with every line and amount negated (100 becomes -100), so
the two sum to zero and the customer's balance stays right. An invoice with payments
applied cannot be canceled: release its payments first.
"""

from datetime import date

from bob import store
from bob.errors import BobError
from bob.money import format_money
from bob.store import invoices as invoices_sql
from bob.store import payments as payments_sql

STATUSES = ("Invoice Created", "Invoice Paid", "Overdue", "Invoice Canceled",
            "Cancellation Invoice")


def _original(con, number: int, as_of: date) -> dict:
    head = invoices_sql.invoice_head(con, number, as_of)
    if head is None:
        raise BobError(f"There is no invoice {number} issued by {as_of.isoformat()}.")
    if head["kind"] == "cancellation":
        raise BobError(f"Invoice {number} is a Cancellation Invoice; it cannot be canceled.")
    if head["cancellation_number"] is not None:
        raise BobError(f"Invoice {number} is already canceled by Cancellation Invoice "
                       f"{head['cancellation_number']}.")
    return head


def cancel(db, number: int, *, as_of: date, actor: str = "system") -> dict:
    def work(con):
        _original(con, number, as_of)
        paid = invoices_sql.allocated_total(con, number)
        if paid:
            raise BobError(
                f"Invoice {number} has {format_money(paid)} of payments applied and cannot be "
                "canceled; release its payments first."
            )
        cancellation = invoices_sql.insert_cancellation(con, number, as_of)
        store.audit(con, actor, "cancel", f"invoice:{number}",
                    f"cancellation invoice {cancellation}")
        return {"canceled": number, "cancellation_invoice": cancellation}
    return store.write(db, work)


def release_payments(db, number: int, *, as_of: date, actor: str = "system") -> dict:
    """Hand an invoice's payments back to the payments' balances (so it can be canceled)."""
    def work(con):
        _original(con, number, as_of)
        released = payments_sql.release_invoice(con, number, as_of)
        if not released:
            raise BobError(f"Invoice {number} has no payments applied.")
        store.audit(con, actor, "release", f"invoice:{number}",
                    ", ".join(f"payment {r['payment_id']}: {r['amount']}" for r in released))
        return {"invoice": number,
                "released": [{"payment_id": int(r["payment_id"]), "amount": str(r["amount"])}
                             for r in released]}
    return store.write(db, work)


def invoice_detail(db, number: int, *, as_of: date) -> dict | None:
    return store.read(db, lambda con: invoices_sql.invoice_detail(con, number, as_of))


def ledger(db, *, as_of: date, limit: int | None = None, **filters):
    return store.read(db, lambda con: invoices_sql.ledger(con, as_of, limit=limit, **filters))
