"""The service desk's webhook event: case.opened, with ids and state but never the case's subject or text."""
import json
import uuid

import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.webhooks.models import WebhookEvent


def test_an_opened_case_is_a_webhook_event(app, make_tenant):
    kit = make_tenant("desk-hooks", modules=["servicedesk"])
    app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = True
    try:
        r = kit.hr.post(kit.url("/webhooks"), json={"url": "http://127.0.0.1:9/hook", "events": ["case.opened"]})
        assert r.status_code == 201, r.get_json()
    finally:
        app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = False
    r = kit.hr.post(kit.url("/servicedesk/categories"), json={"name": "Payslip", "first_response_hours": 2,
                                                              "resolution_hours": 8})
    assert r.status_code == 201, r.get_json()
    r = kit.employee.post(kit.url("/servicedesk/cases"), json={
        "subject": "Payslip missing overtime", "description": "My November payslip has no overtime.",
        "category_id": r.get_json()["id"]})
    assert r.status_code == 201, r.get_json()
    with tenancy.tenant_context(uuid.UUID(kit.id)):
        (body,) = db.session.scalars(sa.select(WebhookEvent.body)).all()
    event = json.loads(body)
    assert event["type"] == "case.opened" and event["data"]["id"] == r.get_json()["id"]
    assert event["data"]["number"] == "HR-1" and event["data"]["employee_id"] == kit.employee_id
    assert "overtime" not in body
