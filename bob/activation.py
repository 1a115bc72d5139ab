"""Activating Billing on Behalf for a partner's end customer (the seed's wizard, as rules).

The rules, checked before anything is written:
- only partners in the US may use BoB;
- a customer is activated once;
- the start date is never before the first day of the month after `as_of`;
- the billing email is a valid address;
- each changed subscription belongs to the customer, starts no earlier than BoB does, and
  costs >= 0 in whole cents.
Confirmation stores the activation and every subscription's BoB terms in one transaction.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email

from bob import access
from bob.errors import BobError
from bob.money import check_size
from bob.months import first_of_next_month, long_date
from bob.store import accounts


@dataclass(frozen=True)
class SubscriptionChange:
    subscription_id: str
    start_date: date
    price: Decimal


@dataclass(frozen=True)
class ActivationRequest:
    customer_id: str
    start_date: date
    billing_email: str
    changes: tuple[SubscriptionChange, ...] = field(default=())


def earliest_start(as_of: date) -> date:
    """BoB "can be activated starting from the next month"."""
    return first_of_next_month(as_of)


def normalized_email(email: str, *, what: str = "The billing email") -> str:
    """The address as stored (an international domain in its ASCII form, xn--...), or a
    BobError naming what is wrong with it. Letters beyond ASCII before the @ are refused:
    they need SMTPUTF8, which mail servers need not offer, so such an address could never
    be sent to. `what` names the address: the billing email, a partner's email in an
    import."""
    text = str(email).strip()
    if not text:
        raise BobError(f"Enter {what[0].lower()}{what[1:]}: invoices and notices go to it.")
    local = text.rpartition("@")[0]
    if not local.isascii():
        letters = "".join(dict.fromkeys(char for char in local if not char.isascii()))
        raise BobError(f"{what} {text!r} cannot receive BoB's emails: the part before the @ "
                       f"has letters mail servers need not accept ({letters}). Use an "
                       "address with plain letters (a-z, digits, . _ -) before the @.")
    try:
        return validate_email(text, check_deliverability=False, allow_smtputf8=False).ascii_email
    except EmailNotValidError as error:
        raise BobError(f"{what} {email!r} is not a valid address: {error}") from None


def check_start(start: date, as_of: date) -> None:
    earliest = earliest_start(as_of)
    if start < earliest:
        raise BobError(
            f"Billing on Behalf can start on {long_date(earliest)} at the earliest "
            f"(it can be activated starting from the next month); {long_date(start)} is too early."
        )


def check_terms(subscription_id: str, start: date, price: Decimal, bob_start: date) -> None:
    """One subscription's BoB terms: used by the wizard and by the editing table."""
    if start < bob_start:
        raise BobError(
            f"Subscription {subscription_id} cannot start on {long_date(start)}, before "
            f"Billing on Behalf starts on {long_date(bob_start)}."
        )
    if price < 0:
        raise BobError(f"The price of subscription {subscription_id} cannot be negative ({price}).")
    if price != price.quantize(Decimal("0.01")):
        raise BobError(
            f"The price of subscription {subscription_id} must be in whole cents ({price}).")
    check_size(price, what=f"The price of subscription {subscription_id}")


def partner_refusal(partner_name: str, partner_country: str) -> str | None:
    """Why a customer of this partner cannot have Billing on Behalf (None when it can)."""
    if partner_country == "US":
        return None
    return (f"Billing on Behalf is available for US partners only; {partner_name} "
            f"is in {partner_country}.")


def check_request(facts: dict | None, subscription_ids: set[str], request: ActivationRequest,
                  as_of: date) -> str:
    """All activation rules on plain facts; returns the normalized billing email."""
    if facts is None:
        raise BobError(f"There is no customer {request.customer_id!r}.")
    if refusal := partner_refusal(facts["partner_name"], facts["partner_country"]):
        raise BobError(refusal)
    if facts["bob_start"] is not None:
        raise BobError(
            f"Billing on Behalf is already active for {facts['customer_name']} "
            f"(since {long_date(facts['bob_start'])}); a customer is activated once."
        )
    check_start(request.start_date, as_of)
    email = normalized_email(request.billing_email)
    seen = set()
    for change in request.changes:
        if change.subscription_id not in subscription_ids:
            raise BobError(
                f"Subscription {change.subscription_id!r} is not one of "
                f"{facts['customer_name']}'s subscriptions."
            )
        if change.subscription_id in seen:
            raise BobError(f"Subscription {change.subscription_id} is changed twice.")
        seen.add(change.subscription_id)
        check_terms(change.subscription_id, change.start_date, change.price, request.start_date)
    return email


def activate(uow, request: ActivationRequest) -> dict:
    """Confirm an activation on the business date: all of it is stored, or nothing."""
    uow.permit(access.ACTIVATE, customer=request.customer_id)
    con, as_of = uow.con, uow.today
    facts = accounts.customer_facts(con, request.customer_id)
    subs = accounts.subscriptions_of(con, request.customer_id) if facts else None
    ids = set(subs["subscription_id"]) if subs is not None else set()
    email = check_request(facts, ids, request, as_of)
    if not ids:
        raise BobError(f"{facts['customer_name']} has no subscriptions to bill.")
    changed = {change.subscription_id: change for change in request.changes}
    terms = []
    for sub in subs.itertuples():
        change = changed.get(sub.subscription_id)
        start = change.start_date if change else request.start_date
        price = change.price if change else Decimal(sub.list_price)
        terms.append((sub.subscription_id, request.customer_id, start, price))
    accounts.insert_activation(con, request.customer_id, request.start_date, email, as_of)
    accounts.insert_bob_subscriptions(con, terms)
    uow.audit("activate", f"customer:{request.customer_id}",
              f"start {request.start_date}, email {email}, changes "
              + ", ".join(f"{c.subscription_id}={c.start_date}:{c.price}"
                          for c in request.changes))
    return {
        "customer_id": request.customer_id,
        "start_date": request.start_date.isoformat(),
        "billing_email": email,
        "subscriptions": [
            {"subscription_id": s, "start_date": d.isoformat(), "price": str(p)}
            for s, _, d, p in terms
        ],
    }


def set_billing_email(uow, customer_id: str, email: str) -> dict:
    """The pencil on BoB Information: change where invoices and notices go."""
    uow.permit(access.SET_EMAIL, customer=customer_id)
    facts = accounts.customer_facts(uow.con, customer_id)
    if facts is None:
        raise BobError(f"There is no customer {customer_id!r}.")
    if facts["bob_start"] is None:
        raise BobError(f"Billing on Behalf is not active for {facts['customer_name']}; "
                       "activate it first.")
    new = normalized_email(email)
    accounts.set_billing_email(uow.con, customer_id, new)
    uow.audit("set-email", f"customer:{customer_id}", f"{facts['billing_email']} -> {new}")
    return {"customer_id": customer_id, "billing_email": new, "was": facts["billing_email"]}
