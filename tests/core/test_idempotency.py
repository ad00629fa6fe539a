"""Problem+json errors and Idempotency-Key on POST."""
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


def test_failed_request_is_not_remembered(tenant_a):
    headers = {"Idempotency-Key": "key-3"}
    assert tenant_a.hr.post(tenant_a.url("/employees"), json={}, headers=headers).status_code == 422
    assert tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers=headers).status_code == 201


def test_overlong_key_is_400(tenant_a):
    r = tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers={"Idempotency-Key": "k" * 300})
    _is_problem(r, 400)
