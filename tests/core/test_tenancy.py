"""ORM-level isolation (DESIGN decisions 1–2a): automatic filter, loud error
without a tenant, stamping, and composite foreign keys in the database."""
import uuid

import pytest
import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.auth.models import Membership, User
from hrbpo.core.api.base import get_or_404
from hrbpo.core.db import db
from hrbpo.core.people.models import Employee
from hrbpo.core.tenants.models import Tenant


def _tenant(slug):
    return db.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).one()


def test_orm_query_sees_only_current_tenant(tenant_a, tenant_b):
    a, b = _tenant(tenant_a.slug), _tenant(tenant_b.slug)
    with tenancy.tenant_context(a):
        ids = {str(e.id) for e in db.session.scalars(sa.select(Employee))}
        # Explicitly asking for B's row by id still finds nothing.
        stolen = db.session.scalars(sa.select(Employee).where(Employee.id == uuid.UUID(tenant_b.employee_id))).all()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Employee))
    assert ids == {tenant_a.employee_id}
    assert stolen == [] and count == 1
    with tenancy.tenant_context(b):
        assert {str(e.id) for e in db.session.scalars(sa.select(Employee))} == {tenant_b.employee_id}


def test_orm_filter_applies_to_joins_and_relationships(tenant_a, tenant_b):
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        rows = db.session.execute(
            sa.select(Membership, Employee).join(Employee, Employee.id == Membership.employee_id, isouter=True)
        ).all()
    assert {str(m.tenant_id) for m, _ in rows} == {tenant_a.id}
    assert all(e is None or str(e.tenant_id) == tenant_a.id for _, e in rows)


def test_orm_bulk_update_and_delete_stay_in_tenant(tenant_a, tenant_b):
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        db.session.execute(sa.update(Employee).values(job_title="Changed"))
        db.session.execute(sa.delete(Membership).where(Membership.role == "employee"))
        db.session.commit()
    with tenancy.tenant_context(_tenant(tenant_b.slug)):
        employee = db.session.get(Employee, (uuid.UUID(tenant_b.id), uuid.UUID(tenant_b.employee_id)))
        roles = db.session.scalars(sa.select(Membership.role)).all()
    assert employee.job_title is None
    assert sorted(roles) == ["employee", "hr_admin"]


def test_query_without_tenant_raises(tenant_a):
    with pytest.raises(tenancy.TenantNotSet, match="Employee"):
        db.session.scalars(sa.select(Employee)).all()
    with pytest.raises(tenancy.TenantNotSet):
        db.session.execute(sa.update(Employee).values(job_title="x"))
    with pytest.raises(tenancy.TenantNotSet):
        tenancy.require_tenant_id()


def test_global_tables_need_no_tenant(tenant_a):
    assert db.session.scalars(sa.select(Tenant.slug)).all() == [tenant_a.slug]
    assert db.session.scalars(sa.select(User)).all()


def test_new_rows_are_stamped_with_current_tenant(tenant_a):
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        employee = Employee(first_name="New", last_name="Hire", email="new@a.test", hire_date=_date())
        db.session.add(employee)
        db.session.flush()
    assert str(employee.tenant_id) == tenant_a.id
    db.session.rollback()


def test_writing_a_row_for_another_tenant_raises(tenant_a, tenant_b):
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        db.session.add(Employee(tenant_id=uuid.UUID(tenant_b.id), first_name="X", last_name="Y", email="x@y.test",
                                hire_date=_date()))
        with pytest.raises(tenancy.TenantNotSet, match="another tenant"):
            db.session.flush()
    db.session.rollback()


def test_writing_without_tenant_raises(tenant_a):
    db.session.add(Employee(first_name="X", last_name="Y", email="x@y.test", hire_date=_date()))
    with pytest.raises(tenancy.TenantNotSet):
        db.session.flush()
    db.session.rollback()


def test_changing_a_row_loaded_in_another_tenant_raises(tenant_a, tenant_b):
    with tenancy.tenant_context(_tenant(tenant_b.slug)):
        theirs = db.session.scalars(sa.select(Employee)).one()
    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        theirs.job_title = "Hijacked"
        with pytest.raises(tenancy.TenantNotSet, match="another tenant"):
            db.session.flush()
    db.session.rollback()


def test_all_tenants_crosses_explicitly(tenant_a, tenant_b):
    with tenancy.all_tenants():
        ids = {str(e.id) for e in db.session.scalars(sa.select(Employee))}
    assert ids == {tenant_a.employee_id, tenant_b.employee_id}


def test_contexts_nest_and_restore(tenant_a, tenant_b):
    a, b = _tenant(tenant_a.slug), _tenant(tenant_b.slug)
    with tenancy.tenant_context(a):
        with tenancy.tenant_context(b):
            assert tenancy.current_tenant_id() == b.id
            assert db.session.scalars(sa.select(Employee.id)).all() == [uuid.UUID(tenant_b.employee_id)]
        assert tenancy.current_tenant_id() == a.id
        assert db.session.scalars(sa.select(Employee.id)).all() == [uuid.UUID(tenant_a.employee_id)]
    assert tenancy.current_tenant_id() is None


def test_get_or_404_never_returns_another_tenants_row(app, tenant_a, tenant_b):
    from werkzeug.exceptions import NotFound

    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        assert str(get_or_404(Employee, tenant_a.employee_id).id) == tenant_a.employee_id
        with pytest.raises(NotFound):
            get_or_404(Employee, tenant_b.employee_id)
        with pytest.raises(NotFound):
            get_or_404(Employee, "not-a-uuid")


def test_composite_fk_refuses_cross_tenant_reference_via_orm(tenant_a, tenant_b):
    """A membership in A pointing at B's employee: the database refuses it."""
    user = User(email="newcomer@a.test")
    db.session.add(user)
    db.session.flush()
    with tenancy.all_tenants():
        db.session.add(Membership(tenant_id=uuid.UUID(tenant_a.id), user_id=user.id, role="employee",
                                  employee_id=uuid.UUID(tenant_b.employee_id)))
        with pytest.raises(sa.exc.IntegrityError, match="(?i)foreign key"):
            db.session.flush()
        db.session.rollback()


def test_composite_fk_refuses_cross_tenant_reference_via_raw_sql(tenant_a, tenant_b, owner_sql):
    """Even the table owner (no ORM filter, no RLS) cannot point A's row at B's employee."""
    user_id = owner_sql("SELECT id FROM users WHERE email = :e", {"e": f"hr@{tenant_b.slug}.test"})[0][0]
    with pytest.raises(sa.exc.IntegrityError, match="(?i)foreign key"):
        owner_sql("INSERT INTO memberships (tenant_id, id, user_id, role, employee_id, created_at) "
                  "VALUES (:t, :i, :u, 'employee', :e, CURRENT_TIMESTAMP)",
                  {"t": _uuid_param(tenant_a.id), "i": _uuid_param(str(uuid.uuid4())), "u": user_id,
                   "e": _uuid_param(tenant_b.employee_id)})
    # The same statement with A's own employee is accepted: the key, not the SQL, refused it.
    owner_sql("INSERT INTO memberships (tenant_id, id, user_id, role, employee_id, created_at) "
              "VALUES (:t, :i, :u, 'employee', :e, CURRENT_TIMESTAMP)",
              {"t": _uuid_param(tenant_a.id), "i": _uuid_param(str(uuid.uuid4())), "u": user_id,
               "e": _uuid_param(tenant_a.employee_id)})


def _uuid_param(value: str):
    """UUIDs as each backend stores them (SQLite: 32 hex digits, no dashes)."""
    return uuid.UUID(value).hex if db.engine.dialect.name == "sqlite" else uuid.UUID(value)


def _date():
    from datetime import date

    return date(2024, 1, 1)


def test_a_statement_built_once_is_scoped_to_whichever_tenant_runs_it(tenant_a, tenant_b, count_queries):
    """Hot statements are built once per process and reused (the tenant filter
    is a bound parameter, not baked into the statement): reusing one must
    never carry one tenant's filter into another's request."""
    a, b = _tenant(tenant_a.slug), _tenant(tenant_b.slug)
    statement = sa.select(Employee.id, Employee.tenant_id)
    seen = {}
    with count_queries() as q:
        for tenant in (a, b, a, b):
            with tenancy.tenant_context(tenant):
                rows = db.session.execute(statement).all()
            seen.setdefault(str(tenant.id), set()).update(str(row.tenant_id) for row in rows)
    assert seen == {tenant_a.id: {tenant_a.id}, tenant_b.id: {tenant_b.id}}
    # The ORM filter is in the SQL itself (RLS alone would hide B's rows on PostgreSQL).
    assert all("tenant_id =" in sql for sql in q.statements)


def test_bulk_update_by_primary_key_stays_in_tenant(tenant_a, tenant_b):
    """executemany through the ORM: every parameter set gets the tenant."""
    a = _tenant(tenant_a.slug)
    with tenancy.tenant_context(a):
        db.session.execute(sa.update(Employee), [{"tenant_id": a.id, "id": uuid.UUID(tenant_a.employee_id),
                                                   "job_title": "Bulk"}])
        db.session.commit()
        assert db.session.scalar(sa.select(Employee.job_title)) == "Bulk"
    with tenancy.tenant_context(_tenant(tenant_b.slug)):
        assert db.session.scalar(sa.select(Employee.job_title)) is None


def test_memoised_scoped_statements_die_with_their_statements(tenant_a):
    """The scoped copy of each statement object is memoised weakly: statements
    built per request must not pile up (a leak per request otherwise)."""
    import gc

    from hrbpo.core import db as database
    from hrbpo.core.api import base

    with tenancy.tenant_context(_tenant(tenant_a.slug)):
        scoped, pages = len(database._scoped_statements), len(base._page_statements)
        for i in range(50):
            statement = sa.select(Employee).where(Employee.first_name == f"name {i}")
            base.paginate(statement, {"page": 1, "per_page": 5})
            db.session.scalars(sa.select(Employee.id).where(Employee.job_title == f"t {i}")).all()
        del statement
        gc.collect()
        assert len(database._scoped_statements) <= scoped and len(base._page_statements) <= pages
