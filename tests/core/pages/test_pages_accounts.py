"""The pages behind mailed links: /invite/<token>, /forgot, /reset/<token>."""
import re

from page_browser import signed_in

from hrbpo.testing import PASSWORD

NEW_PASSWORD = "violet-lantern-harbour"


def _link(mailbox, kind):
    return re.search(rf"https?://[^/\s]+(/{kind}/\S+)", mailbox[-1].get_content()).group(1)


def test_invitation_page_creates_the_account(browser, tenant_a, mailbox):
    tenant_a.hr.post(tenant_a.url("/invitations"), json={"email": "new@a.test", "role": "hr_admin"})
    url = _link(mailbox, "invite")
    page = browser()
    html = page.get(url).get_data(as_text=True)
    assert 'method="post"' in html and 'name="confirm"' in html and "Tenant-A" in html
    assert page.post(url, {"password": NEW_PASSWORD, "confirm": "something-else-entirely"}).status_code == 422
    r = page.post(url, {"password": "qwerty123456", "confirm": "qwerty123456"})
    assert r.status_code == 422 and "most common" in r.get_data(as_text=True)
    assert page.post(url, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, csrf=False).status_code in (400, 403)
    r = page.post(url, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 303 and r.headers["Location"].endswith("/login")
    assert browser().login("new@a.test", password=NEW_PASSWORD).status_code == 303
    for method in (page.get, page.post):
        r = method(url)
        assert r.status_code == 404 and "ask for a new invitation" in r.get_data(as_text=True)


def test_invitation_page_for_an_existing_account_asks_its_password(browser, tenant_a, tenant_b, mailbox):
    tenant_b.hr.post(tenant_b.url("/invitations"), json={"email": "hr@tenant-a.test", "role": "hr_admin"})
    url = _link(mailbox, "invite")
    page = browser()
    assert 'name="confirm"' not in page.get(url).get_data(as_text=True)
    assert page.post(url, {"password": "wrong-password-here"}).status_code == 401
    assert page.post(url, {"password": PASSWORD}).status_code == 303
    assert browser().login("hr@tenant-a.test", tenant="tenant-b").status_code == 303


def test_forgot_and_reset(browser, tenant_a, mailbox):
    assert 'href="/forgot"' in browser().get("/login").get_data(as_text=True)
    old_session = signed_in(browser, "hr@tenant-a.test")
    page = browser()
    known = page.post("/forgot", {"email": "hr@tenant-a.test"})
    unknown = page.post("/forgot", {"email": "nobody@a.test"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert page.post("/forgot", {"email": "hr@tenant-a.test"}, csrf=False).status_code in (400, 403)
    url = _link(mailbox, "reset")
    assert len(mailbox) == 1  # the known address; the unknown one and the request without CSRF got nothing
    r = page.post(url, {"password": "hr@tenant-a.test", "confirm": "hr@tenant-a.test"})
    assert r.status_code == 422 and "email address" in r.get_data(as_text=True)
    assert page.post(url, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303
    assert old_session.get("/t/tenant-a/").status_code == 302  # back to /login
    assert browser().login("hr@tenant-a.test", password=NEW_PASSWORD).status_code == 303
    r = page.get(url)
    assert r.status_code == 404 and 'href="/forgot"' in r.get_data(as_text=True)


def test_forgot_over_the_limit_is_a_429_page(app, browser, tenant_a):
    page = browser()
    for _ in range(5):
        assert page.post("/forgot", {"email": "hr@tenant-a.test"}).status_code == 303
    assert page.post("/forgot", {"email": "hr@tenant-a.test"}).status_code == 429


def test_dead_links_are_404_pages_never_500(browser):
    page = browser()
    for url in ("/invite/nonsense", "/reset/nonsense", "/invite/" + "x" * 5000, "/reset/%00"):
        assert page.get(url).status_code == 404, url
        assert page.post(url, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 404, url


def test_portal_invitations_resend_revoke_and_deactivate(browser, tenant_a, mailbox):
    page = signed_in(browser, "hr@tenant-a.test")
    assert page.post("/t/tenant-a/invitations/", {"email": "nope", "role": "employee"}).status_code == 422
    r = page.post("/t/tenant-a/invitations/", {"email": "new@a.test", "role": "hr_admin"})
    assert r.status_code == 303 and len(mailbox) == 1
    html = page.get("/t/tenant-a/invitations/").get_data(as_text=True)
    assert "new@a.test" in html and "/invite/" not in html  # the token is only in the mail
    invitation_id = tenant_a.hr.get(tenant_a.url("/invitations")).get_json()["items"][0]["id"]
    assert page.post(f"/t/tenant-a/invitations/{invitation_id}/resend").status_code == 303
    assert len(mailbox) == 2
    new_id = tenant_a.hr.get(tenant_a.url("/invitations?status=pending")).get_json()["items"][0]["id"]
    assert page.post(f"/t/tenant-a/invitations/{new_id}/revoke").status_code == 303
    assert tenant_a.hr.get(tenant_a.url("/invitations?status=pending")).get_json()["total"] == 0
    employee = signed_in(browser, "emp@tenant-a.test")
    user_id = tenant_a.employee.user["id"]
    assert page.post(f"/t/tenant-a/users/{user_id}/active", {"active": "0"}).status_code == 303
    assert employee.get("/t/tenant-a/").status_code == 302  # signed out
    assert browser().login("emp@tenant-a.test").status_code == 401
    assert "Deactivated" in page.get("/t/tenant-a/users/").get_data(as_text=True)
    assert page.post(f"/t/tenant-a/users/{user_id}/active", {"active": "1"}).status_code == 303
    assert browser().login("emp@tenant-a.test").status_code == 303
    again = signed_in(browser, "emp@tenant-a.test")
    assert again.post(f"/t/tenant-a/users/{user_id}/active", {"active": "0"}).status_code == 403


def test_employees_are_invited_in_bulk(browser, tenant_a, mailbox):
    for n in range(3):
        tenant_a.hr.post(tenant_a.url("/employees"), json={"first_name": f"P{n}", "last_name": "Bulk",
                                                          "email": f"Bulk{n}@a.test", "hire_date": "2024-01-01"})
    page = signed_in(browser, "hr@tenant-a.test")
    assert "Invite every employee without a login" in page.get("/t/tenant-a/employees/").get_data(as_text=True)
    r = page.post("/t/tenant-a/invitations/employees", {"next": "/t/tenant-a/employees/"})
    assert r.status_code == 303 and r.headers["Location"] == "/t/tenant-a/employees/"
    assert sorted(m["To"] for m in mailbox) == ["bulk0@a.test", "bulk1@a.test", "bulk2@a.test"]
    invited = tenant_a.hr.get(tenant_a.url("/invitations?status=pending")).get_json()["items"]
    assert {i["role"] for i in invited} == {"employee"} and all(i["employee_id"] for i in invited)
    assert {i["invited_by"]["email"] for i in invited} == {"hr@tenant-a.test"}
    page.post("/t/tenant-a/invitations/employees")  # nobody is left: no second mail
    assert len(mailbox) == 3


def test_console_invites_a_tenants_hr_admin(ops_browser, operator, mailbox):
    r = ops_browser.post("/ops/tenants/new", {"slug": "fresh", "name": "Fresh Co", "timezone": "UTC",
                                              "locale": "en", "currency": "USD", "admin_email": "boss@fresh.test"})
    assert r.status_code == 303
    html = ops_browser.get("/ops/tenants/fresh").get_data(as_text=True)
    assert "boss@fresh.test" in html and "Invite HR admin" in html
    assert ops_browser.post("/ops/tenants/fresh/invitations", {"email": "second@fresh.test"}).status_code == 303
    assert sorted(m["To"] for m in mailbox) == ["boss@fresh.test", "second@fresh.test"]
    assert "second@fresh.test" in ops_browser.get("/ops/tenants/fresh").get_data(as_text=True)
