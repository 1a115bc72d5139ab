"""The notices page: the outbox, one email as it was rendered, and delivering pending ones."""

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

import bob
from bob import notices, reports, store
from bob.store import outbox as outbox_sql
from tests.app.conftest import AS_OF, BOB_START, LATE
from tests.notices.conftest import FlakyHandler, free_port

SMTP_ENV = ("BOB_SMTP_HOST", "BOB_SMTP_PORT", "BOB_SMTP_SECURITY", "BOB_SMTP_USER",
            "BOB_SMTP_PASSWORD", "BOB_SMTP_FROM")


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def deliver_button(at):
    return next(b for b in at.button if b.label == "Deliver pending")


@pytest.fixture
def no_smtp(monkeypatch, tmp_path):
    for name in SMTP_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml either


@pytest.fixture
def smtp_server(monkeypatch):
    """A real SMTP server on loopback, configured through the environment as in production."""
    handler = FlakyHandler(refuse=0, reply="")
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    for name, value in {"BOB_SMTP_HOST": "127.0.0.1", "BOB_SMTP_PORT": str(controller.port),
                        "BOB_SMTP_SECURITY": "none",
                        "BOB_SMTP_FROM": "billing@vendor.example"}.items():
        monkeypatch.setenv(name, value)
    yield handler
    controller.stop()


def test_outbox_counts_every_email_written_by_the_as_of_date_not_the_rows_shown(
        demo_db, app, no_smtp):
    written = notices.outbox(demo_db, as_of=AS_OF, limit=None)
    assert len(written) > 500  # more than the listing shows
    at = app("pages/notices.py")
    assert not at.exception
    assert len(at.dataframe[0].value) == 500
    assert metric(at, "Emails") == f"{len(written):,}"
    assert metric(at, "Delivered") == f"{(written['state'] == 'delivered').sum():,}"
    assert metric(at, "Pending") == f"{(written['state'] == 'pending').sum():,}"


def test_a_cut_listing_says_how_many_it_shows_and_how_to_see_the_rest(demo_db, app, no_smtp):
    total = len(notices.outbox(demo_db, as_of=AS_OF, limit=None))
    at = app("pages/notices.py")
    caption = " ".join(c.value for c in at.caption)
    assert f"Showing the newest 500 of {total:,}" in caption
    assert "python -m bob report notices" in caption


def test_an_email_about_an_invoice_links_to_it_by_its_integer_number(demo_db, app, no_smtp):
    # A customer whose service was restored: that email names no invoice, the others do.
    emails = notices.outbox(demo_db, as_of=AS_OF, limit=None)
    restored = emails[emails["kind"] == "service_restored"]["customer_id"].iloc[0]
    about = emails[(emails["customer_id"] == restored) & emails["invoice_number"].notna()].iloc[0]
    at = app("pages/notices.py", email=str(about["id"]))
    assert not at.exception
    links = [link.label for link in at.get("page_link")]
    assert f"Invoice {int(about['invoice_number'])}" in links


def test_kind_filter_keeps_warnings_only(demo_db, app, no_smtp):
    at = app("pages/notices.py")
    at.selectbox(key="notices_kind").set_value("warning").run()
    assert set(at.dataframe[0].value["kind"]) == {"Warning"}


def test_customer_and_invoice_parameters_keep_one_invoices_emails(demo_db, app, no_smtp):
    invoice = int(bob.ledger(demo_db, as_of=AS_OF, customer_ids=[LATE],
                             statuses=["Overdue"])["number"].min())
    at = app("pages/notices.py", customer=LATE, invoice=str(invoice))
    shown = at.dataframe[0].value
    expected = reports.invoice_emails(demo_db, number=invoice, customer_id=LATE, as_of=AS_OF)
    assert shown["id"].tolist() == expected["id"].tolist()
    assert set(shown["invoice_number"]) == {invoice}


def test_an_email_reads_as_it_was_rendered(demo_db, app, no_smtp):
    outbox_id = int(notices.outbox(demo_db, as_of=AS_OF, kind="warning", limit=1)["id"][0])
    email = notices.read_email(demo_db, outbox_id)
    at = app("pages/notices.py", email=str(outbox_id))
    assert not at.exception
    assert at.subheader[0].value == email.subject
    assert at.code[0].value == email.text.rstrip()
    assert at.get("html")[0].proto.body == email.html.strip()
    assert email.recipient in at.markdown[1].value


def delivered(db) -> int:
    return int((notices.outbox(db, limit=100_000)["state"] == "delivered").sum())


def test_deliver_pending_without_smtp_says_how_to_configure_it(demo_db, app, no_smtp):
    before = delivered(demo_db)
    at = app("pages/notices.py")
    deliver_button(at).click().run()
    assert not at.exception
    assert "BOB_SMTP_HOST" in at.info[0].value
    assert delivered(demo_db) == before


def test_deliver_pending_sends_every_pending_email(demo_db, app, smtp_server, monkeypatch):
    # All but the newest five went out on an earlier delivery run.
    def delivered_earlier(con):
        con.execute("INSERT INTO deliveries (outbox_id, attempt, ok) SELECT id, 1, true "
                    "FROM outbox WHERE id <= (SELECT max(id) - 5 FROM outbox) "
                    "AND id NOT IN (SELECT outbox_id FROM deliveries)")
        outbox_sql.mark_delivered(con)
    store.write(demo_db, delivered_earlier)
    pending = notices.outbox(demo_db, delivered=False, limit=100_000)
    assert len(pending) == 5
    at = app("pages/notices.py")
    assert "127.0.0.1" in at.caption[0].value
    deliver_button(at).click().run()
    assert not at.exception
    assert len(smtp_server.received) == len(pending)
    assert (notices.outbox(demo_db, limit=100_000)["state"] == "delivered").all()


def test_deliver_pending_sends_nothing_dated_after_today_and_says_so(
        demo_db, app, smtp_server, monkeypatch):
    before_the_cast_was_billed = BOB_START - timedelta(days=1)
    pending = len(notices.outbox(demo_db, delivered=False, limit=100_000))
    at = app("pages/notices.py", today=before_the_cast_was_billed)
    deliver_button(at).click().run()
    assert not at.exception
    assert smtp_server.received == []
    assert at.status[0].label == (f"0 sent, 0 refused, {pending:,} still pending: {pending:,} "
                                  "dated after 2026-08-31, sent from their day on.")


def test_empty_store_says_how_to_load_data(empty_db, app, no_smtp):
    at = app("pages/notices.py")
    assert not at.exception
    assert "python -m bob demo" in at.info[0].value
