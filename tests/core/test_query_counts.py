"""List endpoints issue a constant number of SQL statements."""
import io

import pytest


def _seed(kit, n):
    rows = "".join(f"P{i},Person,p{i}@x.test,2024-01-01\n" for i in range(n))
    r = kit.hr.post(kit.url("/employees/import"), data={"file": (io.BytesIO(
        ("first_name,last_name,email,hire_date\n" + rows).encode()), "p.csv")}, content_type="multipart/form-data")
    assert r.status_code == 201
    for i in range(n):
        kit.operator.post(kit.url("/users"), json={"email": f"p{i}@x.test", "role": "employee"})


def _statements(count_queries, client, url):
    client.get(url)  # warm caches (first request loads plugin permissions etc.)
    with count_queries() as q:
        r = client.get(url)
    assert r.status_code == 200
    return q.count, r.get_json()["total"]


@pytest.mark.parametrize("path", ["/employees", "/users", "/audit"])
def test_tenant_lists_are_constant(count_queries, make_tenant, path):
    small, big = make_tenant("small"), make_tenant("big")
    _seed(small, 5)
    _seed(big, 50)
    few, few_total = _statements(count_queries, small.hr, small.url(path + "?per_page=200"))
    many, many_total = _statements(count_queries, big.hr, big.url(path + "?per_page=200"))
    assert many_total > few_total
    assert few == many


def test_tenant_list_is_constant(count_queries, operator, make_tenant):
    make_tenant("one")
    few, _ = _statements(count_queries, operator, "/api/v1/tenants")
    for i in range(6):
        operator.post("/api/v1/tenants", json={"slug": f"t{i}x", "name": "T"})
        operator.put(f"/api/v1/tenants/t{i}x/modules/recruitment")
    many, total = _statements(count_queries, operator, "/api/v1/tenants")
    assert total == 7 and few == many
