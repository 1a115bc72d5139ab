"""Two senders at once (the cron job and the app's "Send now", or two cron hosts) share the
outbox without sending any email twice: each claims the rows it sends."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from aiosmtpd.controller import Controller

from bob import store
from bob.notices import SmtpConfig, deliver_pending, outbox
from tests.notices.conftest import TODAY, free_port, queue_reminders

PROJECT = Path(__file__).resolve().parents[2]
NOTICES = 300  # more than one claim of rows per sender

SENDER = """
import sys
from datetime import date
from bob.notices import SmtpConfig, deliver_pending
config = SmtpConfig(host="127.0.0.1", port=int(sys.argv[2]), security="none",
                    sender="billing@vendor.example", timeout=5)
report = deliver_pending(sys.argv[1], config, today=date.fromisoformat(sys.argv[3]),
                         sleep=lambda seconds: None)
print(report.sent)
"""


def test_two_senders_at_once_send_every_email_exactly_once(db, mail_server):
    queue_reminders(db, NOTICES)
    handler, config = mail_server()
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    senders = [subprocess.Popen([sys.executable, "-c", SENDER, str(db), str(config.port),
                                 TODAY.isoformat()],
                                cwd=PROJECT, env=env, text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE) for _ in range(2)]
    results = [sender.communicate(timeout=120) for sender in senders]
    assert all(sender.returncode == 0 for sender in senders), [err for _, err in results]
    sent = [int(out) for out, _ in results]
    assert sum(sent) == NOTICES
    assert len(handler.message_ids) == NOTICES == len(set(handler.message_ids))
    assert set(outbox(db, limit=NOTICES)["state"]) == {"delivered"}


def claim(db, outbox_id: int, process: psutil.Process, *, host: str = socket.gethostname(),
          minutes_ago: int = 0) -> None:
    """Row `outbox_id` claimed by `process` on `host`, last refreshed `minutes_ago`."""
    store.write(db, lambda con: con.execute(
        "INSERT INTO delivery_claims VALUES (?, now()::TIMESTAMP - to_minutes(?), ?, ?, ?, ?, ?)",
        [outbox_id, minutes_ago, f"{host}:{process.pid}:earlier", host, psutil.boot_time(),
         process.pid, process.create_time()]))


def claims(db) -> int:
    return store.read(db, lambda con: con.execute(
        "SELECT count(*) FROM delivery_claims").fetchone()[0])


@pytest.fixture
def other_process():
    """Another process on this machine, running until the test ends."""
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                               stdin=subprocess.PIPE)
    yield psutil.Process(process.pid)
    process.communicate(timeout=30)


def test_rows_a_running_sender_holds_are_left_to_it(db, mail_server, other_process):
    queue_reminders(db, 3)
    claim(db, 1, other_process)
    handler, config = mail_server()
    report = deliver_pending(db, config, today=TODAY)
    assert report.sent == 2 and report.pending == 1
    assert "<bob.1.reminder_5.customer@bob.invalid>" not in handler.message_ids


def test_when_a_running_sender_holds_every_row_the_report_says_so(
        db, mail_server, other_process):
    queue_reminders(db, 2)
    for outbox_id in (1, 2):
        claim(db, outbox_id, other_process)
    handler, config = mail_server()
    report = deliver_pending(db, config, today=TODAY)
    assert (report.sent, report.pending) == (0, 2)
    assert report.reason == (f"2 claimed by a running sender (pid {other_process.pid} on "
                             f"{socket.gethostname()})")


def test_the_claims_of_a_sender_whose_process_is_gone_are_taken_over_at_once(db, mail_server):
    queue_reminders(db, 3)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    process = psutil.Process(gone.pid)
    claim(db, 1, process)
    gone.wait(timeout=30)
    handler, config = mail_server()
    assert deliver_pending(db, config, today=TODAY).sent == 3
    assert claims(db) == 0


@pytest.mark.parametrize(("minutes_ago", "sent"), [(14, 1), (16, 2)])
def test_another_hosts_claim_holds_for_fifteen_minutes_after_its_last_sign_of_life(
        db, mail_server, other_process, minutes_ago, sent):
    queue_reminders(db, 2)  # its processes cannot be seen from here
    claim(db, 1, other_process, host="other-host", minutes_ago=minutes_ago)
    handler, config = mail_server()
    assert deliver_pending(db, config, today=TODAY).sent == sent


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
        report = deliver_pending(db, config, today=TODAY, sleep=lambda seconds: None)
    finally:
        controller.stop()
    # 10 taken, the other 190 refused in each of the 3 rounds; the last 50 never offered.
    assert (report.sent, handler.offered, report.pending) == (10, 10 + 190 * 3, 240)
