import io
import struct
import uuid
import zlib

import pytest
import sqlalchemy as sa
from page_browser import signed_in

from hrbpo.core import tenancy
from hrbpo.core.audit import AuditEvent
from hrbpo.core.db import db

HEADER = "first_name,last_name,email,hire_date,national_id\n"


def csv_upload(text, name="people.csv"):
    return (io.BytesIO(text.encode()), name)


def import_people(page, slug, count, start=0):
    rows = "".join(f"Person{i:03d},Surname{i:03d},p{i}@x.test,2023-02-01,\n" for i in range(start, start + count))
    r = page.post(f"/t/{slug}/employees/import", {"file": csv_upload(HEADER + rows)},
                  content_type="multipart/form-data")
    assert r.status_code == 303, r.get_data(as_text=True)[:1000]


def test_pages_answer_404_to_non_members_and_unknown_tenants(browser, tenant_a, tenant_b):
    page = signed_in(browser, "hr@tenant-b.test")
    for url in ("/t/tenant-a/", "/t/tenant-a/employees/", f"/t/tenant-a/employees/{tenant_a.employee_id}",
                "/t/tenant-a/settings", "/t/nope/"):
        assert page.get(url).status_code == 404, url
    # tenant-b's own pages never show tenant-a's employee
    assert page.get(f"/t/tenant-b/employees/{tenant_a.employee_id}").status_code == 404
    assert "emp@tenant-a.test" not in page.get("/t/tenant-b/employees/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(browser, tenant_a):
    r = browser().get("/t/tenant-a/employees/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=")


def _module_with_pages(app):
    from hrbpo.core.plugins.manager import plugins

    for rule in app.url_map.iter_rules():
        parts = rule.rule.split("/")
        if rule.rule.startswith("/t/<slug>/") and len(parts) > 3 and parts[3] in plugins().modules \
                and not plugins().modules[parts[3]].depends_on:
            return parts[3]
    pytest.skip("no installed module has portal pages")


def test_disabled_module_pages_are_404_and_absent_from_nav(browser, make_tenant, app):
    name = _module_with_pages(app)
    make_tenant("with-mod", modules=[name])
    make_tenant("without-mod")
    on, off = signed_in(browser, "hr@with-mod.test"), signed_in(browser, "hr@without-mod.test")
    assert on.get(f"/t/with-mod/{name}/").status_code != 404
    assert off.get(f"/t/without-mod/{name}/").status_code == 404
    assert f"/t/without-mod/{name}/" not in off.get("/t/without-mod/").get_data(as_text=True)


def test_employees_get_403_on_hr_pages_and_see_only_themselves(browser, tenant_a, make_tenant):
    page = signed_in(browser, "emp@tenant-a.test")
    for url in ("/t/tenant-a/employees/", "/t/tenant-a/employees/new", "/t/tenant-a/employees/import",
                "/t/tenant-a/users/", "/t/tenant-a/settings", "/t/tenant-a/audit",
                f"/t/tenant-a/employees/{tenant_a.employee_id}/edit"):
        assert page.get(url).status_code == 403, url
    assert page.post("/t/tenant-a/employees/new", {"first_name": "X"}).status_code == 403
    assert page.get(f"/t/tenant-a/employees/{tenant_a.employee_id}").status_code == 200
    hr = signed_in(browser, "hr@tenant-a.test")
    r = hr.post("/t/tenant-a/employees/new", {"first_name": "Other", "last_name": "Person", "email": "o@x.test",
                                              "hire_date": "2024-01-01"})
    other = r.headers["Location"].rsplit("/", 1)[1]
    assert page.get(f"/t/tenant-a/employees/{other}").status_code == 404


def test_self_service_home_masks_the_national_id(browser, tenant_a):
    html = signed_in(browser, "emp@tenant-a.test").get("/t/tenant-a/").get_data(as_text=True)
    assert "••••6789" in html and "123-45-6789" not in html
    assert "My profile" in html and "/t/tenant-a/users/" not in html  # no HR nav


def test_hr_dashboard_and_nav(browser, tenant_a):
    html = signed_in(browser, "hr@tenant-a.test").get("/t/tenant-a/").get_data(as_text=True)
    for url in ("/t/tenant-a/employees/", "/t/tenant-a/users/", "/t/tenant-a/audit", "/t/tenant-a/settings"):
        assert f'href="{url}"' in html
    assert "1 active" in html


def test_directory_search_and_paging(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    import_people(page, "tenant-a", 30)
    html = page.get("/t/tenant-a/employees/").get_data(as_text=True)
    assert "Page 1 of 2 (31 in all)" in html and 'rel="next"' in html
    html = page.get("/t/tenant-a/employees/?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in html and "Surname029" in html
    html = page.get("/t/tenant-a/employees/?q=surname01").get_data(as_text=True)
    assert "(10 in all)" in html and "Surname010" in html and "Surname020" not in html
    assert page.get("/t/tenant-a/employees/?page=abc").status_code == 200


def test_directory_statement_count_is_constant(browser, tenant_a, count_queries):
    page = signed_in(browser, "hr@tenant-a.test")
    import_people(page, "tenant-a", 2)
    page.get("/t/tenant-a/employees/")
    with count_queries() as few:
        assert page.get("/t/tenant-a/employees/").status_code == 200
    import_people(page, "tenant-a", 20, start=100)
    with count_queries() as many:
        assert page.get("/t/tenant-a/employees/").status_code == 200
    assert many.count == few.count


def test_csv_import_reports_problems_per_line_and_imports_nothing(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    text = HEADER + ("Ann,Ok,ann@x.test,2023-01-01,\n"
                     "Bob,Bad,not-an-email,2023-01-01,\n"
                     "Cy,Late,cy@x.test,someday,\n"
                     "Erin,Dup,emp@tenant-a.test,2023-01-01,\n")
    r = page.post("/t/tenant-a/employees/import", {"file": csv_upload(text)}, content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "<td>3</td><td>email:" in html and "<td>4</td><td>hire_date:" in html
    assert "<td>5</td><td>email: an employee with emp@tenant-a.test already exists" in html
    assert "<td>2</td>" not in html
    assert "ann@x.test" not in page.get("/t/tenant-a/employees/").get_data(as_text=True)
    r = page.post("/t/tenant-a/employees/import", {"file": csv_upload("name\nx\n")}, content_type="multipart/form-data")
    assert r.status_code == 422 and "Missing column(s)" in r.get_data(as_text=True)
    r = page.post("/t/tenant-a/employees/import", {}, content_type="multipart/form-data")
    assert r.status_code == 422


def test_add_and_edit_an_employee(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    r = page.post("/t/tenant-a/employees/new", {"first_name": "Nia", "last_name": "", "email": "bad",
                                                "hire_date": "2024-01-01"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'aria-invalid="true"' in html and "Nia" in html
    r = page.post("/t/tenant-a/employees/new", {"first_name": "Nia", "last_name": "Long", "email": "nia@x.test",
                                                "hire_date": "2024-01-01", "hours_per_week": "30",
                                                "employment_type": "part_time", "national_id": "AB-99887766"})
    assert r.status_code == 303
    detail = r.headers["Location"]
    html = page.get(detail).get_data(as_text=True)
    assert "Nia Long" in html and "••••7766" in html and "Part time" in html
    r = page.post(detail + "/edit", {"first_name": "Nia", "last_name": "Long-Smith", "email": "nia@x.test",
                                     "hire_date": "2024-01-01", "hours_per_week": "30", "employment_type": "part_time",
                                     "department": "", "national_id": ""})
    assert r.status_code == 303
    assert "Long-Smith" in page.get(detail).get_data(as_text=True)
    assert "••••7766" in page.get(detail).get_data(as_text=True)  # blank national ID kept
    r = page.post(detail + "/edit", {"first_name": "Nia", "last_name": "Long", "email": "emp@tenant-a.test",
                                     "hire_date": "2024-01-01"})
    assert r.status_code == 409 and "already exists" in r.get_data(as_text=True)
    r = page.post(detail + "/edit", {"first_name": "Nia", "last_name": "Long", "email": "nia@x.test",
                                     "hire_date": "2024-01-01", "termination_date": "2023-01-01"})
    assert r.status_code == 422 and "Must not be before the hire date" in r.get_data(as_text=True)
    audit = page.get("/t/tenant-a/audit?action=employee.update").get_data(as_text=True)
    assert "<td>Changed an employee&#39;s record</td>" in audit
    assert '<bdi>Long</bdi> <span aria-label="changed to">→</span> <bdi>Long-Smith</bdi>' in audit


def test_users_page_adds_logins_and_changes_roles(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    r = page.post("/t/tenant-a/users/", {"email": "new@tenant-a.test", "role": "hr_admin", "password": "short"})
    assert r.status_code == 422
    r = page.post("/t/tenant-a/users/", {"email": "new@tenant-a.test", "role": "hr_admin", "password": "long-enough-1"})
    assert r.status_code == 303
    r = page.post("/t/tenant-a/users/", {"email": "new@tenant-a.test", "role": "hr_admin", "password": "long-enough-1"})
    assert r.status_code == 422 and "already has a login" in r.get_data(as_text=True)
    newcomer = browser()
    assert newcomer.login("new@tenant-a.test", password="long-enough-1").status_code == 303
    assert newcomer.get("/t/tenant-a/employees/").status_code == 200
    user_id = newcomer.get("/api/v1/me").get_json()["id"]
    assert page.post(f"/t/tenant-a/users/{user_id}/role", {"role": "employee"}).status_code == 303
    assert newcomer.get("/t/tenant-a/employees/").status_code == 403
    assert page.post(f"/t/tenant-a/users/{user_id}/role", {"role": "king"}).status_code == 422


def test_users_page_of_another_tenant_user_is_404(browser, tenant_a, tenant_b):
    page = signed_in(browser, "hr@tenant-a.test")
    other = tenant_b.hr.get("/api/v1/me").get_json()["id"]
    assert page.post(f"/t/tenant-a/users/{other}/role", {"role": "employee"}).status_code == 404


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_settings_change_zone_language_and_logo(browser, tenant_a, tenant_b):
    page = signed_in(browser, "hr@tenant-a.test")
    r = page.post("/t/tenant-a/settings", {"timezone": "Mars/Base", "locale": "en", "currency": "USD"})
    assert r.status_code == 422 and "Unknown time zone" in r.get_data(as_text=True)
    r = page.post("/t/tenant-a/settings", {"timezone": "Europe/Oslo", "locale": "en", "currency": "NOK",
                                           "logo": (io.BytesIO(b"%PDF-1.4 nope"), "logo.png")},
                  content_type="multipart/form-data")
    assert r.status_code == 415 and "PNG" in r.get_data(as_text=True)
    r = page.post("/t/tenant-a/settings", {"timezone": "Europe/Oslo", "locale": "nb", "currency": "NOK",
                                           "logo": (io.BytesIO(_png()), "logo.png")},
                  content_type="multipart/form-data")
    assert r.status_code == 303
    html = page.get("/t/tenant-a/settings").get_data(as_text=True)
    assert 'value="Europe/Oslo" selected' in html and 'lang="nb"' in html
    logo = page.get("/t/tenant-a/logo")
    assert logo.status_code == 200 and logo.data.startswith(b"\x89PNG")
    assert signed_in(browser, "hr@tenant-b.test").get("/t/tenant-a/logo").status_code == 404
    assert signed_in(browser, "hr@tenant-b.test").get("/t/tenant-b/logo").status_code == 404  # none yet
    with_actions = page.get("/t/tenant-a/audit?action=tenant.update").get_data(as_text=True)
    assert "<td>Endret kundens innstillinger</td>" in with_actions  # the tenant now reads Norwegian


def test_audit_page_lists_only_this_tenants_events(browser, tenant_a, tenant_b):
    html = signed_in(browser, "hr@tenant-a.test").get("/t/tenant-a/audit").get_data(as_text=True)
    assert "hr@tenant-a.test" in html
    assert "hr@tenant-b.test" not in html and "emp@tenant-b.test" not in html
    with tenancy.tenant_context(uuid.UUID(tenant_a.id)):
        seqs = db.session.scalars(sa.select(AuditEvent.seq).where(AuditEvent.tenant_id == uuid.UUID(tenant_a.id))).all()
    assert all(f"<td>{seq}</td>" in html for seq in seqs[-5:]) and seqs


def test_error_pages_are_html_in_the_layout(browser, tenant_a):
    r = signed_in(browser, "emp@tenant-a.test").get("/t/tenant-a/audit")
    html = r.get_data(as_text=True)
    assert r.status_code == 403 and r.mimetype == "text/html" and "<main" in html and "403" in html
    assert "Not allowed" in html


def test_error_pages_speak_the_page_language(browser, tenant_a, operator):
    assert operator.patch("/api/v1/tenants/tenant-a", json={"locale": "nb"}).status_code == 200
    page = signed_in(browser, "emp@tenant-a.test")
    html = page.get("/t/tenant-a/audit").get_data(as_text=True)
    assert "Ikke tillatt" in html and "Forbidden" not in html
    r = page.get("/t/tenant-a/recruitment/")  # a module that is off
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and "Fant ikke siden" in html and "module is not enabled" not in html


def test_form_errors_read_in_the_page_language(browser, tenant_a, operator):
    assert operator.patch("/api/v1/tenants/tenant-a", json={"locale": "nb"}).status_code == 200
    page = signed_in(browser, "hr@tenant-a.test")
    html = page.post("/t/tenant-a/employees/new", {"first_name": "", "email": "bad", "hire_date": "2020-13-01"}
                     ).get_data(as_text=True)
    assert "Dette feltet må fylles ut." in html and "Ikke en gyldig e-postadresse." in html
    assert "Ikke en gyldig dato." in html and "Missing data" not in html
    html = page.post("/t/tenant-a/employees/new", {"first_name": "A", "last_name": "B", "email": "emp@tenant-a.test",
                                                  "hire_date": "2020-01-01"}).get_data(as_text=True)
    assert "Det finnes allerede en ansatt med e-post emp@tenant-a.test" in html
    html = page.post("/t/tenant-a/employees/import", {"file": (io.BytesIO(b"first_name,last_name,email,hire_date\n,,x,\n"),
                                                               "a.csv")}, content_type="multipart/form-data"
                     ).get_data(as_text=True)
    assert "first_name: Dette feltet må fylles ut." in html and "1 rad(er) har feil" in html
    # The API keeps its English messages (clients are programs).
    r = tenant_a.hr.post(tenant_a.url("/employees"), json={"first_name": "A"})
    assert r.status_code == 422 and r.get_json()["errors"]["last_name"] == ["Missing data for required field."]


def test_form_message_translates_known_messages_and_keeps_others(app):
    from flask_babel import force_locale

    from hrbpo.core.messages import form_message

    with app.test_request_context(), force_locale("hi"):
        assert form_message("Longer than maximum length 100.") == "अधिकतम लंबाई 100 से अधिक है।"
        assert form_message("email: x@y.test also appears on line 3.") == "email: x@y.test पंक्ति 3 में भी है।"
        assert form_message("Something nobody translated.") == "Something nobody translated."
