"""Webhook events: the types there are, and `emit`, which puts one in the
outbox of the current transaction.

`emit(type, data)` writes the event and a delivery for every active endpoint
of the current tenant subscribed to its type, in the caller's transaction,
and rings the worker once that transaction commits: a change that rolls back
sends nothing, and the request never waits for a receiver. With no endpoint
subscribed nothing is written. `data` goes out as it is: put in it only
what every receiver may see (never national IDs, dates of birth or other
encrypted fields).
"""
import json
import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import g

from hrbpo.core import queue, tenancy
from hrbpo.core.db import db, new_id, new_ids, utcnow
from hrbpo.core.plugins.manager import plugins
from hrbpo.core.plugins.types import EventType
from hrbpo.core.tenants.models import Tenant
from hrbpo.core.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

TEST = "webhook.test"  # sent by "send test event" to one endpoint only; nobody subscribes to it
WRITTEN = "hrbpo_webhooks_written"  # key in Session.info: delivery ids written in this transaction
SUBSCRIBERS = "hrbpo_webhooks_subscribers"  # key in Session.info: tenant id → its active endpoints, this transaction

CORE_EVENT_TYPES = [
    EventType("employee.created", "An employee was added."),
    EventType("employee.updated", "An employee's record changed (data.changed lists the fields)."),
    EventType("employee.terminated", "An employee was terminated."),
]
# What an employee event says about them: never the encrypted or sensitive fields.
EMPLOYEE_FIELDS = ("id", "first_name", "last_name", "email", "hire_date", "termination_date", "status",
                   "employment_type", "hours_per_week", "department", "location", "job_title")


def event_types() -> dict[str, EventType]:
    """Every type endpoints may subscribe to, core's and the plugins', by name."""
    registry = plugins()
    return registry.memo("webhook_event_types", lambda: {
        t.type: t for t in CORE_EVENT_TYPES + registry.call("webhook_event_types")})


def emit(type_: str, data: dict, resource: str | None = None) -> uuid.UUID | None:
    """Send event `type_` with `data` to the current tenant's subscribed
    endpoints, once the current transaction commits; returns the event's id
    (None when no endpoint wants it). `resource` (such as "employee:<id>")
    keeps one resource's events in order per endpoint."""
    if type_ not in event_types():
        raise ValueError(f"Unknown webhook event type {type_!r}: declare it with the webhook_event_types hook.")
    endpoints = [id_ for id_, events in _subscribers() if "*" in events or type_ in events]
    if not endpoints:
        return None
    return write(type_, data, resource, endpoints)


def _subscribers() -> list[tuple]:
    """The current tenant's active endpoints, read once per transaction (a
    transaction that emits many events asks once)."""
    session, tenant_id = db.session(), tenancy.require_tenant_id()
    known = session.info.setdefault(SUBSCRIBERS, {})
    if tenant_id not in known:
        known[tenant_id] = [tuple(row) for row in session.execute(
            sa.select(WebhookEndpoint.id, WebhookEndpoint.events).where(WebhookEndpoint.active.is_(True)))]
    return known[tenant_id]


def forget_subscribers():
    """After an endpoint changes: the next emit of this transaction reads them again."""
    db.session().info.pop(SUBSCRIBERS, None)


def write(type_: str, data: dict, resource: str | None, endpoint_ids: list) -> uuid.UUID:
    """The event and one delivery per endpoint, in the current transaction
    (plain inserts: no ORM objects to flush on a busy path)."""
    tenant_id, now, event_id = tenancy.require_tenant_id(), utcnow(), new_id()
    body = json.dumps({"id": str(event_id), "type": type_, "created_at": _iso(now), "tenant": _slug(tenant_id),
                       "data": data}, default=_plain, separators=(",", ":"), ensure_ascii=False)
    db.session.execute(sa.insert(WebhookEvent.__table__).values(
        tenant_id=tenant_id, id=event_id, type=type_, body=body, created_at=now))
    ids = new_ids(len(endpoint_ids))
    db.session.execute(sa.insert(WebhookDelivery.__table__), [
        {"id": id_, "tenant_id": tenant_id, "endpoint_id": endpoint, "event_id": event_id, "resource": resource,
         "status": "pending",
         "attempts": 0, "next_attempt_at": now, "created_at": now} for id_, endpoint in zip(ids, endpoint_ids)])
    ring_after_commit(ids)
    return event_id


def ring_after_commit(delivery_ids):
    """One doorbell for all the deliveries this transaction writes."""
    session = db.session()
    written = session.info.get(WRITTEN)
    if written is None:
        written = session.info[WRITTEN] = []
        queue.after_commit("webhooks.deliver", written)
    written.extend(str(i) for i in delivery_ids)


def employee_data(employee) -> dict:
    return {name: getattr(employee, name) for name in EMPLOYEE_FIELDS}


def _slug(tenant_id) -> str:
    tenant = g.get("tenant") if g else None
    if tenant is None or tenant.id != tenant_id:
        tenant = db.session.get(Tenant, tenant_id)
    return tenant.slug


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _plain(value):
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, (date, uuid.UUID)):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot go into a webhook payload")


def _forget_written(session, *args):
    if not args or not args[0].nested:
        session.info.pop(WRITTEN, None)
        session.info.pop(SUBSCRIBERS, None)


sa.event.listen(db.session, "after_commit", _forget_written)
sa.event.listen(db.session, "after_soft_rollback", _forget_written)
