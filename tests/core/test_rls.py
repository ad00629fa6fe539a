"""PostgreSQL row-level security (DESIGN decision 2b): it stops what the ORM
filter would have stopped, on its own, for the non-owner app role."""
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from hrbpo.core import rls, tenancy
from hrbpo.core.db import db
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
