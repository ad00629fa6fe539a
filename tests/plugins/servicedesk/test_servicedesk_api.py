"""The servicedesk API: calendar, categories, cases with service levels kept
exactly in business hours, the thread (internal notes hidden from employees),
assignment, status, satisfaction, files, articles, the operator queue, the
report, mail to the requester, and the tenant boundary."""
import io
import json
import re

import pytest
import sqlalchemy as sa
from flask import g

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.webhooks.models import WebhookEvent
from hrbpo.testing import PASSWORD

MONDAY = "2026-11-30T09:00:00Z"  # a Monday; the default calendar is mon–fri 09:00–17:00 in the tenant's zone (UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def desk(make_tenant):
    return make_tenant("desk-a", modules=["servicedesk"])


@pytest.fixture
def other(make_tenant):
    return make_tenant("desk-b", modules=["servicedesk"])


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def browser(app, email, slug):
    """A test client signed in through the login form (session cookie + CSRF)."""
    g.pop("_login_user", None)  # the app fixture's context would carry another client's user
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    r = client.post("/login", data={"email": email, "password": PASSWORD, "tenant": slug, "csrf_token": csrf(page)})
    assert r.status_code == 303
    return client


def url(kit, path):
    return kit.url("/servicedesk" + path)


def category(kit, name="Payslip", first=2, resolution=8, **extra):
    r = kit.hr.post(url(kit, "/categories"), json={"name": name, "first_response_hours": first,
                                                    "resolution_hours": resolution, **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def open_case(kit, client=None, **body):
    body = {"subject": "Payslip missing overtime", "description": "My November payslip has no overtime.", **body}
    r = (client or kit.employee).post(url(kit, "/cases"), json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_calendar_default_replace_and_refusals(desk):
    calendar = desk.employee.get(url(desk, "/calendar")).get_json()
    assert calendar["business_hours"]["mon"] == [["09:00", "17:00"]] and calendar["business_hours"]["sat"] == []
    assert calendar["timezone"] == "UTC" and calendar["holidays"] == []
    body = {"business_hours": {"mon": [["08:00", "12:00"], ["13:00", "24:00"]]}, "holidays_country": "NO",
            "holidays": ["2026-12-24"]}
    assert desk.employee.put(url(desk, "/calendar"), json=body).status_code == 403
    r = desk.hr.put(url(desk, "/calendar"), json=body)
    assert r.status_code == 200 and r.get_json()["business_hours"]["tue"] == [], r.get_json()
    for bad in ({"business_hours": {"funday": [["09:00", "10:00"]]}}, {"business_hours": {"mon": [["10:00", "09:00"]]}},
                {"business_hours": {}}, {"business_hours": {"mon": [["09:00", "17:00"]]}, "holidays_country": "XX"}):
        r = desk.hr.put(url(desk, "/calendar"), json=bad)
        assert r.status_code == 422 and r.get_json()["errors"], (bad, r.get_json())
    holidays = desk.hr.get(url(desk, "/calendar/holidays?year=2026")).get_json()["items"]
    assert {"date": "2026-12-24", "source": "tenant"}.items() <= next(h for h in holidays if h["source"] == "tenant").items()
    assert any(h["date"] == "2026-12-25" and h["source"] == "country" for h in holidays)


def test_categories_validate_targets_and_names(desk):
    made = category(desk, targets_by_priority={"urgent": {"first_response_hours": 0.5, "resolution_hours": 1.25}})
    assert (made["first_response_hours"], made["targets_by_priority"]["urgent"]["resolution_hours"]) == (2, 1.25)
    r = desk.hr.post(url(desk, "/categories"), json={"name": "PAYSLIP", "first_response_hours": 1, "resolution_hours": 2})
    assert r.status_code == 409
    for bad in ({"first_response_hours": 0}, {"first_response_hours": 1.234}, {"resolution_hours": 1},
                {"first_response_hours": "2"}, {"first_response_hours": 9000, "resolution_hours": 9000}):
        body = {"name": "Other", "first_response_hours": 2, "resolution_hours": 4, **bad}
        assert desk.hr.post(url(desk, "/categories"), json=body).status_code == 422, bad
    assert desk.employee.post(url(desk, "/categories"), json={"name": "X", "first_response_hours": 1,
                                                              "resolution_hours": 2}).status_code == 403


def test_numbers_due_times_and_the_resolution_clock(desk):
    cat = category(desk)
    imported = open_case(desk, desk.operator, category_id=cat["id"], employee_id=desk.employee_id, opened_at=MONDAY)
    assert imported["number"] == "HR-1" and imported["opened_at"].startswith("2026-11-30T09:00:00")
    assert imported["first_response_due_at"].startswith("2026-11-30T11:00:00")
    assert imported["resolution_due_at"].startswith("2026-11-30T17:00:00")
    case = f"/cases/{imported['id']}"
    r = desk.operator.post(url(desk, case + "/comments"), json={"body": "Looking into it.", "at": "2026-11-30T10:00:00Z"})
    assert r.status_code == 201, r.get_json()
    assert desk.operator.post(url(desk, case + "/status"), json={"status": "pending", "at": "2026-11-30T12:00:00Z"}).status_code == 200
    paused = desk.hr.get(url(desk, case)).get_json()
    assert paused["sla_paused"] is True and paused["first_responded_at"].startswith("2026-11-30T10:00:00")
    reopened = desk.operator.post(url(desk, case + "/status"), json={"status": "open", "at": "2026-12-01T10:00:00+01:00"})
    # Stopped 12:00 Monday to 09:00 Tuesday UTC: 5 business hours, so 17:00 Monday + 5 h = 14:00 Tuesday.
    assert reopened.get_json()["resolution_due_at"].startswith("2026-12-01T14:00:00"), reopened.get_json()
    assert desk.operator.post(url(desk, case + "/status"), json={"status": "open"}).status_code == 409
    resolved = desk.operator.post(url(desk, case + "/status"), json={"status": "resolved", "at": "2026-12-01T13:00:00Z"}).get_json()
    assert resolved["resolution_breached"] is False and resolved["first_response_breached"] is False
    assert resolved["resolved_at"].startswith("2026-12-01T13:00:00")
    kinds = [(e["kind"], e.get("from"), e.get("to")) for e in desk.hr.get(url(desk, case)).get_json()["thread"]]
    assert kinds == [("comment", None, None), ("status", "new", "open"), ("status", "open", "pending"),
                     ("status", "pending", "open"), ("status", "open", "resolved")]
    second = open_case(desk, category_id=cat["id"])
    assert second["number"] == "HR-2" and second["requester"]["employee_id"] == desk.employee_id


def test_internal_notes_never_reach_the_employee(desk, mailbox):
    cat = category(desk)
    case = open_case(desk, category_id=cat["id"])
    path = f"/cases/{case['id']}"
    assert desk.hr.post(url(desk, path + "/comments"), json={"body": "Secret: check his contract", "internal": True}).status_code == 201
    assert desk.employee.post(url(desk, path + "/comments"), json={"body": "x", "internal": True}).status_code == 403
    seen = desk.employee.get(url(desk, path)).get_json()
    assert all(not e.get("internal") for e in seen["thread"]) and "Secret" not in str(seen)
    assert seen["status"] == "new" and seen["first_responded_at"] is None  # a note is no response
    assert desk.hr.post(url(desk, path + "/comments"), json={"body": "We fixed your payslip."}).status_code == 201
    after = desk.employee.get(url(desk, path)).get_json()
    assert after["status"] == "open" and after["first_responded_at"]
    subjects = [m["Subject"] for m in mailbox]
    assert any(s.startswith("[HR-1]") for s in subjects) and len(subjects) == 2  # opened + the public answer
    assert all("Secret" not in m.get_content() and "fixed your payslip" not in m.get_content() for m in mailbox)


def test_who_may_do_what(desk, other):
    cat = category(desk)
    case = open_case(desk, category_id=cat["id"])
    path = url(desk, f"/cases/{case['id']}")
    assert desk.employee.post(path + "/status", json={"status": "resolved"}).status_code == 403
    assert desk.employee.post(path + "/assign", json={"assignee_id": None}).status_code == 403
    assert desk.employee.post(url(desk, "/cases"), json={"subject": "s", "description": "d", "category_id": cat["id"],
                                                         "opened_at": MONDAY}).status_code == 403
    assert desk.hr.post(path + "/comments", json={"body": "b", "at": MONDAY}).status_code == 403
    assert desk.operator.post(url(desk, "/cases"), json={"subject": "s", "description": "d",
                                                         "category_id": cat["id"]}).status_code == 422  # no employee
    assert desk.employee.post(path + "/satisfaction", json={"rating": 5}).status_code == 409  # not resolved
    assert desk.hr.post(path + "/status", json={"status": "new"}).status_code == 422
    assert desk.hr.post(path + "/assign", json={"assignee_id": other.hr.user["id"]}).status_code == 422
    assigned = desk.hr.post(path + "/assign", json={"assignee_id": desk.hr.user["id"]})
    assert assigned.status_code == 200 and assigned.get_json()["assignee_id"] == desk.hr.user["id"]
    desk.hr.post(path + "/status", json={"status": "resolved"})
    assert desk.hr.post(path + "/satisfaction", json={"rating": 5}).status_code == 403  # not the requester
    assert desk.employee.post(path + "/satisfaction", json={"rating": 6}).status_code == 422
    assert desk.employee.post(path + "/satisfaction", json={"rating": 4, "comment": "Quick"}).status_code == 201
    assert desk.employee.post(path + "/satisfaction", json={"rating": 5}).status_code == 409
    assert desk.hr.post(path + "/status", json={"status": "closed"}).status_code == 200
    assert desk.employee.post(path + "/comments", json={"body": "more"}).status_code == 409
    assert desk.hr.post(path + "/status", json={"status": "open"}).status_code == 409
    # Across the tenant boundary everything is 404 (or 422 for ids in a body).
    assert other.hr.get(other.url(f"/servicedesk/cases/{case['id']}")).status_code == 404
    assert other.hr.post(other.url(f"/servicedesk/cases/{case['id']}/comments"), json={"body": "x"}).status_code == 404
    r = other.hr.post(other.url("/servicedesk/cases"), json={"subject": "s", "description": "d", "category_id": cat["id"]})
    assert r.status_code == 422 and "category_id" in r.get_json()["errors"]
    assert other.hr.get(other.url("/servicedesk/cases")).get_json()["total"] == 0


def test_lists_filters_queue_and_report(desk, other):
    cat = category(desk)
    open_case(desk, desk.operator, category_id=cat["id"], employee_id=desk.employee_id, opened_at=MONDAY,
              subject="Old address change")
    fresh = open_case(desk, category_id=cat["id"], subject="Letter for the bank")
    assert [c["number"] for c in desk.hr.get(url(desk, "/cases")).get_json()["items"]] == ["HR-2", "HR-1"]
    assert [c["number"] for c in desk.hr.get(url(desk, "/cases?breached=true")).get_json()["items"]] == ["HR-1"]
    assert [c["number"] for c in desk.hr.get(url(desk, "/cases?q=BANK")).get_json()["items"]] == ["HR-2"]
    assert [c["number"] for c in desk.hr.get(url(desk, "/cases?q=hr-1")).get_json()["items"]] == ["HR-1"]
    category(other)
    open_case(other, category_id=other.hr.get(other.url("/servicedesk/categories")).get_json()[0]["id"])
    queue = desk.operator.get("/api/v1/servicedesk/queue").get_json()
    assert [(c["tenant"], c["number"]) for c in queue["items"]][0] == ("desk-a", "HR-1")  # the breached one first
    assert {c["tenant"] for c in queue["items"]} == {"desk-a", "desk-b"} and queue["total"] == 3
    assert desk.hr.get("/api/v1/servicedesk/queue").status_code == 403
    assert desk.operator.get("/api/v1/servicedesk/queue?breached=true").get_json()["total"] == 1
    assert desk.operator.get("/api/v1/servicedesk/queue?assignee=nobody").status_code == 422
    report = desk.hr.get(url(desk, "/report?from=2026-11-01&to=2099-12-31")).get_json()
    assert report["total"]["opened"] == 2 and report["categories"][0]["category"] == "Payslip"
    assert report["total"]["sla_attainment_pct"] == 50.0 and report["total"]["median_first_response_hours"] is None
    assert desk.hr.get(url(desk, "/report?from=2026-12-02&to=2026-12-01")).status_code == 422
    text = desk.hr.get(url(desk, "/report?from=2026-11-01&to=2099-12-31&format=csv")).get_data(as_text=True)
    assert text.splitlines()[0].startswith("category_id,category,opened")
    assert desk.employee.get(url(desk, "/report?from=2026-11-01&to=2026-12-31")).status_code == 403
    assert fresh["first_response_breached"] is False


def test_articles_are_suggested_and_files_stay_private(desk, other):
    cat = category(desk)
    desk.hr.post(url(desk, "/articles"), json={"title": "Overtime on your payslip", "body": "Overtime is paid a month later.",
                                               "locale": "en"})
    desk.hr.post(url(desk, "/articles"), json={"title": "Draft", "body": "overtime", "locale": "en", "published": False})
    assert desk.employee.get(url(desk, "/articles")).get_json()["total"] == 1
    upload = desk.employee.post(url(desk, "/files"), data={"file": (io.BytesIO(PDF), "payslip.pdf")},
                                content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    bad = desk.employee.post(url(desk, "/files"), data={"file": (io.BytesIO(b"MZ\x90\x00"), "x.pdf")},
                             content_type="multipart/form-data")
    assert bad.status_code == 415
    case = open_case(desk, category_id=cat["id"], attachment_ids=[upload.get_json()["id"]])
    assert [a["title"] for a in case["suggested_articles"]] == ["Overtime on your payslip"]
    assert case["attachments"][0]["content_type"] == "application/pdf"
    file_url = url(desk, f"/files/{upload.get_json()['id']}")
    assert desk.hr.get(file_url).status_code == 200 and desk.employee.get(file_url).status_code == 200
    assert other.hr.get(other.url(f"/servicedesk/files/{upload.get_json()['id']}")).status_code == 404
    r = other.employee.post(other.url("/servicedesk/cases"), json={
        "subject": "s", "description": "d", "category_id": category(other)["id"],
        "attachment_ids": [upload.get_json()["id"]]})
    assert r.status_code == 422 and "attachment_ids" in r.get_json()["errors"]


def test_module_off_is_404(make_tenant):
    kit = make_tenant("desk-off")
    assert kit.hr.get(kit.url("/servicedesk/cases")).status_code == 404


def test_pages_open_a_case_reply_and_keep_notes_from_the_employee(app, desk):
    cat = category(desk)
    desk.hr.post(url(desk, "/articles"), json={"title": "Overtime pay", "body": "Overtime is paid later.", "locale": "en"})
    web = browser(app, "emp@desk-a.test", "desk-a")
    page = web.get("/t/desk-a/servicedesk/").get_data(as_text=True)
    assert "Ask HR" in page
    bad = web.post("/t/desk-a/servicedesk/", data={"csrf_token": csrf(page), "category_id": cat["id"], "subject": "",
                                                   "description": "Where is my overtime?"})
    assert bad.status_code == 422 and "Where is my overtime?" in bad.get_data(as_text=True)  # kept
    assert "Overtime pay" in bad.get_data(as_text=True)  # suggested while writing
    made = web.post("/t/desk-a/servicedesk/", data={"csrf_token": csrf(page), "category_id": cat["id"],
                                                    "subject": "Overtime", "description": "Where is my overtime?"})
    assert made.status_code == 303
    case_page = made.headers["Location"]
    case_id = re.search(r"/cases/([0-9a-f-]+)", case_page).group(1)
    desk.hr.post(url(desk, f"/cases/{case_id}/comments"), json={"body": "Internal: ask payroll", "internal": True})
    seen = web.get(case_page).get_data(as_text=True)
    assert "HR-1" in seen and "Internal: ask payroll" not in seen
    reply = web.post(case_page + "/comments", data={"csrf_token": csrf(seen), "body": "Any news?"})
    assert reply.status_code == 303 and "Any news?" in web.get(case_page).get_data(as_text=True)
    hr = browser(app, "hr@desk-a.test", "desk-a")
    staff_view = hr.get(case_page).get_data(as_text=True)
    assert "Internal: ask payroll" in staff_view and 'value="resolved"' in staff_view


def test_cases_emit_webhook_events_without_their_words(app, desk, monkeypatch):
    monkeypatch.setitem(app.config, "HRBPO_WEBHOOKS_ALLOW_PRIVATE", True)  # a loopback receiver
    types = {t["type"] for t in desk.hr.get(desk.url("/webhooks/event-types")).get_json()}
    assert {"case.opened", "case.status_changed"} <= types
    assert desk.hr.post(desk.url("/webhooks"), json={"url": "http://127.0.0.1:9/x", "events": ["*"]}).status_code == 201
    case = open_case(desk, category_id=category(desk)["id"])
    desk.hr.post(url(desk, f"/cases/{case['id']}/status"), json={"status": "resolved"})
    with tenancy.all_tenants():  # the event outbox, as the worker reads it
        bodies = [json.loads(body) for body in db.session.scalars(
            sa.select(WebhookEvent.body).where(WebhookEvent.type.like("case.%")).order_by(WebhookEvent.id))]
        db.session.commit()
    assert [b["type"] for b in bodies] == ["case.opened", "case.status_changed"]
    assert [b["data"]["status"] for b in bodies] == ["new", "resolved"] and bodies[1]["data"]["from"] == "new"
    assert all(b["data"]["number"] == "HR-1" and "Payslip" not in json.dumps(b) for b in bodies)


def test_operator_api_blueprint_is_mounted_documented_and_for_operators_only(app, desk):
    """The `operator_api_blueprints` hook: under /api/v1/<name>, in the OpenAPI document, core checks the caller."""
    anonymous = app.test_client().get("/api/v1/servicedesk/queue")
    assert anonymous.status_code == 401 and anonymous.mimetype == "application/problem+json"
    assert desk.employee.get("/api/v1/servicedesk/queue").status_code == 403
    assert "/api/v1/servicedesk/queue" in app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
