"""Plans, windows and enrolment through the API."""
import uuid
from datetime import date, timedelta

import pytest


def test_plan_is_created_with_string_money(ben):
    plan = ben.plan()
    assert plan["tiers"][1] == {"tier": "employee_spouse", "employee_cost": "250.50", "employer_cost": "600.00",
                                "period": "month", "age_bands": None}
    assert plan["currency"] == "USD"
    listed = ben.kit.hr.get(ben.url("/plans")).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == plan["id"]
    assert ben.kit.employee.get(ben.url(f"/plans/{plan['id']}")).status_code == 200


def test_enrolment_returns_totals(ben, open_window):
    window, medical, dental = open_window
    r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []},
                                 {"plan_id": dental["id"], "waive": True, "waive_reason": "Covered elsewhere"}])
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "submitted" and body["employee_id"] == ben.kit.employee_id
    assert body["window_id"] == window["id"]
    assert body["employee_cost_total"] == "100.00" and body["employer_cost_total"] == "400.00"
    assert body["employee_cost_per_year"] == "1200.00" and body["currency"] == "USD"
    assert [e["waive"] for e in body["elections"]] == [False, True]


def tier_case(ben, window, plan, tier, dependent_ids):
    return ben.enrol(window["id"], [{"plan_id": plan["id"], "tier": tier, "dependent_ids": dependent_ids}])


def test_tier_rules(ben, open_window):
    window, medical, _ = open_window
    spouse, partner = ben.dependent("spouse")["id"], ben.dependent("partner", first_name="Pat")["id"]
    child = ben.dependent("child", born="2016-01-01", first_name="Kim")["id"]
    old = ben.dependent("child", born=str(date.today().replace(year=date.today().year - 27)), first_name="Big")["id"]
    cases = [
        ("employee", [spouse], 422), ("employee", [], 201),
        ("employee_spouse", [], 422), ("employee_spouse", [spouse, partner], 422), ("employee_spouse", [child], 422),
        ("employee_spouse", [partner], 201),
        ("employee_children", [], 422), ("employee_children", [child, spouse], 422), ("employee_children", [child], 201),
        ("family", [spouse], 422), ("family", [child], 422), ("family", [spouse, child], 201),
        ("employee_children", [old], 422),
    ]
    for tier, deps, status in cases:
        r = tier_case(ben, window, medical, tier, deps)
        assert r.status_code == status, (tier, deps, r.get_json())
        if status == 422:
            message = r.get_json()["errors"]["elections.0.dependent_ids"][0]
            assert "coverage" in message or "age limit" in message


def test_child_age_limit_is_per_plan(ben):
    plan = ben.plan(child_age_limit=18)
    window = ben.window([plan["id"]])
    teen = ben.dependent("child", born=str(date.today().replace(year=date.today().year - 19)))["id"]
    r = tier_case(ben, window, plan, "employee_children", [teen])
    assert r.status_code == 422 and "18" in r.get_json()["errors"]["elections.0.dependent_ids"][0]


def test_unknown_tier_plan_and_dependent_are_422(ben, ben_b, open_window):
    window, medical, dental = open_window
    other_plan = ben.plan(name="Not offered")
    assert tier_case(ben, window, other_plan, "employee", []).status_code == 422
    assert tier_case(ben, window, dental, "employee_spouse", []).status_code == 422  # tier not offered
    foreign = ben_b.dependent("spouse")["id"]
    r = tier_case(ben, window, medical, "employee_spouse", [foreign])
    assert r.status_code == 422 and "elections.0.dependent_ids" in r.get_json()["errors"]
    r = ben.enrol(window["id"], [{"plan_id": medical["id"]}])
    assert r.status_code == 422 and "elections.0.tier" in r.get_json()["errors"]


@pytest.mark.parametrize("starts,ends", [(1, 5), (-10, -1)])
def test_outside_the_window_is_409(ben, starts, ends):
    plan = ben.plan()
    window = ben.window([plan["id"]], starts=starts, ends=ends)
    r = tier_case(ben, window, plan, "employee", [])
    assert r.status_code == 409
    assert r.get_json()["type"].endswith("conflict")


def test_window_validation(ben, ben_b):
    plan, foreign = ben.plan(), ben_b.plan()
    today = date.today()
    body = {"name": "OE", "kind": "open", "starts_on": str(today), "ends_on": str(today - timedelta(days=1)),
            "coverage_starts_on": str(today), "plan_ids": [plan["id"]]}
    r = ben.kit.hr.post(ben.url("/windows"), json=body)
    assert r.status_code == 422 and "ends_on" in r.get_json()["errors"]
    r = ben.kit.hr.post(ben.url("/windows"), json={**body, "ends_on": str(today), "plan_ids": [foreign["id"]]})
    assert r.status_code == 422 and "plan_ids" in r.get_json()["errors"]
    assert ben.kit.employee.post(ben.url("/windows"), json={**body, "ends_on": str(today)}).status_code == 403


def test_resubmission_replaces_and_keeps_history(ben, open_window):
    window, medical, dental = open_window
    first = tier_case(ben, window, medical, "employee", []).get_json()
    second = ben.enrol(window["id"], [{"plan_id": dental["id"], "tier": "employee", "dependent_ids": []}]).get_json()
    assert second["status"] == "submitted" and second["replaces_id"] == first["id"]
    items = ben.kit.hr.get(ben.url(f"/enrollments?window_id={window['id']}")).get_json()["items"]
    assert {i["id"]: i["status"] for i in items} == {first["id"]: "replaced", second["id"]: "submitted"}
    coverage = ben.kit.employee.get(ben.url(f"/employees/{ben.kit.employee_id}/coverage")).get_json()
    assert [c["plan_id"] for c in coverage["items"]] == [dental["id"]]
    assert coverage["employee_cost_total"] == "10.00"


def test_database_allows_one_submitted_enrolment(ben, open_window, app):
    import sqlalchemy as sa

    from hrbpo.core import tenancy
    from hrbpo.core.db import db
    from hrbpo.plugins.benefits.models import Enrollment

    window, medical, _ = open_window
    tier_case(ben, window, medical, "employee", [])
    with tenancy.tenant_context(uuid.UUID(ben.kit.id)):
        db.session.add(Enrollment(employee_id=uuid.UUID(ben.kit.employee_id), window_id=uuid.UUID(window["id"]),
                                  status="submitted", currency="USD", pay_periods=12))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_employee_cannot_enrol_or_see_others(ben, open_window, client):
    window, medical, _ = open_window
    other = ben.kit.hr.post(ben.kit.url("/employees"), json={
        "first_name": "Olga", "last_name": "Other", "email": "olga@ben-a.test", "hire_date": "2020-01-01"}).get_json()
    r = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}],
                  employee_id=other["id"])
    assert r.status_code == 404
    assert ben.kit.employee.get(ben.url(f"/employees/{other['id']}/dependents")).status_code == 404
    assert ben.kit.employee.get(ben.url(f"/employees/{other['id']}/coverage")).status_code == 404
    r = ben.kit.employee.post(ben.url(f"/employees/{other['id']}/dependents"), json={
        "first_name": "A", "last_name": "B", "relationship": "child", "date_of_birth": "2010-01-01"})
    assert r.status_code == 404
    # HR enrols on the employee's behalf; the employee's list shows only their own.
    on_behalf = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}],
                          client=ben.kit.hr, employee_id=other["id"])
    assert on_behalf.status_code == 201
    audit = ben.kit.hr.get(ben.kit.url("/audit")).get_json()["items"]
    assert any(a["action"] == "benefits.enrollment.submit" and a["changes"]["on_behalf"] for a in audit)
    assert ben.kit.employee.get(ben.url("/enrollments")).get_json()["total"] == 0
    assert ben.kit.employee.get(ben.url(f"/enrollments/{on_behalf.get_json()['id']}")).status_code == 404


def test_dependants_are_encrypted_and_masked(ben, app):
    import sqlalchemy as sa

    from hrbpo.core.db import db

    dep = ben.dependent("child", born="2014-03-04", national_id="111-22-3333")
    assert "national_id" not in dep and dep["national_id_last4"] == "3333" and "date_of_birth" not in dep
    listed = ben.kit.employee.get(ben.url(f"/employees/{ben.kit.employee_id}/dependents")).get_json()
    assert listed["items"][0]["birth_year"] == 2014 and "date_of_birth" not in listed["items"][0]
    engine = sa.create_engine(app.config["HRBPO_MIGRATE_DATABASE_URL"])
    with engine.connect() as conn:
        raw = conn.execute(sa.text("SELECT date_of_birth, national_id FROM benefit_dependents")).one()
    engine.dispose()
    assert "2014" not in raw[0] and "3333" not in raw[1]
    db.session.rollback()


def test_lists_have_constant_statement_counts(ben, open_window, count_queries):
    window, medical, dental = open_window
    counts = []
    for n in range(2):
        ben.kit.hr.post(ben.kit.url("/employees"), json={
            "first_name": "E", "last_name": str(n), "email": f"e{n}@ben-a.test", "hire_date": "2020-01-01"})
        employees = ben.kit.hr.get(ben.kit.url("/employees?per_page=200")).get_json()["items"]
        for e in employees:
            ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []},
                                     {"plan_id": dental["id"], "waive": True}], client=ben.kit.hr,
                      employee_id=e["id"])
        with count_queries() as q:
            assert ben.kit.hr.get(ben.url("/enrollments")).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


def test_carrier_may_be_an_object_and_money_a_number(ben):
    plan = ben.plan({"name": "HSA", "kind": "hsa", "currency": "USD", "carrier": {"name": "Acme Health", "id": 123456789},
                     "tiers": [{"tier": "employee", "employee_cost": 99.5, "employer_cost": "0", "period": "paycheck"}]})
    assert plan["carrier"] == "Acme Health" and plan["carrier_id"] == "123456789"
    assert plan["tiers"][0]["employee_cost"] == "99.50"
