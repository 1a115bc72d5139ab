"""Two senders at once (the cron job and the app's "Send now", or two cron hosts) share the
outbox without sending any email twice: each claims the rows it sends."""

import os
import subprocess
import sys
from pathlib import Path

from aiosmtpd.controller import Controller

from bob import store
from bob.notices import SmtpConfig, deliver_pending, outbox
from tests.notices.conftest import free_port

PROJECT = Path(__file__).resolve().parents[2]
NOTICES = 300  # more than one claim of rows per sender

SENDER = """
import sys
from bob.notices import SmtpConfig, deliver_pending
config = SmtpConfig(host="127.0.0.1", port=int(sys.argv[2]), security="none",
                    sender="billing@vendor.example", timeout=5)
print(deliver_pending(sys.argv[1], config, sleep=lambda seconds: None).sent)
"""


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


def test_two_senders_at_once_send_every_email_exactly_once(db, mail_server):
    queue_reminders(db, NOTICES)
    handler, config = mail_server()
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    senders = [subprocess.Popen([sys.executable, "-c", SENDER, str(db), str(config.port)],
                                cwd=PROJECT, env=env, text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE) for _ in range(2)]
    results = [sender.communicate(timeout=120) for sender in senders]
    assert all(sender.returncode == 0 for sender in senders), [err for _, err in results]
    sent = [int(out) for out, _ in results]
    assert sum(sent) == NOTICES
    assert len(handler.message_ids) == NOTICES == len(set(handler.message_ids))
    assert set(outbox(db, limit=NOTICES)["state"]) == {"delivered"}


def test_rows_another_sender_holds_are_left_to_it(db, mail_server):
    queue_reminders(db, 3)
    store.write(db, lambda con: con.execute(
        "INSERT INTO delivery_claims VALUES (1, now()::TIMESTAMP, 'other-host:1')"))
    handler, config = mail_server()
    report = deliver_pending(db, config)
    assert report.sent == 2 and report.pending == 1
    assert "<bob.1.reminder_5.customer@bob.invalid>" not in handler.message_ids


def test_a_claim_of_a_sender_that_died_lapses(db, mail_server):
    queue_reminders(db, 3)
    store.write(db, lambda con: con.execute(
        "INSERT INTO delivery_claims VALUES (1, now()::TIMESTAMP - INTERVAL 16 MINUTES, "
        "'dead-host:1')"))
    handler, config = mail_server()
    assert deliver_pending(db, config).sent == 3
    assert store.read(db, lambda con: con.execute(
        "SELECT count(*) FROM delivery_claims").fetchone()[0]) == 0


class TakesTenThenRefuses:
    """Accepts the first ten messages, then answers "451 try later" to every one."""

    def __init__(self):
        self.offered = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.offered += 1
        return "250 OK" if self.offered <= 10 else "451 try later"


def test_a_server_that_stops_taking_emails_ends_the_call_after_the_rows_in_hand(db):
    queue_reminders(db, 250)  # a first claim of 200 rows, and 50 more
    handler = TakesTenThenRefuses()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        config = SmtpConfig(host="127.0.0.1", port=controller.port, security="none",
                            sender="billing@vendor.example", timeout=5)
        report = deliver_pending(db, config, sleep=lambda seconds: None)
    finally:
        controller.stop()
    # 10 taken, the other 190 refused in each of the 3 rounds; the last 50 never offered.
    assert (report.sent, handler.offered, report.pending) == (10, 10 + 190 * 3, 240)
