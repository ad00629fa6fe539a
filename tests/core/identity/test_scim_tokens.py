"""SCIM tokens and isolation: a tenant's token sees nothing of another tenant."""
import sqlalchemy as sa

from hrbpo.core.db import db
from hrbpo.core.identity.scim.models import ScimToken
from hrbpo.core import tenancy
from tests.core.identity.conftest import ScimClient, new_token


def test_token_is_shown_once_stored_hashed_listed_and_revoked(client, tenant_a):
    made = new_token(tenant_a, "Entra")
    assert made["name"] == "Entra" and made["token"].startswith("scim_") and len(made["token"]) >= 40
    assert made["last_used_at"] is None
    listed = tenant_a.hr.get(tenant_a.url("/scim-tokens")).get_json()["items"]
    assert [t["id"] for t in listed] == [made["id"]] and "token" not in listed[0]
    with tenancy.all_tenants():
        stored = db.session.scalars(sa.select(ScimToken.token_hash)).all()
    assert made["token"] not in stored and len(stored[0]) == 64
    scim = ScimClient(client, made["token"], tenant_a.slug)
    assert scim.get("/Users").status_code == 200
    assert tenant_a.hr.get(tenant_a.url("/scim-tokens")).get_json()["items"][0]["last_used_at"]
    assert tenant_a.hr.delete(tenant_a.url(f"/scim-tokens/{made['id']}")).status_code == 204
    assert scim.get("/Users").status_code == 401
    assert tenant_a.hr.delete(tenant_a.url(f"/scim-tokens/{made['id']}")).status_code == 404
    actions = {e["action"] for e in tenant_a.hr.get(tenant_a.url("/audit?per_page=200")).get_json()["items"]}
    assert {"scim.token.create", "scim.token.revoke"} <= actions


def test_who_may_manage_tokens(client, tenant_a, tenant_b):
    assert tenant_a.employee.post(tenant_a.url("/scim-tokens"), json={}).status_code == 403
    assert tenant_b.hr.post(tenant_a.url("/scim-tokens"), json={}).status_code == 404
    assert client.post(tenant_a.url("/scim-tokens"), json={}).status_code == 401
    assert tenant_a.operator.post(tenant_a.url("/scim-tokens"), json={}).status_code == 201
    assert tenant_a.hr.post(tenant_a.url("/scim-tokens"), json={"name": ""}).status_code == 422
    assert tenant_a.hr.post(tenant_a.url("/scim-tokens"), json={"name": "x" * 101}).status_code == 422
    made = new_token(tenant_a)
    assert tenant_b.hr.delete(tenant_b.url(f"/scim-tokens/{made['id']}")).status_code == 404
    assert tenant_b.hr.get(tenant_b.url("/scim-tokens")).get_json()["items"] == []


def test_a_scim_token_is_a_credential_only_at_its_tenants_scim_endpoints(client, scim_a, scim_b, tenant_a, tenant_b):
    user_b = scim_b.post("/Users", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                         "userName": "only-b@b.test"}).get_json()
    cross = ScimClient(client, scim_a.token, tenant_b.slug)  # tenant A's token at tenant B's URLs
    for method, url in (("GET", "/Users"), ("GET", f"/Users/{user_b['id']}"), ("DELETE", f"/Users/{user_b['id']}"),
                        ("GET", "/ServiceProviderConfig"), ("GET", "/Groups")):
        response = cross.request(method, url)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert ScimClient(client, scim_a.token, "no-such-tenant").get("/Users").status_code == 401
    # Tenant A's own endpoints never show or reach tenant B's Users.
    assert scim_a.get(f"/Users/{user_b['id']}").status_code == 404
    assert scim_a.patch(f"/Users/{user_b['id']}", json={}).status_code == 404
    assert scim_a.get(f'/Users?filter=id eq "{user_b["id"]}"').get_json()["totalResults"] == 0
    assert scim_a.get('/Users?filter=userName eq "only-b@b.test"').get_json()["totalResults"] == 0
    names = {u["userName"] for u in scim_a.get("/Users?count=200").get_json()["Resources"]}
    assert not any(n.endswith("b.test") or "tenant-b" in n for n in names)
    # A manager from another tenant is not a User here.
    r = scim_a.post("/Users", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                                               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                                   "userName": "m@a.test", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
                                   {"manager": {"value": user_b["id"]}}})
    assert r.status_code == 400 and r.get_json()["scimType"] == "invalidValue"
    # Elsewhere a SCIM token is no credential, and other credentials are none at SCIM.
    auth = {"Authorization": f"Bearer {scim_a.token}"}
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    assert client.get(tenant_a.url("/employees"), headers=auth).status_code == 401
    api_token = {"Authorization": f"Bearer {tenant_a.hr.token}"}
    assert client.get(f"/scim/v2/{tenant_a.slug}/Users", headers=api_token).status_code == 401
    assert client.get(f"/scim/v2/{tenant_a.slug}/Users").status_code == 401
