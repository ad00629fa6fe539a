"""Plans, windows and enrolment through the API."""
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
