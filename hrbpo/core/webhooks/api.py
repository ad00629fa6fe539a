"""/api/v1/tenants/<slug>/webhooks…: endpoints, their secrets, test events
and the delivery log (HR admins and operators; employees 403)."""
from hrbpo.core.api.base import Blueprint, PageArgs, page_schema, paginate
from hrbpo.core.tenants.gate import tenant_scoped
from hrbpo.core.auth.permissions import requires
from hrbpo.core.db import db
from hrbpo.core.webhooks import services
from hrbpo.core.webhooks.events import event_types
from hrbpo.core.webhooks.schemas import (DeliveryQueuedSchema, DeliveryQuerySchema, DeliverySchema, EventTypeSchema,
                                         SecretSchema, WebhookCreatedSchema, WebhookSchema, WebhookUpdateSchema)

blp = tenant_scoped(Blueprint("webhooks_api", __name__, url_prefix="/api/v1/tenants/<slug>/webhooks",
                              description="Outgoing webhooks: signed event deliveries to the tenant's systems"))
MANAGE = "webhooks.manage"


@blp.route("", methods=["POST"])
@requires(MANAGE)
@blp.arguments(WebhookSchema)
@blp.response(201, WebhookCreatedSchema)
def create_webhook(data):
    """Add an endpoint. The answer holds its `secret`, shown only here: the
    key of every delivery's `webhook-signature` (Standard Webhooks)."""
    endpoint = services.create_endpoint(data)
    db.session.commit()
    return endpoint


@blp.route("", methods=["GET"])
@requires(MANAGE)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(WebhookSchema))
def list_webhooks(page):
    """The tenant's endpoints, oldest first (secrets are never listed)."""
    return paginate(services.endpoints_query(), page)


@blp.route("/event-types", methods=["GET"])
@requires(MANAGE)
@blp.response(200, EventTypeSchema(many=True))
def list_event_types():
    """Every event type an endpoint may subscribe to: core's and the modules'."""
    return sorted(event_types().values(), key=lambda t: t.type)


@blp.route("/<uuid:webhook_id>", methods=["GET"])
@requires(MANAGE)
@blp.response(200, WebhookSchema)
def get_webhook(webhook_id):
    return services.get_endpoint(webhook_id)


@blp.route("/<uuid:webhook_id>", methods=["PATCH"])
@requires(MANAGE)
@blp.arguments(WebhookUpdateSchema)
@blp.response(200, WebhookSchema)
def update_webhook(data, webhook_id):
    """Change the URL, events, description or `active`."""
    endpoint = services.update_endpoint(services.get_endpoint(webhook_id), data)
    db.session.commit()
    return endpoint


@blp.route("/<uuid:webhook_id>", methods=["DELETE"])
@requires(MANAGE)
@blp.response(204)
def delete_webhook(webhook_id):
    """Remove the endpoint with its delivery log; nothing more is sent to it."""
    services.delete_endpoint(services.get_endpoint(webhook_id))
    db.session.commit()


@blp.route("/<uuid:webhook_id>/rotate-secret", methods=["POST"])
@requires(MANAGE)
@blp.response(200, SecretSchema)
def rotate_secret(webhook_id):
    """A new secret, shown only now; the old one keeps signing beside it
    for 24 hours (two signatures in `webhook-signature`)."""
    secret = services.rotate_secret(services.get_endpoint(webhook_id))
    db.session.commit()
    return {"secret": secret}


@blp.route("/<uuid:webhook_id>/test", methods=["POST"])
@requires(MANAGE)
@blp.response(202, DeliveryQueuedSchema)
@blp.alt_response(409, description="The webhook is switched off")
def send_test(webhook_id):
    """Queue a `webhook.test` event for this endpoint (whatever it subscribes to)."""
    event_id = services.send_test(services.get_endpoint(webhook_id))
    db.session.commit()
    return {"event_id": event_id}


@blp.route("/<uuid:webhook_id>/deliveries", methods=["GET"])
@requires(MANAGE)
@blp.arguments(DeliveryQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(DeliverySchema))
def list_deliveries(query, page, webhook_id):
    """The endpoint's delivery log, newest first."""
    return paginate(services.deliveries_query(services.get_endpoint(webhook_id), query.get("status")), page)


@blp.route("/<uuid:webhook_id>/deliveries/<uuid:delivery_id>/redeliver", methods=["POST"])
@requires(MANAGE)
@blp.response(202, DeliveryQueuedSchema)
@blp.alt_response(409, description="The webhook is switched off, or the delivery is being sent right now")
def redeliver(webhook_id, delivery_id):
    """Send the event again now: a new run of attempts with the same
    `webhook-id` (receivers dedupe by it)."""
    delivery = services.redeliver(services.get_endpoint(webhook_id), delivery_id)
    db.session.commit()
    return {"event_id": delivery.event_id, "delivery_id": delivery.id}
