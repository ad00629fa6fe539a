"""Benefits' webhook event: enrollment.submitted, with elections but no costs or dependants."""
import json
import uuid

import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.webhooks.models import WebhookEvent


def test_a_submitted_enrolment_is_a_webhook_event(app, ben, open_window):
    app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = True
    try:
        r = ben.kit.hr.post(ben.kit.url("/webhooks"), json={"url": "http://127.0.0.1:9/hook",
                                                            "events": ["enrollment.submitted"]})
        assert r.status_code == 201, r.get_json()
    finally:
        app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = False
    window, medical, dental = open_window
    r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []},
                                 {"plan_id": dental["id"], "waive": True, "waive_reason": "Covered elsewhere"}])
    assert r.status_code == 201, r.get_json()
    with tenancy.tenant_context(uuid.UUID(ben.kit.id)):
        (body,) = db.session.scalars(sa.select(WebhookEvent.body)).all()
    event = json.loads(body)
    assert event["type"] == "enrollment.submitted" and event["data"]["id"] == r.get_json()["id"]
    assert event["data"]["elections"] == [{"plan_id": medical["id"], "tier": "employee", "waived": False},
                                          {"plan_id": dental["id"], "tier": None, "waived": True}]
    assert event["data"]["on_behalf"] is False
