"""Which audit events a reader asked for: one set of filters for the audit
API, the portal's audit page and the console's, so all three agree."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import marshmallow as ma
import sqlalchemy as sa

from hrbpo.core.api.schemas import Schema
from hrbpo.core.audit import AuditEvent


class AuditQuerySchema(Schema):
    action = ma.fields.String(validate=ma.validate.Length(max=80),
                              metadata={"description": "Exactly this action, e.g. `employee.update`"})
    action_prefix = ma.fields.String(validate=ma.validate.Length(max=80), metadata={
        "description": "Actions starting with this, e.g. `employee.` or `recruitment.application.`"})
    actor = ma.fields.String(validate=ma.validate.Length(max=254), metadata={
        "description": "Who acted: part of their email (case ignored)"})
    since = ma.fields.Date(metadata={"description": "Events on or after this day, in the tenant's time zone"})
    until = ma.fields.Date(metadata={"description": "Events on or before this day, in the tenant's time zone"})
    target_type = ma.fields.String(validate=ma.validate.Length(max=80), metadata={
        "description": "The kind of record changed, e.g. `Employee`"})
    target_id = ma.fields.String(validate=ma.validate.Length(max=80),
                                 metadata={"description": "The record changed (its id)"})

    @ma.validates_schema
    def _range(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise ma.ValidationError("Must not be before the start of the range.", "until")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def audit_select(tenant_id, filters: dict, zone: str = "UTC") -> sa.Select:
    """The tenant's events (the deployment's own chain when `tenant_id` is
    None) that pass `filters` (loaded by AuditQuerySchema), newest first."""
    where = AuditEvent.tenant_id.is_(None) if tenant_id is None else AuditEvent.tenant_id == tenant_id
    stmt = sa.select(AuditEvent).where(where)
    if filters.get("action"):
        stmt = stmt.where(AuditEvent.action == filters["action"])
    if filters.get("action_prefix"):
        stmt = stmt.where(AuditEvent.action.like(_like_escape(filters["action_prefix"]) + "%", escape="\\"))
    if filters.get("actor"):
        actor = f"%{_like_escape(filters['actor'].strip().lower())}%"
        stmt = stmt.where(sa.func.lower(AuditEvent.actor_email).like(actor, escape="\\"))
    for name in ("target_type", "target_id"):
        if filters.get(name):
            stmt = stmt.where(getattr(AuditEvent, name) == filters[name])
    local = ZoneInfo(zone or "UTC")
    if filters.get("since"):
        stmt = stmt.where(AuditEvent.at >= datetime.combine(filters["since"], time(), local))
    if filters.get("until"):
        stmt = stmt.where(AuditEvent.at < datetime.combine(filters["until"] + timedelta(days=1), time(), local))
    return stmt.order_by(AuditEvent.seq.desc())
