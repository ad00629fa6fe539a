"""Pages for single sign-on: the login page's link, enforcement, the settings page."""
import pytest

from hrbpo.testing_oidc import CLIENT_ID, CLIENT_SECRET

from page_browser import enable_2fa, signed_in


@pytest.fixture
def with_sso(tenant_a, oidc_provider):
    def configure(**extra):
        body = {"issuer": oidc_provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "display_name": "Acme ID", **extra}
        r = tenant_a.hr.put(tenant_a.url("/sso"), json=body)
        assert r.status_code == 200, r.get_json()
        return tenant_a

    return configure


LINK = "Sign in with Acme ID"


def test_login_page_offers_the_provider_once_the_tenant_is_known(browser, with_sso, tenant_b):
    with_sso()
    page = browser()
    assert LINK not in page.get("/login").get_data(as_text=True)
    html = page.get("/login?tenant=tenant-a").get_data(as_text=True)
    assert LINK in html and 'href="/sso/tenant-a/login"' in html
    html = page.get("/login?next=/t/tenant-a/directory").get_data(as_text=True)
    assert 'href="/sso/tenant-a/login?next=%2Ft%2Ftenant-a%2Fdirectory"' in html
    # No SSO and unknown tenants look the same (no way to tell which tenants exist).
    plain = page.get("/login").get_data(as_text=True)
    assert page.get("/login?tenant=tenant-b").get_data(as_text=True) == plain
    assert page.get("/login?tenant=nobody-here").get_data(as_text=True) == plain
    assert page.get("/login?tenant=%00%ff").status_code == 200


def test_enforced_sso_refuses_passwords_after_checking_them(browser, client, with_sso):
    with_sso(enforce=True)
    page = browser()
    assert page.login("emp@tenant-a.test", password="wrong-password").status_code == 401
    r = page.login("hr@tenant-a.test")
    assert r.status_code == 403
    assert 'href="/sso/tenant-a/login"' in r.get_data(as_text=True)
    assert page.get("/t/tenant-a/").status_code == 302  # no session
    r = client.post("/api/v1/auth/token", json={"email": "emp@tenant-a.test", "password": "correct-horse-battery"})
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    assert r.get_json()["type"] == "https://hrbpo.dev/problems/sso-required"
    assert r.get_json()["sso_login_url"] == "http://localhost/sso/tenant-a/login"
    r = client.post("/api/v1/auth/token", json={"email": "emp@tenant-a.test", "password": "nope-nope-nope"})
    assert r.status_code == 401


def test_operators_and_other_tenants_keep_passwords(browser, client, with_sso, tenant_b, operator):
    with_sso(enforce=True)
    assert tenant_b.hr.post(tenant_b.url("/users"), json={"email": "hr@tenant-a.test", "role": "hr_admin"}
                            ).status_code == 201
    body = {"email": "hr@tenant-a.test", "password": "correct-horse-battery"}
    assert client.post("/api/v1/auth/token", json={**body, "tenant": "tenant-b"}).status_code == 201
    assert client.post("/api/v1/auth/token", json={**body, "tenant": "tenant-a"}).status_code == 403
    r = client.post("/api/v1/auth/token", json={"email": operator.user["email"], "password": "correct-horse-battery"})
    assert r.status_code == 201
    page = browser()
    secret = enable_2fa(operator.user["email"])
    assert page.login(operator.user["email"], tenant="tenant-a", code_secret=secret).status_code == 303
    # Deleting the settings ends enforcement at once.
    with_sso(enforce=True).hr  # noqa: B018
    tenant_b.operator.delete("/api/v1/tenants/tenant-a/sso", headers={"X-Hrbpo-Reason": "client left Acme ID"})
    assert client.post("/api/v1/auth/token", json={**body, "tenant": "tenant-a"}).status_code == 201


def test_settings_page(browser, tenant_a, oidc_provider):
    page = signed_in(browser, "hr@tenant-a.test")
    html = page.get("/t/tenant-a/settings/sso").get_data(as_text=True)
    assert "Single sign-on is off" in html
    r = page.post("/t/tenant-a/settings/sso", {"issuer": "https://", "client_id": CLIENT_ID})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.get_data(as_text=True)
    r = page.post("/t/tenant-a/settings/sso", {"issuer": oidc_provider.issuer, "client_id": CLIENT_ID,
                                                "client_secret": CLIENT_SECRET, "allowed_domains": "tenant-a.test, a.test",
                                                "jit": "on"})
    assert r.status_code == 303, r.get_data(as_text=True)
    html = page.get("/t/tenant-a/settings/sso").get_data(as_text=True)
    assert "http://localhost/sso/tenant-a/callback" in html and CLIENT_SECRET not in html
    assert 'value="tenant-a.test a.test"' in html
    settings = tenant_a.hr.get(tenant_a.url("/sso")).get_json()
    assert settings["jit"] is True and settings["enforce"] is False
    assert settings["allowed_domains"] == ["tenant-a.test", "a.test"]
    # Saving again without the secret keeps it.
    r = page.post("/t/tenant-a/settings/sso", {"issuer": oidc_provider.issuer, "client_id": CLIENT_ID,
                                                "allowed_domains": "x@y"})
    assert r.status_code == 422 and "lower-case domain" in r.get_data(as_text=True)
    assert page.post("/t/tenant-a/settings/sso/delete").status_code == 303
    assert tenant_a.hr.get(tenant_a.url("/sso")).status_code == 404
    employee = signed_in(browser, "emp@tenant-a.test")
    assert employee.get("/t/tenant-a/settings/sso").status_code == 403


def test_settings_page_in_urdu(browser, tenant_a):
    assert tenant_a.operator.patch("/api/v1/tenants/tenant-a", json={"locale": "ur"}).status_code == 200
    page = signed_in(browser, "hr@tenant-a.test")
    html = page.get("/t/tenant-a/settings/sso").get_data(as_text=True)
    assert 'dir="rtl"' in html and "Single sign-on" not in html


def test_password_sign_in_after_sso_is_not_bound(browser, with_sso, tenant_b, oidc_provider):
    import requests

    with_sso()
    assert tenant_b.hr.post(tenant_b.url("/users"), json={"email": "emp@tenant-a.test", "role": "employee",
                                                          "password": "correct-horse-battery"}).status_code == 201
    oidc_provider.person = {"sub": "e", "email": "emp@tenant-a.test", "email_verified": True}
    page = browser()
    at_provider = requests.get(page.get("/sso/tenant-a/login").headers["Location"], allow_redirects=False, timeout=10)
    back = at_provider.headers["Location"].removeprefix("http://localhost")
    assert page.get(back).status_code == 303
    assert page.get("/t/tenant-b/").status_code == 302  # bound to tenant-a
    assert page.login("emp@tenant-a.test", tenant="tenant-b").status_code == 303
    assert page.get("/t/tenant-b/").status_code == 200
