def test_operator_creates_tenant(operator):
    r = operator.post("/api/v1/tenants", json={"slug": "acme", "name": "Acme"})
    assert r.status_code == 201
    assert r.get_json()["slug"] == "acme"


def test_kits(tenant_a, tenant_b):
    r = tenant_a.hr.get(tenant_b.url("/employees"))
    assert r.status_code == 404
    r = tenant_a.hr.get(tenant_a.url("/employees"))
    assert r.status_code == 200 and r.get_json()["total"] == 1
