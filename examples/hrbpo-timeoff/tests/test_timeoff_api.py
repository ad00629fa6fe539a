"""Time off through the API: request, approve or reject, who sees what."""
import pytest

pytest.importorskip("hrbpo_timeoff", reason="pip install -e ./examples/hrbpo-timeoff")


def test_employee_requests_and_hr_approves(acme, ask):
    r = ask(reason="Summer")
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert made["status"] == "pending" and made["days"] == 5 and made["employee_id"] == acme.employee_id
    assert made["employee_name"] == "Erin Acme"

    r = acme.hr.post(acme.url(f"/timeoff/requests/{made['id']}/approve"), json={"note": "Enjoy"})
    assert r.status_code == 200
    assert r.get_json()["status"] == "approved" and r.get_json()["decision_note"] == "Enjoy"
    assert acme.employee.get(acme.url(f"/timeoff/requests/{made['id']}")).get_json()["status"] == "approved"
    actions = [e["action"] for e in acme.hr.get(acme.url("/audit")).get_json()["items"]]
    assert "timeoff.request.approve" in actions and "timeoff.request.create" in actions


def test_decided_request_cannot_be_decided_again(acme, ask):
    made = ask().get_json()
    assert acme.hr.post(acme.url(f"/timeoff/requests/{made['id']}/reject"), json={}).status_code == 200
    r = acme.hr.post(acme.url(f"/timeoff/requests/{made['id']}/approve"), json={})
    assert r.status_code == 409 and "already rejected" in r.get_json()["detail"]


def test_employee_may_not_approve_or_ask_for_others(acme, ask):
    made = ask().get_json()
    assert acme.employee.post(acme.url(f"/timeoff/requests/{made['id']}/approve"), json={}).status_code == 403
    other = acme.hr.post(acme.url("/employees"), json={
        "first_name": "Ola", "last_name": "Nordmann", "email": "ola@acme.test", "hire_date": "2024-02-01"}).get_json()
    assert ask(employee_id=other["id"]).status_code == 403
    assert ask(employee_id=other["id"], client=acme.hr).status_code == 201


def test_employee_sees_only_their_own(acme, ask):
    other = acme.hr.post(acme.url("/employees"), json={
        "first_name": "Ola", "last_name": "Nordmann", "email": "ola@acme.test", "hire_date": "2024-02-01"}).get_json()
    theirs = ask(employee_id=other["id"], client=acme.hr).get_json()
    mine = ask().get_json()
    listing = acme.employee.get(acme.url("/timeoff/requests")).get_json()
    assert [r["id"] for r in listing["items"]] == [mine["id"]] and listing["total"] == 1
    assert acme.employee.get(acme.url(f"/timeoff/requests/{theirs['id']}")).status_code == 404
    assert acme.hr.get(acme.url("/timeoff/requests")).get_json()["total"] == 2


def test_bad_dates_are_422_and_overlaps_409(acme, ask):
    r = ask("2030-07-05", "2030-07-01")
    assert r.status_code == 422 and "ends_on" in r.get_json()["errors"]
    assert ask("2030-13-01").status_code == 422
    assert ask().status_code == 201
    r = ask("2030-07-04", "2030-07-10")
    assert r.status_code == 409


def test_list_filters_and_counts_statements(acme, ask, count_queries):
    ask("2030-01-01", "2030-01-02")
    with count_queries() as one:
        assert acme.hr.get(acme.url("/timeoff/requests")).status_code == 200
    for month in range(2, 7):
        ask(f"2030-0{month}-01", f"2030-0{month}-02")
    with count_queries() as six:
        body = acme.hr.get(acme.url("/timeoff/requests?status=pending")).get_json()
    assert body["total"] == 6 and six.count == one.count
    assert acme.hr.get(acme.url("/timeoff/requests?status=approved")).get_json()["total"] == 0


def test_terminating_an_employee_cancels_pending_requests(acme, ask):
    made = ask().get_json()
    r = acme.hr.patch(acme.url(f"/employees/{acme.employee_id}"), json={"termination_date": "2030-01-31"})
    assert r.status_code == 200, r.get_json()
    assert acme.hr.get(acme.url(f"/timeoff/requests/{made['id']}")).get_json()["status"] == "cancelled"


def test_other_tenant_is_invisible(acme, globex, isolation):
    theirs = globex.employee.post(globex.url("/timeoff/requests"),
                                  json={"starts_on": "2030-07-01", "ends_on": "2030-07-02"}).get_json()
    assert acme.hr.get(acme.url(f"/timeoff/requests/{theirs['id']}")).status_code == 404
    assert acme.hr.post(acme.url(f"/timeoff/requests/{theirs['id']}/approve"), json={}).status_code == 404
    assert acme.hr.get(acme.url("/timeoff/requests")).get_json()["total"] == 0
    isolation(acme, globex, ids_b={"request_id": theirs["id"]},
              bodies={"timeoff_api.create_request": {"starts_on": "2030-07-01", "ends_on": "2030-07-02"}})


def test_module_off_is_404_and_keeps_the_data(acme, ask, disable_module, enable_module):
    ask()
    disable_module(acme, "timeoff")
    assert acme.hr.get(acme.url("/timeoff/requests")).status_code == 404
    assert acme.employee.get("/t/acme/timeoff/").status_code == 404
    enable_module(acme, "timeoff")
    assert acme.hr.get(acme.url("/timeoff/requests")).get_json()["total"] == 1
