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
