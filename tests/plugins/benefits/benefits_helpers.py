"""Fixtures and helpers of the benefits tests: a tenant with the module on, plans and an open window
(a unique module name: test folders are not packages)."""
from datetime import date, timedelta

import pytest

MEDICAL = {"name": "Gold PPO", "kind": "medical", "carrier": "Acme Health", "carrier_id": "12-3456789",
           "group_number": "GRP-1", "currency": "USD", "tiers": [
               {"tier": "employee", "employee_cost": "100.00", "employer_cost": "400.00", "period": "month"},
               {"tier": "employee_spouse", "employee_cost": "250.50", "employer_cost": "600.00", "period": "month"},
               {"tier": "employee_children", "employee_cost": "200.00", "employer_cost": "550.00", "period": "month"},
               {"tier": "family", "employee_cost": "350.25", "employer_cost": "800.00", "period": "month"}]}
DENTAL = {"name": "Smile Dental", "kind": "dental", "carrier": "Tooth Co", "currency": "USD", "tiers": [
    {"tier": "employee", "employee_cost": "10.00", "employer_cost": "20.00", "period": "paycheck"},
    {"tier": "family", "employee_cost": "30.00", "employer_cost": "40.00", "period": "paycheck"}]}


class Benefits:
    """A tenant kit plus helpers for the benefits API."""

    MEDICAL = MEDICAL

    def __init__(self, kit):
        self.kit = kit

    def url(self, path):
        return self.kit.url("/benefits" + path)

    def plan(self, body=MEDICAL, **changes):
        r = self.kit.hr.post(self.url("/plans"), json={**body, **changes})
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def window(self, plan_ids, starts=-1, ends=10, **changes):
        today = date.today()
        body = {"name": "Open enrolment", "kind": "open", "starts_on": str(today + timedelta(days=starts)),
                "ends_on": str(today + timedelta(days=ends)), "coverage_starts_on": str(today + timedelta(days=20)),
                "plan_ids": plan_ids, **changes}
        r = self.kit.hr.post(self.url("/windows"), json=body)
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def dependent(self, relationship="spouse", born="1991-02-03", client=None, employee_id=None, **changes):
        client = client or self.kit.hr
        r = client.post(self.url(f"/employees/{employee_id or self.kit.employee_id}/dependents"), json={
            "first_name": "Dee", "last_name": "Pendant", "relationship": relationship, "date_of_birth": born,
            **changes})
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def enrol(self, window_id, elections, client=None, employee_id=None):
        client = client or self.kit.employee
        return client.post(self.url("/enrollments"), json={
            "window_id": window_id, "employee_id": employee_id or self.kit.employee_id, "elections": elections})


@pytest.fixture
def ben(make_tenant):
    return Benefits(make_tenant("ben-a", modules=["benefits"]))


@pytest.fixture
def ben_b(make_tenant):
    return Benefits(make_tenant("ben-b", modules=["benefits"]))


@pytest.fixture
def open_window(ben):
    medical, dental = ben.plan(), ben.plan(DENTAL)
    return ben.window([medical["id"], dental["id"]]), medical, dental

