"""Editing and archiving plans; editing and closing windows (API)."""
from datetime import date, timedelta

from benefits_helpers import DENTAL


def _actions(ben):
    return [a["action"] for a in ben.kit.hr.get(ben.kit.url("/audit?per_page=200")).get_json()["items"]]


def test_plan_patch_changes_fields_and_prices_but_not_submitted_elections(ben, open_window):
    window, medical, _ = open_window
    first = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}]).get_json()
    r = ben.kit.hr.patch(ben.url(f"/plans/{medical['id']}"), json={
        "name": "Gold PPO 2027", "carrier": {"name": "Acme Health Inc", "id": "98-7654321", "group_number": "G-9"},
        "min_hours": 20, "employment_types": ["full_time"], "child_age_limit": 24,
        "plan_year_starts_on": "2020-01-01", "plan_year_ends_on": "2099-12-31",
        "tiers": [{"tier": "employee", "employee_cost": "110.00", "employer_cost": "390.00", "period": "month"},
                  {"tier": "family", "employee_cost": "360.00", "employer_cost": "790.00", "period": "month"}]})
    assert r.status_code == 200, r.get_json()
    plan = r.get_json()
    assert plan["name"] == "Gold PPO 2027" and plan["carrier"] == "Acme Health Inc"
    assert plan["carrier_id"] == "98-7654321" and plan["group_number"] == "G-9" and plan["child_age_limit"] == 24
    assert [(t["tier"], t["employee_cost"]) for t in plan["tiers"]] == [("employee", "110.00"), ("family", "360.00")]
    # The submission keeps the price it was priced at; the next one gets the new price.
    kept = ben.kit.employee.get(ben.url(f"/enrollments/{first['id']}")).get_json()
    assert kept["employee_cost_total"] == "100.00"
    again = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    assert again.get_json()["employee_cost_total"] == "110.00"
    # A tier that was dropped is gone; one that comes back is a fresh price.
    r = ben.kit.hr.patch(ben.url(f"/plans/{medical['id']}"), json={"tiers": [
        {"tier": "family", "employee_cost": "1.00", "employer_cost": "2.00", "period": "paycheck"},
        {"tier": "employee_spouse", "employee_cost": "3.00", "employer_cost": "4.00", "period": "paycheck"}]})
    assert [t["tier"] for t in r.get_json()["tiers"]] == ["family", "employee_spouse"]
    event = next(e for e in ben.kit.hr.get(ben.kit.url("/audit?per_page=200")).get_json()["items"]
                 if e["action"] == "benefits.plan.update")
    assert "tiers" in event["changes"] and event["target_id"] == medical["id"]


def test_plan_patch_refuses_what_cannot_change(ben, open_window):
    window, medical, _ = open_window
    url = ben.url(f"/plans/{medical['id']}")
    r = ben.kit.hr.patch(url, json={"kind": "dental"})
    assert r.status_code == 422 and "kind" in r.get_json()["errors"]
    assert ben.kit.hr.patch(url, json={"kind": "medical", "name": "Same kind"}).status_code == 200
    r = ben.kit.hr.patch(url, json={"plan_year_starts_on": "2026-06-01", "plan_year_ends_on": "2026-01-01"})
    assert r.status_code == 422 and "plan_year_ends_on" in r.get_json()["errors"]
    # The open window offers it from coverage_starts_on: the plan year must keep covering that day.
    r = ben.kit.hr.patch(url, json={"plan_year_ends_on": str(date.today())})
    assert r.status_code == 409 and window["name"] in r.get_json()["detail"]
    assert ben.kit.hr.patch(url, json={"plan_year_ends_on": str(date.today() + timedelta(days=400))}).status_code == 200
    assert ben.kit.hr.patch(url, json={"tiers": []}).status_code == 422
    assert ben.kit.hr.patch(url, json={"currency": "EUR"}).status_code == 200  # nobody elected it yet
    ben.kit.hr.patch(url, json={"currency": "USD"})
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    assert ben.kit.hr.patch(url, json={"currency": "EUR"}).status_code == 409
    assert ben.kit.employee.patch(url, json={"name": "Mine"}).status_code == 403


def test_archived_plans_are_listed_on_request_and_offered_in_no_new_window(ben, open_window):
    window, medical, dental = open_window
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    r = ben.kit.hr.post(ben.url(f"/plans/{medical['id']}/archive"))
    assert r.status_code == 200 and r.get_json()["status"] == "archived" and r.get_json()["archived_at"]
    assert ben.kit.hr.post(ben.url(f"/plans/{medical['id']}/archive")).status_code == 409
    listed = lambda q="": [p["id"] for p in ben.kit.hr.get(ben.url(f"/plans{q}")).get_json()["items"]]  # noqa: E731
    assert listed() == [dental["id"]] and listed("?status=archived") == [medical["id"]]
    assert sorted(listed("?status=all")) == sorted([medical["id"], dental["id"]])
    assert ben.kit.hr.get(ben.url(f"/plans/{medical['id']}")).status_code == 200
    today = date.today()
    r = ben.kit.hr.post(ben.url("/windows"), json={
        "name": "Next", "kind": "open", "starts_on": str(today), "ends_on": str(today + timedelta(days=5)),
        "coverage_starts_on": str(today + timedelta(days=30)), "plan_ids": [medical["id"], dental["id"]]})
    assert r.status_code == 422 and "archived" in r.get_json()["errors"]["plan_ids"][0]
    # Existing coverage and the window that offers it stay.
    coverage = ben.kit.employee.get(ben.url(f"/employees/{ben.kit.employee_id}/coverage")).get_json()
    assert [i["plan_id"] for i in coverage["items"]] == [medical["id"]]
    assert medical["id"] in ben.kit.hr.get(ben.url(f"/windows/{window['id']}")).get_json()["plan_ids"]
    # New hires are not offered it.
    ben.kit.hr.post(ben.kit.url("/employees"), json={"first_name": "N", "last_name": "H", "email": "nh@ben-a.test",
                                                     "hire_date": str(today)})
    new_hire = ben.kit.hr.get(ben.url("/windows?kind=new_hire")).get_json()["items"][0]
    assert new_hire["plan_ids"] == [dental["id"]]
    r = ben.kit.hr.post(ben.url(f"/plans/{medical['id']}/unarchive"))
    assert r.status_code == 200 and r.get_json()["status"] == "active"
    assert ben.kit.hr.post(ben.url(f"/plans/{medical['id']}/unarchive")).status_code == 409
    assert {"benefits.plan.archive", "benefits.plan.unarchive"} <= set(_actions(ben))


def test_window_patch_and_its_refusals(ben, open_window):
    window, medical, dental = open_window
    vision = ben.plan(DENTAL, name="Vision", kind="vision")
    url = ben.url(f"/windows/{window['id']}")
    today = date.today()
    r = ben.kit.hr.patch(url, json={"name": "Open enrolment 2027", "ends_on": str(today + timedelta(days=20)),
                                    "plan_ids": [medical["id"], dental["id"], vision["id"]]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["name"] == "Open enrolment 2027" and len(r.get_json()["plan_ids"]) == 3
    assert r.get_json()["status"] == "open"
    r = ben.kit.hr.patch(url, json={"ends_on": str(today - timedelta(days=5))})
    assert r.status_code == 422 and "ends_on" in r.get_json()["errors"]
    r = ben.kit.hr.patch(url, json={"plan_ids": ["00000000-0000-0000-0000-000000000000"]})
    assert r.status_code == 422 and "plan_ids" in r.get_json()["errors"]
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []},
                             {"plan_id": dental["id"], "waive": True, "waive_reason": "Partner's plan"}])
    for plan in (medical, dental):  # elected, or waived: cannot be removed
        others = [p for p in (medical["id"], dental["id"], vision["id"]) if p != plan["id"]]
        r = ben.kit.hr.patch(url, json={"plan_ids": others})
        assert r.status_code == 409 and plan["name"] in r.get_json()["detail"]
    assert ben.kit.hr.patch(url, json={"plan_ids": [medical["id"], dental["id"]]}).status_code == 200  # vision: nobody
    r = ben.kit.hr.patch(url, json={"coverage_starts_on": str(today + timedelta(days=40))})
    assert r.status_code == 409 and "coverage" in r.get_json()["detail"]
    assert ben.kit.hr.patch(url, json={"starts_on": str(today + timedelta(days=1))}).status_code == 409
    assert ben.kit.hr.patch(url, json={"kind": "new_hire"}).status_code == 422
    assert ben.kit.employee.patch(url, json={"name": "x"}).status_code == 403
    assert "benefits.window.update" in _actions(ben)


def test_overlapping_windows_of_one_kind_are_refused(ben, open_window):
    window, medical, dental = open_window
    today = date.today()
    body = {"name": "Second open enrolment", "kind": "open", "starts_on": str(today + timedelta(days=10)),
            "ends_on": str(today + timedelta(days=15)), "coverage_starts_on": str(today + timedelta(days=30)),
            "plan_ids": [dental["id"]]}
    r = ben.kit.hr.post(ben.url("/windows"), json=body)  # day 10 is the first window's last day
    assert r.status_code == 422, r.get_json()
    assert list(r.get_json()["errors"]) == ["starts_on"] and "Open enrolment" in r.get_json()["detail"]
    later = ben.kit.hr.post(ben.url("/windows"), json={**body, "starts_on": str(today + timedelta(days=11))})
    assert later.status_code == 201, later.get_json()
    r = ben.kit.hr.patch(ben.url(f"/windows/{later.get_json()['id']}"), json={"starts_on": str(today + timedelta(days=9))})
    assert r.status_code == 422 and list(r.get_json()["errors"]) == ["starts_on"]
    # One employee's windows of a kind may run together for different plans, not for the same one.
    personal = {**body, "kind": "life_event", "employee_id": ben.kit.employee_id, "starts_on": str(today)}
    assert ben.kit.hr.post(ben.url("/windows"), json={**personal, "plan_ids": [medical["id"]]}).status_code == 201
    assert ben.kit.hr.post(ben.url("/windows"), json={**personal, "plan_ids": [dental["id"]]}).status_code == 201
    assert ben.kit.hr.post(ben.url("/windows"), json={**personal, "plan_ids": [medical["id"]]}).status_code == 422
    # A window closed early no longer counts.
    assert ben.kit.hr.post(ben.url(f"/windows/{window['id']}/close")).status_code == 200
    assert ben.kit.hr.post(ben.url("/windows"), json={**body, "name": "Redo", "starts_on": str(today),
                                                          "ends_on": str(today + timedelta(days=5))}).status_code == 201


def test_window_coverage_must_fall_in_the_plans_year(ben):
    plan = ben.plan(plan_year_starts_on="2030-01-01", plan_year_ends_on="2030-12-31")
    today = date.today()
    body = {"name": "OE", "kind": "open", "starts_on": str(today), "ends_on": str(today + timedelta(days=5)),
            "plan_ids": [plan["id"]]}
    r = ben.kit.hr.post(ben.url("/windows"), json={**body, "coverage_starts_on": "2031-01-01"})
    assert r.status_code == 422 and "plan year" in r.get_json()["errors"]["plan_ids"][0]
    window = ben.kit.hr.post(ben.url("/windows"), json={**body, "coverage_starts_on": "2030-01-01"}).get_json()
    r = ben.kit.hr.patch(ben.url(f"/windows/{window['id']}"), json={"coverage_starts_on": "2029-12-01"})
    assert r.status_code == 422
    assert ben.kit.hr.patch(ben.url(f"/windows/{window['id']}"), json={"coverage_starts_on": "2030-02-01"}) \
        .status_code == 200


def test_closing_a_window_early(ben, open_window):
    window, medical, _ = open_window
    close = ben.url(f"/windows/{window['id']}/close")
    assert ben.kit.employee.post(close).status_code == 403
    r = ben.kit.hr.post(close)
    assert r.status_code == 200 and r.get_json()["status"] == "closed" and r.get_json()["closed_at"]
    assert ben.kit.hr.post(close).status_code == 409
    r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    assert r.status_code == 409 and "closed early" in r.get_json()["detail"]
    # Only the name of a window closed early may change.
    assert ben.kit.hr.patch(ben.url(f"/windows/{window['id']}"), json={"name": "OE (closed)"}).status_code == 200
    r = ben.kit.hr.patch(ben.url(f"/windows/{window['id']}"), json={"ends_on": str(date.today() + timedelta(30))})
    assert r.status_code == 409
    ended = ben.window([medical["id"]], starts=-10, ends=-2)
    assert ben.kit.hr.post(ben.url(f"/windows/{ended['id']}/close")).status_code == 409
    assert "benefits.window.close" in _actions(ben)
    # The employee's open-window task goes away with it.
    assert ben.kit.employee.get(ben.url(f"/windows/{window['id']}")).get_json()["status"] == "closed"


def test_catalogue_writes_are_404_for_another_tenant_and_module_off(ben, ben_b, open_window, disable_module):
    window, medical, _ = open_window
    for method, path in (("PATCH", f"/plans/{medical['id']}"), ("POST", f"/plans/{medical['id']}/archive"),
                         ("POST", f"/plans/{medical['id']}/unarchive"), ("PATCH", f"/windows/{window['id']}"),
                         ("POST", f"/windows/{window['id']}/close")):
        r = ben_b.kit.hr.request(method, ben_b.url(path), json={"name": "Theirs"})
        assert r.status_code == 404, (method, path)
    assert ben.kit.hr.get(ben.url(f"/plans/{medical['id']}")).get_json()["name"] == "Gold PPO"
    disable_module(ben.kit, "benefits")
    assert ben.kit.hr.patch(ben.url(f"/plans/{medical['id']}"), json={"name": "x"}).status_code == 404
    assert ben.kit.hr.post(ben.url(f"/windows/{window['id']}/close")).status_code == 404
