"""Text that is not text (lone surrogates, NUL, control characters) and
numbers that are not integers: 422 with `errors` naming the field, nothing stored."""
import pytest

from hrbpo.testing import PASSWORD

NEW = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@a.test", "hire_date": "2024-02-01"}
SURROGATE, NUL, BELL = "\ud800", "a\x00b", "a\x07b"


def _refused(response, field):
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert field in response.get_json()["errors"], response.get_json()


def _employees(kit):
    return kit.hr.get(kit.url("/employees")).get_json()["total"]


@pytest.mark.parametrize("value", [SURROGATE, "Ada" + SURROGATE, NUL, BELL], ids=["surrogate", "tail", "nul", "bell"])
@pytest.mark.parametrize("field", ["first_name", "email", "department", "location"])
def test_unsafe_text_in_an_employee_is_refused(tenant_a, field, value):
    before = _employees(tenant_a)
    _refused(tenant_a.hr.post(tenant_a.url("/employees"), json={**NEW, field: value}), field)
    _refused(tenant_a.hr.patch(tenant_a.url(f"/employees/{tenant_a.employee_id}"), json={field: value}), field)
    assert _employees(tenant_a) == before


def test_line_breaks_and_tabs_are_text(tenant_a):
    r = tenant_a.hr.post(tenant_a.url("/employees"), json={**NEW, "job_title": "Head\tof\r\nthings"})
    assert r.status_code == 201, r.get_json()


def test_unsafe_text_in_a_query_is_refused(tenant_a):
    _refused(tenant_a.hr.get(tenant_a.url("/employees?q=a%00b")), "q")


@pytest.mark.parametrize("value", [SURROGATE, NUL])
def test_unsafe_password_or_email_at_sign_in_is_refused(client, tenant_a, value):
    _refused(client.post("/api/v1/auth/token", json={"email": "hr@tenant-a.test", "password": value}), "password")
    _refused(client.post("/api/v1/auth/token", json={"email": value, "password": PASSWORD}), "email")


def test_unsafe_password_for_a_new_user_is_refused(tenant_a):
    body = {"email": "new@tenant-a.test", "password": "long-enough" + SURROGATE, "role": "hr_admin"}
    _refused(tenant_a.hr.post(tenant_a.url("/users"), json=body), "password")
    users = tenant_a.hr.get(tenant_a.url("/users")).get_json()["items"]
    assert "new@tenant-a.test" not in {u["email"] for u in users}


def test_unsafe_text_in_a_nested_field_names_its_path(make_tenant):
    kit = make_tenant("nested", modules=["recruitment"])
    job = kit.hr.post(kit.url("/recruitment/jobs"), json={"title": "Welder", "description": "Welds."}).get_json()
    body = {"job_id": job["id"], "candidate": {"first_name": "Ada", "last_name": NUL, "email": "a@b.test"},
            "consent": True}
    _refused(kit.hr.post(kit.url("/recruitment/applications"), json=body), "candidate.last_name")


@pytest.mark.parametrize("value", [1.5, 0.1, 1e400, -2.5], ids=["1.5", "0.1", "inf", "-2.5"])
def test_integers_with_a_fraction_are_refused(tenant_a, value):
    _refused(tenant_a.hr.post(tenant_a.url("/employees"), json={**NEW, "hours_per_week": value}), "hours_per_week")
    r = tenant_a.hr.patch(tenant_a.url(f"/employees/{tenant_a.employee_id}"), json={"hours_per_week": value})
    _refused(r, "hours_per_week")
    assert tenant_a.hr.get(tenant_a.url(f"/employees/{tenant_a.employee_id}")).get_json()["hours_per_week"] == 40


def test_booleans_are_not_integers_but_whole_numbers_are(tenant_a):
    _refused(tenant_a.hr.post(tenant_a.url("/employees"), json={**NEW, "hours_per_week": True}), "hours_per_week")
    r = tenant_a.hr.post(tenant_a.url("/employees"), json={**NEW, "hours_per_week": 30.0})
    assert r.status_code == 201 and r.get_json()["hours_per_week"] == 30
