"""What the webhooks API reads and writes."""
import marshmallow as ma

from hrbpo.core.api.schemas import Schema
from hrbpo.core.webhooks.addresses import MAX_URL_LENGTH
from hrbpo.core.webhooks.models import DELIVERY_STATUSES

URL_HELP = ("`https://` only; private, loopback and link-local targets (after DNS resolution, checked again at "
            "every delivery) are refused with 422, unless the deployment sets HRBPO_WEBHOOKS_ALLOW_PRIVATE=1.")
EVENTS_HELP = "Event types from GET /webhooks/event-types, or [\"*\"] for all of them."


class WebhookSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    url = ma.fields.String(required=True, validate=ma.validate.Length(max=MAX_URL_LENGTH),
                           metadata={"description": URL_HELP})
    events = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=80)), required=True,
                            validate=ma.validate.Length(min=1, max=100), metadata={"description": EVENTS_HELP})
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    active = ma.fields.Boolean(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)


class WebhookCreatedSchema(WebhookSchema):
    secret = ma.fields.String(dump_only=True, metadata={
        "description": "`whsec_` + base64 of 32 random bytes: shown only now (and after rotate-secret)."})


class WebhookUpdateSchema(WebhookSchema):
    url = ma.fields.String(validate=ma.validate.Length(max=MAX_URL_LENGTH), metadata={"description": URL_HELP})
    events = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=80)),
                            validate=ma.validate.Length(min=1, max=100), metadata={"description": EVENTS_HELP})
    description = ma.fields.String(validate=ma.validate.Length(max=500))
    active = ma.fields.Boolean(metadata={"description": "false stops deliveries (pending ones fail); true starts "
                                                        "the 5-day failure count afresh"})


class SecretSchema(Schema):
    secret = ma.fields.String(metadata={"description": "The new secret; the old one keeps signing beside it for 24 h "
                                                       "(two signatures in webhook-signature)."})


class EventTypeSchema(Schema):
    type = ma.fields.String()
    description = ma.fields.String()


class DeliveryQuerySchema(Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(DELIVERY_STATUSES))


class DeliverySchema(Schema):
    id = ma.fields.UUID()
    event_id = ma.fields.UUID(metadata={"description": "The webhook-id header: the same on every retry and redelivery"})
    type = ma.fields.String(attribute="event.type")
    status = ma.fields.String(metadata={"enum": list(DELIVERY_STATUSES)})
    attempts = ma.fields.Integer()
    last_status_code = ma.fields.Integer(allow_none=True)
    last_error = ma.fields.String(allow_none=True)
    next_attempt_at = ma.fields.DateTime(allow_none=True)
    delivered_at = ma.fields.DateTime(allow_none=True)


class DeliveryQueuedSchema(Schema):
    event_id = ma.fields.UUID()
    delivery_id = ma.fields.UUID()
