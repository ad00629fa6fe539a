"""Compliance's webhook event: checklist.completed, once, when the last item is done or waived."""
import json

import sqlalchemy as sa
from compliance_helpers import assign, in_tenant, make_template

from hrbpo.core.db import db
from hrbpo.core.webhooks.models import WebhookEvent


def test_a_resolved_checklist_is_a_webhook_event(app, acme):
    app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = True
    try:
        r = acme.hr.post(acme.url("/webhooks"), json={"url": "http://127.0.0.1:9/hook",
                                                      "events": ["checklist.completed"]})
        assert r.status_code == 201, r.get_json()
    finally:
        app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = False
    template = make_template(acme, {"name": "Leaver", "items": [{"title": "Return laptop", "due_days": 1},
                                                                {"title": "Exit talk", "due_days": 2}]})
    checklist = assign(acme, template["id"])[0]
    base = acme.url(f"/compliance/checklists/{checklist['id']}/items")
    first, second = (i["id"] for i in checklist["items"])
    assert acme.hr.post(f"{base}/{first}/complete", json={}).status_code == 200
    with in_tenant(acme):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEvent)) == 0
    assert acme.hr.post(f"{base}/{second}/waive", json={"reason": "Left early"}).status_code == 200
    with in_tenant(acme):
        (body,) = db.session.scalars(sa.select(WebhookEvent.body)).all()
    event = json.loads(body)
    assert event["type"] == "checklist.completed" and event["data"]["id"] == checklist["id"]
    assert event["data"]["employee_id"] == acme.employee_id and event["data"]["completed_at"]
