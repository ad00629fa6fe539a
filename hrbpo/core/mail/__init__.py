"""Outgoing mail through a transactional outbox.

`send(recipient, template, **context)` renders a plain-text template in the
recipient's language and writes the message to the outbox (`mail_outbox`) in
the current database transaction: a change that rolls back sends nothing, and
the request never waits for SMTP. Once the transaction commits the worker
(`flask hrbpo worker`) is rung and delivers it to HRBPO_MAIL_URL, retrying
with exponential backoff (hrbpo.core.mail.delivery). Unset, messages stay in
the outbox, shown in the operator console, and nothing leaves the machine.

A template has two blocks, `subject` and `body`; a body ends with
`{% include "mail/_signature.txt" %}` (which needs `tenant`). Messages are
encrypted at rest in the outbox but not on the wire to the mail server:
never put national ids, dates of birth, bank details or anything else
sensitive in one; link to the portal instead.
"""
import logging
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import force_locale

from hrbpo.core import queue, tenancy
from hrbpo.core.auth.models import Membership, User
from hrbpo.core.config import SUPPORTED_LOCALES
from hrbpo.core.db import db, new_id, utcnow
from hrbpo.core.mail import delivery  # noqa: F401  (declares the worker's mail tasks)
from hrbpo.core.mail.models import OutboxMessage

log = logging.getLogger(__name__)
DEFAULT_BASE_URL = "http://127.0.0.1:5000"
WRITTEN = "hrbpo_mail_written"  # key in Session.info: ids written in this transaction

__all__ = ["OutboxMessage", "Recipient", "all_failed", "employee_recipients", "hr_admins", "link", "locale_for", "render", "send"]


@dataclass(frozen=True)
class Recipient:
    address: str
    locale: str = "en"
    name: str = ""


def render(template: str, locale: str, **context) -> tuple[str, str]:
    """(subject, body) of a mail template, in `locale`."""
    jinja = current_app.jinja_env.get_template(template)
    with force_locale(locale):
        ctx = jinja.new_context(context)
        subject = " ".join("".join(jinja.blocks["subject"](ctx)).split())
        body = "".join(jinja.blocks["body"](ctx)).strip() + "\n"
    return subject, body


def send(recipient: Recipient, template: str, group: uuid.UUID | None = None, **context) -> uuid.UUID:
    """Write to `recipient` in their language: into the outbox now, delivered
    after the commit. `group` tags messages a sender wants to find again
    (`OutboxMessage.group_id`). Returns the outbox id."""
    subject, body = render(template, recipient.locale, **context)
    sender = current_app.config["HRBPO_MAIL_FROM"]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = formataddr((recipient.name, recipient.address)) if recipient.name else recipient.address
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or "localhost")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(body, cte="quoted-printable")  # 7-bit clean: any server takes it
    message["Content-Language"] = recipient.locale  # after set_content, which drops Content-* headers
    return write(message, recipient.address, subject, group)


def write(message: EmailMessage, to: str, subject: str, group=None) -> uuid.UUID:
    """Put a built message in the outbox in the current transaction."""
    tenant_id, id_ = tenancy.current_tenant_id(), new_id()
    # Platform mail (no tenant) is written as platform code: RLS admits a NULL tenant only there.
    with nullcontext() if tenant_id else tenancy.all_tenants():
        db.session.execute(sa.insert(OutboxMessage).values(
            id=id_, tenant_id=tenant_id, message_id=message["Message-ID"], to=to, subject=subject,
            raw=message.as_string(), status="queued", attempts=0, created_at=utcnow(), next_attempt_at=utcnow(),
            group_id=group))
    session = db.session()
    written = session.info.get(WRITTEN)
    if written is None:
        written = session.info[WRITTEN] = []
        queue.after_commit("mail.deliver", written)  # one doorbell for the transaction's messages
    written.append(str(id_))
    if current_app.config.get("HRBPO_MAIL_URL") is None:
        log.info("mail to %s: %r kept in the outbox (HRBPO_MAIL_URL is not set, so nothing is sent)", to, subject)
    return id_


def _forget_written(session):
    session.info.pop(WRITTEN, None)


def _forget_written_on_rollback(session, previous_transaction):
    if not previous_transaction.nested:
        session.info.pop(WRITTEN, None)


sa.event.listen(db.session, "after_commit", _forget_written)
sa.event.listen(db.session, "after_soft_rollback", _forget_written_on_rollback)


def all_failed(group_column):
    """SQL: the row's group of messages (`group_column` = their group_id) exists
    and every one of them failed: what it stands for never reached anyone."""
    mine = OutboxMessage.group_id == group_column
    return sa.and_(group_column.is_not(None), sa.exists().where(mine),
                   ~sa.exists().where(mine, OutboxMessage.status != "failed"))


def link(path: str) -> str:
    """An absolute portal URL for a message: HRBPO_BASE_URL, else the current request's."""
    base = current_app.config.get("HRBPO_BASE_URL") or (request.url_root if has_request_context() else
                                                         DEFAULT_BASE_URL)
    return base.rstrip("/") + "/" + path.lstrip("/")


# --- Who to write to


def locale_for(user=None, tenant=None) -> str:
    """The user's language, else the tenant's, else the default."""
    for locale in (getattr(user, "locale", None), getattr(tenant, "locale", None)):
        if locale in SUPPORTED_LOCALES:
            return locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def employee_recipients(employees, tenant) -> dict:
    """Employee id → Recipient (their work address, their login's language), in one query."""
    employees = list(employees)
    users = dict(db.session.execute(
        sa.select(Membership.employee_id, User).join(User, User.id == Membership.user_id)
        .where(Membership.employee_id.in_([e.id for e in employees]))).all()) if employees else {}
    return {e.id: Recipient(e.email, locale_for(users.get(e.id), tenant), e.full_name) for e in employees}


def hr_admins(tenant) -> list[Recipient]:
    """The tenant's active HR admins."""
    users = db.session.scalars(sa.select(User).join(Membership, Membership.user_id == User.id)
                               .where(Membership.role == "hr_admin", Membership.active.is_(True), User.active.is_(True))
                               .order_by(User.email)).all()
    return [Recipient(u.email, locale_for(u, tenant)) for u in users]
