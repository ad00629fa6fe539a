"""The portal page: employees ask, HR admins decide."""
import pytest

pytest.importorskip("hrbpo_timeoff", reason="pip install -e ./examples/hrbpo-timeoff")


def test_employee_asks_from_the_page(acme):
    r = acme.employee.post("/t/acme/timeoff/", data={"starts_on": "2030-08-03", "ends_on": "2030-08-04"})
    assert r.status_code == 303
    page = acme.employee.get("/t/acme/timeoff/").get_data(as_text=True)
    assert "2030-08-03" in page and "Approve" not in page
    assert 'href="/t/acme/timeoff/"' in page  # the nav item


def test_page_shows_field_errors(acme):
    r = acme.employee.post("/t/acme/timeoff/", data={"starts_on": "2030-08-04", "ends_on": "2030-08-01"})
    assert r.status_code == 422
    assert 'id="timeoff-ends_on-error"' in r.get_data(as_text=True)


def test_hr_admin_approves_from_the_page(acme, ask):
    made = ask().get_json()
    r = acme.hr.post(f"/t/acme/timeoff/{made['id']}/decision", data={"decision": "approve"})
    assert r.status_code == 303
    assert acme.hr.get(acme.url(f"/timeoff/requests/{made['id']}")).get_json()["status"] == "approved"


def test_employee_cannot_decide_from_the_page(acme, ask):
    made = ask().get_json()
    assert acme.employee.post(f"/t/acme/timeoff/{made['id']}/decision", data={"decision": "approve"}).status_code == 403
