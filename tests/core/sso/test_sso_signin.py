"""Signing in through the tenant's provider: the happy path, and every way it must fail."""
import json
import time

import pytest
import sqlalchemy as sa

from hrbpo.testing_oidc import CLIENT_ID, CLIENT_SECRET
from tests.core.sso.conftest import audit_actions, query_of, sign_in, sso_body, start

EMP = "emp@tenant-a.test"


def _person(provider, email=EMP, **extra):
    provider.person = {"sub": "sub-" + email, "email": email, "email_verified": True, **extra}


def test_redirect_carries_pkce_state_nonce(client, sso_tenant, oidc_provider):
    r = client.get("/sso/tenant-a/login")
    assert r.status_code == 302
    query = query_of(r.headers["Location"])
    assert r.headers["Location"].startswith(oidc_provider.issuer + "/authorize?")
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == "http://localhost/sso/tenant-a/callback"
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    again = query_of(client.get("/sso/tenant-a/login").headers["Location"])
    assert again["state"] != query["state"] and again["nonce"] != query["nonce"]
    assert again["code_challenge"] != query["code_challenge"]


def test_sign_in_as_existing_employee(client, sso_tenant, oidc_provider):
    _person(oidc_provider, email="EMP@Tenant-A.test")
    r = sign_in(client, "tenant-a")
    assert r.status_code == 303 and r.headers["Location"].endswith("/t/tenant-a/")
    cookie = next(v for k, v in r.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/t/tenant-a/").status_code == 200
    me = client.get("/api/v1/me").get_json()
    assert me["email"] == EMP
    login = audit_actions(sso_tenant)[0]
    assert login["action"] == "sso.login" and login["changes"] == {"issuer": oidc_provider.issuer,
                                                                    "sub": "sub-EMP@Tenant-A.test"}
    # Basic client authentication with the stored secret, and the PKCE verifier.
    exchange = oidc_provider.token_requests[-1]
    assert exchange["basic"] and exchange["code_verifier"] and "client_secret" not in exchange


def test_next_is_kept_only_inside_the_tenant(client, sso_tenant, oidc_provider):
    _person(oidc_provider)
    assert sign_in(client, "tenant-a", "/t/tenant-a/directory").headers["Location"].endswith("/t/tenant-a/directory")
    for hostile in ("https://evil.example/t/tenant-a/", "//evil.example", "/t/tenant-b/", "/ops/"):
        assert sign_in(client, "tenant-a", hostile).headers["Location"].endswith("/t/tenant-a/")


def test_client_secret_post_when_only_that_is_announced(client, sso_tenant, oidc_provider):
    from hrbpo.core.identity import sso_provider

    oidc_provider.auth_methods = ["client_secret_post"]
    sso_provider.forget()
    _person(oidc_provider)
    assert sign_in(client, "tenant-a").status_code == 303
    exchange = oidc_provider.token_requests[-1]
    assert not exchange["basic"] and exchange["client_secret"] == CLIENT_SECRET


def test_session_is_bound_to_its_tenant(client, sso_tenant, make_tenant, oidc_provider):
    other = make_tenant("tenant-c")
    # The same person is a member of tenant-c too (added by its HR admin).
    assert other.hr.post(other.url("/users"), json={"email": "hr@tenant-a.test", "role": "hr_admin"}).status_code == 201
    _person(oidc_provider, "hr@tenant-a.test")
    assert sign_in(client, "tenant-a").status_code == 303
    assert client.get("/t/tenant-a/").status_code == 200
    r = client.get("/t/tenant-c/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.get("/api/v1/tenants/tenant-c/employees").status_code == 401
    assert client.get("/api/v1/tenants/tenant-a/employees").status_code == 200
    r = client.get("/ops/")
    assert r.status_code in (302, 401) and r.status_code != 200


def test_no_two_factor_prompt_after_sso(client, sso_tenant, oidc_provider):
    from hrbpo.core.auth import totp
    from hrbpo.core.auth.models import User
    from hrbpo.core.db import db
    from hrbpo.core.tenants.models import Tenant

    tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == "tenant-a")).one()
    tenant.settings = {**(tenant.settings or {}), "require_2fa_hr_admin": True}
    db.session.commit()
    hr = db.session.scalars(sa.select(User).where(User.email == "hr@tenant-a.test")).one()
    assert totp.enrolment_due(hr, tenant, "hr_admin")  # a password sign-in would be sent to enrol
    _person(oidc_provider, "hr@tenant-a.test")
    assert sign_in(client, "tenant-a").status_code == 303
    assert client.get("/t/tenant-a/").status_code == 200


def test_discovery_at_most_once_per_hour(client, sso_tenant, oidc_provider, monkeypatch):
    from hrbpo.core.identity import sso_provider

    _person(oidc_provider)
    fetched = oidc_provider.count("/.well-known/openid-configuration")  # the PUT's
    for _ in range(3):
        assert sign_in(client, "tenant-a").status_code == 303
    assert oidc_provider.count("/.well-known/openid-configuration") == fetched
    assert oidc_provider.count("/jwks") == 1
    later = time.monotonic() + sso_provider.DISCOVERY_TTL + 1
    monkeypatch.setattr(sso_provider.time, "monotonic", lambda: later)
    assert sign_in(client, "tenant-a").status_code == 303
    assert oidc_provider.count("/.well-known/openid-configuration") == fetched + 1


def test_key_rotation_fetches_the_keys_once_more(client, sso_tenant, oidc_provider):
    _person(oidc_provider)
    assert sign_in(client, "tenant-a").status_code == 303
    oidc_provider.rotate_keys()
    assert sign_in(client, "tenant-a").status_code == 303
    assert oidc_provider.count("/jwks") == 2


def _refused(client, kit, response, status, reason, email=None):
    assert response.status_code == status, response.data
    page = response.get_data(as_text=True)
    assert "/login?tenant=tenant-a" in page and "Traceback" not in page
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/api/v1/me").status_code == 401
    failed = audit_actions(kit, "sso.login.failed")[0]
    assert failed["changes"]["reason"] == reason
    if email:
        assert failed["changes"]["email"] == email
    return page


@pytest.mark.parametrize("tamper,reason", [
    ({"iss": "https://evil.example"}, "issuer"),
    ({"aud": "someone-else"}, "audience"),
    ({"aud": [CLIENT_ID, "other"], "azp": "other"}, "audience"),
    ({"exp": int(time.time()) - 600}, "expired"),
    ({"iat": int(time.time()) + 3600}, "expired"),
    ({"nonce": "not-the-one"}, "nonce"),
    ({"nonce": None}, "nonce"),
])
def test_untrusted_id_tokens(client, sso_tenant, oidc_provider, tamper, reason):
    _person(oidc_provider)
    oidc_provider.tamper = tamper
    _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, reason)


def test_clock_skew_within_leeway_is_accepted(client, sso_tenant, oidc_provider):
    _person(oidc_provider)
    oidc_provider.tamper = {"exp": int(time.time()) - 60, "iat": int(time.time()) + 60}
    assert sign_in(client, "tenant-a").status_code == 303


@pytest.mark.parametrize("how", ["other-key", "hs256", "none"])
def test_bad_signatures(client, sso_tenant, oidc_provider, how):
    _person(oidc_provider)
    oidc_provider.sign_with = how
    _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, "signature")


def test_state_problems(client, sso_tenant, oidc_provider, app):
    _person(oidc_provider)
    back = start(client, "tenant-a")
    _refused(client, sso_tenant, client.get("/sso/tenant-a/callback?code=x"), 400, "state")
    _refused(client, sso_tenant, client.get("/sso/tenant-a/callback?code=x&state=unknown"), 400, "state")
    # Another browser (no binding cookie) cannot use this state.
    other = app.test_client()
    _refused(other, sso_tenant, other.get(back), 400, "state")
    assert client.get(back).status_code == 303  # the right browser still can, once
    client.delete_cookie("session")
    _refused(client, sso_tenant, client.get(back), 400, "state")  # already used


def test_expired_state(client, sso_tenant, oidc_provider, owner_sql):
    _person(oidc_provider)
    back = start(client, "tenant-a")
    owner_sql("UPDATE sso_attempts SET expires_at = created_at")
    _refused(client, sso_tenant, client.get(back), 400, "state")


def test_replayed_code(client, sso_tenant, oidc_provider, app):
    _person(oidc_provider)
    back = start(client, "tenant-a")
    state = query_of(back)["state"]
    code = query_of(back)["code"]
    assert client.get(back).status_code == 303
    client.delete_cookie("session")
    # A fresh state for this browser, with the spent code: the provider refuses it.
    fresh = query_of(client.get("/sso/tenant-a/login").headers["Location"])["state"]
    assert fresh != state
    _refused(client, sso_tenant, client.get(f"/sso/tenant-a/callback?code={code}&state={fresh}"), 400, "code")


def test_missing_code_and_provider_error(client, sso_tenant, oidc_provider):
    _person(oidc_provider)
    state = query_of(client.get("/sso/tenant-a/login").headers["Location"])["state"]
    _refused(client, sso_tenant, client.get(f"/sso/tenant-a/callback?state={state}"), 400, "code")
    oidc_provider.authorize_error = "access_denied"
    _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, "provider_error")


def test_email_must_be_verified(client, sso_tenant, oidc_provider):
    _person(oidc_provider, email_verified=False)
    _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, "email_unverified", EMP)
    oidc_provider.person = {"sub": "x", "email": EMP}
    _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, "email_unverified", EMP)
    oidc_provider.person = {"sub": "x", "email_verified": True}
    _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, "email_unverified")


def test_email_from_userinfo(client, sso_tenant, oidc_provider):
    _person(oidc_provider)
    oidc_provider.userinfo_only = True
    assert sign_in(client, "tenant-a").status_code == 303
    assert oidc_provider.count("/userinfo") == 1


def test_allowed_domains(client, sso_tenant, oidc_provider):
    sso_tenant.hr.put(sso_tenant.url("/sso"), json=sso_body(oidc_provider, allowed_domains=["tenant-a.test"]))
    _person(oidc_provider, "emp@sub.tenant-a.test")
    _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, "domain", "emp@sub.tenant-a.test")
    _person(oidc_provider, EMP)
    assert sign_in(client, "tenant-a").status_code == 303


def test_operator_never_signs_in_through_a_tenant(client, sso_tenant, oidc_provider):
    _person(oidc_provider, sso_tenant.operator.user["email"])
    _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, "operator")


def test_deactivated_membership_refused(client, sso_tenant, oidc_provider, owner_sql):
    owner_sql("UPDATE memberships SET active = false WHERE user_id = (SELECT id FROM users WHERE email = :e)",
              {"e": EMP})
    _person(oidc_provider)
    _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, "inactive", EMP)


def test_unknown_person_without_jit(client, sso_tenant, oidc_provider, owner_sql):
    _person(oidc_provider, "new@tenant-a.test")
    page = _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, "unknown_user", "new@tenant-a.test")
    assert "HR team" in page
    assert owner_sql("SELECT count(*) FROM users WHERE email = 'new@tenant-a.test'")[0][0] == 0


def test_jit_makes_an_employee_login_linked_to_the_record(client, sso_tenant, oidc_provider, owner_sql):
    r = sso_tenant.hr.post(sso_tenant.url("/employees"), json={
        "first_name": "Nia", "last_name": "New", "email": "nia@tenant-a.test", "hire_date": "2024-02-01"})
    employee_id = r.get_json()["id"]
    sso_tenant.hr.put(sso_tenant.url("/sso"), json=sso_body(oidc_provider, jit=True))
    _person(oidc_provider, "Nia@tenant-a.test")
    assert sign_in(client, "tenant-a").status_code == 303
    me = client.get("/api/v1/me").get_json()
    assert me["memberships"] == [{"tenant": "tenant-a", "role": "employee", "employee_id": employee_id}]
    assert owner_sql("SELECT password_hash FROM users WHERE email = 'nia@tenant-a.test'")[0][0] is None
    created = audit_actions(sso_tenant, "sso.user.create")[0]
    assert created["changes"]["email"] == "nia@tenant-a.test"


def test_jit_gives_a_known_account_a_membership(client, sso_tenant, tenant_b, oidc_provider, owner_sql):
    sso_tenant.hr.put(sso_tenant.url("/sso"), json=sso_body(oidc_provider, jit=True))
    _person(oidc_provider, "emp@tenant-b.test")
    assert sign_in(client, "tenant-a").status_code == 303
    tenants = {m["tenant"] for m in client.get("/api/v1/me").get_json()["memberships"]}
    assert tenants == {"tenant-a", "tenant-b"}
    assert owner_sql("SELECT count(*) FROM users WHERE email = 'emp@tenant-b.test'")[0][0] == 1


def test_no_secret_in_logs_pages_or_audit(client, sso_tenant, oidc_provider, caplog):
    _person(oidc_provider)
    with caplog.at_level("DEBUG"):
        sign_in(client, "tenant-a")
        oidc_provider.tamper = {"aud": "x"}
        page = sign_in(client, "tenant-a").get_data(as_text=True)
    assert CLIENT_SECRET not in caplog.text and CLIENT_SECRET not in page
    events = json.dumps(audit_actions(sso_tenant))
    assert CLIENT_SECRET not in events and "id_token" not in events


def test_pages_404_without_sso(client, tenant_a, oidc_provider):
    unknown = client.get("/sso/no-such-tenant/login")
    off = client.get("/sso/tenant-a/login")
    assert unknown.status_code == off.status_code == 404
    assert unknown.data == off.data
    assert client.get("/sso/tenant-a/callback?code=a&state=b").status_code == 404


@pytest.mark.parametrize("query", ["code=%00&state=%00", "state=" + "x" * 100000, "state=%ED%A0%80&code=%FF",
                                   "error=%00%01&state=a", "state[]=a&state=b"])
def test_hostile_callbacks(client, sso_tenant, oidc_provider, query):
    r = client.get(f"/sso/tenant-a/callback?{query}")
    assert r.status_code == 400 and "/login?tenant=tenant-a" in r.get_data(as_text=True)


@pytest.mark.parametrize("slug", ["%00", "a" * 5000, "TENANT-A", "tenant-a%0a"])
def test_hostile_slugs(client, sso_tenant, slug):
    assert client.get(f"/sso/{slug}/login").status_code == 404


def test_a_state_works_only_at_its_tenant(client, sso_tenant, tenant_b, oidc_provider):
    assert tenant_b.hr.put(tenant_b.url("/sso"), json=sso_body(oidc_provider)).status_code == 200
    _person(oidc_provider, "emp@tenant-b.test")
    back = start(client, "tenant-a")
    r = client.get(back.replace("/sso/tenant-a/", "/sso/tenant-b/"))
    assert r.status_code == 400
    assert audit_actions(tenant_b, "sso.login.failed")[0]["changes"]["reason"] == "state"
    assert client.get("/api/v1/me").status_code == 401


def test_old_attempts_are_purged(client, sso_tenant, oidc_provider, owner_sql):
    from datetime import timedelta

    from hrbpo.core.db import utcnow
    from hrbpo.core.identity.sso_signin import purge

    start(client, "tenant-a")
    assert purge() == 0
    assert purge(now=utcnow() + timedelta(days=2)) == 1
    assert owner_sql("SELECT count(*) FROM sso_attempts")[0][0] == 0


def test_concurrent_first_sign_ins_make_one_login(live_server, sso_tenant, oidc_provider, owner_sql):
    """Browsers of one new person reach the callback at once: all are signed in, one login exists."""
    import requests as http

    from hrbpo.testing_concurrency import at_once

    sso_tenant.hr.put(sso_tenant.url("/sso"), json=sso_body(oidc_provider, jit=True))
    _person(oidc_provider, "twin@tenant-a.test")
    browsers, callbacks = [], []
    for _ in range(3):
        browser = http.Session()
        at_provider = browser.get(live_server.base_url + "/sso/tenant-a/login", allow_redirects=False, timeout=10)
        back = http.get(at_provider.headers["Location"], allow_redirects=False, timeout=10)
        browsers.append(browser)
        callbacks.append(back.headers["Location"])
    answers = at_once(*(lambda b=b, url=url: b.get(url, allow_redirects=False, timeout=30)
                        for b, url in zip(browsers, callbacks)))
    assert [r.status_code for r in answers] == [303] * 3, [r.text[:300] for r in answers]
    assert owner_sql("SELECT count(*) FROM users WHERE email = 'twin@tenant-a.test'")[0][0] == 1
    assert owner_sql("SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id "
                     "WHERE u.email = 'twin@tenant-a.test'")[0][0] == 1


@pytest.mark.parametrize("email", ["a\x00b@tenant-a.test", "x" * 300 + "@tenant-a.test", "no-at-sign", 42])
def test_hostile_emails_from_the_provider(client, sso_tenant, oidc_provider, email):
    oidc_provider.person = {"sub": "h", "email": email, "email_verified": True}
    _refused(client, sso_tenant, sign_in(client, "tenant-a"), 403, "email_unverified")


def test_unverified_in_the_id_token_but_verified_at_userinfo(client, sso_tenant, oidc_provider):
    _person(oidc_provider)
    oidc_provider.tamper = {"email_verified": None}
    assert sign_in(client, "tenant-a").status_code == 303
    assert oidc_provider.count("/userinfo") == 1


def test_provider_down_at_the_token_endpoint(client, sso_tenant, oidc_provider):
    from hrbpo.core.identity import sso_provider

    _person(oidc_provider)
    back = start(client, "tenant-a")
    oidc_provider.discovery_overrides = {"token_endpoint": "http://127.0.0.1:9/token"}
    sso_provider.forget()  # the next discovery names a token endpoint nobody answers at
    _refused(client, sso_tenant, client.get(back), 502, "provider_error")
