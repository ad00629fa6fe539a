"""PostgreSQL row-level security (DESIGN decision 2b): it stops what the ORM
filter would have stopped, on its own, for the non-owner app role."""
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from hrbpo.core import audit, rls, tenancy
from hrbpo.core.auth.models import User
from hrbpo.core.db import db, end_read_only_transaction
from hrbpo.core.tenants.models import Tenant

pytestmark = pytest.mark.postgresql_only


def _tenant(slug):
    return db.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).one()


def test_app_role_is_bound_by_rls(app):
    """The tests would prove nothing as a superuser or the tables' owner."""
    facts = rls.role_is_safe(db.session.connection())
    assert facts["role"] == app.config["HRBPO_APP_ROLE"]
    assert facts["superuser"] is False
    assert facts["bypassrls"] is False
    assert facts["owns_tables"] == 0


def test_every_tenant_table_has_forced_rls(app, owner_sql):
    rows = owner_sql("SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
                     "WHERE relname = ANY(:t)", {"t": rls.tenant_tables(db.metadata)})
    assert {r.relname for r in rows} == set(rls.tenant_tables(db.metadata))
    assert all(r.relrowsecurity and r.relforcerowsecurity for r in rows)
    assert "employees" in {r.relname for r in rows} and "audit_events" in {r.relname for r in rows}


def test_raw_sql_in_tenant_context_sees_only_that_tenant(tenant_a, tenant_b):
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        rows = db.session.execute(text("SELECT id, tenant_id FROM employees")).all()
        stolen = db.session.execute(text("SELECT id FROM employees WHERE id = :i"),
                                    {"i": uuid.UUID(tenant_b.employee_id)}).all()
        memberships = db.session.execute(text("SELECT DISTINCT tenant_id FROM memberships")).scalars().all()
    assert {str(r.id) for r in rows} == {tenant_a.employee_id}
    assert stolen == []
    assert [str(t) for t in memberships] == [tenant_a.id]


def test_raw_sql_without_tenant_sees_nothing(tenant_a, tenant_b):
    db.session.commit()
    assert db.session.execute(text("SELECT count(*) FROM employees")).scalar() == 0
    assert db.session.execute(text("SELECT count(*) FROM memberships")).scalar() == 0
    assert db.session.execute(text("SELECT count(*) FROM audit_events WHERE tenant_id IS NOT NULL")).scalar() == 0


def test_raw_sql_cannot_write_into_another_tenant(tenant_a, tenant_b):
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        changed = db.session.execute(text("UPDATE employees SET job_title = 'x' WHERE id = :i"),
                                     {"i": uuid.UUID(tenant_b.employee_id)}).rowcount
        assert changed == 0
        with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
            db.session.execute(text(
                "INSERT INTO employees (tenant_id, id, first_name, last_name, email, hire_date, employment_type, "
                "hours_per_week, status, created_at) VALUES (:t, :i, 'X', 'Y', 'x@y.test', '2024-01-01', "
                "'full_time', 40, 'active', now())"), {"t": uuid.UUID(tenant_b.id), "i": uuid.uuid4()})
    db.session.rollback()


def test_tenant_setting_does_not_leak_to_the_next_transaction(app, tenant_a, tenant_b):
    """SET LOCAL ends with the transaction: pooled connections start blank."""
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        assert db.session.execute(text("SELECT count(*) FROM employees")).scalar() == 1
        connection_id = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        db.session.commit()
    db.session.close()
    # Every pooled connection (the one just used included) starts with no tenant.
    seen = set()
    for _ in range(3):
        with db.engine.connect() as conn:
            seen.add(conn.execute(text("SELECT pg_backend_pid()")).scalar())
            assert conn.execute(text("SELECT current_setting('hrbpo.tenant_id', true)")).scalar() in (None, "")
            assert conn.execute(text("SELECT count(*) FROM employees")).scalar() == 0
    assert connection_id in seen
    assert db.session.execute(text("SELECT count(*) FROM employees")).scalar() == 0


def test_tenant_switch_inside_a_transaction_reaches_postgres(tenant_a, tenant_b):
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        first = db.session.execute(text("SELECT id FROM employees")).scalars().all()
        with tenancy.tenant_context(_tenant(tenant_b.slug)):
            second = db.session.execute(text("SELECT id FROM employees")).scalars().all()
        again = db.session.execute(text("SELECT id FROM employees")).scalars().all()
    assert [str(i) for i in first] == [tenant_a.employee_id] == [str(i) for i in again]
    assert [str(i) for i in second] == [tenant_b.employee_id]


def test_audit_events_are_append_only_for_the_app_role(tenant_a):
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            db.session.execute(text("UPDATE audit_events SET action = 'forged'"))
        db.session.rollback()
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            db.session.execute(text("DELETE FROM audit_events"))
        db.session.rollback()


def test_settings_follow_savepoints(tenant_a, tenant_b):
    """ROLLBACK TO SAVEPOINT restores the settings of when the savepoint was
    made (SQLAlchemy makes it lazily, at the first statement inside), which
    need not be what was sent last: the next statement must re-send."""
    a, b = _tenant(tenant_a.slug), _tenant(tenant_b.slug)
    with tenancy.tenant_context(a):
        assert db.session.execute(text("SELECT count(*) FROM employees")).scalar() == 1
        nested = db.session.begin_nested()
        with tenancy.tenant_context(b):
            inside = db.session.execute(text("SELECT id FROM employees")).scalars().all()
        nested.rollback()
        after = db.session.execute(text("SELECT id FROM employees")).scalars().all()
    nobody = db.session.execute(text("SELECT count(*) FROM employees")).scalar()
    assert [str(i) for i in inside] == [tenant_b.employee_id]
    assert [str(i) for i in after] == [tenant_a.employee_id]
    assert nobody == 0
    # The same with the savepoint opened after the tenant was sent and left after it.
    with tenancy.tenant_context(a):
        db.session.execute(text("SELECT 1")).scalar()
        nested = db.session.begin_nested()
        db.session.execute(text("SELECT count(*) FROM employees")).scalar()
        nested.rollback()
    assert db.session.execute(text("SELECT count(*) FROM employees")).scalar() == 0
    db.session.rollback()


def test_settings_are_sent_once_per_change(tenant_a, app):
    """Lazily, before the first statement that runs under new settings."""
    sent = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        sent.append(conn.info.get("hrbpo_rls"))

    tenant = _tenant(tenant_a.slug)
    db.session.commit()
    sa.event.listen(db.engine, "before_cursor_execute", spy)
    try:
        with tenancy.tenant_context(tenant):
            with tenancy.all_tenants():
                pass  # switched away and back without a statement: nothing to send
            for _ in range(3):
                db.session.execute(text("SELECT count(*) FROM employees")).scalar()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", spy)
    db.session.rollback()
    # Listeners run in order: ours (registered first) has sent the settings when the spy looks.
    assert sent == [(str(tenant.id), "")] * 3


def test_reads_end_in_commit_so_prepared_statements_survive(app, tenant_a):
    """A GET that only read commits (psycopg forgets prepared statements on
    ROLLBACK); one that wrote without committing still rolls back."""
    ends = []
    listeners = [("commit", lambda conn: ends.append("commit")), ("rollback", lambda conn: ends.append("rollback"))]
    for name, fn in listeners:
        sa.event.listen(db.engine, name, fn)
    try:
        tenant = _tenant(tenant_a.slug)
        with tenancy.tenant_context(tenant):
            db.session.execute(text("SELECT count(*) FROM employees")).scalar()
        end_read_only_transaction()
        with tenancy.tenant_context(tenant):
            db.session.execute(text("UPDATE employees SET job_title = 'unsaved'"))
        end_read_only_transaction()
        db.session.rollback()
        with tenancy.tenant_context(tenant):
            titles = db.session.execute(text("SELECT job_title FROM employees")).scalars().all()
            db.session.execute(text("SELECT 1"))
        end_read_only_transaction(exc=RuntimeError("the view failed"))
        db.session.rollback()
    finally:
        for name, fn in listeners:
            sa.event.remove(db.engine, name, fn)
    assert ends[:3] == ["commit", "rollback", "rollback"]
    assert "unsaved" not in titles


def test_the_app_role_cannot_widen_its_own_scope(tenant_a, tenant_b):
    """Setting hrbpo.all_tenants on the app's connection opens no other tenant's rows."""
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        db.session.execute(text("SELECT 1"))
        db.session.execute(text("SELECT set_config('hrbpo.all_tenants', '1', true)"))
        seen = db.session.execute(text("SELECT id FROM employees")).scalars().all()
        chains = db.session.execute(text("SELECT DISTINCT tenant_id FROM audit_events")).scalars().all()
        db.session.execute(text("SELECT set_config('hrbpo.tenant_id', '', true)"))
        nothing = db.session.execute(text("SELECT count(*) FROM employees")).scalar()
    db.session.rollback()
    assert [str(i) for i in seen] == [tenant_a.employee_id]
    assert [str(t) for t in chains] == [tenant_a.id]
    assert nothing == 0


def test_all_tenants_runs_on_the_operator_connection(app, tenant_a, tenant_b):
    with tenancy.all_tenants():
        user = db.session.execute(text("SELECT current_user")).scalar()
        employees = db.session.execute(text("SELECT count(*) FROM employees")).scalar()
    db.session.rollback()
    assert user != app.config["HRBPO_APP_ROLE"] and employees == 2


def test_identity_lookup_reads_memberships_only(tenant_a, tenant_b):
    with tenancy.identity_lookup():
        user = db.session.execute(text("SELECT current_user")).scalar()
        tenants = db.session.execute(text("SELECT DISTINCT tenant_id FROM memberships")).scalars().all()
        employees = db.session.execute(text("SELECT count(*) FROM employees")).scalar()
    db.session.rollback()
    assert {str(t) for t in tenants} == {tenant_a.id, tenant_b.id}
    assert employees == 0 and user == db.session.execute(text("SELECT current_user")).scalar()


def test_the_app_role_cannot_delete_a_tenant(tenant_a):
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
        db.session.execute(text("DELETE FROM tenants"))
    db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM tenants")).scalar() == 1


def test_the_audit_log_refuses_rewrites_even_with_privileges(app, tenant_a, owner_sql):
    """A grant given by mistake still meets the trigger; the head only moves forward."""
    role = app.config["HRBPO_APP_ROLE"]
    owner_sql(f'GRANT UPDATE, DELETE ON audit_events, audit_heads TO "{role}"')
    try:
        tenant = _tenant(tenant_a.slug)
        for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events",
                          "DELETE FROM audit_heads", "UPDATE audit_heads SET count = count - 1"):
            with tenancy.tenant_context(tenant):
                with pytest.raises(sa.exc.ProgrammingError, match="append-only"):
                    db.session.execute(text(statement))
            db.session.rollback()
    finally:
        owner_sql(f'REVOKE UPDATE, DELETE ON audit_events FROM "{role}"')
        owner_sql(f'REVOKE DELETE ON audit_heads FROM "{role}"')


def test_a_separate_operator_role_crosses_tenants_and_the_app_role_still_does_not(app, tenant_a, tenant_b, owner_sql):
    """HRBPO_OPERATOR_DATABASE_URL may log in as a role of its own instead of the owner."""
    role = f"{app.config['HRBPO_APP_ROLE']}_operator"
    if not owner_sql("SELECT 1 FROM pg_roles WHERE rolname = :r", {"r": role}):
        owner_sql(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS')
    owner = sa.create_engine(app.config["HRBPO_MIGRATE_DATABASE_URL"])
    with owner.begin() as conn:
        rls.apply(conn, db.metadata, app.config["HRBPO_APP_ROLE"], operator_role=role)
    owner.dispose()
    url = sa.engine.make_url(app.config["HRBPO_MIGRATE_DATABASE_URL"]).set(username=role)
    operator = sa.create_engine(url)
    try:
        with operator.begin() as conn:
            conn.execute(text("SELECT set_config('hrbpo.all_tenants', '1', true)"))
            assert conn.execute(text("SELECT count(*) FROM employees")).scalar() == 2
    finally:
        operator.dispose()
    db.session.execute(text("SELECT set_config('hrbpo.all_tenants', '1', true)"))
    assert db.session.execute(text("SELECT count(*) FROM employees")).scalar() == 0
    db.session.rollback()


def test_work_pending_in_a_tenant_goes_out_before_crossing(app, tenant_a):
    """A row locked on the app's connection and changed there, then a platform
    audit event (all tenants): the change must not wait on its own lock from
    the operator's connection (it once hung a sign-in with a backup code)."""
    with tenancy.all_tenants():
        db.session.execute(text("SET LOCAL lock_timeout = '3s'"))  # fail, not hang, before the fix
    user = db.session.scalars(sa.select(User).where(User.email == f"hr@{tenant_a.slug}.test")).one()
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    user.backup_codes = ["spent"]
    audit.record("user.test", user, tenant_id=None)
    db.session.commit()
    assert db.session.scalars(sa.select(User.backup_codes).where(User.id == user.id)).one() == ["spent"]


def test_a_read_only_end_commits_only_when_both_connections_only_read(app, tenant_a):
    """The teardown's COMMIT of a request that only read must not commit a
    write made on the operator's connection."""
    ends = []

    def listener(conn):
        ends.append("commit")

    sa.event.listen(sa.engine.Engine, "commit", listener)
    try:
        tenant = _tenant(tenant_a.slug)
        with tenancy.tenant_context(tenant):
            db.session.execute(text("SELECT count(*) FROM employees")).scalar()
        with tenancy.all_tenants():
            db.session.execute(text("SELECT count(*) FROM employees")).scalar()
        end_read_only_transaction()
        assert ends == ["commit", "commit"]
        with tenancy.tenant_context(tenant):
            db.session.execute(text("SELECT count(*) FROM employees")).scalar()
        with tenancy.all_tenants():
            db.session.execute(text("UPDATE employees SET job_title = 'unsaved'"))
        end_read_only_transaction()
        db.session.rollback()
    finally:
        sa.event.remove(sa.engine.Engine, "commit", listener)
    assert ends == ["commit", "commit"]
    with tenancy.all_tenants():
        assert "unsaved" not in db.session.execute(text("SELECT job_title FROM employees")).scalars().all()
    db.session.rollback()
