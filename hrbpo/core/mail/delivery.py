"""Delivering the outbox, in the worker: claim, send, record, back off.

A message is claimed (`queued` → `sending`, attempts + 1) by a conditional
UPDATE that is committed before any SMTP traffic, so two workers never send
it at once. After the attempt it is `sent`, or `queued` again with
`next_attempt_at` = now + DELAY·2^(attempts-1), or `failed` once it has been
tried 1 + HRBPO_MAIL_RETRIES times. A worker that dies mid-send leaves the
message `sending`; when the claim's lease runs out the sweeper queues it
again, with the same Message-ID (receivers dedupe by it).
"""
import logging
import smtplib
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from hrbpo.core import queue, tenancy
from hrbpo.core.db import db, utcnow
from hrbpo.core.errors import Conflict, NotFound
from hrbpo.core.mail.models import OutboxMessage
from hrbpo.core.mail.transport import transport

log = logging.getLogger(__name__)
CHUNK = 20  # messages per claim and SMTP connection
FAN_OUT = 100  # ids per doorbell
SWEEP_LIMIT = 5000


def ring(ids: list):
    """Doorbells for these message ids, FAN_OUT per task."""
    for start in range(0, len(ids), FAN_OUT):
        queue.enqueue("mail.deliver", [str(i) for i in ids[start:start + FAN_OUT]])


@queue.task("mail.deliver")
def deliver(ids: list):
    """Try every due message among `ids` (a doorbell; stale ids are skipped).
    A big transaction's doorbell is split, so the worker's threads share it."""
    target = transport()
    if target is None:
        return 0  # HRBPO_MAIL_URL unset: mail stays in the outbox
    if len(ids) > FAN_OUT:
        ring(ids)
        return 0
    done = 0
    for start in range(0, len(ids), CHUNK):
        done += _deliver_chunk(target, ids[start:start + CHUNK])
    return done


def _deliver_chunk(target, ids) -> int:
    with tenancy.all_tenants():
        claimed = _claim(ids)
        if not claimed:
            return 0
        outcomes = _send(target, claimed)
        _record(claimed, outcomes)
    return len(claimed)


def _claim(ids) -> list:
    now = utcnow()
    rows = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_([_uuid(i) for i in ids]), OutboxMessage.status == "queued",
               OutboxMessage.next_attempt_at <= now)
        .values(status="sending", attempts=OutboxMessage.attempts + 1, claimed_at=now)
        .returning(OutboxMessage.id, OutboxMessage.to, OutboxMessage.raw, OutboxMessage.attempts)).all()
    db.session.commit()  # claimed before any SMTP traffic: no other worker takes these
    return rows


def _send(target, claimed) -> dict:
    """id → None (accepted by the server) or the error text."""
    sender, outcomes = current_app.config["HRBPO_MAIL_FROM"], {}
    try:
        with target.session() as session:
            for row in claimed:
                try:
                    session.send(sender, row.to, row.raw)
                    outcomes[row.id] = None
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                    outcomes[row.id] = _describe(exc)
    except (OSError, smtplib.SMTPException) as exc:  # down, hung (timeout), refused, dropped
        error = _describe(exc)
        for row in claimed:
            outcomes.setdefault(row.id, error)
    return outcomes


def _describe(exc) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return f"refused: {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"[:500]
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"refused: {exc.smtp_code} {text}"[:500]
    if isinstance(exc, TimeoutError):
        return "timed out waiting for the mail server"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused by the mail server"
    return f"{type(exc).__name__}: {exc}"[:500]


def _record(claimed, outcomes):
    now, retries = utcnow(), current_app.config["HRBPO_MAIL_RETRIES"]
    delay = current_app.config["HRBPO_MAIL_RETRY_DELAY"]
    sent = [row.id for row in claimed if outcomes[row.id] is None]
    if sent:
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(sent), OutboxMessage.status == "sending")
                           .values(status="sent", sent_at=now))
    later = {}
    for row in claimed:
        error = outcomes[row.id]
        if error is None:
            continue
        values = {"last_error": error}
        if row.attempts > retries:
            values["status"] = "failed"
            log.error("mail %s to %s failed for good after %s attempts: %s", row.id, row.to, row.attempts, error)
        else:
            due = now + timedelta(seconds=delay * 2 ** (row.attempts - 1))
            values.update(status="queued", next_attempt_at=due)
            later.setdefault(due, []).append(row.id)
            log.warning("mail %s to %s not sent (attempt %s): %s", row.id, row.to, row.attempts, error)
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.status == "sending")
                           .values(**values))
    db.session.commit()
    for due, ids in later.items():
        queue.enqueue("mail.deliver", [str(i) for i in ids], eta=due)


def lease() -> timedelta:
    """How long a claim may last before its worker is presumed dead."""
    target = transport()
    return timedelta(seconds=CHUNK * (target.timeout if target else 30) + 60)


@queue.periodic(queue.crontab(minute="*"), "mail.sweep")
def sweep(now=None, starting=False):
    """Every minute: queue again what a dead worker left `sending`, and ring
    for due messages whose doorbell was lost (when the queue has caught up,
    or they have waited a quarter of an hour; when a worker starts, all)."""
    if transport() is None:
        return 0
    now = now or utcnow()
    with tenancy.all_tenants():
        released = db.session.scalars(
            sa.update(OutboxMessage)
            .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - lease())
            .values(status="queued", next_attempt_at=utcnow(), last_error="the worker stopped while sending")
            .returning(OutboxMessage.id)).all()
        db.session.commit()
        waited = now if starting else now - timedelta(minutes=1 if queue.depth()["ready"] == 0 else 15)
        ids = db.session.scalars(
            sa.select(OutboxMessage.id).where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= waited)
            .order_by(OutboxMessage.next_attempt_at).limit(SWEEP_LIMIT)).all()
    ids = list(dict.fromkeys([*released, *ids]))
    ring(ids)
    return len(ids)


def retry(message_id) -> OutboxMessage:
    """An operator queues a failed message again (one more attempt, now)."""
    with tenancy.all_tenants():
        message = db.session.get(OutboxMessage, _uuid(message_id), with_for_update=True)
        if message is None:
            raise NotFound("No such message.")
        if message.status != "failed":
            raise Conflict(f"Only a failed message can be retried; this one is {message.status}.")
        message.status, message.next_attempt_at = "queued", utcnow()
        db.session.flush()
    queue.after_commit("mail.deliver", [str(message.id)])
    return message


def _uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
