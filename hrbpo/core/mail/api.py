"""/api/v1/mail: the outbox, for operators (newest first), and retrying a failed message."""
import marshmallow as ma
import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.api.base import Blueprint, PageArgs, page_schema, paginate
from hrbpo.core.api.schemas import Schema
from hrbpo.core.auth.permissions import operator_required
from hrbpo.core.db import db
from hrbpo.core.mail import delivery
from hrbpo.core.mail.models import STATUSES, OutboxMessage
from hrbpo.core.tenants.models import Tenant

blp = Blueprint("mail_api", __name__, url_prefix="/api/v1", description="Outgoing mail (operators)")


class MailQuerySchema(Schema):
    to = ma.fields.String(validate=ma.validate.Length(max=320), metadata={"description": "Recipient address"})
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    tenant = ma.fields.String(validate=ma.validate.Length(max=63), metadata={"description": "Tenant slug"})


class MailSchema(Schema):
    id = ma.fields.UUID()
    tenant = ma.fields.String(allow_none=True, metadata={"description": "Tenant slug; null for platform mail"})
    to = ma.fields.String()
    subject = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(STATUSES)})
    attempts = ma.fields.Integer(metadata={"description": "Delivery attempts so far"})
    last_error = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(allow_none=True)
    next_attempt_at = ma.fields.DateTime(allow_none=True)


def outbox_query(to=None, status=None, tenant=None):
    """Outbox messages, newest first, filtered (run it inside tenancy.all_tenants())."""
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if to:
        stmt = stmt.where(sa.func.lower(OutboxMessage.to) == to.strip().lower())
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    if tenant:
        stmt = stmt.where(OutboxMessage.tenant_id == sa.select(Tenant.id).where(Tenant.slug == tenant).scalar_subquery())
    return stmt


def with_slugs(messages) -> list[dict]:
    """Messages as dicts with their tenant's slug (one query for the page)."""
    ids = {m.tenant_id for m in messages if m.tenant_id}
    slugs = dict(db.session.execute(sa.select(Tenant.id, Tenant.slug).where(Tenant.id.in_(ids))).all()) if ids else {}
    return [{**{c: getattr(m, c) for c in ("id", "to", "subject", "status", "attempts", "last_error", "created_at",
                                             "sent_at", "next_attempt_at")}, "tenant": slugs.get(m.tenant_id)}
            for m in messages]


@blp.route("/mail", methods=["GET"])
@operator_required
@blp.arguments(MailQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(MailSchema))
def list_mail(query, page):
    """Outgoing messages, newest first: `queued` → `sending` → `sent` | `failed`."""
    with tenancy.all_tenants():
        result = paginate(outbox_query(**query), page)
        result["items"] = with_slugs(result["items"])
    return result


@blp.route("/mail/<uuid:message_id>/retry", methods=["POST"])
@operator_required
@blp.response(202, MailSchema)
@blp.alt_response(409, description="The message has not failed")
def retry_mail(message_id):
    """Queue a failed message again; the worker tries it once more at once."""
    message = delivery.retry(message_id)
    db.session.commit()
    with tenancy.all_tenants():
        return with_slugs([message])[0]
