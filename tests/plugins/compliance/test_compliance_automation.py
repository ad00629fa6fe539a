"""Assignment on hire/termination, recurrence in the tenant's time zone,
deadlines, reminders and escalations, BPO master templates."""
from datetime import date, datetime, timedelta, timezone

from compliance_helpers import ONBOARDING, add_employee, assign, in_tenant, make_template, move_due


def test_hire_assigns_onboarding_and_termination_offboarding(acme):
    make_template(acme, {**ONBOARDING, "assign_on": "hire"})
    make_template(acme, {"name": "Offboarding", "assign_on": "termination",
                         "items": [{"title": "Return laptop", "due_days": 0, "owner": "hr_admin"}]})
    make_template(acme, {"name": "Manual only", "items": [{"title": "x", "due_days": 1}]})
    new = add_employee(acme, "new@acme.test", hire_date=str(date.today() + timedelta(days=10)))
    lists = acme.hr.get(acme.url(f"/compliance/checklists?employee_id={new}")).get_json()["items"]
    assert [(c["name"], c["reason"]) for c in lists] == [("Onboarding", "hire")]
    detail = acme.hr.get(acme.url(f"/compliance/checklists/{lists[0]['id']}")).get_json()
    assert detail["items"][0]["due_on"] == str(date.today() + timedelta(days=13))  # counted from the hire date
    r = acme.hr.patch(acme.url(f"/employees/{new}"),
                      json={"termination_date": str(date.today() + timedelta(days=40))})
    assert r.status_code == 200, r.get_json()
    lists = acme.hr.get(acme.url(f"/compliance/checklists?employee_id={new}")).get_json()["items"]
    assert sorted(c["reason"] for c in lists) == ["hire", "termination"]


def test_events_do_nothing_when_module_off(make_tenant):
    kit = make_tenant("quiet", modules=["compliance"])
    make_template(kit, {**ONBOARDING, "assign_on": "hire"})
    kit.operator.delete(f"/api/v1/tenants/{kit.slug}/modules/compliance")
    add_employee(kit, "new@quiet.test")
    kit.operator.put(f"/api/v1/tenants/{kit.slug}/modules/compliance")
    assert kit.hr.get(kit.url("/compliance/checklists")).get_json()["total"] == 0


def _oslo_tenant(make_tenant, operator):
    kit = make_tenant("oslo", modules=["compliance"])
    assert operator.patch(f"/api/v1/tenants/{kit.slug}", json={"timezone": "Europe/Oslo"}).status_code == 200
    return kit


def _run_recurrence(kit, now):
    from hrbpo.core.db import db
    from hrbpo.core.tenants.models import Tenant
    from hrbpo.plugins.compliance.deadlines import run_recurrence

    with in_tenant(kit):
        tenant = db.session.get(Tenant, __import__("uuid").UUID(kit.id))
        summary = run_recurrence(tenant, now)
        db.session.commit()
    return summary


def _occurrences(kit):
    lists = kit.hr.get(kit.url("/compliance/checklists?per_page=200")).get_json()["items"]
    return sorted(c["assigned_on"] for c in lists)


def _first_checklist_on(kit, day):
    from hrbpo.core.db import db
    from hrbpo.plugins.compliance.models import Checklist

    with in_tenant(kit):
        for checklist in db.session.query(Checklist).all():
            checklist.occurrence_on = day
        db.session.commit()


def test_recurrence_follows_the_tenants_wall_clock_across_dst(make_tenant, operator):
    """Daily at 09:00 Oslo time: 07:00 UTC in summer, 08:00 UTC in winter."""
    kit = _oslo_tenant(make_tenant, operator)
    rule = "DTSTART:20260320T090000\nRRULE:FREQ=DAILY"
    t = make_template(kit, {"name": "Daily check", "recurrence": rule, "items": [{"title": "Check", "due_days": 0}]})
    assign(kit, t["id"])
    _first_checklist_on(kit, date(2026, 3, 28))
    # Spring forward (29 March): 07:30 UTC is 09:30 CEST, so the 29th's 09:00 occurrence is due.
    _run_recurrence(kit, datetime(2026, 3, 29, 7, 30, tzinfo=timezone.utc))
    assert _occurrences(kit) == ["2026-03-28", "2026-03-29"]
    _run_recurrence(kit, datetime(2026, 3, 29, 7, 45, tzinfo=timezone.utc))  # idempotent
    assert _occurrences(kit) == ["2026-03-28", "2026-03-29"]
    # Fall back (25 October): 07:30 UTC is 08:30 CET, before 09:00, so the 25th is not due yet.
    _first_checklist_on(kit, date(2026, 10, 24))
    _run_recurrence(kit, datetime(2026, 10, 25, 7, 30, tzinfo=timezone.utc))
    assert _occurrences(kit) == ["2026-10-24", "2026-10-24"]
    _run_recurrence(kit, datetime(2026, 10, 25, 8, 0, tzinfo=timezone.utc))  # 09:00 CET
    assert _occurrences(kit)[-1] == "2026-10-25"


def test_recurrence_catches_up_once_and_skips_terminated(make_tenant, operator):
    kit = _oslo_tenant(make_tenant, operator)
    leaver = add_employee(kit, "leaver@oslo.test")
    t = make_template(kit, {"name": "Training", "recurrence": "DTSTART:20250101T000000\nRRULE:FREQ=MONTHLY",
                            "items": [{"title": "Course", "due_days": 30}]})
    assign(kit, t["id"], [kit.employee_id, leaver])
    _first_checklist_on(kit, date(2025, 1, 1))
    kit.hr.patch(kit.url(f"/employees/{leaver}"), json={"status": "terminated"})
    _run_recurrence(kit, datetime(2025, 6, 15, tzinfo=timezone.utc))
    lists = kit.hr.get(kit.url(f"/compliance/checklists?template_id={t['id']}")).get_json()["items"]
    assert sorted((c["employee_id"] == leaver, c["assigned_on"]) for c in lists) == [
        (False, "2025-01-01"), (False, "2025-06-01"), (True, "2025-01-01")]
    june = next(c for c in lists if c["assigned_on"] == "2025-06-01")
    assert june["reason"] == "recurrence" and june["due_on"] == "2025-07-01"


def _run_deadlines(kit, today=None):
    import uuid

    from hrbpo.core.db import db
    from hrbpo.core.tenants.models import Tenant
    from hrbpo.plugins.compliance.deadlines import run_deadlines

    with in_tenant(kit):
        summary = run_deadlines(db.session.get(Tenant, uuid.UUID(kit.id)), today)
        db.session.commit()
    return summary


def _reminders(kit):
    import sqlalchemy as sa

    from hrbpo.core.db import db
    from hrbpo.plugins.compliance.models import ChecklistReminder

    with in_tenant(kit):
        return sorted((r.kind, r.recipient) for r in db.session.scalars(sa.select(ChecklistReminder)))


def test_reminders_and_escalations_are_sent_once(acme):
    t = make_template(acme, {"name": "Deadlines", "items": [
        {"title": "Soon", "due_days": 2}, {"title": "Late", "due_days": 0}, {"title": "Very late", "due_days": 0},
        {"title": "Far", "due_days": 30}]})
    checklist = assign(acme, t["id"])[0]
    soon, late, very_late, far = (i["id"] for i in checklist["items"])
    move_due(acme, late, 1)
    move_due(acme, very_late, 8)
    summary = _run_deadlines(acme)
    assert summary.startswith("2 newly overdue")
    assert _reminders(acme) == [("escalation_hr", "hr_admins"), ("escalation_hr", "hr_admins"),
                                ("escalation_operator", "operator work queue"), ("reminder", "emp@acme.test")]
    _run_deadlines(acme)
    assert len(_reminders(acme)) == 4
    detail = acme.hr.get(acme.url(f"/compliance/checklists/{checklist['id']}")).get_json()
    assert [i["status"] for i in detail["items"]] == ["open", "overdue", "overdue", "open"]
    events = acme.hr.get(acme.url("/audit?per_page=200")).get_json()["items"]
    assert any(e["action"] == "compliance.escalation_operator" for e in events)


def test_reminders_and_escalations_are_mailed_in_each_readers_language(acme, mailbox):
    t = make_template(acme, {"name": "Deadlines", "items": [
        {"title": "Soon", "due_days": 2}, {"title": "Sooner", "due_days": 1}, {"title": "Late", "due_days": 0}]})
    checklist = assign(acme, t["id"])[0]
    move_due(acme, checklist["items"][2]["id"], 1)
    import sqlalchemy as sa

    from hrbpo.core.auth.models import User
    from hrbpo.core.db import db

    db.session.execute(sa.update(User).where(User.email == f"hr@{acme.slug}.test").values(locale="nb"))
    db.session.commit()
    assert _run_deadlines(acme).startswith("1 newly overdue")
    by_to = {m["To"]: m for m in mailbox}
    employee = next(m for to, m in by_to.items() if f"emp@{acme.slug}.test" in to)
    hr = by_to[f"hr@{acme.slug}.test"]
    assert "Soon" in employee.get_content() and "Sooner" in employee.get_content()
    assert "Late" not in employee.get_content() and len(mailbox) == 2  # one digest each
    assert hr["Content-Language"] == "nb" and "Late" in hr.get_content() and "Soon" not in hr.get_content()
    assert "/t/acme/compliance/" in hr.get_content()
    _run_deadlines(acme)
    assert len(mailbox) == 2  # sent once


def test_work_queue_and_employee_tasks(acme, app):
    import uuid

    from hrbpo.core.db import db
    from hrbpo.core.people.models import Employee
    from hrbpo.core.plugins.manager import plugins
    from hrbpo.core.tenants.models import Tenant

    t = make_template(acme, {"name": "Q", "items": [{"title": "Ancient", "due_days": 0},
                                                     {"title": "Recent", "due_days": 0},
                                                     {"title": "HR's", "due_days": 5, "owner": "hr_admin"}]})
    checklist = assign(acme, t["id"])[0]
    move_due(acme, checklist["items"][0]["id"], 8)
    with app.test_request_context(), in_tenant(acme):
        tenant = db.session.get(Tenant, uuid.UUID(acme.id))
        queue = plugins().tenant_hook(tenant, "work_queue")()
        employee = db.session.get(Employee, (tenant.id, uuid.UUID(acme.employee_id)))
        tasks = plugins().tenant_hook(tenant, "employee_tasks")(employee=employee)
    assert [w.title.split(" — ")[0] for w in queue] == ["Ancient"] and queue[0].tenant_slug == "acme"
    assert [task.title for task in tasks] == ["Ancient", "Recent"]


def test_master_templates_are_pushed_as_adaptable_copies(acme, other, make_tenant, operator):
    make_tenant("nocompliance")
    r = operator.post("/api/v1/compliance/master-templates", json={**ONBOARDING, "name": "BPO onboarding"})
    assert r.status_code == 201, r.get_json()
    master = r.get_json()
    assert acme.hr.post("/api/v1/compliance/master-templates", json=ONBOARDING).status_code == 403
    assert [m["name"] for m in operator.get("/api/v1/compliance/master-templates").get_json()] == ["BPO onboarding"]
    url = f"/api/v1/compliance/master-templates/{master['id']}/push"
    assert operator.post(url, json={"tenants": ["acme", "nocompliance"]}).status_code == 422
    r = operator.post(url, json={"tenants": ["acme", "other"]})
    assert r.status_code == 201 and sorted(r.get_json()["created"]) == ["acme", "other"]
    assert operator.post(url, json={"tenants": ["acme"]}).get_json()["skipped"] == ["acme"]
    copy_id = r.get_json()["created"]["acme"]
    acme.hr.patch(acme.url(f"/compliance/templates/{copy_id}"), json={"name": "Acme onboarding"})
    theirs = other.hr.get(other.url("/compliance/templates")).get_json()["items"]
    assert [t["name"] for t in theirs] == ["BPO onboarding"] and theirs[0]["master_id"] == master["id"]


def test_demo_data_seeds_templates_and_checklists(acme):
    import uuid

    from hrbpo.core.db import db
    from hrbpo.core.plugins.manager import emit
    from hrbpo.core.tenants.models import Tenant

    with in_tenant(acme):
        emit(db.session.get(Tenant, uuid.UUID(acme.id)), "demo_data")
        db.session.commit()
    names = [t["name"] for t in acme.hr.get(acme.url("/compliance/templates")).get_json()["items"]]
    assert names == ["Harassment training", "Onboarding"]
    assert acme.employee.get(acme.url("/compliance/checklists")).get_json()["total"] == 2
