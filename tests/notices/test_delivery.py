"""Delivery over a real SMTP server on loopback: nothing lost, nothing doubled."""

import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bob import store
from bob.errors import BobError
from bob.notices import deliver_pending, outbox, read_email
from tests.notices.conftest import TODAY


def deliveries(db) -> list[tuple]:
    return store.read(db, lambda con: con.execute(
        "SELECT outbox_id, attempt, ok, error FROM deliveries ORDER BY outbox_id, attempt"
    ).fetchall())


@pytest.fixture
def five_notices(make_notice, queue):
    """Five outbox rows, oldest first: their ids and Message-IDs."""
    notices = [make_notice("warning", invoice_number=1),
               make_notice("warning", role="partner", invoice_number=1),
               make_notice("reminder", invoice_number=2),
               make_notice("reminder", role="partner", invoice_number=2),
               make_notice("service_stopped", invoice_number=3)]
    return [queue(notice) for notice in notices], [n.message_id for n in notices]


def test_every_notice_arrives_exactly_once_though_the_server_refuses_at_first(
        db, five_notices, mail_server):
    ids, message_ids = five_notices
    handler, config = mail_server(refuse=12)
    reports = [deliver_pending(db, config, today=TODAY, sleep=lambda seconds: None)
               for _ in range(3)]
    assert sorted(handler.message_ids) == sorted(message_ids)
    assert reports[-1].pending == 0
    assert sum(report.sent for report in reports) == 5
    assert set(outbox(db)["state"]) == {"delivered"}


def test_refusals_are_recorded_as_delivery_attempts(db, five_notices, mail_server):
    ids, _ = five_notices
    handler, config = mail_server(refuse=7)
    report = deliver_pending(db, config, today=TODAY, sleep=lambda seconds: None)
    rows = deliveries(db)
    assert report.refused == 7 and report.sent == 5
    assert [error for _, _, ok, error in rows if not ok] == ["451 try later"] * 7
    assert sorted(outbox_id for outbox_id, _, ok, _ in rows if ok) == ids
    assert [(attempt, ok) for outbox_id, attempt, ok, _ in rows if outbox_id == ids[0]] == [
        (1, False), (2, False), (3, True)]


def test_an_email_is_stamped_delivered_at_its_first_success_and_only_then(
        db, five_notices, mail_server):
    handler, config = mail_server(refuse=12)
    deliver_pending(db, config, today=TODAY, sleep=lambda seconds: None)  # 3 of 5 get through
    stamps = store.read(db, lambda con: con.execute(
        """
        SELECT o.id, o.delivered_at, min(d.attempted_at) FILTER (d.ok) AS first_success
        FROM outbox o LEFT JOIN deliveries d ON d.outbox_id = o.id
        GROUP BY o.id, o.delivered_at ORDER BY o.id
        """).fetchall())
    assert [stamp is not None for _, stamp, _ in stamps].count(True) == 3
    assert all(stamp == first_success for _, stamp, first_success in stamps)


def test_refused_messages_are_retried_with_exponential_backoff(db, five_notices, mail_server):
    handler, config = mail_server(refuse=12)
    slept = []
    report = deliver_pending(db, config, today=TODAY, sleep=slept.append)
    assert slept == [2.0, 4.0]
    assert report.rounds == 3 and report.refused == 12 and report.sent == 3
    assert report.pending == 2


def test_a_delivered_notice_is_never_sent_again(db, five_notices, mail_server):
    handler, config = mail_server()
    first = deliver_pending(db, config, today=TODAY, sleep=lambda seconds: None)
    again = deliver_pending(db, config, today=TODAY, sleep=lambda seconds: None)
    assert (first.sent, again.sent, again.rounds) == (5, 0, 0)
    assert len(handler.received) == 5


def test_the_oldest_notices_go_first_within_the_limit(db, five_notices, mail_server):
    ids, message_ids = five_notices
    handler, config = mail_server()
    report = deliver_pending(db, config, today=TODAY, limit=2)
    assert handler.message_ids == message_ids[:2]
    assert report.pending == 3


def test_an_email_carries_text_and_html_and_its_stable_message_id(
        db, make_notice, queue, mail_server):
    notice = make_notice("warning", role="partner")
    queue(notice)
    handler, config = mail_server()
    deliver_pending(db, config, today=TODAY)
    [message] = handler.received
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain", "text/html"]
    assert message["Message-ID"] == notice.message_id
    assert message["From"] == "billing@vendor.example"
    assert message["To"] == "ops@northwind.example"
    assert "will be stopped on 30 December 2026" in message.get_body(("plain",)).get_content()


def test_notices_refused_max_attempts_times_are_failed_and_no_longer_sent(
        db, five_notices, mail_server):
    handler, config = mail_server(refuse=1000)
    deliver_pending(db, config, today=TODAY, max_attempts=2, sleep=lambda seconds: None)
    offered = handler.offered
    report = deliver_pending(db, config, today=TODAY, max_attempts=2,
                             sleep=lambda seconds: None)
    assert offered == 10 and handler.offered == offered
    assert report.pending == 0
    listed = outbox(db, max_attempts=2)
    assert set(listed["state"]) == {"failed"} and set(listed["attempts"]) == {2}
    assert set(listed["last_error"]) == {"451 try later"}


def test_a_permanent_refusal_is_not_retried_in_the_same_call(db, make_notice, queue, mail_server):
    queue(make_notice("reminder"))
    handler, config = mail_server(refuse=1, reply="550 no such mailbox")
    slept = []
    report = deliver_pending(db, config, today=TODAY, sleep=slept.append)
    assert (report.refused, report.pending, slept) == (1, 1, [])
    assert deliveries(db)[0][3] == "550 no such mailbox"


def test_a_recipient_with_a_line_break_is_refused_without_reaching_the_server(
        db, make_notice, queue, mail_server):
    queue(make_notice("reminder", recipient="billing@acme.example\r\nBcc: all@acme.example"))
    handler, config = mail_server()
    report = deliver_pending(db, config, today=TODAY)
    assert (report.sent, report.refused, handler.offered) == (0, 1, 0)
    assert "linefeed" in deliveries(db)[0][3]


def test_an_unreachable_server_costs_no_attempt_and_leaves_everything_pending(
        db, five_notices, unreachable_smtp):
    slept = []
    report = deliver_pending(db, unreachable_smtp, today=TODAY, sleep=slept.append)
    assert report.sent == 0 and report.pending == 5
    assert report.error.startswith("Could not send through 127.0.0.1")
    assert slept == [2.0, 4.0]
    assert deliveries(db) == []


def test_after_an_outage_the_waiting_notices_are_sent(
        db, five_notices, unreachable_smtp, mail_server):
    deliver_pending(db, unreachable_smtp, today=TODAY, sleep=lambda seconds: None)
    handler, config = mail_server()
    assert deliver_pending(db, config, today=TODAY).sent == 5
    assert sorted(handler.message_ids) == sorted(five_notices[1])


def test_a_server_without_starttls_is_not_used_in_the_clear(db, five_notices, mail_server):
    handler, config = mail_server()
    report = deliver_pending(db, replace(config, security="starttls"), today=TODAY,
                             sleep=lambda s: None)
    assert handler.offered == 0 and report.pending == 5 and "STARTTLS" in report.error


def test_without_smtp_notices_stay_in_the_outbox_readable(db, five_notices):
    ids, _ = five_notices
    report = deliver_pending(db, None, today=TODAY)
    assert not report.configured and report.pending == 5
    assert set(outbox(db)["state"]) == {"pending"}
    assert "will be stopped on 30 December 2026" in read_email(db, ids[0]).text


def test_outbox_lists_newest_first_with_subject_and_decimal_amounts(db, five_notices):
    ids, _ = five_notices
    listed = outbox(db)
    assert list(listed["id"]) == sorted(ids, reverse=True)
    assert listed["invoice_total"].map(type).eq(Decimal).all()
    assert listed["subject"].iloc[-1].startswith("Overdue: your service will be stopped")


def test_outbox_filters_by_kind_customer_date_and_delivery(
        db, make_notice, queue, mail_server):
    queue(make_notice("invoice_issued"))
    queue(make_notice("reminder", customer_id="C-2"))
    handler, config = mail_server()
    deliver_pending(db, config, today=TODAY, limit=1)
    assert list(outbox(db, kind="reminder")["kind"]) == ["reminder"]
    assert list(outbox(db, customer_id="C-2")["customer_id"]) == ["C-2"]
    assert list(outbox(db, as_of=date(2026, 11, 1))["kind"]) == ["invoice_issued"]
    assert list(outbox(db, delivered=True)["kind"]) == ["invoice_issued"]
    assert list(outbox(db, delivered=False)["kind"]) == ["reminder"]


def test_reading_an_email_that_is_not_in_the_outbox_is_refused(db):
    with pytest.raises(BobError, match="no email 99"):
        read_email(db, 99)


def test_an_email_dated_tomorrow_is_not_sent_today_and_is_sent_when_its_day_comes(
        db, make_notice, queue, mail_server):
    queue(make_notice("reminder", created_on=TODAY + timedelta(days=1)))
    handler, config = mail_server()
    today = deliver_pending(db, config, today=TODAY)
    assert (today.sent, today.pending, handler.offered) == (0, 1, 0)
    assert deliver_pending(db, config, today=TODAY + timedelta(days=1)).sent == 1


@pytest.mark.parametrize(("refuse", "reason"), [
    (0, "nothing pending"),  # everything went out on the first call
    (1000, "all 5 failed: 451 try later"),
])
def test_a_call_that_sends_nothing_says_why(db, five_notices, mail_server, refuse, reason):
    handler, config = mail_server(refuse=refuse)
    deliver_pending(db, config, today=TODAY, sleep=lambda seconds: None)
    assert deliver_pending(db, config, today=TODAY, sleep=lambda seconds: None).reason == reason


def test_emails_waiting_for_their_day_are_named_when_nothing_is_sent(
        db, make_notice, queue, mail_server):
    queue(make_notice("reminder", created_on=TODAY + timedelta(days=1)))
    handler, config = mail_server()
    assert deliver_pending(db, config, today=TODAY).reason == (
        "1 dated after 2027-01-31, sent from their day on")


def test_delivery_refuses_to_run_while_a_store_session_holds_the_file(db, five_notices,
                                                                      mail_server):
    handler, config = mail_server()
    with store.session(db), pytest.raises(RuntimeError, match="never held across the network"):
        deliver_pending(db, config, today=TODAY)
    assert handler.offered == 0


class Watching:
    """Accepts every message, first calling `look()` while the message is in the server's
    hands (the sender waits for the reply), and keeping what it saw."""

    def __init__(self, look):
        self.look, self.seen = look, []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.seen.append(self.look())
        return "250 OK"


OPEN_THE_STORE = "import sys, duckdb; duckdb.connect(sys.argv[1]).close()"


def test_while_the_server_has_an_email_in_hand_another_process_can_open_the_store(
        db, make_notice, queue, mail_server):
    for invoice_number in (1, 2):
        queue(make_notice("reminder", invoice_number=invoice_number))
    handler, config = mail_server(handler=Watching(lambda: subprocess.run(
        [sys.executable, "-c", OPEN_THE_STORE, str(db)], capture_output=True, text=True,
        timeout=60).returncode))
    assert deliver_pending(db, config, today=TODAY).sent == 2
    assert handler.seen == [0, 0]


def test_a_delivered_rows_claim_goes_as_soon_as_its_email_is_recorded(
        db, make_notice, queue, mail_server):
    ids = [queue(make_notice("reminder", invoice_number=n)) for n in (1, 2, 3)]
    handler, config = mail_server(handler=Watching(lambda: store.read(db, lambda con: [
        row[0] for row in con.execute(
            "SELECT outbox_id FROM delivery_claims ORDER BY outbox_id").fetchall()])))
    deliver_pending(db, config, today=TODAY)
    assert handler.seen == [ids, ids[1:], ids[2:]]
