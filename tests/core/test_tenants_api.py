"""Tenants and modules API, per API.md "Tenants and modules"."""
import pytest

from hrbpo.core.plugins.manager import plugins


def test_create_tenant(operator):
    r = operator.post("/api/v1/tenants", json={"slug": "acme", "name": "Acme", "timezone": "Europe/Oslo", "locale": "nb"})
    assert r.status_code == 201
    body = r.get_json()
    assert body["slug"] == "acme" and body["timezone"] == "Europe/Oslo" and isinstance(body["id"], str)
    assert operator.get("/api/v1/tenants/acme").get_json()["id"] == body["id"]


@pytest.mark.parametrize("slug", ["A", "a", "-ab", "ab_c", "Ab", "a" * 64, "ab c", "ab\n", ""])
def test_bad_slug_is_422(operator, slug):
    r = operator.post("/api/v1/tenants", json={"slug": slug, "name": "X"})
    assert r.status_code == 422
    assert "slug" in r.get_json()["errors"]


def test_good_slugs(operator):
    for slug in ("ab", "a1", "0-x", "a" * 63):
        assert operator.post("/api/v1/tenants", json={"slug": slug, "name": "X"}).status_code == 201


def test_duplicate_slug_is_409(operator):
    assert operator.post("/api/v1/tenants", json={"slug": "acme", "name": "Acme"}).status_code == 201
    r = operator.post("/api/v1/tenants", json={"slug": "acme", "name": "Other"})
    assert r.status_code == 409 and r.content_type == "application/problem+json"


def test_bad_timezone_and_locale_are_422(operator):
    r = operator.post("/api/v1/tenants", json={"slug": "acme", "name": "A", "timezone": "Mars/Base", "locale": "xx"})
    assert r.status_code == 422 and {"timezone", "locale"} <= set(r.get_json()["errors"])


def test_list_and_get(operator, tenant_a, tenant_b):
    r = operator.get("/api/v1/tenants")
    assert r.status_code == 200
    body = r.get_json()
    assert [t["slug"] for t in body["items"]] == [tenant_a.slug, tenant_b.slug]
    assert body["total"] == 2 and body["page"] == 1
    assert operator.get("/api/v1/tenants/nope").status_code == 404


def test_tenant_endpoints_are_operator_only(client, tenant_a):
    for c in (tenant_a.hr, tenant_a.employee):
        assert c.post("/api/v1/tenants", json={"slug": "x-y", "name": "X"}).status_code == 403
        assert c.get("/api/v1/tenants").status_code == 403
        assert c.get("/api/v1/modules").status_code == 403
        assert c.put(tenant_a.url("/modules/recruitment")).status_code == 403
        assert c.delete(tenant_a.url("/modules/recruitment")).status_code == 403
    assert client.get("/api/v1/tenants").status_code == 401
    assert client.post("/api/v1/tenants", json={"slug": "x-y", "name": "X"}).status_code == 401


def test_modules_listed(operator):
    r = operator.get("/api/v1/modules")
    assert r.status_code == 200
    assert {m["name"] for m in r.get_json()} == set(plugins().modules)
    assert all({"name", "title", "version"} <= set(m) for m in r.get_json())


@pytest.fixture
def module():
    names = sorted(plugins().modules)
    if not names:
        pytest.skip("no plugin installed")
    return next((n for n in names if not plugins().modules[n].depends_on), names[0])


def test_enable_disable_idempotent(operator, tenant_a, module):
    url = tenant_a.url(f"/modules/{module}")
    for _ in range(2):
        r = operator.put(url)
        assert r.status_code == 200 and r.get_json() == {"name": module, "enabled": True}
    states = {m["name"]: m["enabled"] for m in operator.get(tenant_a.url("/modules")).get_json()}
    assert states[module] is True
    for _ in range(2):
        r = operator.delete(url)
        assert r.status_code == 200 and r.get_json() == {"name": module, "enabled": False}
    states = {m["name"]: m["enabled"] for m in operator.get(tenant_a.url("/modules")).get_json()}
    assert states[module] is False
    actions = [e["action"] for e in operator.get(tenant_a.url("/audit")).get_json()["items"]]
    assert actions.count("module.enable") == 1 and actions.count("module.disable") == 1


def test_unknown_module_or_tenant_is_404(operator, tenant_a):
    assert operator.put(tenant_a.url("/modules/no-such-module")).status_code == 404
    assert operator.delete(tenant_a.url("/modules/no-such-module")).status_code == 404
    assert operator.put("/api/v1/tenants/nope/modules/recruitment").status_code == 404


def test_hr_admin_reads_modules_but_employee_may_not(tenant_a, tenant_b):
    r = tenant_a.hr.get(tenant_a.url("/modules"))
    assert r.status_code == 200 and {m["name"] for m in r.get_json()} == set(plugins().modules)
    assert tenant_a.employee.get(tenant_a.url("/modules")).status_code == 403
    assert tenant_a.hr.get(tenant_b.url("/modules")).status_code == 404
    assert tenant_a.hr.put(tenant_b.url("/modules/recruitment")).status_code == 404


def test_update_tenant(operator, tenant_a):
    r = operator.patch(f"/api/v1/tenants/{tenant_a.slug}", json={"name": "Renamed"})
    assert r.status_code == 200 and r.get_json()["name"] == "Renamed"
    actions = [e["action"] for e in operator.get(tenant_a.url("/audit")).get_json()["items"]]
    assert "tenant.update" in actions and "tenant.create" in actions
