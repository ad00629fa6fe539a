"""The webhooks API's rules: who may use it, what URLs and events it takes."""
import pytest


@pytest.fixture
def private_ok(app):
    app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = True
    yield
    app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = False


def _create(kit, url="http://127.0.0.1:9/hook", events=("employee.created",), client=None):
    return (client or kit.hr).post(kit.url("/webhooks"), json={"url": url, "events": list(events)})


def test_event_types_come_from_core_and_modules(tenant_a):
    r = tenant_a.hr.get(tenant_a.url("/webhooks/event-types"))
    assert r.status_code == 200
    types = {t["type"]: t["description"] for t in r.get_json()}
    assert {"employee.created", "employee.updated", "employee.terminated"} <= set(types)
    assert all(types.values())
    assert "webhook.test" not in types


@pytest.mark.parametrize("url", [
    "http://hooks.example.com/x",  # not https
    "https://127.0.0.1/x", "https://localhost/x", "https://10.1.2.3/x", "https://[::1]/x",
    "https://169.254.169.254/latest/meta-data", "https://user:pw@hooks.example.com/", "ftp://hooks.example.com/",
])
def test_private_and_non_https_targets_are_refused(tenant_a, url):
    r = _create(tenant_a, url=url)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["errors"]["url"]


def test_the_setting_admits_loopback_but_never_metadata(tenant_a, private_ok):
    assert _create(tenant_a, url="http://127.0.0.1:9/hook").status_code == 201
    assert _create(tenant_a, url="http://localhost:9/hook").status_code == 201
    r = _create(tenant_a, url="http://169.254.169.254/")
    assert r.status_code == 422 and r.get_json()["errors"]["url"]


@pytest.mark.parametrize("body, field", [
    ({"url": "http://127.0.0.1:9/", "events": ["employee.exploded"]}, "events"),
    ({"url": "http://127.0.0.1:9/", "events": []}, "events"),
    ({"url": "http://127.0.0.1:9/"}, "events"),
    ({"events": ["*"]}, "url"),
    ({"url": 7, "events": ["*"]}, "url"),
    ({"url": "http://127.0.0.1:9/", "events": "employee.created"}, "events"),
])
def test_bad_input_is_422_naming_the_field(tenant_a, private_ok, body, field):
    r = tenant_a.hr.post(tenant_a.url("/webhooks"), json=body)
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["errors"]


def test_patch_checks_the_same_rules(tenant_a, private_ok):
    hook = _create(tenant_a).get_json()
    url = tenant_a.url(f"/webhooks/{hook['id']}")
    assert tenant_a.hr.patch(url, json={"events": ["nope"]}).status_code == 422
    assert tenant_a.hr.patch(url, json={"url": "http://169.254.169.254/"}).status_code == 422
    r = tenant_a.hr.patch(url, json={"events": ["employee.updated", "employee.updated"], "description": "x"})
    assert r.status_code == 200 and r.get_json()["events"] == ["employee.updated"]
    assert r.get_json()["description"] == "x"
    assert tenant_a.hr.get(tenant_a.url(f"/webhooks/{hook['id']}/deliveries?status=lost")).status_code == 422


def test_employees_are_forbidden_and_other_tenants_see_nothing(tenant_a, tenant_b, private_ok):
    hook = _create(tenant_a).get_json()
    assert _create(tenant_a, client=tenant_a.employee).status_code == 403
    assert tenant_a.employee.get(tenant_a.url("/webhooks")).status_code == 403
    assert tenant_a.employee.get(tenant_a.url(f"/webhooks/{hook['id']}")).status_code == 403
    for method, path in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/test"), ("POST", "/rotate-secret"),
                         ("GET", "/deliveries")):
        r = tenant_b.hr.request(method, tenant_b.url(f"/webhooks/{hook['id']}{path}"), json={})
        assert r.status_code == 404, (method, path, r.status_code)
    assert tenant_b.hr.get(tenant_a.url("/webhooks")).status_code == 404
    assert tenant_b.hr.get(tenant_b.url("/webhooks")).get_json()["total"] == 0
    listed = tenant_a.operator.get(tenant_a.url("/webhooks")).get_json()
    assert [h["id"] for h in listed["items"]] == [hook["id"]] and "secret" not in listed["items"][0]
