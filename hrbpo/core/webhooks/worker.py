"""Sending the deliveries, in the worker: claim, send, record, back off.

A delivery is claimed (`claimed_at` set, attempts + 1) by a conditional
UPDATE committed before any HTTP traffic, so two workers never send it at
once. Only due, pending deliveries of active endpoints are claimed, and not
one whose endpoint still has an earlier event of the same resource waiting
for its first attempt or in flight: one resource's events arrive in order.
After the attempt (hrbpo.core.webhooks.delivery, 10 s, no redirects, the
address checked again) it is `delivered`, `pending` again at the next time
of hrbpo.core.webhooks.schedule, or `failed` after 3 days. An endpoint
whose every attempt failed for 5 days is switched off and the tenant's HR
admins get a mail. A worker that dies mid-send leaves its claim; the
sweeper releases it when the lease runs out (the event keeps its id:
receivers dedupe by it).
"""
import logging
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from hrbpo.core import audit, mail, queue, tenancy
from hrbpo.core.db import db, utcnow
from hrbpo.core.tenants.models import Tenant
from hrbpo.core.webhooks import delivery, schedule, signing
from hrbpo.core.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from hrbpo.core.webhooks.services import allow_private, stop_pending

log = logging.getLogger(__name__)
CHUNK = 20  # deliveries per claim
FAN_OUT = 100  # ids per doorbell
SWEEP_LIMIT = 5000
LEASE = timedelta(seconds=CHUNK * delivery.TIMEOUT + 60)
DISABLED = "The webhook was switched off after failing every attempt for 5 days."


def ring(ids: list):
    for start in range(0, len(ids), FAN_OUT):
        queue.enqueue("webhooks.deliver", [str(i) for i in ids[start:start + FAN_OUT]])


@queue.task("webhooks.deliver")
def deliver(ids: list) -> int:
    """Send every due delivery among `ids` (stale ids are skipped), in
    chunks, until none of them can be claimed any more."""
    if len(ids) > FAN_OUT:
        ring(ids)
        return 0
    wanted, done = [uuid.UUID(str(i)) for i in ids], 0
    with tenancy.all_tenants():
        while wanted:
            claimed = _claim(wanted)
            if not claimed:
                break
            _record(claimed, [_send(row) for row in claimed])
            taken = {row.id for row in claimed}
            wanted = [i for i in wanted if i not in taken]
            done += len(claimed)
    return done


def _claimable(now):
    """Due pending deliveries of active endpoints not waiting behind their resource's earlier events."""
    earlier = aliased(WebhookDelivery)
    blocked = sa.select(earlier.id).where(
        earlier.tenant_id == WebhookDelivery.tenant_id, earlier.endpoint_id == WebhookDelivery.endpoint_id,
        earlier.resource == WebhookDelivery.resource, earlier.event_id < WebhookDelivery.event_id,
        earlier.status == "pending", sa.or_(earlier.attempts == 0, earlier.claimed_at.is_not(None)))
    return (sa.select(WebhookDelivery.id)
            .join(WebhookEndpoint, sa.and_(WebhookEndpoint.tenant_id == WebhookDelivery.tenant_id,
                                           WebhookEndpoint.id == WebhookDelivery.endpoint_id))
            .where(WebhookDelivery.status == "pending", WebhookDelivery.claimed_at.is_(None),
                   WebhookDelivery.next_attempt_at <= now, WebhookEndpoint.active.is_(True), ~sa.exists(blocked)))


def _claim(ids) -> list:
    now = utcnow()
    candidates = db.session.scalars(_claimable(now).where(WebhookDelivery.id.in_(ids))
                                    .order_by(WebhookDelivery.event_id).limit(CHUNK)).all()
    if not candidates:
        db.session.rollback()
        return []
    claimed = set(db.session.scalars(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(candidates), WebhookDelivery.status == "pending",
               WebhookDelivery.claimed_at.is_(None))
        .values(claimed_at=now, attempts=WebhookDelivery.attempts + 1,
                first_attempt_at=sa.func.coalesce(WebhookDelivery.first_attempt_at, now))
        .returning(WebhookDelivery.id)).all())
    rows = db.session.execute(
        sa.select(WebhookDelivery.id, WebhookDelivery.tenant_id, WebhookDelivery.endpoint_id,
                  WebhookDelivery.attempts, WebhookDelivery.first_attempt_at, WebhookDelivery.claimed_at,
                  WebhookEvent.id.label("event_id"), WebhookEvent.body, WebhookEndpoint.url, WebhookEndpoint.secret,
                  WebhookEndpoint.previous_secret, WebhookEndpoint.previous_expires_at)
        .join(WebhookEvent, sa.and_(WebhookEvent.tenant_id == WebhookDelivery.tenant_id,
                                    WebhookEvent.id == WebhookDelivery.event_id))
        .join(WebhookEndpoint, sa.and_(WebhookEndpoint.tenant_id == WebhookDelivery.tenant_id,
                                       WebhookEndpoint.id == WebhookDelivery.endpoint_id))
        .where(WebhookDelivery.id.in_(claimed)).order_by(WebhookDelivery.event_id)).all() if claimed else []
    db.session.commit()  # claimed before any HTTP traffic: no other worker takes these
    return rows


def _send(row) -> delivery.Outcome:
    now, body = utcnow(), row.body.encode()
    secrets = signing.signing_secrets(row.secret, row.previous_secret, row.previous_expires_at, now)
    headers = signing.headers(str(row.event_id), now, body, secrets)
    return delivery.send(row.url, body, headers, allow_private=allow_private(),
                         ca_file=current_app.config.get("HRBPO_WEBHOOKS_CA_FILE"))


def _record(claimed, outcomes):
    later, disable = {}, []
    for row, outcome in zip(claimed, outcomes):
        now = utcnow()
        state = schedule.after_attempt(outcome.delivered, row.attempts, row.first_attempt_at, now)
        db.session.execute(
            sa.update(WebhookDelivery)
            .where(WebhookDelivery.tenant_id == row.tenant_id, WebhookDelivery.id == row.id,
                   WebhookDelivery.claimed_at == row.claimed_at)
            .values(status=state.status, next_attempt_at=state.next_attempt_at, claimed_at=None,
                    last_status_code=outcome.status_code, last_error=outcome.error,
                    delivered_at=now if outcome.delivered else None))
        endpoint = sa.update(WebhookEndpoint).where(WebhookEndpoint.tenant_id == row.tenant_id,
                                                    WebhookEndpoint.id == row.endpoint_id)
        if outcome.delivered:
            db.session.execute(endpoint.where(WebhookEndpoint.failing_since.is_not(None)).values(failing_since=None))
            continue
        log.warning("webhook delivery %s (attempt %s) failed: %s", row.id, row.attempts, outcome.error)
        db.session.execute(endpoint.where(WebhookEndpoint.failing_since.is_(None)).values(failing_since=now))
        if state.next_attempt_at:
            later.setdefault(state.next_attempt_at, []).append(row.id)
        disable.append((row.tenant_id, row.endpoint_id))
    db.session.commit()
    for tenant_id, endpoint_id in dict.fromkeys(disable):
        _disable_if_failing(tenant_id, endpoint_id)
    for due, ids in later.items():
        queue.enqueue("webhooks.deliver", [str(i) for i in ids], eta=due)


def _disable_if_failing(tenant_id, endpoint_id):
    """Switch the endpoint off, with a mail to the HR admins, once it has failed for 5 days."""
    with tenancy.tenant_context(tenant_id):
        endpoint = db.session.get(WebhookEndpoint, (tenant_id, endpoint_id), with_for_update=True,
                                  populate_existing=True)
        if endpoint is None or not endpoint.active or not schedule.should_disable(endpoint.failing_since, utcnow()):
            db.session.rollback()
            return
        endpoint.active = False
        stop_pending(endpoint, DISABLED)
        audit.record("webhook.disable", endpoint, {"active": [True, False], "failing_since":
                                                   endpoint.failing_since.isoformat()})
        tenant = db.session.get(Tenant, tenant_id)
        for recipient in mail.hr_admins(tenant):
            mail.send(recipient, "mail/webhook_disabled.txt", tenant=tenant, endpoint=endpoint,
                      url=mail.link(f"/t/{tenant.slug}/settings/webhooks"))
        db.session.commit()
        log.error("webhook %s of tenant %s switched off: every attempt failed for 5 days", endpoint.id, tenant.slug)


@queue.periodic(queue.crontab(minute="*"), "webhooks.sweep")
def sweep(now=None, starting=False) -> int:
    """Every minute: release what a dead worker left claimed, and ring for due
    deliveries whose doorbell was lost or that waited behind an earlier event
    (when the queue has caught up or they waited a quarter of an hour; when a
    worker starts, all)."""
    now = now or utcnow()
    with tenancy.all_tenants():
        released = db.session.scalars(
            sa.update(WebhookDelivery)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.claimed_at < now - LEASE)
            .values(claimed_at=None, next_attempt_at=now, last_error="The worker stopped while sending.")
            .returning(WebhookDelivery.id)).all()
        db.session.commit()
        waited = now if starting else now - timedelta(minutes=1 if queue.depth()["ready"] == 0 else 15)
        ids = db.session.scalars(_claimable(waited).order_by(WebhookDelivery.event_id).limit(SWEEP_LIMIT)).all()
        db.session.rollback()
    ids = list(dict.fromkeys([*released, *ids]))
    ring(ids)
    return len(ids)


@queue.periodic(queue.crontab(minute="47", hour="3"), "webhooks.purge")
def purge(now=None) -> int:
    """Daily: forget events older than HRBPO_KEEP_FINISHED_DAYS whose deliveries
    are all finished (the log goes with them), so the outbox does not grow
    without bound. Returns how many events went."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["HRBPO_KEEP_FINISHED_DAYS"])
    waiting = sa.exists().where(WebhookDelivery.tenant_id == WebhookEvent.tenant_id,
                                WebhookDelivery.event_id == WebhookEvent.id, WebhookDelivery.status == "pending")
    with tenancy.all_tenants():
        old = sa.select(WebhookEvent.id).where(WebhookEvent.created_at < cutoff, ~waiting).limit(SWEEP_LIMIT)
        ids = db.session.scalars(old).all()
        if ids:
            db.session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(ids)))
            db.session.execute(sa.delete(WebhookEvent).where(WebhookEvent.id.in_(ids)))
        db.session.commit()
    return len(ids)
