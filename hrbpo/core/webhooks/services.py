"""Webhook endpoints of the current tenant: the rules behind the API and the
settings page (validation, secrets, test events, redelivery), each change
audited. Secrets never reach the audit log."""
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from hrbpo.core import audit
from hrbpo.core.api.base import get_or_404
from hrbpo.core.db import db, utcnow
from hrbpo.core.errors import Conflict, Invalid, NotFound
from hrbpo.core.webhooks import addresses, signing
from hrbpo.core.webhooks.events import TEST, event_types, forget_subscribers, ring_after_commit, write
from hrbpo.core.webhooks.models import DELIVERY_STATUSES, WebhookDelivery, WebhookEndpoint

SWITCHED_OFF = "The webhook was switched off."


def allow_private() -> bool:
    return bool(current_app.config.get("HRBPO_WEBHOOKS_ALLOW_PRIVATE"))


def check_url(url) -> str:
    """The URL if hrbpo may call it (resolved now, checked again at each delivery), else 422 on `url`."""
    try:
        addresses.check_url(url, allow_private=allow_private())
    except addresses.AddressError as refused:
        raise Invalid({"url": [str(refused)]}) from None
    return url


def check_events(events) -> list[str]:
    known = event_types()
    if not events:
        raise Invalid({"events": ["Choose at least one event type, or \"*\" for all."]})
    unknown = [e for e in events if e != "*" and e not in known]
    if unknown:
        raise Invalid({"events": [f"Unknown event type: {', '.join(unknown)}."]})
    return ["*"] if "*" in events else list(dict.fromkeys(events))


def endpoints_query():
    return sa.select(WebhookEndpoint).order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)


def get_endpoint(endpoint_id, lock=False) -> WebhookEndpoint:
    endpoint = get_or_404(WebhookEndpoint, endpoint_id, "Webhook not found.")
    if lock:
        db.session.refresh(endpoint, with_for_update=True)
    return endpoint


def create_endpoint(data: dict) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(url=check_url(data.get("url")), events=check_events(data.get("events")),
                               description=data.get("description") or "", active=True,
                               secret=signing.generate_secret())
    db.session.add(endpoint)
    db.session.flush()
    forget_subscribers()
    audit.record("webhook.create", endpoint, {"url": endpoint.url, "events": endpoint.events,
                                              "description": endpoint.description})
    return endpoint


def update_endpoint(endpoint: WebhookEndpoint, changes: dict) -> WebhookEndpoint:
    db.session.refresh(endpoint, with_for_update=True)
    if "url" in changes:
        changes["url"] = check_url(changes["url"])
    if "events" in changes:
        changes["events"] = check_events(changes["events"])
    if "description" in changes:
        changes["description"] = changes["description"] or ""
    diff = {k: [getattr(endpoint, k), v] for k, v in changes.items()
            if k in ("url", "events", "description", "active") and getattr(endpoint, k) != v}
    if not diff:
        return endpoint
    for key, (_, value) in diff.items():
        setattr(endpoint, key, value)
    forget_subscribers()
    if "active" in diff:
        endpoint.failing_since = None  # switched on again: the 5 days count afresh
        if not endpoint.active:
            stop_pending(endpoint, SWITCHED_OFF)
    db.session.flush()
    audit.record("webhook.update", endpoint, diff)
    return endpoint


def delete_endpoint(endpoint: WebhookEndpoint):
    audit.record("webhook.delete", endpoint, {"url": endpoint.url})
    db.session.delete(endpoint)
    db.session.flush()
    forget_subscribers()


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """A new secret; the current one keeps signing beside it for 24 hours."""
    db.session.refresh(endpoint, with_for_update=True)
    rotation = signing.rotate(endpoint.secret, utcnow())
    endpoint.secret, endpoint.previous_secret = rotation.secret, rotation.previous_secret
    endpoint.previous_expires_at = rotation.previous_expires_at
    db.session.flush()
    audit.record("webhook.rotate_secret", endpoint, {"previous_expires_at": rotation.previous_expires_at.isoformat()})
    return rotation.secret


def send_test(endpoint: WebhookEndpoint):
    """A `webhook.test` event for this endpoint alone (subscribed or not)."""
    if not endpoint.active:
        raise Conflict("Switch the webhook on before sending a test event.")
    event_id = write(TEST, {"webhook_id": str(endpoint.id), "message": "A test event from hrbpo."}, None, [endpoint.id])
    audit.record("webhook.test", endpoint, {"event_id": str(event_id)})
    return event_id


def deliveries_query(endpoint: WebhookEndpoint, status: str | None = None):
    query = (sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
             .options(joinedload(WebhookDelivery.event))
             .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()))
    if status:
        if status not in DELIVERY_STATUSES:
            raise Invalid({"status": [f"Must be one of: {', '.join(DELIVERY_STATUSES)}."]})
        query = query.where(WebhookDelivery.status == status)
    return query


def redeliver(endpoint: WebhookEndpoint, delivery_id) -> WebhookDelivery:
    """Send a delivery again now, as a new run of attempts with the same event id."""
    delivery = get_or_404(WebhookDelivery, delivery_id, "Delivery not found.")
    if delivery.endpoint_id != endpoint.id:
        raise NotFound("Delivery not found.")
    db.session.refresh(delivery, with_for_update=True)
    if not endpoint.active:
        raise Conflict("Switch the webhook on before redelivering.")
    if delivery.claimed_at is not None:
        raise Conflict("This delivery is being sent right now.")
    delivery.status, delivery.attempts, delivery.first_attempt_at = "pending", 0, None
    delivery.next_attempt_at = utcnow()
    db.session.flush()
    audit.record("webhook.redeliver", endpoint, {"delivery_id": str(delivery.id), "event_id": str(delivery.event_id)})
    ring_after_commit([delivery.id])
    return delivery


def stop_pending(endpoint: WebhookEndpoint, reason: str):
    """An endpoint switched off sends nothing more: what waits for it fails."""
    db.session.execute(sa.update(WebhookDelivery)
                       .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "pending",
                              WebhookDelivery.claimed_at.is_(None))
                       .values(status="failed", next_attempt_at=None, last_error=reason))
