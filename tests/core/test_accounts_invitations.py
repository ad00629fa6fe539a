"""Invitations (shared/api/accounts.md): create, replace, revoke, accept; mail
through a real local SMTP server."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.accounts.models import Invitation
from hrbpo.core.audit import AuditEvent
from hrbpo.core.db import db, utcnow
from hrbpo.testing import PASSWORD, ApiClient, login

LINK = re.compile(r"(https?://\S+)/invite/([A-Za-z0-9_.-]+[A-Za-z0-9_-])")
NEW_PASSWORD = "violet-lantern-harbour"


def _token(message) -> str:
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(2)


def _invite(kit, email="new@a.test", role="hr_admin", **extra):
    return kit.hr.post(kit.url("/invitations"), json={"email": email, "role": role, **extra})


def test_invitation_is_mailed_in_the_tenants_language_and_accepted(app, client, tenant_a, smtp_server, worker):
    smtp_server.use()
    tenant_a.operator.patch(tenant_a.url(), json={"locale": "nb", "name": "Acme Norge"})
    r = _invite(tenant_a, email="New@A.test")
    assert r.status_code == 201, r.get_json()
    invitation = r.get_json()
    assert invitation["email"] == "new@a.test" and invitation["status"] == "pending"
    assert invitation["invited_by"]["email"] == "hr@tenant-a.test" and "token" not in invitation
    worker.run()
    [message] = smtp_server.received
    assert message["To"] == "new@a.test" and message["Content-Language"] == "nb"
    assert "Acme Norge" in message.get_content() and "123-45-6789" not in message.get_content()
    token = _token(message)
    assert len(token) >= 22 and LINK.search(message.get_content()).group(1).startswith("http")
    preview = client.get(f"/api/v1/invitations/{token}").get_json()
    assert preview["tenant"] == {"slug": "tenant-a", "name": "Acme Norge"} and preview["existing_account"] is False
    r = client.post(f"/api/v1/invitations/{token}/accept", json={"password": "password1234"})
    assert r.status_code == 422 and "common" in r.get_json()["errors"]["password"][0]
    assert tenant_a.hr.get(tenant_a.url(f"/invitations/{invitation['id']}")).get_json()["status"] == "pending"
    r = client.post(f"/api/v1/invitations/{token}/accept", json={"password": NEW_PASSWORD})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["tenant"] == "tenant-a" and body["user"]["role"] == "hr_admin" and body["token"]
    assert ApiClient(client, body["token"]).get(tenant_a.url("/employees")).status_code == 200
    assert client.post(f"/api/v1/invitations/{token}/accept", json={"password": NEW_PASSWORD}).status_code == 404
    assert client.get(f"/api/v1/invitations/{token}").status_code == 404
    accepted = tenant_a.hr.get(tenant_a.url(f"/invitations/{invitation['id']}")).get_json()
    assert accepted["status"] == "accepted" and accepted["accepted_at"]
    login(client, "new@a.test", NEW_PASSWORD)
    audit = tenant_a.hr.get(tenant_a.url("/audit?action=invitation.accept")).get_json()["items"]
    assert audit[0]["actor_email"] == "new@a.test" and audit[0]["target_id"] == invitation["id"]
    everything = str(tenant_a.hr.get(tenant_a.url("/audit?per_page=200")).get_json())
    assert token not in everything and NEW_PASSWORD not in everything


def test_existing_account_gets_a_membership_with_its_own_password(client, tenant_a, tenant_b, mailbox):
    r = _invite(tenant_b, email="hr@tenant-a.test", role="employee", employee_id=tenant_b.employee_id)
    assert r.status_code == 409  # the employee is linked to a login already
    r = _invite(tenant_b, email="HR@tenant-a.test", role="hr_admin")
    assert r.status_code == 201, r.get_json()
    token = _token(mailbox[-1])
    assert client.get(f"/api/v1/invitations/{token}").get_json()["existing_account"] is True
    r = client.post(f"/api/v1/invitations/{token}/accept", json={"password": "not-my-password-at-all"})
    assert r.status_code == 401
    r = client.post(f"/api/v1/invitations/{token}/accept", json={"password": PASSWORD})
    assert r.status_code == 201 and r.get_json()["tenant"] == "tenant-b"
    login(client, "hr@tenant-a.test", tenant="tenant-a")
    login(client, "hr@tenant-a.test", tenant="tenant-b")


def test_conflicts_and_validation(tenant_a, operator, mailbox):
    assert _invite(tenant_a, email="hr@tenant-a.test").status_code == 409
    assert _invite(tenant_a, email=operator.user["email"]).status_code == 409
    r = _invite(tenant_a, email="not-an-address", role="boss", employee_id="0190e1a0-0000-7000-8000-000000000000")
    assert r.status_code == 422 and {"email", "role"} <= set(r.get_json()["errors"])
    r = _invite(tenant_a, role="employee", employee_id="0190e1a0-0000-7000-8000-000000000000")
    assert r.status_code == 422 and "employee_id" in r.get_json()["errors"]
    assert tenant_a.employee.post(tenant_a.url("/invitations"), json={"email": "x@a.test", "role": "employee"}
                                  ).status_code == 403


def test_inviting_again_replaces_and_revoke_kills_the_link(client, tenant_a, mailbox):
    first = _invite(tenant_a).get_json()
    first_token = _token(mailbox[-1])
    second = _invite(tenant_a).get_json()
    second_token = _token(mailbox[-1])
    assert first_token != second_token
    assert tenant_a.hr.get(tenant_a.url(f"/invitations/{first['id']}")).get_json()["status"] == "revoked"
    assert client.get(f"/api/v1/invitations/{first_token}").status_code == 404
    listed = tenant_a.hr.get(tenant_a.url("/invitations?status=pending")).get_json()
    assert [i["id"] for i in listed["items"]] == [second["id"]] and listed["total"] == 1
    r = tenant_a.hr.delete(tenant_a.url(f"/invitations/{second['id']}"))
    assert r.status_code == 200 and r.get_json()["status"] == "revoked"
    assert tenant_a.hr.delete(tenant_a.url(f"/invitations/{second['id']}")).status_code == 409
    assert client.post(f"/api/v1/invitations/{second_token}/accept", json={"password": NEW_PASSWORD}).status_code == 404
    actions = [e["action"] for e in tenant_a.hr.get(tenant_a.url("/audit?per_page=200")).get_json()["items"]]
    assert actions.count("invitation.revoke") == 2 and actions.count("invitation.create") == 2


def test_expired_invitation_reads_expired_and_its_link_is_dead(app, client, tenant_a, mailbox):
    invitation = _invite(tenant_a).get_json()
    token = _token(mailbox[-1])
    with tenancy.all_tenants():
        db.session.execute(sa.update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert tenant_a.hr.get(tenant_a.url(f"/invitations/{invitation['id']}")).get_json()["status"] == "expired"
    assert tenant_a.hr.get(tenant_a.url("/invitations?status=expired")).get_json()["total"] == 1
    assert client.post(f"/api/v1/invitations/{token}/accept", json={"password": NEW_PASSWORD}).status_code == 404
    assert tenant_a.hr.delete(tenant_a.url(f"/invitations/{invitation['id']}")).status_code == 409


def test_other_tenants_invitations_are_invisible(tenant_a, tenant_b, mailbox, isolation):
    b_invitation = _invite(tenant_b, email="new@b.test").get_json()
    assert tenant_a.hr.get(tenant_a.url(f"/invitations/{b_invitation['id']}")).status_code == 404
    assert tenant_a.hr.get(tenant_a.url("/invitations")).get_json()["total"] == 0
    assert tenant_a.hr.get(tenant_b.url("/invitations")).status_code == 404


def test_tenant_created_with_its_first_hr_admins_invitation(client, operator, mailbox):
    r = operator.post("/api/v1/tenants", json={"slug": "newco", "name": "NewCo", "admin_email": "nope"})
    assert r.status_code == 422 and "admin_email" in r.get_json()["errors"]
    assert operator.get("/api/v1/tenants/newco").status_code == 404
    r = operator.post("/api/v1/tenants", json={"slug": "newco", "name": "NewCo", "admin_email": "Boss@NewCo.test"})
    assert r.status_code == 201, r.get_json()
    invitation = r.get_json()["invitation"]
    assert invitation["email"] == "boss@newco.test" and invitation["role"] == "hr_admin"
    assert invitation["invited_by"]["email"] == operator.user["email"]
    [message] = list(mailbox)
    assert "NewCo" in message.get_content()
    r = client.post(f"/api/v1/invitations/{_token(message)}/accept", json={"password": NEW_PASSWORD})
    assert r.status_code == 201 and r.get_json()["tenant"] == "newco"
    assert "invitation" not in operator.post("/api/v1/tenants", json={"slug": "other", "name": "O"}).get_json()


def test_failed_accepts_are_rate_limited_like_sign_ins(app, client, tenant_a, tenant_b, mailbox):
    _invite(tenant_b, email="hr@tenant-a.test")
    token = _token(mailbox[-1])
    for _ in range(5):
        assert client.post(f"/api/v1/invitations/{token}/accept", json={"password": "wrong-password-x"}
                           ).status_code == 401
    r = client.post(f"/api/v1/invitations/{token}/accept", json={"password": PASSWORD})
    assert r.status_code == 429 and r.mimetype == "application/problem+json"
    assert tenant_b.hr.get(tenant_b.url("/invitations?status=pending")).get_json()["total"] == 1
