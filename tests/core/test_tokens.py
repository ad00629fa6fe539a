"""Bearer tokens: stored hashed, bound to one tenant, revocable, expiring."""
from datetime import timedelta

import sqlalchemy as sa

from hrbpo.core.auth.models import ApiToken
from hrbpo.core.db import db, utcnow
from hrbpo.testing import PASSWORD, ApiClient, login


def test_token_is_stored_only_as_its_hash(client, tenant_a, owner_sql):
    raw = tenant_a.hr.token
    assert raw.startswith("hrbpo_") and len(raw) > 40
    stored = [r.token_hash for r in owner_sql("SELECT token_hash FROM api_tokens")]
    assert stored and raw not in stored
    assert not owner_sql("SELECT count(*) FROM api_tokens WHERE token_hash LIKE :t", {"t": f"%{raw[6:]}%"})[0][0]


def test_response_shape(client, tenant_a):
    r = client.post("/api/v1/auth/token", json={"email": f"hr@{tenant_a.slug}.test", "password": PASSWORD})
    assert r.status_code == 201
    body = r.get_json()
    assert set(body) >= {"token", "user"}
    assert body["user"]["email"] == f"hr@{tenant_a.slug}.test" and body["user"]["role"] == "hr_admin"
    assert isinstance(body["user"]["id"], str)


def test_tenant_bound_token_on_another_tenant_is_404(client, tenant_a, tenant_b, operator):
    # The HR admin of A also gets a login in B: the A-bound token still may not enter B.
    r = operator.post(tenant_b.url("/users"), json={"email": f"hr@{tenant_a.slug}.test", "role": "hr_admin"})
    assert r.status_code == 201
    bound_to_a = login(client, f"hr@{tenant_a.slug}.test", tenant=tenant_a.slug)
    assert bound_to_a.get(tenant_a.url("/employees")).status_code == 200
    assert bound_to_a.get(tenant_b.url("/employees")).status_code == 404
    bound_to_b = login(client, f"hr@{tenant_a.slug}.test", tenant=tenant_b.slug)
    assert bound_to_b.get(tenant_b.url("/employees")).status_code == 200
    assert bound_to_b.get(tenant_a.url("/employees")).status_code == 404


def test_me_names_the_bound_tenant(tenant_a):
    r = tenant_a.employee.get("/api/v1/me")
    assert r.status_code == 200
    body = r.get_json()
    assert body["email"] == f"emp@{tenant_a.slug}.test" and body["is_operator"] is False
    assert body["memberships"] == [{"tenant": tenant_a.slug, "role": "employee", "employee_id": tenant_a.employee_id}]


def test_revoked_token_is_401(client, tenant_a):
    fresh = login(client, f"hr@{tenant_a.slug}.test")
    assert fresh.get(tenant_a.url("/employees")).status_code == 200
    r = fresh.delete("/api/v1/auth/token")
    assert r.status_code == 204
    r = fresh.get(tenant_a.url("/employees"))
    assert r.status_code == 401
    assert r.content_type == "application/problem+json"
    assert fresh.get("/api/v1/me").status_code == 401
    # Other tokens of the same user are untouched.
    assert tenant_a.hr.get(tenant_a.url("/employees")).status_code == 200


def test_revoke_is_audited(tenant_a, operator):
    tenant_a.employee.delete("/api/v1/auth/token")
    actions = [e["action"] for e in operator.get(tenant_a.url("/audit")).get_json()["items"]]
    assert "token.revoke" in actions and "token.create" in actions


def test_revoke_without_token_is_401(client):
    assert client.delete("/api/v1/auth/token").status_code == 401


def test_expired_token_is_401(client, tenant_a):
    fresh = login(client, f"hr@{tenant_a.slug}.test")
    assert fresh.get("/api/v1/me").status_code == 200
    token = db.session.scalars(sa.select(ApiToken).order_by(ApiToken.created_at.desc())).first()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert fresh.get("/api/v1/me").status_code == 401
    assert fresh.get(tenant_a.url("/employees")).status_code == 401


def test_token_ttl_comes_from_config(app, client, tenant_a):
    app.config["HRBPO_TOKEN_TTL"] = timedelta(seconds=30)
    try:
        r = client.post("/api/v1/auth/token", json={"email": f"hr@{tenant_a.slug}.test", "password": PASSWORD})
    finally:
        app.config["HRBPO_TOKEN_TTL"] = timedelta(days=30)
    token = db.session.scalars(sa.select(ApiToken).order_by(ApiToken.created_at.desc())).first()
    assert timedelta(0) < token.expires_at - utcnow() <= timedelta(seconds=30)
    assert r.get_json()["expires_at"]


def test_bad_tokens_are_401(client, tenant_a):
    for header in ("Bearer nonsense", "Bearer hrbpo_doesnotexist", "Basic abc", "Bearer", "Bearer " + "x" * 5000):
        r = client.get(tenant_a.url("/employees"), headers={"Authorization": header})
        assert r.status_code == 401, header
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert ApiClient(client).get(tenant_a.url("/employees")).status_code == 401


def test_deactivated_user_token_stops_working(tenant_a):
    from hrbpo.core.auth.models import User

    user = db.session.scalars(sa.select(User).where(User.email == f"hr@{tenant_a.slug}.test")).one()
    user.active = False
    db.session.commit()
    assert tenant_a.hr.get("/api/v1/me").status_code == 401
