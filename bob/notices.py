"""Email: the outbox of notices, and its delivery over SMTP.

Every email is first an outbox row, written in the same transaction as the decision behind
it, so nothing is lost while SMTP is down. `deliver_pending` sends the rows with no ok
delivery yet whose date has come, and records each attempt as a `deliveries` row in its own
short transaction as soon as the server answers; a delivered row is never sent again. A
refused message (4xx, 5xx) is a counted attempt; a server that cannot be reached costs no
attempt, so rows wait out any outage. A sender first claims the rows it sends (200 at a
time), so a second sender in another process leaves them alone; the claims of a sender that
died are taken over at once (bob.senders). Should the process die between the server's
"250 OK" and recording it, that one email is sent again by the next run, with the same
Message-ID, so the receiver can drop the copy.

The store is open only for those transactions, never while the mail server is talked to
(its timeouts run to 30 s), so the cron job never waits on SMTP.
"""

import os
import smtplib
import ssl
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import pandas as pd

from bob import store
from bob.access import DELIVER, Principal, check_permitted, resolve_actor, scoped_read
from bob.errors import BobError
from bob.notice_text import Notice, RenderedEmail, render
from bob.senders import Claim, Sender, still_running
from bob.store import outbox as outbox_sql

__all__ = ["DeliveryReport", "Notice", "RenderedEmail", "SmtpConfig", "deliver_pending",
           "outbox", "read_email", "render"]

SECURITY_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
ENV_NAMES = {"host": "BOB_SMTP_HOST", "port": "BOB_SMTP_PORT", "security": "BOB_SMTP_SECURITY",
             "user": "BOB_SMTP_USER", "password": "BOB_SMTP_PASSWORD", "sender": "BOB_SMTP_FROM"}
MAX_ATTEMPTS = 8
ROUNDS = 3  # sending rounds in one call: the first try and two retries, 2 s then 4 s later
FIRST_BACKOFF_SECONDS = 2.0
CLAIM_CHUNK = 200  # rows claimed at a time, sent, recorded, then let go

# One delivery at a time per process; between processes, claims (bob.store.outbox) keep
# two senders off the same row.
_delivering = threading.Lock()


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = ""
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ,
                 secrets_path: str | Path = ".streamlit/secrets.toml") -> "SmtpConfig | None":
        """BOB_SMTP_* variables, each falling back to the [smtp] table of secrets.toml.
        None when no host is configured: emails then wait in the outbox."""
        secrets = _smtp_secrets(Path(secrets_path))

        def setting(name: str):
            value = env.get(ENV_NAMES[name])
            value = secrets.get(name) if value in (None, "") else value
            return None if value in (None, "") else value

        host = setting("host")
        if host is None:
            return None
        security = str(setting("security") or "starttls").strip().lower()
        if security not in SECURITY_PORTS:
            raise BobError(f"SMTP security must be one of {', '.join(SECURITY_PORTS)}, "
                           f"not {security!r}.")
        port = _port(setting("port") or SECURITY_PORTS[security])
        user = setting("user")
        sender = setting("sender") or (user if user and "@" in str(user) else None)
        if sender is None:
            raise BobError("Set BOB_SMTP_FROM (or sender in the [smtp] table of "
                           "secrets.toml): the address BoB's emails are sent from.")
        return cls(host=str(host), port=port, security=security,
                   user=None if user is None else str(user),
                   password=setting("password"), sender=str(sender))


def _port(value) -> int:
    """A TCP port, 1 to 65535, from the environment's text or secrets.toml's number."""
    written = str(value).strip()
    if isinstance(value, bool) or not (written.isascii() and written.isdigit()
                                       and 1 <= int(written) <= 65535):
        raise BobError(f"SMTP port must be a number from 1 to 65535 such as 587, not {value!r}.")
    return int(written)


def _smtp_secrets(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as file:
            table = tomllib.load(file).get("smtp", {})
    except tomllib.TOMLDecodeError as error:
        raise BobError(f"{path} is not valid TOML: {error}.") from None
    if not isinstance(table, dict):
        raise BobError(f"[smtp] in {path} must be a table of host, port, security, user, "
                       "password and sender.")
    return table


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    refused: int = 0  # attempts refused in this call, each recorded
    pending: int = 0  # rows still waiting for a later run
    rounds: int = 0
    error: str | None = None  # the last reason a round stopped short, if one did
    configured: bool = True
    reason: str | None = None  # why nothing was sent, when nothing was


@dataclass(frozen=True)
class _Pending:
    notice: Notice
    attempts: int


def _claim(db, sender: Sender, max_attempts: int, limit: int, today: date,
           tried: list[int]) -> list[_Pending]:
    """In one transaction: drop the claims of senders that are gone, then claim rows."""
    def work(con):
        gone = [claim.claimer for claim in _claims(con) if not still_running(claim, sender)]
        outbox_sql.drop_claims(con, gone)
        return outbox_sql.claim_pending(
            con, {"claimer": sender.claimer, "host": sender.host, "booted_at": sender.booted_at,
                  "pid": sender.pid, "started_at": sender.started_at},
            max_attempts=max_attempts, limit=limit, today=today, skip=tried)
    return [_Pending(Notice.from_row(row), row["attempts"]) for row in store.write(db, work)]


def _claims(con) -> list[Claim]:
    return [Claim(**row) for row in outbox_sql.claimers(con)]


@dataclass(frozen=True)
class _Failure:
    error: str
    retry: bool  # worth another try in this call (a 4xx, a dropped connection)
    lost: bool = False  # the session is gone: the rest of the round waits for the next


@dataclass
class _Tally:
    """The attempts of one call; each is recorded as soon as the server has answered."""
    db: object
    sender: Sender
    actor: str
    max_attempts: int
    sent: int = 0
    refused: int = 0
    rounds: int = 0
    error: str | None = None
    last_refusal: str | None = None

    def record(self, item: _Pending, failure: _Failure | None) -> None:
        outbox_id, error = item.notice.id, failure and failure.error

        def write(con):
            outbox_sql.record_attempt(con, outbox_id, error, self.sender.claimer)
            store.audit(con, self.actor, "deliver", f"outbox:{outbox_id}",
                        "delivered" if error is None else f"refused: {error}")

        store.write(self.db, write)
        self.sent += failure is None
        self.refused += failure is not None
        self.last_refusal = error or self.last_refusal


def deliver_pending(db, config: SmtpConfig | None, *, today: date, limit: int | None = None,
                    max_attempts: int = MAX_ATTEMPTS, sleep: Callable[[float], None] = time.sleep,
                    actor: Principal | str = "system") -> DeliveryReport:
    """Send the outbox rows not yet delivered and dated `today` (the business date) or
    earlier, oldest first, and record every attempt.

    Retries within the call, after 2 s then 4 s, what a server refused for now (4xx) or
    could not take (connection lost); the rest waits for the next call. Without `config`
    nothing is sent and the rows stay in the outbox. The store is opened for each claim and
    each record only, so this must not run inside a store session, which keeps it open.
    `actor` must be someone who may deliver (bob.access).
    """
    if store.held_by_this_thread(db):
        raise RuntimeError("deliver_pending talks to a mail server for seconds at a time, so it "
                           "runs outside a store session: the lock is never held across the "
                           "network.")
    principal = store.read(db, lambda con: resolve_actor(con, actor))
    check_permitted(principal, DELIVER)
    actor = principal.email
    if config is None:
        waiting = store.read(db, lambda con: outbox_sql.waiting(con, max_attempts, today))
        return DeliveryReport(pending=waiting["pending"], configured=False,
                              reason="SMTP is not configured; emails wait in the outbox.")
    sender = Sender.this_call()
    tally = _Tally(db, sender, actor, max_attempts)
    left, tried = limit, []
    with _delivering:
        while left is None or left > 0:
            chunk = CLAIM_CHUNK if left is None else min(left, CLAIM_CHUNK)
            queue = _claim(db, sender, max_attempts, chunk, today, tried)
            if not queue:
                break
            tried += [item.notice.id for item in queue]
            left = None if left is None else left - len(queue)
            try:
                unsent = _send_with_retries(config, queue, tally, sleep)
            finally:
                store.write(db, lambda con: outbox_sql.release_claims(con, sender.claimer))
            if unsent:
                break  # the server is not taking them now: the rest waits for the next call
        return _report(db, tally, len(tried), max_attempts, today)


def _report(db, tally: _Tally, tried: int, max_attempts: int, today: date) -> DeliveryReport:
    waiting, holders = store.read(db, lambda con: (
        outbox_sql.waiting(con, max_attempts, today), _claims(con)))
    return DeliveryReport(sent=tally.sent, refused=tally.refused, rounds=tally.rounds,
                          pending=waiting["pending"], error=tally.error,
                          reason=None if tally.sent else _why_nothing_was_sent(
                              tally, tried, waiting, holders, today))


def _why_nothing_was_sent(tally: _Tally, tried: int, waiting: dict, holders: list[Claim],
                          today: date) -> str:
    if tally.refused:
        return f"all {tried} failed: {tally.last_refusal}"
    if tally.error:
        return tally.error
    held = sum(claim.rows for claim in holders)
    reasons = [f"{claim.rows} claimed by a running sender ({claim.describe()})"
               for claim in holders]
    if waiting["later"]:
        reasons.append(f"{waiting['later']} dated after {today}, sent from their day on")
    if waiting["pending"] - waiting["later"] - held > 0:
        reasons.append(f"{waiting['pending'] - waiting['later'] - held} past the limit")
    if waiting["failed"]:
        reasons.append(f"{waiting['failed']} failed for good (see the outbox)")
    return "; ".join(reasons) if reasons else "nothing pending"


def _send_with_retries(config: SmtpConfig, queue: list[_Pending], tally: _Tally,
                       sleep: Callable[[float], None]) -> list[_Pending]:
    """Up to ROUNDS rounds over `queue`; returns the rows still worth another try."""
    for round_no in range(ROUNDS):
        if not queue:
            break
        if round_no:
            sleep(FIRST_BACKOFF_SECONDS * 2 ** (round_no - 1))
        queue = _send_round(config, queue, tally)
    return queue


def _send_round(config: SmtpConfig, queue: list[_Pending], tally: _Tally) -> list[_Pending]:
    """One SMTP session over `queue`; returns the rows worth another try in this call."""
    tally.rounds += 1
    try:
        smtp = _connect(config)
    except OSError as error:  # smtplib's errors included
        tally.error = f"Could not send through {config.host}:{config.port}: {_describe(error)}"
        return queue
    retry = []
    try:
        for position, item in enumerate(queue):
            failure = _send_one(smtp, config, item.notice)
            tally.record(item, failure)
            if failure and failure.retry and item.attempts + 1 < tally.max_attempts:
                retry.append(replace(item, attempts=item.attempts + 1))
            if failure and failure.lost:
                tally.error = failure.error
                return retry + queue[position + 1:]
        return retry
    finally:
        _quit(smtp)


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "ssl":
        smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        if config.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config.user:
            smtp.login(config.user, config.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except OSError:
        smtp.close()


def _send_one(smtp: smtplib.SMTP, config: SmtpConfig, notice: Notice) -> _Failure | None:
    """Send one email; None when the server took it, else why not."""
    try:
        smtp.send_message(_message(config, render(notice)))
        return None
    except smtplib.SMTPRecipientsRefused as error:  # the one recipient, refused
        return _refused(smtplib.SMTPResponseException(*next(iter(error.recipients.values()))))
    except smtplib.SMTPResponseException as error:
        return _refused(error)
    except smtplib.SMTPServerDisconnected as error:
        return _Failure(_describe(error), retry=True, lost=True)
    except (smtplib.SMTPException, ValueError) as error:  # e.g. a line break in a header
        return _Failure(_describe(error), retry=False)
    except OSError as error:  # after SMTPException, which is an OSError too
        return _Failure(_describe(error), retry=True, lost=True)


def _refused(error: smtplib.SMTPResponseException) -> _Failure:
    """4xx is "not now", 5xx is "never"; 421 also means the server is closing the session."""
    code = error.smtp_code
    return _Failure(_describe(error), retry=code < 500, lost=code == 421)


def _message(config: SmtpConfig, email: RenderedEmail) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = config.sender
    message["To"] = email.recipient
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = email.message_id
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}".rstrip(": ")


LISTED = ("id", "created_on", "kind", "stage", "recipient_role", "recipient", "customer_id",
          "customer_name", "partner_name", "invoice_number", "invoice_total", "invoice_balance",
          "due_date", "stop_date", "subject", "state", "attempts", "last_error",
          "last_attempt_at", "message_id")


def outbox(db, *, as_of: date | None = None, kind: str | None = None,
           customer_id: str | None = None, delivered: bool | None = None, limit: int = 1000,
           max_attempts: int = MAX_ATTEMPTS, principal: Principal | None = None) -> pd.DataFrame:
    """The outbox, newest first, with each email's subject and delivery state: 'delivered',
    'pending', or 'failed' (attempts exhausted). `as_of` keeps the rows created by then;
    `delivered` False keeps the pending and failed ones. Amounts stay Decimal."""
    rows = scoped_read(principal, db, lambda con: outbox_sql.listing(con, {
        "max_attempts": max_attempts, "as_of": as_of, "kind": kind,
        "customer_id": customer_id, "delivered": delivered, "limit": limit}))
    listed = [{**row, "subject": render(Notice.from_row(row)).subject} for row in rows]
    return pd.DataFrame.from_records([[row[name] for name in LISTED] for row in listed],
                                     columns=list(LISTED))


def read_email(db, outbox_id: int, *, principal: Principal | None = None) -> RenderedEmail:
    """One outbox row as its recipient reads it."""
    found = scoped_read(principal, db, lambda con: outbox_sql.row(con, outbox_id))
    if found is None:
        raise BobError(f"There is no email {outbox_id} in the outbox.")
    return render(Notice.from_row(found))
