"""Password reset by mail and deactivation (shared/api/accounts.md)."""
import re
from datetime import timedelta

import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.accounts import resets
from hrbpo.core.accounts.models import PasswordReset
from hrbpo.core.db import db, utcnow
from hrbpo.core.jobs import BackgroundJob
from hrbpo.testing import PASSWORD, login

LINK = re.compile(r"https?://\S+/reset/([A-Za-z0-9_-]+)")
NEW_PASSWORD = "violet-lantern-harbour"


def _join(client, kit, email, mailbox):
    """`email` (an account elsewhere) accepts an HR admin invitation to `kit`'s tenant."""
    assert kit.hr.post(kit.url("/invitations"), json={"email": email, "role": "hr_admin"}).status_code == 201
    token = re.search(r"/invite/(\S+)", mailbox[-1].get_content()).group(1)
    assert client.post(f"/api/v1/invitations/{token}/accept", json={"password": PASSWORD}).status_code == 201


def _ask(client, email):
    return client.post("/api/v1/auth/password-reset", json={"email": email})


def test_known_and_unknown_addresses_look_the_same(client, tenant_a, smtp_server, worker):
    smtp_server.use()
    known, unknown = _ask(client, "HR@tenant-a.test"), _ask(client, "nobody@tenant-a.test")
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert dict(known.headers).keys() == dict(unknown.headers).keys()
    # The request does the same work for both (it queues the lookup): nothing to time.
    with tenancy.all_tenants():
        jobs = db.session.scalars(sa.select(BackgroundJob.params).where(BackgroundJob.kind == resets.KIND)).all()
    assert sorted(j["email"] for j in jobs) == ["hr@tenant-a.test", "nobody@tenant-a.test"]
    worker.run()
    [message] = smtp_server.received
    assert message["To"] == "hr@tenant-a.test" and message["Content-Language"] == "en"
    assert LINK.search(message.get_content())
    assert _ask(client, "not an address").status_code == 422


def test_reset_sets_the_password_once_and_ends_every_token_and_session(client, tenant_a, tenant_b, mailbox):
    _join(client, tenant_b, "hr@tenant-a.test", mailbox)
    other_token = login(client, "hr@tenant-a.test", tenant="tenant-b")
    _ask(client, "hr@tenant-a.test")
    _ask(client, "hr@tenant-a.test")
    first, second = [LINK.search(m.get_content()).group(1) for m in list(mailbox)[-2:]]
    r = client.post(f"/api/v1/auth/password-reset/{second}", json={"password": "hr@tenant-a.test"})
    assert r.status_code == 422 and r.get_json()["errors"]["password"]
    assert tenant_a.hr.get(tenant_a.url("/employees")).status_code == 200  # nothing happened yet
    r = client.post(f"/api/v1/auth/password-reset/{second}", json={"password": NEW_PASSWORD})
    assert r.status_code == 200 and r.get_json()["email"] == "hr@tenant-a.test"
    assert tenant_a.hr.get(tenant_a.url("/employees")).status_code == 401
    assert other_token.get(tenant_b.url("/employees")).status_code == 401
    assert client.post(f"/api/v1/auth/password-reset/{second}", json={"password": NEW_PASSWORD}).status_code == 404
    assert client.post(f"/api/v1/auth/password-reset/{first}", json={"password": NEW_PASSWORD}).status_code == 404
    assert client.post("/api/v1/auth/token", json={"email": "hr@tenant-a.test", "password": PASSWORD,
                                                   "tenant": "tenant-a"}).status_code == 401
    for kit in (tenant_a, tenant_b):
        fresh = login(client, "hr@tenant-a.test", NEW_PASSWORD, tenant=kit.slug)
        events = fresh.get(kit.url("/audit?action=user.password_reset")).get_json()["items"]
        assert len(events) == 1 and events[0]["actor_email"] == "hr@tenant-a.test"
        assert NEW_PASSWORD not in str(events) and second not in str(events)


def test_a_link_works_for_an_hour(client, tenant_a, mailbox):
    _ask(client, "hr@tenant-a.test")
    token = LINK.search(mailbox[-1].get_content()).group(1)
    db.session.execute(sa.update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.post(f"/api/v1/auth/password-reset/{token}", json={"password": NEW_PASSWORD}).status_code == 404
    assert client.post("/api/v1/auth/password-reset/nonsense", json={"password": NEW_PASSWORD}).status_code == 404


def test_rate_limits_count_every_request_alike(app, client, tenant_a, mailbox):
    for _ in range(5):
        assert _ask(client, "hr@tenant-a.test").status_code == 202
        assert _ask(client, "ghost@tenant-a.test").status_code == 202
    known, unknown = _ask(client, "hr@tenant-a.test"), _ask(client, "ghost@tenant-a.test")
    assert known.status_code == unknown.status_code == 429
    assert known.get_json() == unknown.get_json() and known.mimetype == "application/problem+json"
    assert _ask(client, "third@tenant-a.test").status_code == 202  # another address still may


def test_deactivation_ends_access_to_that_tenant_only(client, tenant_a, tenant_b, mailbox):
    _join(client, tenant_b, "emp@tenant-a.test", mailbox)
    in_b = login(client, "emp@tenant-a.test", tenant="tenant-b")
    user_id = tenant_a.employee.user["id"]
    r = tenant_a.hr.post(tenant_a.url(f"/users/{user_id}/deactivate"))
    assert r.status_code == 200 and r.get_json()["active"] is False and r.get_json()["email"] == "emp@tenant-a.test"
    assert tenant_a.hr.post(tenant_a.url(f"/users/{user_id}/deactivate")).status_code == 200
    assert tenant_a.employee.get(tenant_a.url(f"/employees/{tenant_a.employee_id}")).status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": "emp@tenant-a.test", "password": PASSWORD,
                                                   "tenant": "tenant-a"}).status_code == 401
    assert in_b.get(tenant_b.url("/employees")).status_code == 200  # other tenants untouched
    users = tenant_a.hr.get(tenant_a.url("/users")).get_json()["items"]
    assert {u["email"]: u["active"] for u in users}["emp@tenant-a.test"] is False
    assert tenant_a.hr.get(tenant_a.url(f"/employees/{tenant_a.employee_id}")).status_code == 200  # data kept
    r = tenant_a.hr.post(tenant_a.url(f"/users/{user_id}/reactivate"))
    assert r.status_code == 200 and r.get_json()["active"] is True
    assert tenant_a.employee.get(tenant_a.url(f"/employees/{tenant_a.employee_id}")).status_code == 401  # stays revoked
    login(client, "emp@tenant-a.test", tenant="tenant-a")
    actions = [e["action"] for e in tenant_a.hr.get(tenant_a.url("/audit?per_page=200")).get_json()["items"]]
    assert actions.count("user.deactivate") == 1 and actions.count("user.reactivate") == 1


def test_deactivation_rules(tenant_a):
    me = tenant_a.hr.user["id"]
    assert tenant_a.hr.post(tenant_a.url(f"/users/{me}/deactivate")).status_code == 409
    assert tenant_a.hr.post(tenant_a.url("/users/0190e1a0-0000-7000-8000-000000000000/deactivate")).status_code == 404
    assert tenant_a.employee.post(tenant_a.url(f"/users/{me}/deactivate")).status_code == 403
    r = tenant_a.operator.post(tenant_a.url(f"/users/{me}/deactivate"), headers={"X-Hrbpo-Reason": "offboarding"})
    assert r.status_code == 200
    assert tenant_a.hr.get(tenant_a.url("/employees")).status_code == 401
