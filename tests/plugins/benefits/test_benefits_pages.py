"""Portal pages: the employee wizard end to end and the HR admin pages."""
import re

from hrbpo.testing import PASSWORD as PASSWORD_LOGIN


def browser(app, email, slug):
    """A test client logged in through the login form (session cookie + CSRF)."""
    from flask import g

    # The `app` fixture keeps one app context pushed, so Flask-Login's cached
    # user in `g` would otherwise carry over from another client's request.
    g.pop("_login_user", None)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    r = client.post("/login", data={"email": email, "password": PASSWORD_LOGIN, "tenant": slug,
                                    "csrf_token": csrf(page)})
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    return client


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_employee_wizard_choose_review_confirm(app, ben, open_window):
    window, medical, dental = open_window
    web = browser(app, "emp@ben-a.test", "ben-a")
    home = web.get("/t/ben-a/benefits/")
    assert home.status_code == 200 and "Choose benefits" in home.get_data(as_text=True)
    page = web.get(f"/t/ben-a/benefits/enrol/{window['id']}").get_data(as_text=True)
    assert "Gold PPO" in page and 'name="viewport"' in page and "style=" not in page
    r = web.post("/t/ben-a/benefits/dependents", data={
        "csrf_token": csrf(page), "first_name": "Sam", "last_name": "Spouse", "relationship": "spouse",
        "date_of_birth": "1990-01-01", "next_window": window["id"]})
    assert r.status_code == 303
    deps = ben.kit.employee.get(ben.url(f"/employees/{ben.kit.employee_id}/dependents")).get_json()["items"]
    form = {"csrf_token": csrf(page), f"plan-{medical['id']}": "employee_spouse", f"deps-{medical['id']}": deps[0]["id"],
            f"plan-{dental['id']}": "waive"}
    review = web.post(f"/t/ben-a/benefits/enrol/{window['id']}/review", data=form)
    text = review.get_data(as_text=True)
    assert review.status_code == 200 and "$250.50" in text and "$3,006.00" in text  # per paycheck and per year
    assert ben.kit.hr.get(ben.url("/enrollments")).get_json()["total"] == 0  # nothing saved yet
    done = web.post(f"/t/ben-a/benefits/enrol/{window['id']}/confirm", data=form)
    assert done.status_code == 303
    statement = web.get(done.headers["Location"])
    assert statement.status_code == 200 and "Benefits confirmation" in statement.get_data(as_text=True)
    assert web.get(done.headers["Location"] + "/statement.pdf").data.startswith(b"%PDF")
    assert ben.kit.hr.get(ben.url("/enrollments")).get_json()["items"][0]["status"] == "submitted"


def test_wizard_shows_tier_errors(app, ben, open_window):
    window, medical, _ = open_window
    web = browser(app, "emp@ben-a.test", "ben-a")
    page = web.get(f"/t/ben-a/benefits/enrol/{window['id']}").get_data(as_text=True)
    r = web.post(f"/t/ben-a/benefits/enrol/{window['id']}/review", data={
        "csrf_token": csrf(page), f"plan-{medical['id']}": "family"}, follow_redirects=True)
    assert "Family coverage needs one spouse or partner" in r.get_data(as_text=True)


def test_hr_pages(app, ben, open_window):
    window, medical, _ = open_window
    ben.enrol(window["id"], [{"plan_id": medical["id"], "tier": "employee", "dependent_ids": []}])
    web = browser(app, "hr@ben-a.test", "ben-a")
    for path in ("/", "/plans", "/windows", "/life-events", f"/windows/{window['id']}"):
        r = web.get("/t/ben-a/benefits" + path)
        assert r.status_code == 200, path
        assert "style=" not in r.get_data(as_text=True)
    progress = web.get(f"/t/ben-a/benefits/windows/{window['id']}").get_data(as_text=True)
    assert 'class="bar ok w-100"' in progress
    assert web.get(f"/t/ben-a/benefits/windows/{window['id']}/costs.csv").mimetype == "text/csv"
    page = web.get("/t/ben-a/benefits/plans").get_data(as_text=True)
    r = web.post("/t/ben-a/benefits/plans", data={
        "csrf_token": csrf(page), "name": "Basic vision", "kind": "vision", "currency": "USD", "period": "month",
        "employee-employee_cost": "5.00", "employee-employer_cost": "2.00"})
    assert r.status_code == 303
    assert any(p["name"] == "Basic vision" for p in ben.kit.hr.get(ben.url("/plans")).get_json()["items"])
    # Employees cannot open the admin pages.
    assert browser(app, "emp@ben-a.test", "ben-a").get("/t/ben-a/benefits/plans").status_code == 403


def test_nav_card_and_tasks(app, ben, open_window):
    web = browser(app, "emp@ben-a.test", "ben-a")
    home = web.get("/t/ben-a/").get_data(as_text=True)
    assert "/t/ben-a/benefits/" in home and "Enrol by" in home
    import uuid

    from hrbpo.core import tenancy
    from hrbpo.core.db import db
    from hrbpo.core.people.models import Employee
    from hrbpo.core.plugins.manager import emit
    from hrbpo.core.tenants.services import get_tenant

    tenant = get_tenant("ben-a")
    with tenancy.tenant_context(tenant):
        employee = db.session.get(Employee, (tenant.id, uuid.UUID(ben.kit.employee_id)))
        tasks = emit(tenant, "employee_tasks", employee=employee)
    assert [t.module for t in tasks] == ["benefits"] and tasks[0].url.endswith(open_window[0]["id"])
