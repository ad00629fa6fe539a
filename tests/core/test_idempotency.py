"""Problem+json errors and Idempotency-Key on POST."""
import hashlib
import uuid
from datetime import timedelta

import orjson
import sqlalchemy as sa

from hrbpo.core.api import idempotency
from hrbpo.core.api.idempotency import LEASE, IdempotencyRecord
from hrbpo.core.db import db, utcnow
from hrbpo.testing_concurrency import at_once

NEW = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@a.test", "hire_date": "2024-02-01"}


def _is_problem(r, status):
    assert r.status_code == status
    assert r.content_type == "application/problem+json"
    body = r.get_json()
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    return body


def test_every_error_is_problem_json(client, tenant_a):
    _is_problem(client.get(tenant_a.url("/employees")), 401)
    _is_problem(tenant_a.employee.post(tenant_a.url("/employees"), json=NEW), 403)
    _is_problem(tenant_a.hr.get(tenant_a.url("/employees/00000000-0000-0000-0000-000000000000")), 404)
    _is_problem(tenant_a.hr.get("/api/v1/no-such-thing"), 404)
    _is_problem(tenant_a.hr.put(tenant_a.url("/employees")), 405)
    assert tenant_a.hr.post(tenant_a.url("/employees"), json=NEW).status_code == 201
    _is_problem(tenant_a.hr.post(tenant_a.url("/employees"), json=NEW), 409)
    body = _is_problem(tenant_a.hr.post(tenant_a.url("/employees"), json={}), 422)
    assert "first_name" in body["errors"] and isinstance(body["errors"]["first_name"], list)


def test_bad_json_is_400(tenant_a):
    for payload in ('{"first_name": ', "[1,2", "\xff"):
        r = tenant_a.hr.post(tenant_a.url("/employees"), data=payload, content_type="application/json")
        _is_problem(r, 400)
    r = tenant_a.hr.post("/api/v1/tenants", data="nope", content_type="application/json")
    assert r.status_code in (400, 403)


def test_non_object_json_is_a_client_error(operator, tenant_a):
    for payload in ("[]", "1", '"x"', "null"):
        r = operator.post(tenant_a.url("/employees"), data=payload, content_type="application/json")
        assert r.status_code in (400, 422), payload


def test_replay_returns_first_response_and_creates_nothing(tenant_a):
    headers = {"Idempotency-Key": "key-1"}
    first = tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers=headers)
    again = tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 2
    creates = tenant_a.hr.get(tenant_a.url("/audit?action=employee.create")).get_json()["total"]
    assert creates == 2  # the kit's employee and Ada, once


def test_same_key_different_body_is_422(tenant_a):
    headers = {"Idempotency-Key": "key-2"}
    assert tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers=headers).status_code == 201
    r = tenant_a.hr.post(tenant_a.url("/employees"), json={**NEW, "email": "other@a.test"}, headers=headers)
    _is_problem(r, 422)
    assert tenant_a.hr.get(tenant_a.url("/employees")).get_json()["total"] == 2


def test_keys_are_per_user(tenant_a, operator):
    headers = {"Idempotency-Key": "shared"}
    assert tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers=headers).status_code == 201
    r = operator.post(tenant_a.url("/employees"), json={**NEW, "email": "op@a.test"}, headers=headers)
    assert r.status_code == 201 and r.get_json()["email"] == "op@a.test"


def test_keys_are_per_tenant(tenant_a, tenant_b, operator):
    headers = {"Idempotency-Key": "everywhere"}
    for kit in (tenant_a, tenant_b):
        r = operator.post(kit.url("/employees"), json=NEW, headers=headers)
        assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    r = operator.post("/api/v1/tenants", json={"slug": "tenant-c", "name": "C"}, headers=headers)
    assert r.status_code == 201  # outside any tenant: a scope of its own


def test_failed_request_is_not_remembered(tenant_a):
    headers = {"Idempotency-Key": "key-3"}
    assert tenant_a.hr.post(tenant_a.url("/employees"), json={}, headers=headers).status_code == 422
    assert tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers=headers).status_code == 201


def test_overlong_key_is_400(tenant_a):
    r = tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers={"Idempotency-Key": "k" * 300})
    _is_problem(r, 400)


def _employees_and_creates(kit):
    total = kit.hr.get(kit.url("/employees")).get_json()["total"]
    return total, kit.hr.get(kit.url("/audit?action=employee.create")).get_json()["total"]


def test_sixteen_concurrent_posts_with_one_key_have_one_effect(live_server, tenant_a):
    path, headers = tenant_a.url("/employees"), {"Idempotency-Key": "race"}

    def post():
        return live_server.request("POST", path, token=tenant_a.hr.token, json=NEW, headers=headers)

    responses = at_once(*[post] * 16)
    assert {r.status for r in responses} <= {201, 409}
    created = {r.json["id"] for r in responses if r.status == 201}
    assert len(created) == 1
    for busy in (r for r in responses if r.status == 409):
        assert busy.headers["Content-Type"] == "application/problem+json" and busy.headers["Retry-After"] == "1"
        assert busy.json["type"].endswith("/idempotency-key-in-use")
    assert _employees_and_creates(tenant_a) == (2, 2)
    after = post()
    assert after.status == 201 and after.json["id"] in created and after.headers["Idempotent-Replayed"] == "true"


def _claim(kit, key, state, age=timedelta(0), body=b'{"x": 1}'):
    """A record as another request left it, for this exact request."""
    digest = hashlib.sha256(f"POST /api/v1/tenants/{kit.slug}/employees\n".encode() + body).hexdigest()
    db.session.add(IdempotencyRecord(scope=uuid.UUID(kit.id), user_id=uuid.UUID(kit.hr.user["id"]), key=key,
                                     fingerprint=digest,
                                     state=state, created_at=utcnow() - age))
    db.session.commit()


def _post_raw(kit, key, body):
    return kit.hr.post(kit.url("/employees"), data=body, content_type="application/json",
                       headers={"Idempotency-Key": key})


def test_a_duplicate_of_a_request_in_flight_is_409_with_retry_after(tenant_a):
    body = orjson.dumps(NEW)
    _claim(tenant_a, "busy", "in_flight", body=body)
    r = _post_raw(tenant_a, "busy", body)
    assert _is_problem(r, 409)["type"].endswith("/idempotency-key-in-use") and r.headers["Retry-After"] == "1"
    _is_problem(_post_raw(tenant_a, "busy", body + b" "), 422)  # another body is still another request
    assert _employees_and_creates(tenant_a) == (1, 1)


def test_an_abandoned_claim_is_taken_over_unless_it_took_effect(tenant_a):
    body = orjson.dumps(NEW)
    _claim(tenant_a, "died-early", "in_flight", age=LEASE * 2, body=body)
    assert _post_raw(tenant_a, "died-early", body).status_code == 201
    _claim(tenant_a, "died-late", "committed", age=LEASE * 2, body=body)
    r = _post_raw(tenant_a, "died-late", body)
    assert "response was lost" in _is_problem(r, 409)["detail"] and "Retry-After" not in r.headers
    assert _employees_and_creates(tenant_a) == (2, 2)


def test_the_views_commit_marks_the_claim_committed(tenant_a, monkeypatch):
    states = []
    monkeypatch.setattr(idempotency, "remember", lambda response: states.extend(
        db.session.scalars(sa.select(IdempotencyRecord.state)).all()) or response)
    r = tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers={"Idempotency-Key": "mark"})
    assert r.status_code == 201 and states == ["committed"]


def test_a_claim_the_database_cannot_settle_keeps_the_response(tenant_a, monkeypatch):
    def gone():
        raise sa.exc.OperationalError("ROLLBACK", {}, Exception("server closed the connection"))

    headers = {"Idempotency-Key": "outage"}
    with monkeypatch.context() as patch:
        patch.setattr(db.session, "rollback", gone)
        assert tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers=headers).status_code == 201
    _is_problem(tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers=headers), 409)
    assert _employees_and_creates(tenant_a) == (2, 2)
