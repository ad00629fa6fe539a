"""Outgoing mail, written with the standard library.

`send(recipient, template, **context)` renders a plain-text template in the
recipient's language and hands the message over once the current database
transaction commits: a change that rolls back sends nothing. Where messages
go is `HRBPO_MAIL_URL`:

- unset or `outbox:` (the embedded default): each message is logged and kept
  as an `.eml` file in `<instance>/outbox`; nothing is lost and nothing
  leaves the machine;
- `smtp://user:password@host:587?starttls=1` or `smtps://user:password@host:465`
  (`timeout=` seconds, default 30); a message the server refuses is logged and
  kept in `<instance>/outbox/failed`;
- `memory:` keeps messages in a list (tests: the `mailbox` fixture).

A template has two blocks, `subject` and `body`; a body ends with
`{% include "mail/_signature.txt" %}` (which needs `tenant`). Mail is not
encrypted at rest on its way: never put national ids, dates of birth, bank
details or anything else sensitive in one; link to the portal instead.
"""
import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import force_locale

from hrbpo.core.config import SUPPORTED_LOCALES
from hrbpo.core.db import db

log = logging.getLogger(__name__)
EXTENSION = "hrbpo_mail"
QUEUE = "hrbpo_mail_queue"  # key in Session.info: messages waiting for the commit
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


@dataclass(frozen=True)
class Recipient:
    address: str
    locale: str = "en"
    name: str = ""


# --- Backends: deliver(messages) → the messages that could not be delivered


class MemoryBackend:
    def __init__(self):
        self.messages: list[EmailMessage] = []

    def deliver(self, messages):
        self.messages.extend(messages)
        return []


class OutboxBackend:
    """Log each message and keep it as a file: the embedded default."""

    def __init__(self, folder: Path):
        self.folder = folder

    def deliver(self, messages):
        for message in messages:
            path = keep(message, self.folder)
            log.info("mail to %s: %r kept in %s (HRBPO_MAIL_URL is not set, so nothing was sent)",
                     message["To"], message["Subject"], path)
        return []


class SmtpBackend:
    def __init__(self, url: str):
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.secure = parts.scheme == "smtps"
        self.starttls = query.get("starttls", "0").lower() in ("1", "true", "yes", "on")
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.secure else 587 if self.starttls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.timeout = float(query.get("timeout", "30"))

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.secure:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            smtp.starttls(context=context)
        return smtp

    def deliver(self, messages):
        failed, sent = [], 0
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(self.user, self.password)
                for message in messages:
                    try:
                        smtp.send_message(message)
                    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused):
                        log.exception("mail server %s refused mail to %s", self.host, message["To"])
                        failed.append(message)
                    sent += 1
        except (OSError, smtplib.SMTPException):
            log.exception("could not send mail through %s:%s", self.host, self.port)
            failed += messages[sent:]
        return failed


def backend_for(url: str | None, outbox: Path):
    scheme = (url or "outbox:").split(":", 1)[0].lower()
    if scheme == "outbox":
        return OutboxBackend(outbox)
    if scheme == "memory":
        return MemoryBackend()
    if scheme in ("smtp", "smtps"):
        return SmtpBackend(url)
    raise ValueError(f"HRBPO_MAIL_URL {scheme}:… is not understood: use smtp://, smtps://, outbox: or memory:")


def init_app(app):
    app.extensions[EXTENSION] = backend_for(app.config.get("HRBPO_MAIL_URL"), Path(app.instance_path) / "outbox")


def backend():
    return current_app.extensions[EXTENSION]


# --- Writing messages


def render(template: str, locale: str, **context) -> tuple[str, str]:
    """(subject, body) of a mail template, in `locale`."""
    jinja = current_app.jinja_env.get_template(template)
    with force_locale(locale):
        ctx = jinja.new_context(context)
        subject = " ".join("".join(jinja.blocks["subject"](ctx)).split())
        body = "".join(jinja.blocks["body"](ctx)).strip() + "\n"
    return subject, body


def send(recipient: Recipient, template: str, **context) -> EmailMessage:
    """Write to `recipient` in their language; delivered when the transaction commits."""
    subject, body = render(template, recipient.locale, **context)
    sender = current_app.config["HRBPO_MAIL_FROM"]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = formataddr((recipient.name, recipient.address)) if recipient.name else recipient.address
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or "localhost")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(body)
    message["Content-Language"] = recipient.locale  # after set_content, which drops Content-* headers
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback before any query drops the message too
    session.info.setdefault(QUEUE, []).append((backend(), Path(current_app.instance_path) / "outbox", message))
    return message


def link(path: str) -> str:
    """An absolute portal URL for a message: HRBPO_BASE_URL, else the current request's."""
    base = current_app.config.get("HRBPO_BASE_URL") or (request.url_root if has_request_context() else
                                                         DEFAULT_BASE_URL)
    return base.rstrip("/") + "/" + path.lstrip("/")


def keep(message: EmailMessage, folder: Path) -> Path:
    """Write a message to `folder` as an .eml file only its owner may read."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    path.chmod(0o600)
    return path


# --- Who to write to


def locale_for(user=None, tenant=None) -> str:
    """The user's language, else the tenant's, else the default."""
    for locale in (getattr(user, "locale", None), getattr(tenant, "locale", None)):
        if locale in SUPPORTED_LOCALES:
            return locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def employee_recipients(employees, tenant) -> dict:
    """Employee id → Recipient (their work address, their login's language), in one query."""
    from hrbpo.core.auth.models import Membership, User

    employees = list(employees)
    users = dict(db.session.execute(
        sa.select(Membership.employee_id, User).join(User, User.id == Membership.user_id)
        .where(Membership.employee_id.in_([e.id for e in employees]))).all()) if employees else {}
    return {e.id: Recipient(e.email, locale_for(users.get(e.id), tenant), e.full_name) for e in employees}


def hr_admins(tenant) -> list[Recipient]:
    """The tenant's active HR admins."""
    from hrbpo.core.auth.models import Membership, User

    users = db.session.scalars(sa.select(User).join(Membership, Membership.user_id == User.id)
                               .where(Membership.role == "hr_admin", User.active.is_(True))
                               .order_by(User.email)).all()
    return [Recipient(u.email, locale_for(u, tenant)) for u in users]


# --- Delivery after commit


def _deliver_queued(session):
    queued = session.info.pop(QUEUE, None)
    if not queued:
        return
    by_backend = {}
    for target, outbox, message in queued:
        by_backend.setdefault(id(target), (target, outbox, []))[2].append(message)
    for target, outbox, messages in by_backend.values():
        try:
            failed = target.deliver(messages)
        except Exception:  # a mail problem must never undo or break the committed change
            log.exception("mail delivery failed")
            failed = messages
        for message in failed:
            log.error("mail to %s not sent; kept in %s", message["To"], keep(message, outbox / "failed"))


def _drop_queued(session, previous_transaction):
    if not previous_transaction.nested:  # a savepoint rolling back keeps the transaction's mail
        session.info.pop(QUEUE, None)


sa.event.listen(db.session, "after_commit", _deliver_queued)
sa.event.listen(db.session, "after_soft_rollback", _drop_queued)
