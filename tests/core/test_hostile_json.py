"""JSON bodies nested too deep for the parser answer 400 problem+json, wherever they are sent."""
import pytest

from hrbpo.core.request import MAX_JSON_DEPTH, too_deep

DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000


def _assert_too_deep(response):
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    assert "nested deeper" in response.get_json()["detail"]


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
def test_token_endpoint_refuses_deep_json(client, body):
    _assert_too_deep(client.post("/api/v1/auth/token", data=body, content_type="application/json"))


def test_tenant_api_refuses_deep_json_with_an_idempotency_key(tenant_a):
    r = tenant_a.hr.post(tenant_a.url("/employees"), data=DEEP_OBJECT, content_type="application/json",
                         headers={"Idempotency-Key": "deep-1"})
    _assert_too_deep(r)
    _assert_too_deep(tenant_a.hr.patch(tenant_a.url(f"/employees/{tenant_a.employee_id}"), data=DEEP,
                                       content_type="application/merge-patch+json"))


def test_depth_at_the_limit_still_parses(tenant_a):
    nested = b'{"a":' * (MAX_JSON_DEPTH - 1) + b"1" + b"}" * (MAX_JSON_DEPTH - 1)
    body = b'{"first_name": "Ada", "x": ' + nested + b"}"  # MAX_JSON_DEPTH levels in all
    r = tenant_a.hr.post(tenant_a.url("/employees"), data=body, content_type="application/json")
    assert r.status_code == 422 and "last_name" in r.get_json()["errors"]


def test_brackets_inside_strings_do_not_count():
    inside = b'{"note": "' + b"[{" * 1000 + b'\\" [[[["}'
    assert not too_deep(inside)
    assert too_deep(b"[" * (MAX_JSON_DEPTH + 1))
    assert not too_deep(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    assert too_deep(b'["\\\\", ' + b"[" * MAX_JSON_DEPTH + b"]")  # an escaped backslash ends no string early
