"""The servicedesk staff pages (calendar, categories, articles, report) and the
case page's assignment, attachments and rating, in the test client: forms post
to the same services as the API, refused forms keep what was typed."""
import io
import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from hrbpo.core import tenancy
from hrbpo.core.auth.models import User
from hrbpo.core.db import db
from hrbpo.core.plugins.manager import emit
from hrbpo.core.tenants.models import Tenant

from tests.core.pages.page_browser import Browser, enable_2fa
from tests.plugins.servicedesk.test_servicedesk_api import PDF, browser, category, csrf, open_case, url

BASE = "/t/desk-a/servicedesk"


@pytest.fixture
def desk(make_tenant):
    return make_tenant("desk-a", modules=["servicedesk"])


def test_calendar_editor_saves_and_keeps_a_refused_form(app, desk):
    hr = browser(app, "hr@desk-a.test", "desk-a")
    page = hr.get(BASE + "/calendar").get_data(as_text=True)
    assert 'value="09:00-17:00"' in page and 'name="hours_sat" dir="ltr" value=""' in page
    form = {"csrf_token": csrf(page), "hours_mon": "08:00-12:00, 13:00-16:00", "hours_tue": "10:00-09:00",
            "holidays_country": "NO", "holidays": "2026-12-24\n"}
    bad = hr.post(BASE + "/calendar", data=form)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="hours_tue-error"' in text and 'value="10:00-09:00"' in text
    assert 'value="08:00-12:00, 13:00-16:00"' in text  # kept
    assert hr.post(BASE + "/calendar", data={**form, "hours_tue": "nine to five"}).status_code == 422
    saved = hr.post(BASE + "/calendar", data={**form, "hours_tue": ""})
    assert saved.status_code == 303
    calendar = desk.hr.get(url(desk, "/calendar")).get_json()
    assert calendar["business_hours"]["mon"] == [["08:00", "12:00"], ["13:00", "16:00"]]
    assert calendar["business_hours"]["tue"] == [] and calendar["holidays"] == ["2026-12-24"]
    employee = browser(app, "emp@desk-a.test", "desk-a")
    assert employee.get(BASE + "/calendar").status_code == 403


def test_categories_add_and_edit_with_targets_per_priority(app, desk):
    hr = browser(app, "hr@desk-a.test", "desk-a")
    page = hr.get(BASE + "/categories/new").get_data(as_text=True)
    form = {"csrf_token": csrf(page), "name": "Payroll", "first_response_hours": "4", "resolution_hours": "2",
            "active": "1"}
    bad = hr.post(BASE + "/categories/new", data=form)
    assert bad.status_code == 422 and 'id="resolution_hours-error"' in bad.get_data(as_text=True)
    bad = hr.post(BASE + "/categories/new", data={**form, "resolution_hours": "16", "urgent.first_response_hours": "x"})
    assert bad.status_code == 422 and 'id="urgent.first_response_hours-error"' in bad.get_data(as_text=True)
    made = hr.post(BASE + "/categories/new", data={**form, "resolution_hours": "16", "urgent.first_response_hours": "1",
                                                   "urgent.resolution_hours": "4"})
    assert made.status_code == 303
    found = desk.hr.get(url(desk, "/categories")).get_json()[0]
    assert found["targets_by_priority"] == {"urgent": {"first_response_hours": 1, "resolution_hours": 4}}
    listing = hr.get(BASE + "/categories").get_data(as_text=True)
    assert "Payroll" in listing
    edit = BASE + f"/categories/{found['id']}"
    page = hr.get(edit).get_data(as_text=True)
    assert 'value="16"' in page and 'name="urgent.resolution_hours" inputmode="decimal" dir="ltr" value="4"' in page
    assert hr.post(edit, data={**form, "csrf_token": csrf(page), "resolution_hours": "20"}).status_code == 303
    again = desk.hr.get(url(desk, "/categories")).get_json()[0]
    assert again["resolution_hours"] == 20 and again["targets_by_priority"] == {}


def test_articles_add_edit_delete_per_language(app, desk):
    hr = browser(app, "hr@desk-a.test", "desk-a")
    page = hr.get(BASE + "/articles/new").get_data(as_text=True)
    form = {"csrf_token": csrf(page), "title": "", "body": "Lønn utbetales den 20.", "locale": "nb", "published": "1"}
    bad = hr.post(BASE + "/articles/new", data=form)
    assert bad.status_code == 422 and "Lønn utbetales" in bad.get_data(as_text=True)
    assert hr.post(BASE + "/articles/new", data={**form, "title": "Lønn"}).status_code == 303
    listing = hr.get(BASE + "/articles?locale=nb").get_data(as_text=True)
    assert "Lønn" in listing and "Lønn" not in hr.get(BASE + "/articles?locale=hi").get_data(as_text=True)
    article_id = re.search(r"/articles/([0-9a-f-]{36})\"", listing).group(1)
    assert hr.post(BASE + f"/articles/{article_id}", data={**form, "title": "Lønn i desember",
                                                         "published": ""}).status_code == 303
    shown = desk.hr.get(url(desk, f"/articles/{article_id}")).get_json()
    assert shown["title"] == "Lønn i desember" and shown["published"] is False
    assert hr.post(BASE + f"/articles/{article_id}/delete", data={"csrf_token": csrf(listing)}).status_code == 303
    assert desk.hr.get(url(desk, f"/articles/{article_id}")).status_code == 404


def test_report_page_table_chart_and_csv(app, desk):
    open_case(desk, category_id=category(desk)["id"])
    hr = browser(app, "hr@desk-a.test", "desk-a")
    page = hr.get(BASE + "/report?from=2020-01-01&to=2099-12-31")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in text and "<rect" in text and "Payslip" in text
    csv = hr.get(BASE + "/report?from=2020-01-01&to=2099-12-31&format=csv")
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).startswith("category_id,category,opened")
    bad = hr.get(BASE + "/report?from=2026-02-01&to=2026-01-01")
    assert bad.status_code == 422 and 'id="to-error"' in bad.get_data(as_text=True)
    assert browser(app, "emp@desk-a.test", "desk-a").get(BASE + "/report").status_code == 403


def test_case_page_assignment_attachment_and_rating(app, desk):
    cat = category(desk)
    web = browser(app, "emp@desk-a.test", "desk-a")
    page = web.get(BASE + "/").get_data(as_text=True)
    made = web.post(BASE + "/", content_type="multipart/form-data", data={
        "csrf_token": csrf(page), "category_id": cat["id"], "subject": "Contract", "description": "Signed copy",
        "files": (io.BytesIO(PDF), "contract.pdf")})
    assert made.status_code == 303
    case_page = made.headers["Location"]
    case_id = re.search(r"/cases/([0-9a-f-]+)", case_page).group(1)
    seen = web.get(case_page).get_data(as_text=True)
    link = re.search(r'href="([^"]+/files/[0-9a-f-]+)">contract.pdf', seen).group(1)
    assert web.get(link).data == PDF
    assert "How did we do?" not in seen and "Assigned to" not in seen
    hr = browser(app, "hr@desk-a.test", "desk-a")
    staff_view = hr.get(case_page).get_data(as_text=True)
    hr_id = re.search(r'<option value="([0-9a-f-]+)">hr@desk-a.test', staff_view).group(1)
    assert hr.post(case_page + "/assign", data={"csrf_token": csrf(staff_view), "assignee_id": hr_id}).status_code == 303
    assert desk.hr.get(url(desk, f"/cases/{case_id}")).get_json()["assignee_id"] == hr_id
    hr.post(case_page + "/status", data={"csrf_token": csrf(staff_view), "status": "resolved"})
    seen = web.get(case_page).get_data(as_text=True)
    assert "How did we do?" in seen and "resolved" in seen
    assert web.post(case_page + "/satisfaction", data={"csrf_token": csrf(seen), "rating": "5",
                                                      "comment": "Quick"}).status_code == 303
    case = desk.hr.get(url(desk, f"/cases/{case_id}")).get_json()
    assert case["satisfaction"] == {"rating": 5, "comment": "Quick"}
    assert "How did we do?" not in web.get(case_page).get_data(as_text=True)


def test_status_words_are_translated(app, desk):
    open_case(desk, category_id=category(desk)["id"])
    db.session.execute(sa.update(User).where(User.email == "hr@desk-a.test").values(locale="ur"))
    db.session.commit()
    page = browser(app, "hr@desk-a.test", "desk-a").get(BASE + "/").get_data(as_text=True)
    with force_locale("ur"):
        new = gettext("new")
    assert new != "new" and f"<td>{new}" in page and 'dir="rtl"' in page


def test_ops_queue_page_nearest_due_first_for_operators_only(app, desk, make_tenant, operator):
    other = make_tenant("desk-b", modules=["servicedesk"])
    late = open_case(desk, subject="Old contract", category_id=category(desk)["id"], opened_at="2026-01-05T09:00:00Z",
                     employee_id=desk.employee_id, client=desk.operator)
    fresh = open_case(other, category_id=category(other)["id"])
    console = Browser(app)
    secret = enable_2fa(operator.user["email"])
    assert console.login(operator.user["email"], code_secret=secret).status_code == 303
    page = console.get("/ops/servicedesk/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and text.index(late["subject"]) < text.index(fresh["subject"])
    assert "badge bad" in text and 'href="/ops/servicedesk/"' in text  # late marked; linked in the console menu
    only_late = console.get("/ops/servicedesk/?breached=1").get_data(as_text=True)
    assert "desk-a" in only_late and "desk-b" not in only_late.split("<h1>")[1]
    assert browser(app, "hr@desk-a.test", "desk-a").get("/ops/servicedesk/").status_code == 403
    anonymous = app.test_client().get("/ops/servicedesk/")
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["Location"]


def test_demo_data_makes_a_case_with_a_note_the_employee_never_sees(app, desk):
    tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == "desk-a")).one()
    with tenancy.tenant_context(tenant):
        emit(tenant, "demo_data")
        db.session.commit()
    mine = desk.employee.get(url(desk, "/cases")).get_json()["items"]
    assert [c["subject"] for c in mine] == ["Overtime missing on my payslip"]
    thread = desk.employee.get(url(desk, f"/cases/{mine[0]['id']}")).get_json()["thread"]
    staff_thread = desk.hr.get(url(desk, f"/cases/{mine[0]['id']}")).get_json()["thread"]
    assert [e.get("internal") for e in staff_thread if e["kind"] == "comment"] == [True, False]
    assert [e.get("internal") for e in thread if e["kind"] == "comment"] == [False] and mine[0]["first_responded_at"]


def test_form_errors_are_shown_in_the_page_language(app, desk):
    db.session.execute(sa.update(User).where(User.email == "hr@desk-a.test").values(locale="nb"))
    db.session.commit()
    hr = browser(app, "hr@desk-a.test", "desk-a")
    page = hr.get(BASE + "/calendar").get_data(as_text=True)
    bad = hr.post(BASE + "/calendar", data={"csrf_token": csrf(page), "hours_mon": "nine to five"})
    with force_locale("nb"):
        expected = gettext("Write each span as 09:00-17:00.")
    assert bad.status_code == 422 and expected != "Write each span as 09:00-17:00." and expected in bad.get_data(
        as_text=True)
