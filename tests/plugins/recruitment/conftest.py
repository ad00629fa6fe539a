"""Fixtures for recruitment tests: tenants with the module on, and small
factories (`open_job`, `apply_to`, `stage_of`) working through the API."""
import pytest

CANDIDATE = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "+47 555 01 234"}


@pytest.fixture
def rec(make_tenant):
    return make_tenant("acme", modules=["recruitment"])


@pytest.fixture
def other(make_tenant):
    return make_tenant("globex", modules=["recruitment"])


@pytest.fixture
def open_job():
    def make(kit, title="Engineer", publish=True, **extra):
        r = kit.hr.post(kit.url("/recruitment/jobs"), json={"title": title, "description": "Build things.", **extra})
        assert r.status_code == 201, r.get_json()
        if not publish:
            return r.get_json()
        r = kit.hr.post(kit.url(f"/recruitment/jobs/{r.get_json()['id']}/publish"))
        assert r.status_code == 200, r.get_json()
        return r.get_json()

    return make


@pytest.fixture
def apply_to():
    def make(kit, job_id, email="ada@example.com", **candidate):
        body = {"job_id": job_id, "candidate": {**CANDIDATE, "email": email, **candidate}, "consent": True}
        r = kit.hr.post(kit.url("/recruitment/applications"), json=body)
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    return make


@pytest.fixture
def stage_of():
    def find(kit, kind, index=0):
        stages = kit.hr.get(kit.url("/recruitment/stages")).get_json()
        return [s for s in stages if s["kind"] == kind][index]

    return find


@pytest.fixture
def signed_in(app):
    """signed_in(email) → a page client with a browser session; `.post` adds the CSRF token."""
    import re

    from hrbpo.testing import PASSWORD

    class Page:
        def __init__(self):
            self.client = app.test_client()

        def get(self, url, **kw):
            with app.app_context():  # each request its own `g`, as in a real server
                return self.client.get(url, **kw)

        def post(self, url, data=None, **kw):
            token = re.search(r'name="csrf-token" content="([^"]+)"', self.get("/login").get_data(as_text=True))
            with app.app_context():
                return self.client.post(url, data={"csrf_token": token.group(1), **(data or {})}, **kw)

    def login(email):
        page = Page()
        r = page.post("/login", {"email": email, "password": PASSWORD})
        assert r.status_code == 303, r.get_data(as_text=True)[:300]
        return page

    return login
