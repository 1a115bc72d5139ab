"""The words of every email BoB sends, rendered from the facts an outbox row keeps.

Rendering is pure: the same row always gives the same subject, text, HTML and Message-ID,
so an email reads the same when it is re-read or re-sent. Each email is written once as
paragraphs and a table of facts; the plain text and the HTML are two layouts of it, and the
HTML escapes every value. The partner's copy is written for the partner: it names the
customer, the invoice, the amount and the date the service will stop.
"""

import html
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

import pandas as pd

from bob.money import format_money, to_cents
from bob.months import long_date, parse_date

PRODUCT = "Billing on Behalf"
PARTNER = "partner"


@dataclass(frozen=True)
class Notice:
    """One outbox row: who gets which email, and the facts it is rendered from."""
    id: int | None
    message_id: str
    kind: str
    recipient: str
    recipient_role: str
    customer_name: str
    partner_name: str
    customer_id: str = ""
    stage: str | None = None
    created_on: date | None = None
    invoice_number: int | None = None
    invoice_total: Decimal | None = None
    invoice_balance: Decimal | None = None
    issue_date: date | None = None
    due_date: date | None = None
    days_overdue: int | None = None
    stop_date: date | None = None
    cancellation_number: int | None = None
    replacement_number: int | None = None
    replacement_total: Decimal | None = None

    @classmethod
    def from_row(cls, row: dict) -> "Notice":
        """From a database or DataFrame row: extra keys are ignored, NaN/NaT read as missing."""
        values = {f.name: _present(row.get(f.name)) for f in fields(cls)}
        for name in ("invoice_total", "invoice_balance", "replacement_total"):
            if values[name] is not None:
                values[name] = to_cents(str(values[name]))
        for name in ("created_on", "issue_date", "due_date", "stop_date"):
            value = values[name]
            if value is not None:
                values[name] = value.date() if hasattr(value, "date") else parse_date(value)
        for name in ("id", "invoice_number", "days_overdue", "cancellation_number",
                     "replacement_number"):
            if values[name] is not None:
                values[name] = int(values[name])
        return cls(**values)


def _present(value):
    """None for SQL NULL and for pandas' NaN and NaT."""
    return None if value is None or pd.isna(value) else value


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    message_id: str
    recipient: str


@dataclass(frozen=True)
class _Draft:
    subject: str
    paragraphs: tuple[str, ...]


def _draft(subject: str, *paragraphs: str) -> _Draft:
    return _Draft(subject, tuple(_one_full_stop(paragraph) for paragraph in paragraphs))


def _one_full_stop(paragraph: str) -> str:
    """A sentence that ends on a name ending in a period (Tri-County Dermatology Inc.) ends
    on that period: never "Inc.."."""
    return paragraph.replace("..", ".") if "..." not in paragraph else paragraph


def render(notice: Notice) -> RenderedEmail:
    """The email for one outbox row; pure and deterministic."""
    if notice.kind not in _WRITERS:
        raise ValueError(f"Unknown notice kind {notice.kind!r}; expected one of {tuple(_WRITERS)}.")
    missing = [name for name in _REQUIRED[notice.kind] if getattr(notice, name) is None]
    if missing:
        raise ValueError(f"A {notice.kind} notice needs {', '.join(missing)}.")
    partner = notice.recipient_role == PARTNER
    draft = _WRITERS[notice.kind](notice, partner)
    greeting = f"Dear {notice.partner_name if partner else notice.customer_name},"
    facts = _facts(notice, partner)
    signature = PRODUCT if partner else f"{PRODUCT}, for {notice.partner_name}"
    return RenderedEmail(
        subject=" ".join(draft.subject.split()),
        text=_text(greeting, draft.paragraphs, facts, signature),
        html=_html(greeting, draft.paragraphs, facts, signature),
        message_id=notice.message_id,
        recipient=notice.recipient,
    )


def _invoice_issued(n: Notice, partner: bool) -> _Draft:
    total, due = format_money(n.invoice_total), long_date(n.due_date)
    if partner:
        return _draft(
            f"{PRODUCT}: invoice {n.invoice_number} issued to {n.customer_name}",
            f"We have issued invoice {n.invoice_number} of {total} to your customer "
            f"{n.customer_name}, on your behalf. It is due on {due}.")
    return _draft(
        f"{PRODUCT}: invoice {n.invoice_number} for {total}, due {due}",
        f"Your invoice {n.invoice_number} of {total} is ready. Please pay it by {due}.",
        f"We bill you on behalf of {n.partner_name}; your services and support stay with "
        f"{n.partner_name}.")


def _reminder(n: Notice, partner: bool) -> _Draft:
    late = f"{n.days_overdue} days overdue"
    balance, due = format_money(n.invoice_balance), long_date(n.due_date)
    if partner:
        return _draft(
            f"Overdue: {n.customer_name}, invoice {n.invoice_number} is {late}",
            f"Your customer {n.customer_name} has not paid invoice {n.invoice_number}: "
            f"{balance} of {format_money(n.invoice_total)} is open, {late} (it was due on "
            f"{due}). We have sent them a reminder.",
            f"If it stays unpaid, their service will be stopped on "
            f"{long_date(n.stop_date)} at the earliest.")
    return _draft(
        f"Overdue: invoice {n.invoice_number} is {late}",
        f"Invoice {n.invoice_number} was due on {due} and is now {late}. "
        f"{balance} is still open.",
        "Please pay it as soon as you can. If you have paid it in the last few days, "
        "thank you, and please ignore this reminder.")


def _warning(n: Notice, partner: bool) -> _Draft:
    stop = f"will be stopped on {long_date(n.stop_date)}{_in_days(n)}"
    balance = format_money(n.invoice_balance)
    if partner:
        return _draft(
            f"Overdue: {n.customer_name}'s service {stop}",
            f"Your customer {n.customer_name} has not paid invoice {n.invoice_number}: "
            f"{balance} of {format_money(n.invoice_total)} is open, {n.days_overdue} days "
            f"overdue (it was due on {long_date(n.due_date)}).",
            f"Their service {stop}, unless the invoice is paid. We have warned them too.")
    return _draft(
        f"Overdue: your service {stop}",
        f"Invoice {n.invoice_number} was due on {long_date(n.due_date)} and is now "
        f"{n.days_overdue} days overdue. {balance} is still open.",
        f"Your service {stop}, unless the invoice is paid before then.")


def _service_stopped(n: Notice, partner: bool) -> _Draft:
    stopped = long_date(n.stop_date or n.created_on)
    unpaid = (f"invoice {n.invoice_number} ({format_money(n.invoice_balance)} open, "
              f"{n.days_overdue} days overdue)")
    if partner:
        return _draft(
            f"Service stopped: {n.customer_name}, invoice {n.invoice_number}",
            f"The service of your customer {n.customer_name} was stopped on {stopped}: "
            f"{unpaid} is unpaid.",
            "We will restore it, and tell you, once everything overdue is paid.")
    return _draft(
        f"Service stopped: invoice {n.invoice_number} is unpaid",
        f"Your service was stopped on {stopped} because {unpaid} is unpaid.",
        "Once everything overdue is paid, your service is restored.")


def _service_restored(n: Notice, partner: bool) -> _Draft:
    when = f" on {long_date(n.created_on)}" if n.created_on else ""
    if partner:
        return _draft(
            f"Service restored: {n.customer_name}",
            f"Your customer {n.customer_name} has paid everything overdue; their service "
            f"was restored{when}.")
    return _draft(
        "Service restored: thank you for your payment",
        f"Nothing is overdue any more, and your service was restored{when}. "
        "Thank you for your payment.")


def _invoice_canceled(n: Notice, partner: bool) -> _Draft:
    total = format_money(n.invoice_total)
    whose = f"{n.customer_name}'s invoice" if partner else "Your invoice"
    return _draft(
        f"{PRODUCT}: invoice {n.invoice_number} canceled",
        f"{whose} {n.invoice_number} of {total} is canceled by Cancellation Invoice "
        f"{n.cancellation_number}; nothing is owed on it any more.")


def _invoice_rebilled(n: Notice, partner: bool) -> _Draft:
    old, new = format_money(n.invoice_total), format_money(n.replacement_total)
    whose = f"{n.customer_name}'s invoice" if partner else "Your invoice"
    pay = ("" if partner else
           f" Please pay invoice {n.replacement_number}; invoice {n.invoice_number} is void.")
    return _draft(
        f"{PRODUCT}: invoice {n.invoice_number} replaced by invoice {n.replacement_number}",
        f"{whose} {n.invoice_number} of {old} is canceled by Cancellation Invoice "
        f"{n.cancellation_number} and replaced by invoice {n.replacement_number} of {new}."
        + pay)


_INVOICE = ("invoice_number", "invoice_total", "invoice_balance", "due_date")
_CANCELED = ("invoice_number", "invoice_total", "cancellation_number")
# The facts each kind of email cannot be written without (the outbox SQL always fills them).
_REQUIRED = {
    "invoice_issued": _INVOICE,
    "reminder": (*_INVOICE, "days_overdue", "stop_date"),
    "warning": (*_INVOICE, "days_overdue", "stop_date"),
    "service_stopped": (*_INVOICE, "days_overdue"),
    "service_restored": (),
    "invoice_canceled": _CANCELED,
    "invoice_rebilled": (*_CANCELED, "replacement_number", "replacement_total"),
}
_WRITERS = {
    "invoice_issued": _invoice_issued,
    "reminder": _reminder,
    "warning": _warning,
    "service_stopped": _service_stopped,
    "service_restored": _service_restored,
    "invoice_canceled": _invoice_canceled,
    "invoice_rebilled": _invoice_rebilled,
}


def _in_days(n: Notice) -> str:
    if n.created_on is None or n.stop_date is None:
        return ""
    return f", in {(n.stop_date - n.created_on).days} days"


def _facts(n: Notice, partner: bool) -> tuple[tuple[str, str], ...]:
    """The facts the email was rendered from, as (label, value), for the table under it."""
    stop_label = {"warning": "Service stops on", "service_stopped": "Service stopped on",
                  "reminder": "Service stops at the earliest on" if partner else None}
    balance = None if n.kind == "invoice_issued" else n.invoice_balance  # equals the total
    facts = (
        ("Customer", n.customer_name),
        ("Invoice", n.invoice_number),
        ("Issue date", _long(n.issue_date)),
        ("Due date", _long(n.due_date)),
        ("Invoice total", _money(n.invoice_total)),
        ("Open balance", _money(balance)),
        ("Days overdue", n.days_overdue),
        ("Cancellation Invoice", n.cancellation_number),
        ("Replacement invoice", n.replacement_number),
        ("Replacement total", _money(n.replacement_total)),
        (stop_label.get(n.kind), _long(n.stop_date)),
    )
    return tuple((label, str(value)) for label, value in facts if label and value is not None)


def _long(day: date | None) -> str | None:
    return None if day is None else long_date(day)


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else format_money(amount)


def _text(greeting: str, paragraphs, facts, signature: str) -> str:
    width = max((len(label) for label, _ in facts), default=0)
    table = "\n".join(f"{label + ':':<{width + 1}} {value}" for label, value in facts)
    blocks = [greeting, *paragraphs, table, signature]
    return "\n\n".join(block for block in blocks if block) + "\n"


def _html(greeting: str, paragraphs, facts, signature: str) -> str:
    e = html.escape
    rows = "".join(f"<tr><th align=\"left\">{e(label)}</th><td>{e(value)}</td></tr>"
                   for label, value in facts)
    body = "".join(f"<p>{e(p)}</p>" for p in (greeting, *paragraphs))
    table = f"<table cellpadding=\"4\">{rows}</table>" if rows else ""
    return f"<!DOCTYPE html><html><body>{body}{table}<p>{e(signature)}</p></body></html>\n"
