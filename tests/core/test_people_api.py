"""People API, per API.md "People"."""
import sqlalchemy as sa

from hrbpo.core.auth.models import User
from hrbpo.core.db import db
from hrbpo.testing import PASSWORD, login

NEW = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@a.test", "hire_date": "2024-02-01",
       "date_of_birth": "1990-12-10", "national_id": "987-65-4321"}


def test_create_employee_masks_national_id(tenant_a):
    r = tenant_a.hr.post(tenant_a.url("/employees"), json=NEW)
    assert r.status_code == 201
    body = r.get_json()
    assert body["national_id_last4"] == "4321" and "national_id" not in body
    assert body["hire_date"] == "2024-02-01" and isinstance(body["id"], str)
    for got in (tenant_a.hr.get(tenant_a.url(f"/employees/{body['id']}")), tenant_a.hr.get(tenant_a.url("/employees"))):
        assert "987-65-4321" not in got.get_data(as_text=True) and "national_id\"" not in got.get_data(as_text=True)


def test_national_id_is_encrypted_at_rest(tenant_a, owner_sql):
    tenant_a.hr.post(tenant_a.url("/employees"), json=NEW)
    raw = owner_sql("SELECT national_id FROM employees WHERE email = 'ada@a.test'")[0][0]
    assert raw and "987-65-4321" not in raw and "4321" not in raw


def test_create_validation_and_conflict(tenant_a):
    r = tenant_a.hr.post(tenant_a.url("/employees"), json={"first_name": "", "email": "nope", "hire_date": "2024-13-01"})
    assert r.status_code == 422
    assert {"first_name", "last_name", "email", "hire_date"} <= set(r.get_json()["errors"])
    assert tenant_a.hr.post(tenant_a.url("/employees"), json=NEW).status_code == 201
    r = tenant_a.hr.post(tenant_a.url("/employees"), json={**NEW, "email": "ADA@a.test"})
    assert r.status_code == 409


def test_same_email_allowed_in_another_tenant(tenant_a, tenant_b):
    assert tenant_a.hr.post(tenant_a.url("/employees"), json=NEW).status_code == 201
    assert tenant_b.hr.post(tenant_b.url("/employees"), json=NEW).status_code == 201


def test_employee_sees_only_themselves(tenant_a):
    other = tenant_a.hr.post(tenant_a.url("/employees"), json=NEW).get_json()["id"]
    r = tenant_a.employee.get(tenant_a.url("/employees"))
    assert r.status_code == 200
    assert [e["id"] for e in r.get_json()["items"]] == [tenant_a.employee_id] and r.get_json()["total"] == 1
    assert tenant_a.employee.get(tenant_a.url(f"/employees/{tenant_a.employee_id}")).status_code == 200
    assert tenant_a.employee.get(tenant_a.url(f"/employees/{other}")).status_code == 404
    assert tenant_a.employee.patch(tenant_a.url(f"/employees/{other}"), json={"job_title": "x"}).status_code == 404
    r = tenant_a.employee.patch(tenant_a.url(f"/employees/{tenant_a.employee_id}"), json={"job_title": "Boss"})
    assert r.status_code == 403
    assert tenant_a.employee.post(tenant_a.url("/employees"), json=NEW).status_code == 403


def test_hr_lists_and_patches(tenant_a):
    tenant_a.hr.post(tenant_a.url("/employees"), json=NEW)
    r = tenant_a.hr.get(tenant_a.url("/employees"))
    assert r.get_json()["total"] == 2 and set(r.get_json()) == {"items", "total", "page", "per_page"}
    r = tenant_a.hr.patch(tenant_a.url(f"/employees/{tenant_a.employee_id}"), json={"job_title": "Lead"})
    assert r.status_code == 200 and r.get_json()["job_title"] == "Lead"
    r = tenant_a.hr.patch(tenant_a.url(f"/employees/{tenant_a.employee_id}"), json={"hours_per_week": 500})
    assert r.status_code == 422


def test_terminate_before_hire_is_422(tenant_a):
    r = tenant_a.hr.patch(tenant_a.url(f"/employees/{tenant_a.employee_id}"), json={"termination_date": "2000-01-01"})
    assert r.status_code == 422
    r = tenant_a.hr.get(tenant_a.url(f"/employees/{tenant_a.employee_id}"))
    assert r.get_json()["status"] == "active"


def test_other_tenant_and_unknown_ids_are_404(tenant_a, tenant_b):
    assert tenant_a.hr.get(tenant_a.url(f"/employees/{tenant_b.employee_id}")).status_code == 404
    assert tenant_a.hr.get(tenant_a.url("/employees/not-a-uuid")).status_code == 404
    assert tenant_a.hr.get(tenant_b.url("/employees")).status_code == 404
    assert tenant_a.hr.get("/api/v1/tenants/nope/employees").status_code == 404


def test_pagination(tenant_a):
    for i in range(5):
        tenant_a.hr.post(tenant_a.url("/employees"), json={**NEW, "email": f"p{i}@a.test", "national_id": None})
    r = tenant_a.hr.get(tenant_a.url("/employees?page=2&per_page=2")).get_json()
    assert (r["total"], r["page"], r["per_page"], len(r["items"])) == (6, 2, 2, 2)
    r = tenant_a.hr.get(tenant_a.url("/employees?per_page=1000")).get_json()
    assert r["per_page"] == 200 and len(r["items"]) == 6
    assert tenant_a.hr.get(tenant_a.url("/employees?per_page=0")).status_code == 422
    assert tenant_a.hr.get(tenant_a.url("/employees?page=abc")).status_code == 422


def test_users(client, tenant_a, tenant_b):
    r = tenant_a.hr.post(tenant_a.url("/users"), json={"email": "new@a.test", "password": PASSWORD, "role": "hr_admin"})
    assert r.status_code == 201 and r.get_json()["role"] == "hr_admin"
    assert login(client, "new@a.test").get(tenant_a.url("/employees")).status_code == 200
    r = tenant_a.hr.post(tenant_a.url("/users"), json={"email": "new@a.test", "role": "hr_admin"})
    assert r.status_code == 409
    r = tenant_a.hr.post(tenant_a.url("/users"), json={"email": "x@a.test", "role": "boss"})
    assert r.status_code == 422
    r = tenant_a.hr.post(tenant_a.url("/users"), json={"email": "y@a.test", "role": "employee",
                                                       "employee_id": tenant_b.employee_id})
    assert r.status_code == 422
    assert tenant_a.employee.post(tenant_a.url("/users"), json={"email": "z@a.test", "role": "hr_admin"}).status_code == 403
    emails = [u["email"] for u in tenant_a.hr.get(tenant_a.url("/users")).get_json()["items"]]
    assert "new@a.test" in emails and f"hr@{tenant_b.slug}.test" not in emails


def test_remove_user_keeps_login_elsewhere(client, operator, tenant_a, tenant_b):
    email = f"hr@{tenant_a.slug}.test"
    operator.post(tenant_b.url("/users"), json={"email": email, "role": "employee"})
    user_id = str(db.session.scalars(sa.select(User.id).where(User.email == email)).one())
    assert tenant_b.hr.delete(tenant_b.url(f"/users/{user_id}")).status_code == 204
    assert tenant_b.hr.delete(tenant_b.url(f"/users/{user_id}")).status_code == 404
    assert login(client, email).get(tenant_a.url("/employees")).status_code == 200


def test_operator_may_work_in_any_tenant(operator, tenant_a, tenant_b):
    for kit in (tenant_a, tenant_b):
        assert operator.get(kit.url("/employees")).get_json()["total"] == 1


def test_unauthenticated_is_401(client, tenant_a):
    assert client.get(tenant_a.url("/employees")).status_code == 401
    assert client.get("/api/v1/tenants/nope/employees").status_code == 401


def test_filters_and_pages_with_statements_reused_across_tenants(tenant_a, tenant_b):
    """The list's statements are built once per filter combination and reused
    by every tenant: each call must see its own tenant's rows, filter values
    and totals, also on a page past the end (which counts separately)."""
    for kit, names in ((tenant_a, ("Zqana", "Zqanton", "Bea")), (tenant_b, ("Zqanja", "Carl"))):
        for name in names:
            kit.hr.post(kit.url("/employees"), json={**NEW, "first_name": name, "email": f"{name.lower()}@x.test",
                                                     "national_id": None})
    for _ in range(2):
        for kit, expected, headcount in ((tenant_a, ["Zqana", "Zqanton"], 4), (tenant_b, ["Zqanja"], 3)):
            body = kit.hr.get(kit.url("/employees?q=ZQ")).get_json()
            assert [e["first_name"] for e in body["items"]] == expected and body["total"] == len(expected)
            past_end = kit.hr.get(kit.url("/employees?q=zq&page=9&per_page=1")).get_json()
            assert (past_end["items"], past_end["total"]) == ([], len(expected))
            active = kit.hr.get(kit.url("/employees?status=active&per_page=1")).get_json()
            assert (active["total"], len(active["items"])) == (headcount, 1)
