"""Scenario builders for the notice tests: notices as the outbox holds them, a temp store,
and a real SMTP server on loopback that refuses the first messages it is given."""

import socket
from dataclasses import asdict, replace
from datetime import date, timedelta
from decimal import Decimal
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from bob import store
from bob.notices import Notice, SmtpConfig

DUE = date(2026, 11, 25)
TODAY = date(2027, 1, 31)  # the business date of delivery: every notice here is dated by then
# kind: (stage, the day it is sent counted from the due date, whether it is about an overdue)
KINDS = {
    "invoice_issued": ("issued", -30, False),
    "reminder": ("reminder_10", 10, True),
    "warning": ("warning_30", 30, True),
    "service_stopped": ("stop_35", 35, True),
    "service_restored": ("restored", 40, False),
    "invoice_canceled": ("canceled", 3, False),
    "invoice_rebilled": ("rebilled", 3, False),
}


def _stop_date(kind: str, created_on: date) -> date | None:
    if kind == "warning":
        return created_on + timedelta(days=5)
    if kind == "service_stopped":
        return created_on
    return DUE + timedelta(days=35) if kind == "reminder" else None


@pytest.fixture
def make_notice():
    """A notice of `kind` for invoice 1042 of Acme Corp (a customer of Northwind Partners)."""
    def make(kind: str = "warning", role: str = "customer", invoice_number: int = 1042,
             **facts) -> Notice:
        stage, day, overdue = KINDS[kind]
        created_on = DUE + timedelta(days=day)
        has_invoice = kind != "service_restored"
        notice = Notice(
            id=None,
            message_id=f"<bob.{invoice_number}.{stage}.{role}@bob.invalid>",
            kind=kind, stage=stage, created_on=created_on,
            recipient="billing@acme.example" if role == "customer" else "ops@northwind.example",
            recipient_role=role, customer_id="C-1", customer_name="Acme Corp",
            partner_name="Northwind Partners",
            invoice_number=invoice_number if has_invoice else None,
            invoice_total=Decimal("1234.50") if has_invoice else None,
            invoice_balance=(Decimal("1234.50") if kind == "invoice_issued"
                             else Decimal("1000.00") if has_invoice else None),
            issue_date=DUE - timedelta(days=30) if has_invoice else None,
            due_date=DUE if has_invoice else None,
            days_overdue=day if overdue else None, stop_date=_stop_date(kind, created_on),
        )
        return replace(notice, **facts)
    return make


@pytest.fixture
def db(tmp_path):
    return store.create(tmp_path / "bob.duckdb")


@pytest.fixture
def queue(db):
    """Put a notice in the outbox with plain SQL, as the bill run and dunning job do."""
    def insert(notice: Notice) -> int:
        columns = {k: v for k, v in asdict(notice).items() if k != "id"}
        sql = (f"INSERT INTO outbox (id, {', '.join(columns)}) "
               f"VALUES (nextval('outbox_seq'), {', '.join('?' * len(columns))}) RETURNING id")
        return store.write(db, lambda con: con.execute(sql, list(columns.values())).fetchone()[0])
    return insert


def queue_reminders(db, count: int) -> None:
    """`count` reminders for invoices 1..count, in one write."""
    store.write(db, lambda con: con.execute(
        """
        INSERT INTO outbox (id, message_id, kind, stage, created_on, recipient, recipient_role,
                            customer_id, customer_name, partner_name, invoice_number,
                            invoice_total, invoice_balance, issue_date, due_date, days_overdue,
                            stop_date)
        SELECT nextval('outbox_seq'), '<bob.' || n || '.reminder_5.customer@bob.invalid>',
               'reminder', 'reminder_5', DATE '2026-12-05', 'billing@acme.example', 'customer',
               'C-1', 'Acme Corp', 'Northwind Partners', n, 100, 100, DATE '2026-11-01',
               DATE '2026-11-30', 5, DATE '2027-01-04'
        FROM range(1, $count + 1) r(n) ORDER BY n
        """, {"count": count}))


class FlakyHandler:
    """Answers `reply` to the first `refuse` messages, then accepts every message."""

    def __init__(self, refuse: int, reply: str):
        self.refuse, self.reply = refuse, reply
        self.offered = 0
        self.received = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.offered += 1
        if self.offered <= self.refuse:
            return self.reply
        self.received.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    @property
    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server():
    """Start a real SMTP server on loopback: `mail_server(refuse=N)` -> (handler, config);
    `mail_server(handler=...)` answers with that handler instead."""
    controllers = []

    def start(refuse: int = 0, reply: str = "451 try later", handler=None):
        handler = handler or FlakyHandler(refuse, reply)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        config = SmtpConfig(host="127.0.0.1", port=controller.port, security="none",
                            sender="billing@vendor.example", timeout=5)
        return handler, config

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def unreachable_smtp() -> SmtpConfig:
    return SmtpConfig(host="127.0.0.1", port=free_port(), security="none",
                      sender="billing@vendor.example", timeout=5)
