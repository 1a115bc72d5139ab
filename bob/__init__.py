"""BoB — Billing on Behalf: the rules, free of any user interface.

Every function takes the store (`db`: a path, or None for $BOB_DB / data/bob.duckdb) and,
where time matters, an explicit `as_of` date. Refusals raise BobError with the rule in
plain words; nothing is written when they do.
"""

from bob.accounts import customer_profile, customers, import_accounts
from bob.activation import (
    ActivationRequest,
    SubscriptionChange,
    activate,
    check_start,
    check_terms,
    earliest_start,
    normalized_email,
    set_billing_email,
)
from bob.billing import bill_run, preview_first_invoice
from bob.dunning import SCHEDULE, aging, decisions, run_dunning, stage_for, timeline, whatif
from bob.errors import BobError
from bob.invoices import STATUSES, cancel, invoice_detail, ledger, release_payments
from bob.payments import METHODS, PaymentRequest, payment_detail, preview_payment, record_payment

__all__ = [
    "METHODS", "SCHEDULE", "STATUSES", "ActivationRequest", "BobError", "PaymentRequest",
    "SubscriptionChange", "activate", "aging", "bill_run", "cancel", "check_start",
    "check_terms", "customer_profile", "customers", "decisions", "earliest_start",
    "import_accounts", "invoice_detail", "ledger", "normalized_email", "payment_detail",
    "preview_first_invoice", "preview_payment", "record_payment", "release_payments",
    "run_dunning", "set_billing_email", "stage_for", "timeline", "whatif",
]
