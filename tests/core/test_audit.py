"""Audit log: every change recorded, masked, chained; tampering detected."""
import uuid

from hrbpo.core import audit
from hrbpo.core.db import db

NEW = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@a.test", "hire_date": "2024-02-01",
       "national_id": "987-65-4321"}


def _events(kit, client=None):
    return (client or kit.hr).get(kit.url("/audit?per_page=200")).get_json()["items"]


def test_changes_are_recorded_with_actor_and_request_id(tenant_a):
    r = tenant_a.hr.post(tenant_a.url("/employees"), json=NEW, headers={"X-Request-Id": "req-123"})
    employee_id = r.get_json()["id"]
    tenant_a.hr.patch(tenant_a.url(f"/employees/{employee_id}"), json={"job_title": "Countess", "national_id": "1111"},
                      headers={"X-Request-Id": "req-456"})
    events = _events(tenant_a)
    create = next(e for e in events if e["action"] == "employee.create" and e["target_id"] == employee_id)
    assert create["actor_email"] == f"hr@{tenant_a.slug}.test" and create["request_id"] == "req-123"
    assert create["target_type"] == "Employee" and create["changes"]["national_id"] == "***"
    assert create["changes"]["first_name"] == "Ada"
    update = next(e for e in events if e["action"] == "employee.update")
    assert update["request_id"] == "req-456" and update["changes"]["job_title"] == [None, "Countess"]
    assert update["changes"]["national_id"] == "***" and "1111" not in str(update)


def test_newest_first_and_every_kind_of_change(operator, tenant_a):
    actions = [e["action"] for e in _events(tenant_a, operator)]
    # tenant, employee, users and tokens of the kit, newest first.
    assert actions[-1] == "tenant.create"
    assert {"employee.create", "user.add", "token.create"} <= set(actions)
    seqs = [e["seq"] for e in _events(tenant_a, operator)]
    assert seqs == sorted(seqs, reverse=True)


def test_audit_is_per_tenant_and_not_for_employees(tenant_a, tenant_b):
    assert all(e["target_id"] != tenant_b.employee_id for e in _events(tenant_a))
    assert tenant_a.employee.get(tenant_a.url("/audit")).status_code == 403
    assert tenant_a.hr.get(tenant_b.url("/audit")).status_code == 404


def test_mask_is_recursive():
    masked = audit.mask({"password": "x", "nested": {"token": "t", "ok": 1}, "when": uuid.UUID(int=1)})
    assert masked == {"password": "***", "nested": {"token": "***", "ok": 1}, "when": str(uuid.UUID(int=1))}


def test_verify_passes_on_intact_log_and_names_tampered_event(app, tenant_a, owner_sql):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["hrbpo", "audit", "verify"])
    assert r.exit_code == 0, r.output
    assert "intact" in r.output
    seq = owner_sql("SELECT seq FROM audit_events WHERE action = 'employee.create' AND tenant_id IS NOT NULL")[0][0]
    value = ":c" if db.engine.dialect.name == "sqlite" else "CAST(:c AS json)"
    owner_sql(f"UPDATE audit_events SET changes = {value} WHERE action = 'employee.create' AND seq = :s",
              {"c": '{"first_name": "Mallory"}', "s": seq})
    r = runner.invoke(args=["hrbpo", "audit", "verify"])
    assert r.exit_code == 1
    assert f"seq {seq}" in r.output and "hash mismatch" in r.output
    r = runner.invoke(args=["hrbpo", "audit", "verify", "--tenant", tenant_a.slug])
    assert r.exit_code == 1


def test_verify_detects_deleted_event(app, tenant_a, owner_sql):
    owner_sql("DELETE FROM audit_events WHERE seq = 2 AND tenant_id IS NOT NULL")
    r = app.test_cli_runner().invoke(args=["hrbpo", "audit", "verify"])
    assert r.exit_code == 1 and "seq 3" in r.output


def test_verify_detects_removed_newest_events(app, tenant_a, owner_sql):
    """The chain without its newest events is intact on its own: only the head tells."""
    newest = owner_sql("SELECT max(seq) FROM audit_events WHERE tenant_id = (SELECT id FROM tenants WHERE slug = :t)", {"t": tenant_a.slug})[0][0]
    owner_sql("DELETE FROM audit_events WHERE tenant_id = (SELECT id FROM tenants WHERE slug = :t) AND seq >= :s", {"t": tenant_a.slug, "s": newest - 1})
    r = app.test_cli_runner().invoke(args=["hrbpo", "audit", "verify", "--tenant", tenant_a.slug])
    assert r.exit_code == 1 and f"head says {newest}" in r.output


def test_verify_detects_a_removed_chain(app, tenant_a, owner_sql):
    owner_sql("DELETE FROM audit_heads WHERE tenant_id = (SELECT id FROM tenants WHERE slug = :t)", {"t": tenant_a.slug})
    r = app.test_cli_runner().invoke(args=["hrbpo", "audit", "verify"])
    assert r.exit_code == 1 and "has no head" in r.output


def test_head_follows_every_append(app, tenant_a, owner_sql):
    head = owner_sql("SELECT count, last_hash FROM audit_heads WHERE tenant_id = (SELECT id FROM tenants WHERE slug = :t)", {"t": tenant_a.slug})[0]
    last = owner_sql("SELECT seq, hash FROM audit_events WHERE tenant_id = (SELECT id FROM tenants WHERE slug = :t) ORDER BY seq DESC LIMIT 1",
                     {"t": tenant_a.slug})[0]
    assert tuple(head) == tuple(last)
