"""Operators and operator groups (shared/api/accounts.md): roles, groups,
operator invitations (mail through a real local SMTP server), deactivation,
the operator log, /me."""
import re

from hrbpo.testing import PASSWORD, ApiClient, login

LINK = re.compile(r"https?://\S+/invite/([A-Za-z0-9_.-]+[A-Za-z0-9_-])")
NEW_PASSWORD = "violet-lantern-harbour"


def _token(message) -> str:
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(1)


def scoped_operator(client, operator, mailbox, email, group_ids) -> ApiClient:
    """Invite a scoped operator into `group_ids` and accept: their API client."""
    r = operator.post("/api/v1/operators", json={"email": email, "role": "operator", "group_ids": group_ids})
    assert r.status_code == 201, r.get_json()
    token = _token(mailbox[-1])
    r = client.post(f"/api/v1/invitations/{token}/accept", json={"password": PASSWORD})
    assert r.status_code == 201, r.get_json()
    return ApiClient(client, r.get_json()["token"], r.get_json()["user"])


def test_operator_invitation_is_mailed_and_accepted(client, operator, tenant_a, smtp_server, worker):
    smtp_server.use()
    group = operator.post("/api/v1/operator-groups", json={"name": "Region A", "tenant_slugs": ["tenant-a"]})
    assert group.status_code == 201, group.get_json()
    group = group.get_json()
    assert group["tenant_slugs"] == ["tenant-a"]
    r = operator.post("/api/v1/operators", json={"email": "Pat@BPO.test", "role": "operator",
                                                 "group_ids": [group["id"]]})
    assert r.status_code == 201, r.get_json()
    invited = r.get_json()
    assert invited["email"] == "pat@bpo.test" and invited["status"] == "invited" and invited["active"] is True
    assert invited["role"] == "operator" and invited["group_ids"] == [group["id"]] and "token" not in invited
    worker.run()
    [message] = smtp_server.received
    assert message["To"] == "pat@bpo.test" and message["Content-Language"] == "en"
    token = _token(message)
    preview = client.get(f"/api/v1/invitations/{token}").get_json()
    assert preview["tenant"] is None and preview["role"] == "operator" and preview["existing_account"] is False
    assert client.post(f"/api/v1/invitations/{token}/accept", json={"password": "password1234"}).status_code == 422
    r = client.post(f"/api/v1/invitations/{token}/accept", json={"password": NEW_PASSWORD})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["tenant"] is None and body["user"]["role"] == "operator"
    assert client.post(f"/api/v1/invitations/{token}/accept", json={"password": NEW_PASSWORD}).status_code == 404
    assert operator.get(f"/api/v1/operators/{invited['id']}").get_json()["status"] == "active"
    me = ApiClient(client, body["token"]).get("/api/v1/me").get_json()
    assert me["operator_role"] == "operator" and me["operator_groups"] == [{"id": group["id"], "name": "Region A"}]
    assert operator.get("/api/v1/me").get_json()["operator_role"] == "bpo_admin"
    assert tenant_a.hr.get("/api/v1/me").get_json()["operator_role"] is None
    log = operator.get("/api/v1/audit?action=invitation.accept").get_json()["items"]
    assert log[0]["actor_email"] == "pat@bpo.test" and token not in str(operator.get("/api/v1/audit").get_json())


def test_groups_validation_conflicts_and_audit(operator, tenant_a, tenant_b):
    r = operator.post("/api/v1/operator-groups", json={"name": "", "tenant_slugs": []})
    assert r.status_code == 422 and "name" in r.get_json()["errors"]
    r = operator.post("/api/v1/operator-groups", json={"name": "x" * 101})
    assert r.status_code == 422 and "name" in r.get_json()["errors"]
    r = operator.post("/api/v1/operator-groups", json={"name": "North", "tenant_slugs": ["nope"]})
    assert r.status_code == 422 and "tenant_slugs" in r.get_json()["errors"]
    group = operator.post("/api/v1/operator-groups", json={"name": "North", "tenant_slugs": ["tenant-a"]}).get_json()
    assert operator.post("/api/v1/operator-groups", json={"name": "NORTH"}).status_code == 409
    r = operator.patch(f"/api/v1/operator-groups/{group['id']}", json={"tenant_slugs": ["tenant-b", "tenant-a"]})
    assert r.status_code == 200 and r.get_json()["tenant_slugs"] == ["tenant-a", "tenant-b"]
    listed = operator.get("/api/v1/operator-groups").get_json()
    assert listed["total"] == 1 and listed["items"][0]["name"] == "North"
    assert operator.delete(f"/api/v1/operator-groups/{group['id']}").status_code == 204
    assert operator.get(f"/api/v1/operator-groups/{group['id']}").status_code == 404
    actions = [e["action"] for e in operator.get("/api/v1/audit?per_page=200").get_json()["items"]]
    for action in ("operator_group.create", "operator_group.update", "operator_group.delete"):
        assert action in actions
    update = operator.get("/api/v1/audit?action=operator_group.update").get_json()["items"][0]
    assert update["target_id"] == group["id"] and update["actor_email"] == operator.user["email"]


def test_operator_validation_role_changes_and_the_last_admin(client, operator, tenant_a, mailbox):
    r = operator.post("/api/v1/operators", json={"email": "nope", "role": "operator", "group_ids": []})
    assert r.status_code == 422 and "email" in r.get_json()["errors"]
    r = operator.post("/api/v1/operators", json={"email": "a@bpo.test", "role": "root", "group_ids": []})
    assert r.status_code == 422 and "role" in r.get_json()["errors"]
    r = operator.post("/api/v1/operators", json={"email": "a@bpo.test", "role": "operator",
                                                 "group_ids": ["0190e2a4-0000-7000-8000-000000000000"]})
    assert r.status_code == 422 and "group_ids" in r.get_json()["errors"]
    r = operator.post("/api/v1/operators", json={"email": "HR@tenant-a.test", "role": "operator", "group_ids": []})
    assert r.status_code == 409
    me = operator.get("/api/v1/me").get_json()
    assert operator.patch(f"/api/v1/operators/{me['id']}", json={"role": "operator"}).status_code == 409
    assert operator.post(f"/api/v1/operators/{me['id']}/deactivate").status_code == 409
    pat = scoped_operator(client, operator, mailbox, "pat@bpo.test", [])
    r = operator.patch(f"/api/v1/operators/{pat.user['id']}", json={"role": "bpo_admin"})
    assert r.status_code == 200 and r.get_json()["role"] == "bpo_admin"
    assert operator.patch(f"/api/v1/operators/{me['id']}", json={"role": "operator"}).status_code == 200
    assert operator.get("/api/v1/audit").status_code == 403  # from this request on
    log = pat.get("/api/v1/audit?action=operator.update").get_json()["items"]
    assert log[0]["changes"]["role"] == ["bpo_admin", "operator"] and log[0]["target_id"] == me["id"]


def test_deactivated_operator_is_signed_out_at_once(client, operator, mailbox):
    pat = scoped_operator(client, operator, mailbox, "pat@bpo.test", [])
    assert pat.get("/api/v1/tenants").status_code == 200
    r = operator.post(f"/api/v1/operators/{pat.user['id']}/deactivate")
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert pat.get("/api/v1/tenants").status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": "pat@bpo.test", "password": PASSWORD}).status_code == 401
    assert operator.post(f"/api/v1/operators/{pat.user['id']}/reactivate").get_json()["active"] is True
    assert pat.get("/api/v1/tenants").status_code == 401  # the old token stays revoked
    login(client, "pat@bpo.test")
    actions = [e["action"] for e in operator.get("/api/v1/audit?action_prefix=operator.").get_json()["items"]]
    assert actions[:3] == ["operator.reactivate", "operator.deactivate", "operator.invite"]


def test_only_bpo_admins_manage(client, operator, tenant_a, mailbox):
    pat = scoped_operator(client, operator, mailbox, "pat@bpo.test", [])
    for caller in (pat, tenant_a.hr, tenant_a.employee):
        for method, url in (("GET", "/api/v1/operators"), ("POST", "/api/v1/operators"),
                            ("GET", "/api/v1/operator-groups"), ("POST", "/api/v1/operator-groups"),
                            ("GET", "/api/v1/audit"), ("POST", "/api/v1/tenants")):
            assert caller.request(method, url, json={}).status_code == 403, (caller.user, method, url)
    assert client.get("/api/v1/operators").status_code == 401
