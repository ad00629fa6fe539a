"""Assigning a checklist: to everyone, by filter, or to people found by name;
large audiences by the worker; the page stays small at 5,000 employees."""
import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from compliance_helpers import add_employee, csrf, in_tenant, make_template, web


def _many(kit, n, department="Sales", location=None, start_at=0):
    from hrbpo.core.db import db
    from hrbpo.core.people.models import Employee

    start = date(2015, 1, 1)
    with in_tenant(kit):
        db.session.execute(sa.insert(Employee), [
            {"tenant_id": uuid.UUID(kit.id), "id": uuid.uuid4(), "first_name": f"Person{i}", "last_name": "Many",
             "email": f"p{i}@many.test", "hire_date": start + timedelta(days=i % 3000), "department": department,
             "location": location, "employment_type": "full_time", "hours_per_week": 40, "status": "active"}
            for i in range(start_at, start_at + n)])
        db.session.commit()


def _count(kit, template_id):
    return kit.hr.get(kit.url(f"/compliance/checklists?template_id={template_id}")).get_json()["total"]


def test_the_assign_page_stays_small_at_5000_employees_and_finds_people_by_name(app, acme):
    _many(acme, 5000)
    t = make_template(acme)
    browser = web(app, "hr@acme.test", "acme")
    r = browser.get(f"/t/acme/compliance/templates/{t['id']}")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and len(r.data) < 200_000, len(r.data)
    assert 'name="employee_ids"' not in page and "Everyone active (5,001 people)" in page
    assert '<option>Sales</option>' in page
    found = browser.get(f"/t/acme/compliance/templates/{t['id']}?q=person12 many").get_data(as_text=True)
    assert found.count('name="employee_ids"') == 25 and "Only the first 25 matches" in found  # Person12, 120…


def test_assign_to_everyone_by_filter_or_picked(app, acme):
    add_employee(acme, "eng@acme.test", department="Engineering", hire_date="2020-03-01")
    add_employee(acme, "eng2@acme.test", department="Engineering", hire_date="2024-03-01")
    browser = web(app, "hr@acme.test", "acme")
    everyone, engineers, picked = (make_template(acme, {"name": n, "items": [{"title": "Read", "due_days": 1}]})
                                   for n in ("All", "Eng", "Picked"))
    page = browser.get(f"/t/acme/compliance/templates/{everyone['id']}").get_data(as_text=True)
    token = csrf(page)
    assert browser.post(f"/t/acme/compliance/templates/{everyone['id']}/assign",
                        data={"csrf_token": token, "audience": "all"}).status_code == 303
    assert _count(acme, everyone["id"]) == 3
    r = browser.post(f"/t/acme/compliance/templates/{engineers['id']}/assign", data={
        "csrf_token": token, "audience": "filter", "department": "Engineering", "hired_from": "2023-01-01"})
    assert r.status_code == 303 and _count(acme, engineers["id"]) == 1
    r = browser.post(f"/t/acme/compliance/templates/{picked['id']}/assign",
                     data={"csrf_token": token, "audience": "filter", "department": "Nobody"})
    assert r.status_code == 303 and "Nobody active matches" in browser.get(r.headers["Location"]).get_data(as_text=True)
    r = browser.post(f"/t/acme/compliance/templates/{picked['id']}/assign",
                     data={"csrf_token": token, "audience": "pick", "employee_ids": [acme.employee_id]})
    assert r.status_code == 303 and _count(acme, picked["id"]) == 1


def test_api_audiences_and_a_large_one_goes_to_the_worker(app, acme, worker):
    add_employee(acme, "eng@acme.test", department="Engineering")
    t = make_template(acme)
    url = acme.url("/compliance/assignments")
    for body in ({}, {"all": True, "department": "Engineering"}, {"all": False}):
        r = acme.hr.post(url, json={"template_id": t["id"], **body})
        assert r.status_code == 422 and "audience" in r.get_json()["errors"], body
    r = acme.hr.post(url, json={"template_id": t["id"], "department": "Engineering"})
    assert r.status_code == 201 and [c["employee_name"] for c in r.get_json()["items"]] == ["Ola Nordmann"]
    limit, app.config["HRBPO_COMPLIANCE_INLINE_ASSIGN"] = app.config["HRBPO_COMPLIANCE_INLINE_ASSIGN"], 1
    try:
        r = acme.hr.post(url, json={"template_id": t["id"], "all": True})
    finally:
        app.config["HRBPO_COMPLIANCE_INLINE_ASSIGN"] = limit
    assert r.status_code == 202 and r.get_json()["job"]["kind"] == "compliance.assign"
    assert _count(acme, t["id"]) == 1  # not yet: the worker does it
    worker.run()
    job = acme.hr.get(f"/api/v1/jobs/{r.get_json()['job']['id']}").get_json()
    assert job["status"] == "succeeded" and job["result"]["assigned"] == 2, job
    assert _count(acme, t["id"]) == 3
    r = acme.hr.post(url, json={"template_id": t["id"], "employee_ids": [acme.employee_id]},
                     headers={"Prefer": "respond-async"})
    assert r.status_code == 202


def test_by_location_in_the_api_and_on_the_page_within_the_tenant(app, acme, other):
    oslo = add_employee(acme, "oslo@acme.test", location="Oslo", department="Sales")
    add_employee(acme, "bergen@acme.test", location="Bergen", department="Sales")
    add_employee(other, "oslo@other.test", location="Oslo")
    t = make_template(acme)
    url = acme.url("/compliance/assignments")
    r = acme.hr.post(url, json={"template_id": t["id"], "location": "Oslo", "department": "Sales"})
    assert r.status_code == 201 and [c["employee_id"] for c in r.get_json()["items"]] == [oslo]
    assert _count(other, make_template(other)["id"]) == 0  # the other tenant's Oslo person got nothing
    for bad in ("x" * 101, "\ud800", "a\x00b"):
        r = acme.hr.post(url, json={"template_id": t["id"], "location": bad})
        assert r.status_code == 422 and "location" in r.get_json()["errors"], r.get_json()
    r = acme.hr.post(url, json={"template_id": t["id"], "location": "Nowhere"})
    assert r.status_code == 422 and "audience" in r.get_json()["errors"]
    r = other.hr.post(other.url("/compliance/assignments"), json={"template_id": t["id"], "location": "Oslo"})
    assert r.status_code == 422 and "template_id" in r.get_json()["errors"]  # another tenant's template

    browser = web(app, "hr@acme.test", "acme")
    page_t = make_template(acme, {"name": "Fire drill", "items": [{"title": "Walk", "due_days": 1}]})
    page = browser.get(f"/t/acme/compliance/templates/{page_t['id']}").get_data(as_text=True)
    assert '<select id="aud-location" name="location">' in page and "<option>Bergen</option>" in page
    r = browser.post(f"/t/acme/compliance/templates/{page_t['id']}/assign",
                     data={"csrf_token": csrf(page), "audience": "filter", "location": "Bergen"})
    assert r.status_code == 303 and _count(acme, page_t["id"]) == 1


def test_by_location_at_5000_in_constant_statements_and_through_the_worker(app, acme, worker, count_queries):
    _many(acme, 20, location="Oslo")
    t = make_template(acme)
    browser = web(app, "hr@acme.test", "acme")
    url = f"/t/acme/compliance/templates/{t['id']}"
    browser.get(url)
    with count_queries() as few:
        assert browser.get(url).status_code == 200
    _many(acme, 5000, location="Stavanger", start_at=100)
    with count_queries() as many:
        r = browser.get(url)
    assert len(r.data) < 200_000 and "<option>Stavanger</option>" in r.get_data(as_text=True)
    assert many.count == few.count
    r = acme.hr.post(acme.url("/compliance/assignments"), json={"template_id": t["id"], "location": "Stavanger"})
    assert r.status_code == 202 and r.get_json()["job"]["kind"] == "compliance.assign"
    with count_queries() as run:
        worker.run()
    assert _count(acme, t["id"]) == 5000
    # the checklists and their items are written in batches (the audit chain still appends one event at a time)
    inserts = [s for s in run.statements if s.startswith("INSERT INTO compliance_")]
    assert len(inserts) < 100, len(inserts)
