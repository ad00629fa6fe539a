"""/api/v1/tenants/<slug>/employees… and /users."""
import sqlalchemy as sa
from flask import abort, g

from hrbpo.core.api.base import Blueprint, PageArgs, get_or_404, page_schema, paginate
from hrbpo.core.tenants.gate import tenant_scoped
from hrbpo.core.auth.permissions import current_access, requires
from hrbpo.core.db import db, on_citus
from hrbpo.core.jobs.api import BackgroundJobEnvelopeSchema, accepted, prefers_async
from hrbpo.core.people import importer, imports, services
from hrbpo.core.people.models import Employee
from hrbpo.core.people.schemas import (EmployeeQuerySchema, EmployeeSchema, EmployeeUpdateSchema, ImportFileSchema,
                                       ImportResultSchema, RoleUpdateSchema, TenantUserSchema)

blp = tenant_scoped(Blueprint("people_api", __name__, url_prefix="/api/v1/tenants/<slug>",
                              description="Employees and tenant logins"))


def _employee(employee_id) -> Employee:
    """An employee the caller may see; employees see only themselves (others 404)."""
    if not current_access().may_see_employee(employee_id):
        abort(404, "Employee not found.")
    return get_or_404(Employee, employee_id, "Employee not found.")


@blp.route("/employees", methods=["POST"])
@requires("people.write")
@blp.arguments(EmployeeSchema)
@blp.response(201, EmployeeSchema)
@blp.alt_response(409, description="Email already used in this tenant")
def create_employee(data):
    """Add an employee (fires `employee_hired` to the tenant's modules)."""
    employee = services.create_employee(data)
    db.session.commit()
    return employee


@blp.route("/employees", methods=["GET"])
@blp.arguments(EmployeeQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(EmployeeSchema))
def list_employees(query, page):
    """Employees by name; an employee caller sees only their own record."""
    access = current_access()
    stmt, params = services.employee_query(**query)
    if not access.can("people.read"):
        stmt = stmt.where(Employee.id == access.employee_id) if access.employee_id else stmt.where(sa.false())
        return paginate(stmt, page, rows_for=EmployeeSchema, params=params)
    # Unfiltered, the whole tenant: its headcount is kept, no need to count it
    # (on Citus it is not: the count is the tenant's shard's; migration d5e8f1a3c7b9).
    kept = not query and not on_citus()
    return paginate(stmt, page, rows_for=EmployeeSchema, total=g.tenant.employee_count if kept else None,
                    params=params)


@blp.route("/employees/<uuid:employee_id>", methods=["GET"])
@blp.response(200, EmployeeSchema)
def get_employee(employee_id):
    return _employee(employee_id)


@blp.route("/employees/<uuid:employee_id>", methods=["PATCH"])
@blp.arguments(EmployeeUpdateSchema)
@blp.response(200, EmployeeSchema)
@blp.alt_response(409, description="Email already used in this tenant")
def update_employee(data, employee_id):
    """Change an employee. Setting `termination_date` (or status `terminated`)
    terminates them and fires `employee_terminated`."""
    employee = _employee(employee_id)
    if not current_access().can("people.write"):
        abort(403, "Only HR admins may change employee records.")
    services.update_employee(employee, data)
    db.session.commit()
    return employee


@blp.route("/employees/import", methods=["POST"])
@requires("people.write")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(201, ImportResultSchema)
@blp.alt_response(422, description="Errors keyed by CSV line number; nothing was imported")
@blp.alt_response(202, schema=BackgroundJobEnvelopeSchema, description="With `Prefer: respond-async`: the import's job "
                  "(follow `Location`)")
def import_employees(files):
    """Import employees from CSV (header `first_name,last_name,email,hire_date`
    plus optional `date_of_birth,national_id,employment_type,hours_per_week,
    department,location,job_title,phone`). All or nothing. Does not fire `employee_hired`:
    an import loads an existing workforce. With `Prefer: respond-async` the
    worker imports the file: 202 with the job (`GET /api/v1/jobs/{id}` shows
    its progress, then its result or its errors by line)."""
    if prefers_async():
        job = imports.submit_import(files["file"], g.user.id)
        db.session.commit()
        return accepted(job, g.tenant.slug)
    count = importer.import_employees(files["file"].stream)
    db.session.commit()
    return {"imported": count}


@blp.route("/users", methods=["POST"])
@requires("users.manage")
@blp.arguments(TenantUserSchema)
@blp.response(201, TenantUserSchema)
@blp.alt_response(409, description="Already a member, or the employee is linked to another login")
def add_user(data):
    """Give someone a login in this tenant. An email known from another tenant
    gains a membership here (its password is not changed). Role `employee`
    without `employee_id` links the employee with the same email, if any."""
    user, membership = services.add_user(data["email"], data["role"], data.get("password"), data.get("employee_id"))
    db.session.commit()
    return user_out(membership)


@blp.route("/users", methods=["GET"])
@requires("users.manage")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(TenantUserSchema))
def list_users(page):
    result = paginate(services.tenant_users_query(), page)
    result["items"] = [user_out(m) for m in result["items"]]
    return result


@blp.route("/users/<uuid:user_id>", methods=["PATCH"])
@requires("users.manage")
@blp.arguments(RoleUpdateSchema)
@blp.response(200, TenantUserSchema)
def update_user(data, user_id):
    membership = services.update_membership(services.get_membership(user_id), data)
    db.session.commit()
    return user_out(membership)


@blp.route("/users/<uuid:user_id>", methods=["DELETE"])
@requires("users.manage")
@blp.response(204)
def remove_user(user_id):
    """Remove the user's access to this tenant (their login elsewhere stays)."""
    services.remove_user(services.get_membership(user_id))
    db.session.commit()


def user_out(membership):
    """A membership of the current tenant as the API shows a tenant user."""
    return {"id": membership.user_id, "email": membership.user.email, "role": membership.role,
            "employee_id": membership.employee_id, "tenant": g.tenant.slug, "active": membership.active}


