"""A sender killed in the middle of a batch (kill -9 of `python -m bob deliver`) sends again at
most the one email that was in flight, and the next `deliver` takes over its rows at once:
after it, every email has arrived exactly once but for those copies."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from bob.notices import outbox
from tests.notices.conftest import TODAY, free_port, queue_reminders

PROJECT = Path(__file__).resolve().parents[2]
NOTICES = 40
KILLED_AFTER = (8, 18, 28)  # emails the server has in hand when each sender is killed


class SlowServer:
    """Takes each message, then thinks for a while before its "250 OK", as a busy relay
    does: a kill lands while a message is in flight."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.message_ids: list[str] = []
        self.changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = message_from_bytes(envelope.content, policy=default_policy)
        with self.changed:
            self.message_ids.append(message["Message-ID"])
            self.changed.notify_all()
        await asyncio.sleep(self.seconds)
        return "250 OK"

    def await_received(self, count: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.message_ids) >= count, timeout=60), (
                f"the server got {len(self.message_ids)} emails, not {count}")


@pytest.fixture
def slow_server():
    server = SlowServer(seconds=0.05)
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield server, controller.port
    controller.stop()


def deliver(db, port: int) -> subprocess.Popen:
    """`python -m bob deliver`, configured through the environment as cron runs it."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("BOB_")}
    env.update({"PYTHONPATH": str(PROJECT), "BOB_TODAY": TODAY.isoformat(),
                "BOB_SMTP_HOST": "127.0.0.1", "BOB_SMTP_PORT": str(port),
                "BOB_SMTP_SECURITY": "none", "BOB_SMTP_FROM": "billing@vendor.example"})
    return subprocess.Popen([sys.executable, "-m", "bob", "--db", str(db), "deliver"],
                            cwd=PROJECT, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_a_sender_killed_three_times_mid_batch_duplicates_at_most_one_email_per_kill(
        db, slow_server):
    queue_reminders(db, NOTICES)
    server, port = slow_server
    for received in KILLED_AFTER:
        sender = deliver(db, port)
        server.await_received(received)  # the dead sender's rows are taken over at once
        os.kill(sender.pid, signal.SIGKILL)
        sender.communicate(timeout=30)
    last = deliver(db, port)
    output, errors = last.communicate(timeout=120)
    assert last.returncode == 0, errors

    copies = Counter(server.message_ids)
    assert set(copies) == {f"<bob.{n}.reminder_5.customer@bob.invalid>"
                           for n in range(1, NOTICES + 1)}
    assert sum(copies.values()) - NOTICES <= len(KILLED_AFTER)
    assert (json.loads(output)["pending"], json.loads(output)["refused"]) == (0, 0)
    assert set(outbox(db, limit=NOTICES)["state"]) == {"delivered"}

