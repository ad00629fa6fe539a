"""PUT/GET/DELETE /api/v1/tenants/<slug>/sso: who may, what is checked, what is never shown."""
import json

import pytest
import sqlalchemy as sa

from hrbpo.testing_oidc import CLIENT_SECRET
from tests.core.sso.conftest import audit_actions, sso_body


def test_put_get_delete(tenant_a, oidc_provider):
    r = tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider, allowed_domains=["acme.com"], jit=True))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["issuer"] == oidc_provider.issuer and body["client_secret_set"] is True
    assert body["display_name"] == "127.0.0.1" and body["enforce"] is False and body["jit"] is True
    assert body["default_role"] == "employee" and body["allowed_domains"] == ["acme.com"]
    assert body["redirect_uri"] == "http://localhost/sso/tenant-a/callback"
    assert body["login_url"] == "http://localhost/sso/tenant-a/login"
    assert "client_secret" not in body and CLIENT_SECRET not in r.get_data(as_text=True)
    assert tenant_a.hr.get(tenant_a.url("/sso")).get_json() == body
    # A later PUT without the secret keeps it; fields left out take their defaults.
    r = tenant_a.hr.put(tenant_a.url("/sso"), json={"issuer": oidc_provider.issuer, "client_id": "other"})
    assert r.status_code == 200 and r.get_json()["jit"] is False and r.get_json()["allowed_domains"] == []
    assert tenant_a.hr.delete(tenant_a.url("/sso")).status_code == 204
    assert tenant_a.hr.get(tenant_a.url("/sso")).status_code == 404
    assert tenant_a.hr.delete(tenant_a.url("/sso")).status_code == 404


def test_secret_required_first_time(tenant_a, oidc_provider):
    r = tenant_a.hr.put(tenant_a.url("/sso"), json={"issuer": oidc_provider.issuer, "client_id": "x"})
    assert r.status_code == 422 and "client_secret" in r.get_json()["errors"]
    assert tenant_a.hr.get(tenant_a.url("/sso")).status_code == 404


def test_who_may(tenant_a, tenant_b, oidc_provider, client):
    body = sso_body(oidc_provider)
    assert tenant_a.employee.put(tenant_a.url("/sso"), json=body).status_code == 403
    assert tenant_a.employee.get(tenant_a.url("/sso")).status_code == 403
    for method in ("put", "get", "delete"):
        assert getattr(tenant_b.hr, method)(tenant_a.url("/sso"), json=body).status_code == 404
        assert getattr(client, method)(tenant_a.url("/sso"), json=body).status_code == 401
    r = tenant_a.operator.put(tenant_a.url("/sso"), json=body, headers={"X-Hrbpo-Reason": "client asked"})
    assert r.status_code == 200
    assert tenant_b.hr.get(tenant_b.url("/sso")).status_code == 404  # another tenant's settings are its own


@pytest.mark.parametrize("field,value", [
    ("issuer", "ftp://idp.example.com"), ("issuer", "https://idp.example.com/?a=1"),
    ("issuer", "https://idp.example.com/#x"), ("issuer", "idp.example.com"), ("issuer", ""),
    ("client_id", ""), ("client_id", "x" * 256), ("client_secret", ""), ("client_secret", "x" * 1001),
    ("display_name", ""), ("display_name", "x" * 61), ("allowed_domains", ["Acme.com"]),
    ("allowed_domains", ["a@acme.com"]), ("allowed_domains", ["acme"]), ("allowed_domains", ["ac me.com"]),
    ("allowed_domains", "acme.com"), ("enforce", "maybe"), ("jit", 3), ("default_role", "hr_admin"),
    ("display_name", "a\x00b"), ("client_id", "\ud800"),
])
def test_bad_fields(tenant_a, oidc_provider, field, value):
    r = tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider, **{field: value}))
    assert r.status_code == 422, r.get_json()
    assert field in {key.split(".")[0] for key in r.get_json()["errors"]}
    assert tenant_a.hr.get(tenant_a.url("/sso")).status_code == 404


def test_http_issuer_needs_the_loopback_flag(tenant_a, oidc_provider, app, monkeypatch):
    monkeypatch.setitem(app.config, "HRBPO_SSO_ALLOW_LOOPBACK_ISSUER", False)
    r = tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider))
    assert r.status_code == 422 and "issuer" in r.get_json()["errors"]
    assert oidc_provider.requests == []  # refused before any fetch
    monkeypatch.setitem(app.config, "HRBPO_SSO_ALLOW_LOOPBACK_ISSUER", True)
    r = tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider, issuer="http://10.1.2.3"))
    assert r.status_code == 422  # http:// only on a loopback host


@pytest.mark.parametrize("overrides", [
    {"issuer": "http://127.0.0.1:1/other"}, {"authorization_endpoint": None}, {"token_endpoint": ""},
    {"jwks_uri": None}, {"token_endpoint": "http://idp.example.com/token"},
])
def test_discovery_must_match(tenant_a, oidc_provider, overrides):
    oidc_provider.discovery_overrides = overrides
    r = tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider))
    assert r.status_code == 422 and "issuer" in r.get_json()["errors"], r.get_json()


def test_unreachable_or_not_json(tenant_a, oidc_provider):
    r = tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider, issuer="http://127.0.0.1:9"))
    assert r.status_code == 422 and "issuer" in r.get_json()["errors"]
    r = tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider, issuer=oidc_provider.issuer + "/nothing"))
    assert r.status_code == 422


def test_secret_encrypted_at_rest_and_never_audited(tenant_a, oidc_provider, owner_sql, app):
    assert tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider)).status_code == 200
    stored = owner_sql("SELECT client_secret FROM sso_settings")[0][0]
    assert CLIENT_SECRET not in stored
    events = audit_actions(tenant_a)
    assert [e["action"] for e in events] == ["sso.settings.update"]
    assert "client_secret" in events[0]["changes"] and CLIENT_SECRET not in json.dumps(events)
    # Same secret again: not named as changed; a new one is.
    tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider))
    tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider, client_secret="new-secret"))
    changes = [e["changes"] for e in audit_actions(tenant_a)]
    assert "client_secret" in changes[0] and "client_secret" not in changes[1]
    assert "new-secret" not in json.dumps(changes)
    # Key rotation re-encrypts it too (hrbpo.core.keys covers every Encrypted column).
    from hrbpo.core.keys import encrypted_columns

    assert ("sso_settings", "client_secret") in {(t.name, c.name) for t, c in encrypted_columns()}
    tenant_a.hr.delete(tenant_a.url("/sso"))
    assert audit_actions(tenant_a)[0]["action"] == "sso.settings.delete"


def test_discovery_fetched_on_put(tenant_a, oidc_provider):
    tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider))
    assert oidc_provider.count("/.well-known/openid-configuration") == 1
