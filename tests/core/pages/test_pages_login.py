import pyotp
import pytest
import sqlalchemy as sa

from hrbpo.core.auth.models import User
from hrbpo.core.db import db

from page_browser import enable_2fa, signed_in


def test_good_login_redirects_home_and_bad_one_is_refused(browser, tenant_a):
    page = browser()
    assert page.get("/login").status_code == 200
    r = page.login("hr@tenant-a.test", password="wrong-password")
    assert r.status_code == 401
    assert "Wrong email, password or organisation" in r.get_data(as_text=True)
    r = page.login("hr@tenant-a.test")
    assert r.status_code == 303 and r.headers["Location"] == "/t/tenant-a/"
    assert page.get("/t/tenant-a/").status_code == 200


def test_login_without_csrf_token_is_400(browser, tenant_a):
    r = browser().post("/login", {"email": "hr@tenant-a.test", "password": "correct-horse-battery"}, csrf=False)
    assert r.status_code == 400


def test_logged_in_forms_need_csrf(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    assert page.post("/logout", csrf=False).status_code == 400
    assert page.get("/t/tenant-a/").status_code == 200  # still signed in


def test_logout_kills_the_old_session_cookie(browser, tenant_a, app):
    page = signed_in(browser, "hr@tenant-a.test")
    stolen = page.client.get_cookie("session").value
    assert page.post("/logout").status_code == 303
    thief = browser()
    thief.client.set_cookie("session", stolen)
    r = thief.get("/t/tenant-a/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_session_cookie_flags(browser, tenant_a):
    page = browser()
    r = page.post("/login", {"email": "hr@tenant-a.test", "password": "correct-horse-battery"})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    r = page.post("/login", {"email": "x@y.test", "password": "nope-nope"}, base_url="https://localhost")
    assert "Secure" in r.headers.get("Set-Cookie", "Secure")


def test_security_headers_on_pages(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    responses = {url: page.get(url) for url in (
        "/login", "/t/tenant-a/", "/t/tenant-a/employees/", "/t/tenant-a/nope", "/nope", "/t/tenant-a/recruitment/",
        "/careers/nobody/jobs", "/static/hrbpo.css", "/api/v1/tenants/nobody/employees", "/logout", "/ops/")}
    responses["POST without CSRF"] = page.post("/t/tenant-a/settings", {"timezone": "UTC"}, csrf=False)
    statuses = {url: r.status_code for url, r in responses.items()}
    assert statuses == {"/login": 200, "/t/tenant-a/": 200, "/t/tenant-a/employees/": 200, "/t/tenant-a/nope": 404,
                        "/nope": 404, "/t/tenant-a/recruitment/": 404, "/careers/nobody/jobs": 404,
                        "/static/hrbpo.css": 200, "/api/v1/tenants/nobody/employees": 404, "/logout": 405, "/ops/": 403,
                        "POST without CSRF": 400}
    for url, r in responses.items():
        csp = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "script-src 'self'" in csp, url
        assert r.headers["X-Content-Type-Options"] == "nosniff", url
        assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url


def test_next_is_followed_only_when_local(browser, tenant_a):
    page = browser()
    r = page.post("/login?next=/t/tenant-a/employees/", {"email": "hr@tenant-a.test", "password": "correct-horse-battery"})
    assert r.headers["Location"] == "/t/tenant-a/employees/"
    page = browser()
    r = page.post("/login?next=//evil.test/", {"email": "hr@tenant-a.test", "password": "correct-horse-battery"})
    assert r.headers["Location"] == "/t/tenant-a/"


def test_password_change_ends_other_sessions(browser, tenant_a):
    page, other = signed_in(browser, "hr@tenant-a.test"), signed_in(browser, "hr@tenant-a.test")
    r = page.post("/account/password", {"current": "wrong", "new": "new-password-1", "confirm": "new-password-1"})
    assert r.status_code == 422 and "not your current password" in r.get_data(as_text=True)
    r = page.post("/account/password", {"current": "correct-horse-battery", "new": "new-password-1",
                                        "confirm": "new-password-1"})
    assert r.status_code == 303
    assert page.get("/t/tenant-a/").status_code == 200  # this session continues
    assert other.get("/t/tenant-a/").status_code == 302  # the other one is over
    assert browser().login("hr@tenant-a.test", password="new-password-1").status_code == 303


def test_language_choice_sets_html_lang(browser, tenant_a):
    page = signed_in(browser, "emp@tenant-a.test")
    assert page.post("/account/language", {"locale": "ur"}).status_code == 303
    html = page.get("/t/tenant-a/").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html


def test_totp_login_needs_a_code(browser, tenant_a):
    secret = enable_2fa("hr@tenant-a.test")
    page = browser()
    r = page.login("hr@tenant-a.test")
    assert r.status_code == 303 and r.headers["Location"] == "/login/verify"
    assert page.get("/t/tenant-a/").status_code == 302  # not signed in yet
    assert page.post("/login/verify", {"code": "000000"}).status_code == 401
    r = page.post("/login/verify", {"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 303 and r.headers["Location"] == "/t/tenant-a/"
    assert page.get("/t/tenant-a/").status_code == 200


def _code(secret, steps=0):
    """The authenticator code `steps` 30-second steps from now."""
    import time

    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def _password_done(browser, email):
    page = browser()
    assert page.login(email).headers["Location"] == "/login/verify"
    return page


def test_a_used_totp_code_does_not_sign_in_again(browser, tenant_a):
    secret = enable_2fa("hr@tenant-a.test")
    code = _code(secret)
    assert _password_done(browser, "hr@tenant-a.test").post("/login/verify", {"code": code}).status_code == 303
    again = _password_done(browser, "hr@tenant-a.test")
    assert again.post("/login/verify", {"code": code}).status_code == 401  # replayed within its window
    assert again.post("/login/verify", {"code": _code(secret, -1)}).status_code == 401  # older than the one used
    assert again.post("/login/verify", {"code": _code(secret, 1)}).status_code == 303  # the next one is fresh


def _two_sign_ins_at_once(browser, email, code) -> list[int]:
    """The statuses of two sign-ins that send `code` at the same moment."""
    import threading

    pages = [_password_done(browser, email) for _ in range(2)]
    barrier, statuses = threading.Barrier(2), []
    tokens = [page.csrf() for page in pages]

    def verify(page, token):
        barrier.wait()
        statuses.append(page.post("/login/verify", {"code": code, "csrf_token": token}).status_code)

    threads = [threading.Thread(target=verify, args=pair) for pair in zip(pages, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_two_concurrent_sign_ins_with_one_code_let_one_in(browser, tenant_a):
    secret = enable_2fa("hr@tenant-a.test")
    assert _two_sign_ins_at_once(browser, "hr@tenant-a.test", _code(secret)) == [303, 401]


@pytest.mark.postgresql_only  # the row lock; SQLite serialises writers its own way
def test_two_concurrent_sign_ins_with_one_backup_code_let_one_in(browser, tenant_a):
    from hrbpo.core.auth import totp
    from hrbpo.core.auth.passwords import hash_password

    enable_2fa("hr@tenant-a.test")
    code = totp.make_backup_codes()[0]
    user = db.session.scalars(sa.select(User).where(User.email == "hr@tenant-a.test")).one()
    user.backup_codes = [hash_password(code)]
    db.session.commit()
    assert _two_sign_ins_at_once(browser, "hr@tenant-a.test", code) == [303, 401]


def test_a_code_spent_elsewhere_is_refused_even_if_this_session_loaded_the_user_before(app, tenant_a):
    """The check is the UPDATE in the database, not the value in memory."""
    from hrbpo.core.auth import totp

    secret = enable_2fa("hr@tenant-a.test")
    user = db.session.scalars(sa.select(User).where(User.email == "hr@tenant-a.test")).one()
    assert user.last_totp_step is None
    step = totp.matching_step(secret, _code(secret))
    with db.engine.begin() as other:
        other.execute(sa.update(User).where(User.id == user.id).values(last_totp_step=step))
    assert totp.verify(user, _code(secret)) is False
    assert totp.verify(user, _code(secret, 1)) is True
    assert user.last_totp_step == step + 1


def test_a_backup_code_spent_elsewhere_is_refused_even_if_this_session_loaded_the_user_before(app, tenant_a):
    """Backup codes are read again (under a row lock on PostgreSQL) when spent,
    not taken from the copy of the user this session loaded earlier."""
    from hrbpo.core.auth import totp
    from hrbpo.core.auth.passwords import hash_password

    enable_2fa("hr@tenant-a.test")
    codes = totp.make_backup_codes()[:2]
    user = db.session.scalars(sa.select(User).where(User.email == "hr@tenant-a.test")).one()
    user.backup_codes = [hash_password(c) for c in codes]
    db.session.commit()
    with db.engine.begin() as other:  # another sign-in spent the first code meanwhile
        other.execute(sa.update(User).where(User.id == user.id).values(backup_codes=user.backup_codes[1:]))
    assert len(user.backup_codes) == 2  # this session's copy still has both
    assert totp.verify(user, codes[0]) is False
    assert totp.verify(user, codes[1]) is True
    db.session.expire_all()
    assert db.session.get(User, user.id).backup_codes == []


def test_verify_without_password_step_goes_back_to_login(browser):
    r = browser().post("/login/verify", {"code": "123456"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/login")


def test_enrolment_gives_single_use_backup_codes(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    html = page.get("/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in html
    secret = html.split('<code class="secret">')[1].split("<")[0]
    r = page.post("/account/two-factor", {"code": "000000"})
    assert r.status_code == 422
    r = page.post("/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 200
    codes = [c.split("</code>")[0] for c in r.get_data(as_text=True).split("<li><code>")[1:]]
    assert len(codes) == 10
    user = db.session.scalars(sa.select(User).where(User.email == "hr@tenant-a.test")).one()
    db.session.refresh(user)
    assert user.totp_enabled and codes[0] not in str(user.backup_codes)  # stored hashed

    first = browser()
    first.login("hr@tenant-a.test")
    assert first.post("/login/verify", {"code": codes[0]}).status_code == 303
    again = browser()
    again.login("hr@tenant-a.test")
    assert again.post("/login/verify", {"code": codes[0]}).status_code == 401  # spent
    assert again.post("/login/verify", {"code": codes[1]}).status_code == 303


def test_api_token_needs_no_totp(client, operator):
    enable_2fa(operator.user["email"])
    r = client.post("/api/v1/auth/token", json={"email": operator.user["email"], "password": "correct-horse-battery"})
    assert r.status_code == 201


def test_operator_without_2fa_is_sent_to_enrolment(browser, operator):
    page = browser()
    r = page.login(operator.user["email"])
    assert r.status_code == 303 and r.headers["Location"].startswith("/account/two-factor")
    r = page.get("/ops/")
    assert r.status_code == 303 and r.headers["Location"].startswith("/account/two-factor")
    assert page.get("/api/v1/tenants").status_code == 403  # nor the API with the browser session


def test_tenant_can_require_2fa_for_hr_admins(browser, tenant_a):
    hr = signed_in(browser, "hr@tenant-a.test")
    r = hr.post("/t/tenant-a/settings", {"timezone": "UTC", "locale": "en", "currency": "USD",
                                          "require_2fa_hr_admin": "on"})
    assert r.status_code == 303
    r = hr.get("/t/tenant-a/employees/")
    assert r.status_code == 303 and r.headers["Location"].startswith("/account/two-factor")
    employee = signed_in(browser, "emp@tenant-a.test")
    assert employee.get("/t/tenant-a/").status_code == 200  # employees are not asked


def test_too_many_failures_give_a_429_page(browser, tenant_a, app):
    page = browser()
    for _ in range(5):
        assert page.login("hr@tenant-a.test", password="wrong-password").status_code == 401
    r = page.login("hr@tenant-a.test")
    assert r.status_code == 429 and r.mimetype == "text/html" and "<main" in r.get_data(as_text=True)


def test_password_change_refuses_a_common_password_with_the_reason(browser, tenant_a):
    page = signed_in(browser, "hr@tenant-a.test")
    r = page.post("/account/password", {"current": "correct-horse-battery", "new": "qwerty123456",
                                        "confirm": "qwerty123456"})
    assert r.status_code == 422 and "most common" in r.get_data(as_text=True)
    assert browser().login("hr@tenant-a.test").status_code == 303  # the old one still works
