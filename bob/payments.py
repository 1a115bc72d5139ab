"""Recording payments: method, receipt date, amount, allocations and the unapplied balance.

A payment goes to the invoices named, in the order named, else to the customer's open
invoices oldest first (by due date, then number). What is left is the payment's balance;
the next bill run applies it to the customer's new invoice. Paying everything overdue
restores a stopped service at once.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bob import access
from bob.access import Principal, scoped_read
from bob.errors import BobError
from bob.money import CENT, check_size
from bob.months import long_date
from bob.store import accounts, receivables
from bob.store import dunning as dunning_sql
from bob.store import payments as payments_sql

METHODS = ("ACH", "wire", "check", "card")


@dataclass(frozen=True)
class PaymentRequest:
    customer_id: str
    amount: Decimal
    method: str
    receipt_date: date
    reference: str = ""
    invoices: tuple[int, ...] = field(default=())


def normalized_method(method: str) -> str:
    for known in METHODS:
        if str(method).strip().lower() == known.lower():
            return known
    raise BobError(f"Payment method {method!r} is not one of {', '.join(METHODS)}.")


def check_request(request: PaymentRequest, facts: dict | None, open_numbers: set[int],
                  as_of: date) -> None:
    if facts is None:
        raise BobError(f"There is no customer {request.customer_id!r}.")
    if request.amount <= 0:
        raise BobError(f"A payment amount must be more than zero, not {request.amount}.")
    if request.amount != request.amount.quantize(CENT):
        raise BobError(f"A payment amount must be in whole cents, not {request.amount}.")
    check_size(request.amount, what="A payment amount")
    if request.receipt_date > as_of:
        raise BobError(f"The receipt date {long_date(request.receipt_date)} is in the future "
                       f"(today is {long_date(as_of)}).")
    check_open_invoices(request.invoices, open_numbers, facts["customer_name"])


def check_open_invoices(named: tuple[int, ...], open_numbers: set[int],
                        customer_name: str) -> None:
    for number in named:
        if number not in open_numbers:
            raise BobError(f"Invoice {number} is not an open invoice of {customer_name}.")


def record_payment(uow, request: PaymentRequest) -> dict:
    """Record a payment received on or before the business date and allocate it; each
    allocation takes effect on the later of the receipt date and the invoice's issue date."""
    uow.permit(access.RECORD_PAYMENT, customer=request.customer_id)
    con, as_of = uow.con, uow.today
    facts = accounts.customer_facts(con, request.customer_id)
    method = normalized_method(request.method)
    open_invoices = payments_sql.open_invoices(con, request.customer_id) if facts else []
    check_request(request, facts, {int(i["invoice_number"]) for i in open_invoices}, as_of)
    payment_id = payments_sql.insert_payment(con, request.customer_id, request.amount, method,
                                             request.receipt_date, request.reference)
    payments_sql.allocate_payment(con, payment_id, list(request.invoices))
    receivables.sync(con)  # the restore below reads what is still open
    restored = dunning_sql.restore_services(con, as_of, customer_id=request.customer_id)
    head, allocations = payments_sql.payment_detail(con, payment_id)
    uow.audit("pay", f"payment:{payment_id}",
              f"{method} {request.amount} from {request.customer_id} on {request.receipt_date}")
    return {
        "payment_id": payment_id,
        "customer_id": request.customer_id,
        "amount": str(request.amount),
        "method": method,
        "receipt_date": request.receipt_date.isoformat(),
        "reference": request.reference,
        "allocations": [{"invoice_number": int(a["invoice_number"]), "amount": str(a["amount"]),
                         "applied_on": a["applied_on"].isoformat()} for a in allocations],
        "balance": str(head["balance"]),
        "service_restored": restored > 0,
    }


def payment_detail(db, payment_id: int,
                   as_of: date | None = None, *,
                   principal: Principal | None = None) -> tuple[dict | None, list[dict]]:
    """The payment page: the payment, its balance and its allocations as of a date."""
    return scoped_read(principal, db,
                       lambda con: payments_sql.payment_detail(con, payment_id, as_of))
