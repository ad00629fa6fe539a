"""Logins: argon2id, tenant choice, rate limits, server-side logout."""
import re

import sqlalchemy as sa

from hrbpo.core.auth.models import User
from hrbpo.core.db import db
from hrbpo.testing import PASSWORD, login

TOKEN = "/api/v1/auth/token"


def _attempt(client, email, password="wrong-password", tenant=None, address="10.0.0.1"):
    body = {"email": email, "password": password}
    if tenant:
        body["tenant"] = tenant
    return client.post(TOKEN, json=body, environ_base={"REMOTE_ADDR": address})


def test_passwords_are_hashed_with_argon2id(tenant_a, owner_sql):
    hashes = [r[0] for r in owner_sql("SELECT password_hash FROM users WHERE password_hash IS NOT NULL")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(PASSWORD in h for h in hashes)


def test_wrong_password_unknown_user_and_wrong_tenant_are_401(client, tenant_a, tenant_b):
    for r in (
        _attempt(client, f"hr@{tenant_a.slug}.test"),
        _attempt(client, "nobody@nowhere.test"),
        _attempt(client, f"hr@{tenant_a.slug}.test", PASSWORD, tenant=tenant_b.slug),
        _attempt(client, f"hr@{tenant_a.slug}.test", PASSWORD, tenant="no-such-tenant"),
    ):
        assert r.status_code == 401
        assert r.content_type == "application/problem+json"
        assert "token" not in r.get_json()


def test_email_is_case_insensitive(client, tenant_a):
    r = _attempt(client, f"  HR@{tenant_a.slug.upper()}.TEST ", PASSWORD)
    assert r.status_code == 201


def test_several_memberships_need_a_tenant(client, operator, tenant_a, tenant_b):
    r = operator.post(tenant_b.url("/users"), json={"email": f"hr@{tenant_a.slug}.test", "role": "employee"})
    assert r.status_code == 201
    r = _attempt(client, f"hr@{tenant_a.slug}.test", PASSWORD)
    assert r.status_code == 422
    assert "tenant" in r.get_json()["errors"]
    r = _attempt(client, f"hr@{tenant_a.slug}.test", PASSWORD, tenant=tenant_b.slug)
    assert r.status_code == 201 and r.get_json()["user"]["role"] == "employee"


def test_missing_fields_are_422(client):
    r = client.post(TOKEN, json={"email": "x@y.test"})
    assert r.status_code == 422 and "password" in r.get_json()["errors"]


def test_operator_login_needs_no_tenant(client, operator):
    assert operator.user["role"] == "operator"
    assert operator.get("/api/v1/me").get_json()["is_operator"] is True


def test_failures_per_account_are_limited(app, client, tenant_a):
    email = f"hr@{tenant_a.slug}.test"
    limit = int(app.config["HRBPO_LOGIN_LIMIT_ACCOUNT"].split()[0])
    # Spread over many addresses: only the account counter can trip.
    statuses = [_attempt(client, email, address=f"10.1.0.{i}").status_code for i in range(limit)]
    assert statuses == [401] * limit
    r = _attempt(client, email, PASSWORD, address="10.1.1.1")
    assert r.status_code == 429
    assert r.content_type == "application/problem+json" and r.get_json()["status"] == 429
    # Another account from the same addresses is unaffected.
    assert _attempt(client, f"emp@{tenant_a.slug}.test", PASSWORD, address="10.1.0.1").status_code == 201


def test_failures_per_address_are_limited(app, client, tenant_a):
    limit = int(app.config["HRBPO_LOGIN_LIMIT_ADDRESS"].split()[0])
    # Many accounts, each under its own limit, from one address.
    statuses = [_attempt(client, f"user{i}@nowhere.test", address="10.2.0.1").status_code for i in range(limit)]
    assert statuses == [401] * limit
    assert _attempt(client, f"hr@{tenant_a.slug}.test", PASSWORD, address="10.2.0.1").status_code == 429
    assert _attempt(client, f"hr@{tenant_a.slug}.test", PASSWORD, address="10.2.0.2").status_code == 201


def test_successful_logins_are_not_throttled(app, client, tenant_a):
    """A BPO office puts hundreds of people behind one address."""
    limit = int(app.config["HRBPO_LOGIN_LIMIT_ADDRESS"].split()[0])
    statuses = [_attempt(client, f"hr@{tenant_a.slug}.test", PASSWORD, address="10.3.0.1").status_code
                for _ in range(limit + 5)]
    assert statuses == [201] * (limit + 5)


def _form_login(client, email, password=PASSWORD):
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    csrf = csrf or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page.get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf.group(1)})


def _csrf_from(client, path):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    return match.group(1) if match else None


def test_portal_session_cookie_flags(app, tenant_a):
    client = app.test_client()
    r = _form_login(client, f"hr@{tenant_a.slug}.test")
    assert r.status_code == 303
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_invalidates_the_session_server_side(app, tenant_a):
    client = app.test_client()
    assert _form_login(client, f"hr@{tenant_a.slug}.test").status_code == 303
    home = f"/t/{tenant_a.slug}/"
    assert client.get(home).status_code == 200
    stolen = client.get_cookie("session").value
    version = db.session.scalars(sa.select(User.session_version).where(User.email == f"hr@{tenant_a.slug}.test")).one()
    r = client.post("/logout", data={"csrf_token": _csrf_from(client, home)})
    assert r.status_code == 303
    db.session.expire_all()
    assert db.session.scalars(
        sa.select(User.session_version).where(User.email == f"hr@{tenant_a.slug}.test")).one() == version + 1
    # Replaying the old cookie (as a thief would) no longer logs in.
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    r = thief.get(home)
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_login_page_rejects_wrong_password(app, tenant_a):
    client = app.test_client()
    assert _form_login(client, f"hr@{tenant_a.slug}.test", "nope-nope-nope").status_code == 401
    assert client.get(f"/t/{tenant_a.slug}/").status_code == 302


def test_session_api_write_needs_csrf(app, tenant_a):
    client = app.test_client()
    _form_login(client, f"hr@{tenant_a.slug}.test")
    r = client.post(tenant_a.url("/employees"), json={"first_name": "A", "last_name": "B", "email": "ab@a.test",
                                                       "hire_date": "2024-01-01"})
    assert r.status_code == 400
    assert client.get(tenant_a.url("/employees")).status_code == 200


def test_login_helper(client, tenant_a):
    assert login(client, f"emp@{tenant_a.slug}.test").user["role"] == "employee"
