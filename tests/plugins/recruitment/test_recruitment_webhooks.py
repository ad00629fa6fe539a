"""Recruitment's webhook events: application.moved and application.hired (written to the outbox)."""
import json
import uuid

import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.webhooks.models import WebhookEvent


def _events(kit):
    with tenancy.tenant_context(uuid.UUID(kit.id)):
        bodies = db.session.scalars(sa.select(WebhookEvent.body).order_by(WebhookEvent.id)).all()
    return [json.loads(b) for b in bodies]


def test_moves_and_hires_are_webhook_events(app, rec, open_job, apply_to, stage_of):
    app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = True
    try:
        r = rec.hr.post(rec.url("/webhooks"), json={"url": "http://127.0.0.1:9/hook", "events": ["*"]})
        assert r.status_code == 201, r.get_json()
    finally:
        app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = False
    types = {t["type"] for t in rec.hr.get(rec.url("/webhooks/event-types")).get_json()}
    assert {"application.moved", "application.hired"} <= types
    application = apply_to(rec, open_job(rec)["id"])
    url = rec.url(f"/recruitment/applications/{application['id']}")
    assert rec.hr.post(url + "/move", json={"stage_id": stage_of(rec, "interview")["id"]}).status_code == 200
    assert rec.hr.post(url + "/hire", json={"hire_date": "2026-01-05"}).status_code == 200
    events = _events(rec)
    assert [e["type"] for e in events] == ["application.moved", "employee.created", "application.hired"]
    moved, created, hired = events
    assert moved["data"]["id"] == application["id"] and moved["data"]["stage"]["kind"] == "interview"
    assert moved["data"]["previous_stage"] == "Applied"
    assert hired["data"]["employee_id"] == created["data"]["id"] and hired["data"]["hire_date"] == "2026-01-05"
    assert created["data"]["source"] == "recruitment"
    assert "ada@example.com" not in json.dumps([moved, hired])  # candidate details stay out
