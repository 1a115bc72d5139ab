"""Corrections beyond a cancellation: rebilling an invoice, applying a payment's balance now.

Rebill cancels an invoice (with its Cancellation Invoice, unless it is canceled already) and
issues a replacement for the same customer and month, through the bill run's own SQL, at the
subscriptions' current BoB terms or the changed ones (saved as those terms, audited with
before and after). The replacement has its own gapless number and points at the original
(`replaces`); the original's page names it (`replaced_by`). One live invoice per customer and
month still holds: the original is canceled first, and the store's key (customer, month,
revision) with `replaces` UNIQUE lets each month be one chain of replacements.

Apply hands a payment's unapplied balance to the invoices named, or oldest open first,
effective on the business date (never before an invoice's issue date).
"""

from datetime import date

from bob import access
from bob.billing import issue_invoices
from bob.errors import BobError
from bob.invoices import issue_cancellation
from bob.money import format_money
from bob.payments import check_open_invoices
from bob.store import accounts as accounts_sql
from bob.store import dunning as dunning_sql
from bob.store import invoices as invoices_sql
from bob.store import outbox as outbox_sql
from bob.store import payments as payments_sql
from bob.store import receivables
from bob.subscriptions import save_terms


def _rebillable(con, number: int) -> dict:
    head = invoices_sql.invoice_head(con, number, date.max)
    if head is None:
        raise BobError(f"There is no invoice {number}.")
    if head["kind"] == "cancellation":
        raise BobError(f"Invoice {number} is a Cancellation Invoice; rebill the invoice it "
                       f"cancels, {head['cancels']}.")
    if head["replaced_by"] is not None:
        raise BobError(f"Invoice {number} is already replaced by invoice {head['replaced_by']}; "
                       "rebill that one instead.")
    return head


def _check_changes_belong(con, customer_id: str, customer_name: str, changes) -> None:
    ids = [change.subscription_id for change in changes]
    owners = {row["subscription_id"]: row["customer_id"]
              for row in accounts_sql.bob_subscription_terms(con, ids).to_dict("records")}
    for change in changes:
        if owners.get(change.subscription_id) != customer_id:
            raise BobError(f"Subscription {change.subscription_id} is not one of "
                           f"{customer_name}'s Billing on Behalf subscriptions.")


def rebill(uow, number: int, changes=()) -> dict:
    """Cancel invoice `number` (unless canceled already) and issue its replacement for the
    same customer and month on the business date; the customer and the partner are told."""
    uow.permit(access.REBILL, invoice=number)
    con = uow.con
    head = _rebillable(con, number)
    cancellation = head["cancellation_number"]
    if cancellation is None:
        cancellation = issue_cancellation(uow, number)["cancellation_invoice"]
    _check_changes_belong(con, head["customer_id"], head["customer_name"], changes)
    terms = save_terms(uow, list(changes)) if changes else {"saved": 0, "subscriptions": []}
    month = head["billing_month"]
    issued = issue_invoices(uow, month, customer_id=head["customer_id"], replaces=number)
    if not issued["invoices"]:
        raise BobError(f"{head['customer_name']} has no Billing on Behalf subscription billed "
                       f"in {month:%B %Y}; nothing to rebill invoice {number} with.")
    replacement = issued["first_number"]
    outbox_sql.queue_correction(con, "invoice_rebilled", number, cancellation=cancellation,
                                replacement=replacement, as_of=uow.today)
    uow.audit("rebill", f"invoice:{number}",
              f"cancellation invoice {cancellation}, replaced by invoice {replacement}: "
              f"total {head['total']} -> {issued['amount']} + tax {issued['tax']}")
    return {"rebilled": number, "cancellation_invoice": int(cancellation),
            "replacement": int(replacement), "customer_id": head["customer_id"],
            "month": issued["month"], "amount": issued["amount"], "tax": issued["tax"],
            "lines": issued["lines"], "terms_saved": terms["subscriptions"],
            "applied_from_balances": issued["applied_from_balances"]}


def apply_balance(uow, payment_id: int, invoices: tuple[int, ...] = ()) -> dict:
    """Apply payment `payment_id`'s unapplied balance now: to `invoices` in the order named,
    else to its customer's open invoices oldest first. Paying everything overdue restores a
    stopped service."""
    uow.permit(access.APPLY, payment=payment_id)
    con, today = uow.con, uow.today
    head, _ = payments_sql.payment_detail(con, payment_id)
    if head is None:
        raise BobError(f"There is no payment {payment_id}.")
    if head["balance"] <= 0:
        raise BobError(f"Payment {payment_id} has no unapplied balance; all of it is applied.")
    open_invoices = payments_sql.open_invoices(con, head["customer_id"])
    check_open_invoices(invoices, {int(i["invoice_number"]) for i in open_invoices},
                        head["customer_name"])
    if not open_invoices:
        raise BobError(f"{head['customer_name']} has no open invoice to apply payment "
                       f"{payment_id}'s balance of {format_money(head['balance'])} to.")
    made = payments_sql.allocate_payment(con, payment_id, list(invoices), applied_from=today)
    receivables.sync(con)  # the restore below reads what is still open
    restored = dunning_sql.restore_services(con, today, customer_id=head["customer_id"])
    after, allocations = payments_sql.payment_detail(con, payment_id)
    applied = [{"invoice_number": int(a["invoice_number"]), "amount": str(a["amount"]),
                "applied_on": a["applied_on"].isoformat()}
               for a in allocations[len(allocations) - made["allocations"]:]]
    uow.audit("apply", f"payment:{payment_id}",
              f"{made['amount']} of the balance to invoices "
              f"{', '.join(str(a['invoice_number']) for a in applied)}: balance "
              f"{head['balance']} -> {after['balance']}")
    return {"payment_id": payment_id, "customer_id": head["customer_id"], "applied": applied,
            "amount": str(made["amount"]), "balance": str(after["balance"]),
            "service_restored": restored > 0}
