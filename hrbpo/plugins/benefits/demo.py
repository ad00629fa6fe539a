"""Demo records: a plan catalogue (with last year's plan archived), an open
enrolment window with half the staff enrolled (some with dependants), and a
life event waiting for HR."""
import random
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from hrbpo.plugin_api import Access, Employee, db
from hrbpo.plugins.benefits import catalogue, life_events, services


def _tiers(*prices):
    names = ("employee", "employee_spouse", "employee_children", "family")
    return [{"tier": t, "employee_cost": Decimal(ee), "employer_cost": Decimal(er), "period": "month"}
            for t, (ee, er) in zip(names, prices)]


def load(tenant):
    rng = random.Random(834)
    plans = [
        catalogue.create_plan({"name": "Gold PPO", "kind": "medical", "carrier": "Acme Health",
                              "carrier_id": "123456789", "group_number": "ACME-100",
                              "tiers": _tiers(("120.00", "480.00"), ("310.00", "720.00"), ("260.00", "640.00"),
                                              ("420.00", "910.00"))}),
        catalogue.create_plan({"name": "Bright Dental", "kind": "dental", "carrier": "Smile Mutual",
                              "tiers": _tiers(("12.00", "18.00"), ("25.00", "30.00"), ("22.00", "28.00"),
                                              ("36.00", "40.00"))}),
        catalogue.create_plan({"name": "Clear Vision", "kind": "vision", "carrier": "Smile Mutual",
                              "tiers": _tiers(("4.50", "3.00"), ("9.00", "6.00"))}),
        catalogue.create_plan({"name": "Term life 2x salary", "kind": "life", "carrier": "Evergreen Life",
                              "tiers": [{"tier": "employee", "employee_cost": Decimal("0"),
                                         "employer_cost": Decimal("0"), "period": "month", "age_bands": [
                                             {"min_age": 16, "max_age": 39, "employee_cost": Decimal("6.00"),
                                              "employer_cost": Decimal("2.00")},
                                             {"min_age": 40, "max_age": 80, "employee_cost": Decimal("14.00"),
                                              "employer_cost": Decimal("4.00")}]}]}),
    ]
    today = services.tenant_today()
    retired = catalogue.create_plan({"name": "Silver HMO", "kind": "medical", "carrier": "Acme Health",
                                    "plan_year_starts_on": today.replace(year=today.year - 1, month=1, day=1),
                                    "plan_year_ends_on": today.replace(year=today.year - 1, month=12, day=31),
                                    "tiers": _tiers(("80.00", "400.00"))})
    catalogue.set_archived(retired, True)
    window = catalogue.create_window({"name": f"Open enrolment {today.year + 1}", "kind": "open",
                                     "starts_on": today - timedelta(days=3), "ends_on": today + timedelta(days=14),
                                     "coverage_starts_on": today.replace(month=1, day=1, year=today.year + 1),
                                     "plan_ids": [p.id for p in plans]})
    staff = db.session.scalars(sa.select(Employee).order_by(Employee.last_name, Employee.id)).all()
    hr = Access(user=None, role="operator")
    for i, employee in enumerate(staff[: max(1, len(staff) // 2)]):
        elections = [{"plan_id": plans[1].id, "waive": True, "waive_reason": "Covered by spouse"}]
        if i % 3 == 0:
            spouse = services.add_dependent(employee, {"first_name": rng.choice(["Alex", "Sam", "Noor"]),
                                                       "last_name": employee.last_name, "relationship": "spouse",
                                                       "date_of_birth": employee.date_of_birth})
            elections = [{"plan_id": plans[0].id, "tier": "employee_spouse", "dependent_ids": [spouse.id]},
                         {"plan_id": plans[1].id, "tier": "employee_spouse", "dependent_ids": [spouse.id]}]
        elif i % 3 == 1:
            elections.append({"plan_id": plans[0].id, "tier": "employee", "dependent_ids": []})
        services.submit_enrollment(window.id, employee.id, elections, hr)
    if staff:
        life_events.report_life_event(staff[-1], {"kind": "marriage", "event_date": today - timedelta(days=5),
                                               "note": "Married last weekend"})
    db.session.flush()
