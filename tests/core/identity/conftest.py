import pytest

from hrbpo.testing import ApiClient

SCIM = "application/scim+json"


class ScimClient(ApiClient):
    """A client of one tenant's SCIM service: its token, paths under /scim/v2/<slug>."""

    def __init__(self, client, token, slug):
        super().__init__(client, token)
        self.slug = slug

    def request(self, method, url, headers=None, **kw):
        if "json" in kw:
            import json

            kw["data"], kw["content_type"] = json.dumps(kw.pop("json")), SCIM
        return super().request(method, f"/scim/v2/{self.slug}{url}", headers=headers, **kw)


def new_token(kit, name=None):
    response = kit.hr.post(kit.url("/scim-tokens"), json={"name": name} if name else {})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def scim_a(client, tenant_a):
    return ScimClient(client, new_token(tenant_a)["token"], tenant_a.slug)


@pytest.fixture
def scim_b(client, tenant_b):
    return ScimClient(client, new_token(tenant_b)["token"], tenant_b.slug)
