"""Webhooks end to end: the API, the outbox and the worker, with a real
local receiver (HRBPO_WEBHOOKS_ALLOW_PRIVATE=1) and every signature checked
with the `standardwebhooks` library."""
import json
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from standardwebhooks import Webhook

from hrbpo.core import queue, tenancy
from hrbpo.core.audit import AuditEvent
from hrbpo.core.db import db, utcnow
from hrbpo.core.people import services as people
from hrbpo.core.webhooks import worker as webhook_worker
from hrbpo.core.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


@pytest.fixture
def private_ok(app):
    app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = True
    yield
    app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = False


def _hook(kit, receiver, path="/ok", events=("employee.created",)):
    r = kit.hr.post(kit.url("/webhooks"), json={"url": f"http://127.0.0.1:{receiver.port}{path}",
                                                "events": list(events), "description": "payroll"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _hire(kit, email="new@x.test"):
    r = kit.hr.post(kit.url("/employees"), json={"first_name": "Nia", "last_name": "Okafor", "email": email,
                                                 "hire_date": "2025-02-03", "date_of_birth": "1991-04-05",
                                                 "national_id": "987-65-4321"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _verified(secret, request):
    return Webhook(secret).verify(request["body"], request["headers"])


def test_a_committed_change_is_delivered_signed_by_the_worker(tenant_a, receiver, worker, private_ok):
    hook = _hook(tenant_a, receiver)
    assert hook["secret"].startswith("whsec_") and hook["active"] is True
    assert "secret" not in tenant_a.hr.get(tenant_a.url(f"/webhooks/{hook['id']}")).get_json()
    employee = _hire(tenant_a)
    assert receiver.requests == []  # never inside the request
    worker.run()
    assert len(receiver.requests) == 1
    payload = _verified(hook["secret"], receiver.requests[0])
    assert payload["type"] == "employee.created" and payload["tenant"] == tenant_a.slug
    assert payload["id"] == receiver.requests[0]["headers"]["webhook-id"]
    assert payload["data"]["id"] == employee["id"] and payload["data"]["last_name"] == "Okafor"
    body = receiver.requests[0]["body"].decode()
    assert "1991-04-05" not in body and "4321" not in body and "date_of_birth" not in body
    log = tenant_a.hr.get(tenant_a.url(f"/webhooks/{hook['id']}/deliveries")).get_json()
    assert log["total"] == 1
    item = log["items"][0]
    assert (item["status"], item["attempts"], item["last_status_code"], item["type"]) == \
        ("delivered", 1, 204, "employee.created")
    assert item["event_id"] == payload["id"] and item["delivered_at"]


def test_a_rolled_back_change_emits_nothing(app, tenant_a, receiver, worker, private_ok):
    _hook(tenant_a, receiver)
    with tenancy.tenant_context(uuid.UUID(tenant_a.id)):
        people.create_employee({"first_name": "A", "last_name": "B", "email": "gone@x.test",
                                "hire_date": date(2025, 1, 1)})
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEvent)) == 1  # in the transaction
        db.session.rollback()
    r = tenant_a.hr.post(tenant_a.url("/employees"), json={"first_name": "E", "last_name": "B",
                                                           "email": "emp@tenant-a.test", "hire_date": "2025-01-01"})
    assert r.status_code == 409  # refused: nothing committed
    worker.run()
    assert receiver.requests == []
    with tenancy.all_tenants():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEvent)) == 0


def test_a_failed_attempt_is_retried_and_delivered_once_with_the_same_id(tenant_a, receiver, worker, private_ok):
    hook = _hook(tenant_a, receiver, path="/flaky")
    receiver.failures = 1
    _hire(tenant_a)
    worker.run()
    assert len(receiver.requests) == 1
    item = tenant_a.hr.get(tenant_a.url(f"/webhooks/{hook['id']}/deliveries")).get_json()["items"][0]
    assert (item["status"], item["attempts"], item["last_status_code"]) == ("pending", 1, 500)
    assert item["last_error"].startswith("HTTP 500") and item["next_attempt_at"]
    worker.run(later=True)
    worker.run(later=True)
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    _verified(hook["secret"], second)
    item = tenant_a.hr.get(tenant_a.url(f"/webhooks/{hook['id']}/deliveries?status=delivered")).get_json()["items"][0]
    assert (item["attempts"], item["last_status_code"], item["last_error"]) == (2, 204, None)


def test_rotating_the_secret_signs_with_both_for_a_day(tenant_a, receiver, worker, private_ok):
    hook = _hook(tenant_a, receiver)
    r = tenant_a.hr.post(tenant_a.url(f"/webhooks/{hook['id']}/rotate-secret"))
    assert r.status_code == 200
    new = r.get_json()["secret"]
    assert new.startswith("whsec_") and new != hook["secret"]
    assert tenant_a.hr.post(tenant_a.url(f"/webhooks/{hook['id']}/test")).status_code == 202
    worker.run()
    (request,) = receiver.requests
    assert len(request["headers"]["webhook-signature"].split(" ")) == 2
    assert _verified(new, request)["type"] == "webhook.test"
    assert _verified(hook["secret"], request)["data"]["webhook_id"] == hook["id"]
    with tenancy.all_tenants():
        endpoint = db.session.scalars(sa.select(WebhookEndpoint)).one()
        endpoint.previous_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert tenant_a.hr.post(tenant_a.url(f"/webhooks/{hook['id']}/test")).status_code == 202
    worker.run()
    assert len(receiver.requests[1]["headers"]["webhook-signature"].split(" ")) == 1
    _verified(new, receiver.requests[1])


def test_redelivery_keeps_the_id(tenant_a, receiver, worker, private_ok):
    hook = _hook(tenant_a, receiver)
    _hire(tenant_a)
    worker.run()
    item = tenant_a.hr.get(tenant_a.url(f"/webhooks/{hook['id']}/deliveries")).get_json()["items"][0]
    r = tenant_a.hr.post(tenant_a.url(f"/webhooks/{hook['id']}/deliveries/{item['id']}/redeliver"))
    assert r.status_code == 202, r.get_json()
    worker.run()
    assert [q["headers"]["webhook-id"] for q in receiver.requests] == [item["event_id"]] * 2
    other = _hook(tenant_a, receiver)
    r = tenant_a.hr.post(tenant_a.url(f"/webhooks/{other['id']}/deliveries/{item['id']}/redeliver"))
    assert r.status_code == 404


def test_subscriptions_order_and_updates(tenant_a, receiver, worker, private_ok):
    _hook(tenant_a, receiver, events=("employee.terminated",))
    everything = _hook(tenant_a, receiver, path="/all", events=("*",))
    employee = _hire(tenant_a)
    for patch in ({"job_title": "Lead"}, {"national_id": "111-22-3333"}, {"termination_date": "2025-06-30"}):
        assert tenant_a.hr.patch(tenant_a.url(f"/employees/{employee['id']}"), json=patch).status_code == 200
    worker.run()
    by_path = {}
    for q in receiver.requests:
        by_path.setdefault(q["path"], []).append(json.loads(q["body"]))
    assert [e["type"] for e in by_path["/ok"]] == ["employee.terminated"]
    assert [e["type"] for e in by_path["/all"]] == ["employee.created", "employee.updated", "employee.updated",
                                                    "employee.terminated"]
    assert by_path["/all"][1]["data"]["changed"] == ["job_title"]
    assert by_path["/all"][2]["data"]["changed"] == ["national_id"]
    assert "111-22-3333" not in json.dumps(by_path)
    r = tenant_a.hr.patch(tenant_a.url(f"/webhooks/{everything['id']}"), json={"active": False})
    assert r.status_code == 200 and r.get_json()["active"] is False
    _hire(tenant_a, "second@x.test")
    worker.run()
    assert len(receiver.requests) == 5  # nothing more to a switched-off endpoint
    assert tenant_a.hr.delete(tenant_a.url(f"/webhooks/{everything['id']}")).status_code == 204
    assert tenant_a.hr.get(tenant_a.url(f"/webhooks/{everything['id']}")).status_code == 404
    with tenancy.all_tenants():
        actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("webhook.%"))))
    assert {"webhook.create", "webhook.update", "webhook.delete"} <= actions


def test_an_endpoint_failing_for_five_days_is_switched_off_and_hr_told(tenant_a, receiver, worker, mailbox,
                                                                       private_ok):
    hook = _hook(tenant_a, receiver, path="/fail")
    _hire(tenant_a)
    worker.run()
    with tenancy.all_tenants():
        db.session.execute(sa.update(WebhookEndpoint).values(failing_since=utcnow() - timedelta(days=5, minutes=1)))
        db.session.commit()
    mailbox.clear()
    worker.run(later=True)
    got = tenant_a.hr.get(tenant_a.url(f"/webhooks/{hook['id']}")).get_json()
    assert got["active"] is False
    item = tenant_a.hr.get(tenant_a.url(f"/webhooks/{hook['id']}/deliveries")).get_json()["items"][0]
    assert item["status"] == "failed" and item["attempts"] == 2
    (message,) = list(mailbox)
    assert message["To"] == f"hr@{tenant_a.slug}.test" and "switched off" in message["Subject"]
    r = tenant_a.hr.post(tenant_a.url(f"/webhooks/{hook['id']}/test"))
    assert r.status_code == 409


def test_deliveries_give_up_after_three_days(tenant_a, receiver, worker, private_ok):
    hook = _hook(tenant_a, receiver, path="/fail")
    _hire(tenant_a)
    worker.run()
    with tenancy.all_tenants():
        db.session.execute(sa.update(WebhookDelivery).values(first_attempt_at=utcnow() - timedelta(days=3)))
        db.session.commit()
    worker.run(later=True)
    item = tenant_a.hr.get(tenant_a.url(f"/webhooks/{hook['id']}/deliveries")).get_json()["items"][0]
    assert (item["status"], item["attempts"], item["next_attempt_at"]) == ("failed", 2, None)
    assert len(receiver.requests) == 2


def test_the_sweeper_rings_for_lost_doorbells_and_releases_dead_claims(app, tenant_a, receiver, worker, private_ok):
    _hook(tenant_a, receiver)
    _hire(tenant_a)
    queue.huey().storage.flush_all()  # the doorbell is lost
    with tenancy.all_tenants():
        db.session.execute(sa.update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    assert webhook_worker.sweep() == 1
    worker.run()
    assert len(receiver.requests) == 1
    with tenancy.all_tenants():  # a worker died holding a claim: released after the lease, sent again
        db.session.execute(sa.update(WebhookDelivery).values(
            status="pending", claimed_at=utcnow() - webhook_worker.LEASE - timedelta(seconds=1)))
        db.session.commit()
    assert webhook_worker.sweep() == 1
    worker.run()
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["headers"]["webhook-id"] == receiver.requests[1]["headers"]["webhook-id"]


def test_old_finished_events_are_purged_with_their_log(app, tenant_a, receiver, worker, private_ok):
    _hook(tenant_a, receiver)
    _hire(tenant_a)
    worker.run()
    receiver.failures = 10
    _hook(tenant_a, receiver, path="/flaky")
    _hire(tenant_a, "second@x.test")
    worker.run()  # the second event waits for a retry at /flaky
    later = utcnow() + timedelta(days=app.config["HRBPO_KEEP_FINISHED_DAYS"] + 1)
    assert webhook_worker.purge(now=later) == 1
    with tenancy.all_tenants():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEvent)) == 1
        assert set(db.session.scalars(sa.select(WebhookDelivery.status))) == {"pending", "delivered"}
    assert webhook_worker.purge() == 0  # nothing is old yet
