"""Money, eligibility, concurrency, isolation, life events, new hires, reports."""
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, format_date, gettext

from hrbpo.plugins.benefits.money import cents, cost


@pytest.mark.parametrize("amount,period,periods,paycheck,year", [
    ("100.00", "month", 12, "100.00", "1200.00"),
    ("100.00", "month", 26, "46.15", "1200.00"),
    ("100.00", "month", 52, "23.08", "1200.00"),
    ("100.00", "month", 24, "50.00", "1200.00"),
    ("10.01", "paycheck", 26, "10.01", "260.26"),
    ("0.005", "paycheck", 12, "0.01", "0.06"),
])
def test_cost_arithmetic_is_decimal_and_rounds_to_cents(amount, period, periods, paycheck, year):
    result = cost(Decimal(amount), period, periods)
    assert result.per_paycheck == Decimal(paycheck) and result.per_year == Decimal(year)
    assert isinstance(result.per_paycheck, Decimal)
    assert cents("2.675") == Decimal("2.68")  # half up, not banker's or float rounding


def test_pay_frequency_setting_changes_per_paycheck_costs(ben, open_window):
    window, medical, _ = open_window
    r = ben.kit.hr.patch(ben.url("/settings"), json={"pay_frequency": "biweekly"})
    assert r.status_code == 200 and r.get_json()["pay_frequency"] == "biweekly"
    body = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}]).get_json()
    assert body["employee_cost_total"] == "46.15" and body["employee_cost_per_year"] == "1200.00"
    assert body["pay_periods"] == 26
    assert ben.kit.employee.patch(ben.url("/settings"), json={"pay_frequency": "weekly"}).status_code == 403
    assert ben.kit.hr.patch(ben.url("/settings"), json={"pay_frequency": "daily"}).status_code == 422


def test_money_is_validated(ben):
    bad = {**ben.MEDICAL, "tiers": [{"tier": "employee", "employee_cost": "-1", "employer_cost": "1", "period": "month"}]}
    assert ben.kit.hr.post(ben.url("/plans"), json=bad).status_code == 422
    bad["tiers"][0]["employee_cost"] = "NaN"
    assert ben.kit.hr.post(ben.url("/plans"), json=bad).status_code == 422
    bad["tiers"][0]["employee_cost"] = "1e30"
    assert ben.kit.hr.post(ben.url("/plans"), json=bad).status_code == 422
    dup = {**ben.MEDICAL, "tiers": ben.MEDICAL["tiers"][:1] * 2}
    assert ben.kit.hr.post(ben.url("/plans"), json=dup).status_code == 422


def test_age_banded_life_rates(ben):
    life = ben.plan({"name": "Term life", "kind": "life", "currency": "USD", "tiers": [
        {"tier": "employee", "employee_cost": "0", "employer_cost": "0", "period": "month", "age_bands": [
            {"min_age": 18, "max_age": 29, "employee_cost": "5.00", "employer_cost": "1.00"},
            {"min_age": 30, "max_age": 70, "employee_cost": "12.50", "employer_cost": "2.00"}]}]})
    window = ben.window([life["id"]])
    body = ben.enrol(window["id"], [{"plan_id": life["id"], "tier": "employee", "dependent_ids": []}]).get_json()
    assert body["employee_cost_total"] == "12.50"  # the kit's employee was born in 1990


def test_ineligible_plans_are_refused(ben):
    plan = ben.plan(employment_types=["part_time"])
    hours = ben.plan(name="Hours", min_hours=50)
    waiting = ben.plan(name="Waiting", waiting_days=90)
    window = ben.window([plan["id"], hours["id"], waiting["id"]])
    recent = ben.kit.hr.post(ben.kit.url("/employees"), json={
        "first_name": "Rec", "last_name": "Ent", "email": "rec@ben-a.test", "hire_date": str(date.today())})
    for p in (plan, hours, waiting):
        r = ben.enrol(window["id"], [{"plan_id": p["id"], "tier": "employee", "dependent_ids": []}],
                      client=ben.kit.hr, employee_id=recent.get_json()["id"])
        assert r.status_code == 422, p["name"]
        assert r.get_json()["errors"]["elections.0.plan_id"]


@pytest.mark.postgresql_only
def test_concurrent_submissions_leave_one_submitted(ben, open_window, app):
    if app.config["HRBPO_BACKEND"] != "postgresql":
        pytest.skip("SQLite serialises writers")
    window, medical, dental = open_window
    token = ben.kit.employee.token
    barrier, statuses = threading.Barrier(4), []

    def submit(plan):
        client = app.test_client()
        barrier.wait()
        r = client.post(ben.url("/enrollments"), headers={"Authorization": f"Bearer {token}"}, json={
            "window_id": window["id"], "employee_id": ben.kit.employee_id,
            "elections": [{"plan_id": plan["id"], "tier": "employee", "dependent_ids": []}]})
        statuses.append(r.status_code)

    threads = [threading.Thread(target=submit, args=(p,)) for p in (medical, dental, medical, dental)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(statuses) <= {201, 409} and 201 in statuses
    listed = ben.kit.hr.get(ben.url(f"/enrollments?window_id={window['id']}&status=submitted")).get_json()
    assert listed["total"] == 1


def test_other_tenants_ids_are_404_and_lists_exclude_them(ben, ben_b, open_window):
    window, medical, _ = open_window
    dep = ben.dependent("spouse")
    enrolment = ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee_spouse",
                                          "dependent_ids": [dep["id"]]}]).get_json()
    hr_b = ben_b.kit.hr
    for path in (f"/plans/{medical['id']}", f"/windows/{window['id']}", f"/enrollments/{enrolment['id']}",
                 f"/employees/{ben.kit.employee_id}/dependents", f"/employees/{ben.kit.employee_id}/coverage",
                 f"/exports/834?window_id={window['id']}", f"/windows/{window['id']}/progress",
                 f"/enrollments/{enrolment['id']}/statement.pdf", f"/windows/{window['id']}/costs.csv"):
        assert hr_b.get(ben_b.url(path)).status_code == 404, path
    r = hr_b.post(ben_b.url("/enrollments"), json={"window_id": window["id"], "employee_id": ben.kit.employee_id,
                                                   "elections": [{"plan_id": medical["id"], "tier": "employee"}]})
    assert r.status_code == 404
    for path in ("/plans", "/windows", "/enrollments", "/life-events"):
        assert hr_b.get(ben_b.url(path)).get_json()["total"] == 0, path
    # Another tenant's URL with this tenant's token: 404 too.
    assert ben.kit.hr.get(ben_b.url("/plans")).status_code == 404


def test_module_off_is_404(make_tenant):
    kit = make_tenant("no-benefits")
    for path in ("/benefits/plans", "/benefits/windows", "/benefits/enrollments"):
        assert kit.hr.get(kit.url(path)).status_code == 404
    assert kit.hr.post(kit.url("/benefits/plans"), json={"name": "P"}).status_code == 404
    assert kit.hr.client.get("/t/no-benefits/benefits/").status_code in (302, 404)


def test_new_hire_window_opens_automatically(ben):
    plan = ben.plan()
    ben.kit.hr.patch(ben.url("/settings"), json={"new_hire_window_days": 45})
    hire = ben.kit.hr.post(ben.kit.url("/employees"), json={
        "first_name": "New", "last_name": "Hire", "email": "new@ben-a.test", "hire_date": str(date.today())})
    assert hire.status_code == 201
    windows = ben.kit.hr.get(ben.url("/windows?kind=new_hire")).get_json()["items"]
    assert len(windows) == 1 and windows[0]["employee_id"] == hire.get_json()["id"]
    assert windows[0]["plan_ids"] == [plan["id"]]
    assert date.fromisoformat(windows[0]["ends_on"]) - date.fromisoformat(windows[0]["starts_on"]) == timedelta(45)
    # Someone else's personal window is invisible to the employee and closed to them.
    assert ben.kit.employee.get(ben.url(f"/windows/{windows[0]['id']}")).status_code == 404
    assert ben.kit.employee.get(ben.url("/windows")).get_json()["total"] == 0


def test_plans_with_a_waiting_period_get_their_own_new_hire_window(ben, mailbox):
    from hrbpo.plugins.benefits.catalogue import first_of_next_month

    now, later = ben.plan(), ben.plan(name="Long-term disability", kind="disability", waiting_days=90)
    today = date.today()
    hire = ben.kit.hr.post(ben.kit.url("/employees"), json={
        "first_name": "New", "last_name": "Hire", "email": "new@ben-a.test", "hire_date": str(today)}).get_json()
    windows = sorted(ben.kit.hr.get(ben.url("/windows?kind=new_hire")).get_json()["items"],
                     key=lambda w: w["coverage_starts_on"])
    assert [(w["plan_ids"], w["coverage_starts_on"]) for w in windows] == [
        ([now["id"]], str(first_of_next_month(today))),
        ([later["id"]], str(first_of_next_month(today + timedelta(days=90))))]
    assert all(w["employee_id"] == hire["id"] and w["status"] == "open" for w in windows)
    assert sorted(m["To"] for m in mailbox) == ["New Hire <new@ben-a.test>"] * 2


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_life_event_approval_opens_a_window(ben):
    import io

    ben.plan()
    r = ben.kit.employee.post(ben.url("/life-events"), data={
        "kind": "birth", "event_date": str(date.today()), "evidence": (io.BytesIO(PDF), "birth.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    event = r.get_json()
    assert event["status"] == "pending" and event["evidence_file_id"]
    assert ben.kit.employee.post(ben.url(f"/life-events/{event['id']}/approve"), json={}).status_code == 403
    r = ben.kit.hr.post(ben.url(f"/life-events/{event['id']}/approve"), json={"note": "ok"})
    assert r.status_code == 200 and r.get_json()["status"] == "approved"
    window = ben.kit.employee.get(ben.url(f"/windows/{r.get_json()['window_id']}")).get_json()
    assert window["kind"] == "life_event"
    assert date.fromisoformat(window["ends_on"]) - date.fromisoformat(window["starts_on"]) == timedelta(60)
    assert ben.kit.hr.post(ben.url(f"/life-events/{event['id']}/approve"), json={}).status_code == 409
    r = ben.kit.employee.post(ben.url("/life-events"), data={
        "kind": "marriage", "event_date": str(date.today()), "evidence": (io.BytesIO(b"MZ..."), "x.exe")},
        content_type="multipart/form-data")
    assert r.status_code == 415


def test_progress_costs_and_statement(ben, open_window):
    window, medical, dental = open_window
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    ben.kit.hr.post(ben.kit.url("/employees"), json={
        "first_name": "=cmd", "last_name": "Waiver", "email": "w@ben-a.test", "hire_date": "2020-01-01"})
    progress = ben.kit.hr.get(ben.url(f"/windows/{window['id']}/progress")).get_json()
    assert progress == {"window_id": window["id"], "eligible": 2, "enrolled": 1, "waived": 0, "not_started": 1}
    waiver = ben.kit.hr.get(ben.kit.url("/employees?q=waiver")).get_json()["items"][0]
    ben.enrol(window["id"], [{"plan_id": dental["id"], "waive": True}], client=ben.kit.hr, employee_id=waiver["id"])
    import csv
    import io

    csv_text = ben.kit.hr.get(ben.url(f"/windows/{window['id']}/costs.csv")).get_data(as_text=True)
    rows = {r["employee"]: r for r in csv.DictReader(io.StringIO(csv_text))}
    mine = rows["Erin Ben-A"]
    assert (mine["plan"], mine["employee_cost_per_paycheck"], mine["employee_cost_per_year"]) == (
        "Gold PPO", "100.00", "1200.00")
    assert mine["coverage_starts_on"] == window["coverage_starts_on"] and mine["submitted_on_behalf"] == "no"
    assert rows["'=cmd Waiver"]["waived"] == "yes" and rows["'=cmd Waiver"]["submitted_on_behalf"] == "yes"
    enrolment = ben.kit.employee.get(ben.url("/enrollments")).get_json()["items"][0]
    pdf = ben.kit.employee.get(ben.url(f"/enrollments/{enrolment['id']}/statement.pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_reminders_are_mailed_once_in_the_employees_language(ben, app, mailbox):
    import sqlalchemy as sa

    from hrbpo.core.auth.models import User
    from hrbpo.core.db import db
    from hrbpo.core.jobs import run_periodic

    db.session.execute(sa.update(User).where(User.email == "emp@ben-a.test").values(locale="nb"))
    db.session.commit()
    plan = ben.plan(min_hours=30)
    window = ben.window([plan["id"]], starts=-1, ends=3, name="OE 2027")
    ben.kit.hr.post(ben.kit.url("/employees"), json={  # not eligible for the only plan: no reminder
        "first_name": "Part", "last_name": "Timer", "email": "pt@ben-a.test", "hire_date": "2020-01-01",
        "hours_per_week": 10})
    mailbox.clear()
    report = run_periodic("benefits.reminders")
    assert any("ben-a benefits.reminders: 1 reminder(s)" in line for line in report)
    [message] = mailbox
    ends = date.fromisoformat(window["ends_on"])
    with force_locale("nb"):
        assert message["Subject"] == gettext("Reminder: choose your benefits by %(day)s",
                                             day=format_date(ends, "long"))
    assert message["Content-Language"] == "nb" and message["To"].endswith("<emp@ben-a.test>")
    body = message.get_content()
    assert "OE 2027" in body and f"/t/ben-a/benefits/enrol/{window['id']}" in body
    assert "6789" not in message.as_string()  # never a national id
    assert any("0 reminder(s)" in line for line in run_periodic("benefits.reminders") if "ben-a" in line)
    assert len(mailbox) == 1
    actions = [a["action"] for a in ben.kit.hr.get(ben.kit.url("/audit")).get_json()["items"]]
    assert "benefits.reminder" in actions


@pytest.mark.parametrize("kind, days, late", [("marriage", 30, 31), ("divorce", 30, 45), ("birth", 60, 61),
                                               ("adoption", 60, 90)])
def test_life_events_must_be_reported_in_time(ben, kind, days, late):
    def report(ago):
        return ben.kit.employee.post(ben.url("/life-events"), data={
            "kind": kind, "event_date": str(date.today() - timedelta(days=ago))}, content_type="multipart/form-data")

    assert report(days).status_code == 201
    r = report(late)
    assert r.status_code == 422
    message = r.get_json()["errors"]["event_date"][0]
    assert f"within {days} days" in message and f"{late} days ago" in message


def test_pending_life_events_reach_the_operator_work_queue(ben, ben_b):
    from hrbpo.core.ops.queue import work_items

    r = ben.kit.employee.post(ben.url("/life-events"), data={"kind": "divorce", "event_date": str(date.today())},
                              content_type="multipart/form-data")
    assert r.status_code == 201
    items = [i for i in work_items() if i.kind == "benefits.life_event"]
    assert [i.tenant_slug for i in items] == ["ben-a"] and items[0].extra["event_id"] == r.get_json()["id"]
    assert ben_b.kit.hr.get(ben_b.url("/life-events")).get_json()["total"] == 0
    assert ben.kit.employee.get(ben.url(f"/life-events/{r.get_json()['id']}/evidence")).status_code == 404


def test_demo_data_fills_a_tenant(ben, app):
    import uuid

    from hrbpo.core import tenancy
    from hrbpo.core.db import db
    from hrbpo.core.plugins.manager import emit
    from hrbpo.core.tenants.services import get_tenant

    tenant = get_tenant("ben-a")
    with tenancy.tenant_context(uuid.UUID(ben.kit.id)):
        emit(tenant, "demo_data")
        db.session.commit()
    assert ben.kit.hr.get(ben.url("/plans")).get_json()["total"] == 4
    assert ben.kit.hr.get(ben.url("/plans?status=archived")).get_json()["total"] == 1
    assert ben.kit.hr.get(ben.url("/enrollments")).get_json()["total"] >= 1


def test_other_lists_have_constant_statement_counts(ben, count_queries):
    counts = []
    for n in range(2):
        plan = ben.plan(name=f"Plan {n}")
        ben.window([plan["id"]], name=f"W{n}", starts=12 * n - 1, ends=12 * n + 10,  # open windows never overlap
                   coverage_starts_on=str(date.today() + timedelta(days=40)))
        ben.kit.employee.post(ben.url("/life-events"), data={"kind": "marriage", "event_date": str(date.today())},
                              content_type="multipart/form-data")
        with count_queries() as q:
            for path in ("/plans", "/windows", "/life-events"):
                assert ben.kit.hr.get(ben.url(path)).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


def test_approving_without_plans_is_409_and_changes_nothing(ben):
    r = ben.kit.employee.post(ben.url("/life-events"), data={"kind": "marriage", "event_date": str(date.today())},
                              content_type="multipart/form-data")
    event_id = r.get_json()["id"]
    assert ben.kit.hr.post(ben.url(f"/life-events/{event_id}/approve"), json={}).status_code == 409
    assert ben.kit.hr.get(ben.url("/life-events")).get_json()["items"][0]["status"] == "pending"
    r = ben.kit.hr.post(ben.url(f"/life-events/{event_id}/reject"), json={"note": "No plans yet"})
    assert r.status_code == 200 and r.get_json()["status"] == "rejected" and r.get_json()["window_id"] is None


def test_eligibility_in_sql_matches_the_rule_in_python(ben):
    import itertools
    import uuid

    import sqlalchemy as sa

    from hrbpo.core import tenancy
    from hrbpo.core.db import db
    from hrbpo.core.people.models import Employee
    from hrbpo.plugins.benefits import services
    from hrbpo.plugins.benefits.models import Plan

    for i, (kind, hours, hired) in enumerate(itertools.product(("full_time", "part_time"), (None, 10, 30),
                                                                ("2026-01-01", "2026-03-01"))):
        body = {"first_name": "E", "last_name": str(i), "email": f"e{i}@ben-a.test", "hire_date": hired,
                "employment_type": kind}
        if hours is not None:
            body["hours_per_week"] = hours
        assert ben.kit.hr.post(ben.kit.url("/employees"), json=body).status_code == 201
    for rules in ({}, {"min_hours": 20}, {"employment_types": ["part_time"]}, {"waiting_days": 60},
                  {"min_hours": 30, "employment_types": ["full_time", "intern"], "waiting_days": 30}):
        ben.plan(name=str(rules), **rules)
    starts = date(2026, 4, 1)
    with tenancy.tenant_context(uuid.UUID(ben.kit.id)):
        employees = db.session.scalars(sa.select(Employee)).all()
        for plan in db.session.scalars(sa.select(Plan)):
            in_sql = set(db.session.scalars(sa.select(Employee.id).where(services.eligible_clause(plan, starts))))
            in_python = {e.id for e in employees if services.ineligibility(plan, e, starts) is None}
            assert in_sql == in_python, plan.name
