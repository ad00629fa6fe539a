"""Single sign-on helpers: set a tenant up with the test provider, walk the flow."""
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from hrbpo.testing_oidc import CLIENT_ID, CLIENT_SECRET


def sso_body(provider, **overrides):
    return {"issuer": provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **overrides}


@pytest.fixture
def sso_tenant(tenant_a, oidc_provider):
    """tenant-a signing in at the test provider (no JIT, not enforced)."""
    r = tenant_a.hr.put(tenant_a.url("/sso"), json=sso_body(oidc_provider, display_name="Acme ID"))
    assert r.status_code == 200, r.get_json()
    return tenant_a


def start(client, slug, next_path=None):
    """GET /sso/<slug>/login; the provider's answer (the callback URL's path and query)."""
    r = client.get(f"/sso/{slug}/login", query_string={"next": next_path} if next_path else None)
    assert r.status_code == 302, r.data
    at_provider = requests.get(r.headers["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    return f"{back.path}?{back.query}"


def sign_in(client, slug, next_path=None):
    """The whole flow; the callback's response."""
    return client.get(start(client, slug, next_path))


def query_of(url) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def audit_actions(kit, prefix="sso."):
    r = kit.operator.get(kit.url("/audit"), query_string={"action_prefix": prefix, "per_page": 200},
                         headers={"X-Hrbpo-Reason": "test"})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]
