"""BoB — Billing on Behalf: the rules, free of any user interface.

Changes are use cases that take a unit of work (bob.unit_of_work: the open transaction, who
acts and the business date), e.g. `bill_run(uow, month)`. Reads take the store (`db`: a path,
or None for $BOB_DB / data/bob.duckdb) and the date they look at, `as_of`; projections also
the business date, `today`. Refusals raise BobError with the rule in plain words; nothing is
written when they do.

Who acts is the unit of work's principal (bob.access: one permission table; a partner only
its own customers); reads take `principal=` and a partner's see only its own partner's rows.
"""

from bob.access import Principal
from bob.accounts import customer_profile, customers, import_accounts
from bob.activation import (
    ActivationRequest,
    SubscriptionChange,
    activate,
    check_start,
    check_terms,
    earliest_start,
    normalized_email,
    partner_refusal,
    set_billing_email,
)
from bob.bill_run import bill_run_plan, billable_months, preview_bill_run
from bob.billing import bill_run, preview_first_invoice
from bob.clock import business_date
from bob.corrections import apply_balance, rebill
from bob.dunning import SCHEDULE, aging, decisions, run_dunning, stage_for, timeline, whatif
from bob.errors import BobError
from bob.invoices import STATUSES, cancel, invoice_detail, ledger, release_payments
from bob.payments import METHODS, PaymentRequest, payment_detail, record_payment
from bob.unit_of_work import UnitOfWork, unit_of_work

__all__ = [
    "METHODS", "SCHEDULE", "STATUSES", "ActivationRequest", "BobError", "PaymentRequest",
    "Principal", "SubscriptionChange", "UnitOfWork", "activate", "aging", "apply_balance",
    "bill_run", "bill_run_plan", "billable_months", "business_date", "preview_bill_run",
    "rebill", "cancel", "check_start", "check_terms", "customer_profile", "customers",
    "decisions",
    "earliest_start", "import_accounts", "invoice_detail", "ledger", "normalized_email",
    "partner_refusal", "payment_detail", "preview_first_invoice", "record_payment",
    "release_payments", "run_dunning", "set_billing_email", "stage_for", "timeline",
    "unit_of_work", "whatif",
]
