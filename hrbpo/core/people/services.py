"""Employees and the logins that belong to a tenant."""
import functools
from datetime import date

import sqlalchemy as sa
from flask import g

from hrbpo.core import audit, tenancy
from hrbpo.core.accounts import policy
from hrbpo.core.auth.models import Membership, User
from hrbpo.core.auth.passwords import hash_password
from hrbpo.core.auth.services import find_user, normalise_email
from hrbpo.core.db import db, lock
from hrbpo.core.errors import Conflict, Invalid, NotFound
from hrbpo.core.people.models import Employee
from hrbpo.core.people.names import search_key
from hrbpo.core.plugins.manager import emit
from hrbpo.core.tenants.models import Tenant
from hrbpo.core.webhooks import events as webhooks

FIELDS = ("first_name", "last_name", "email", "hire_date", "date_of_birth", "employment_type", "hours_per_week",
          "department", "location", "job_title", "phone", "employee_number", "manager_id")


def current_tenant():
    tenant = g.get("tenant") if g else None
    return tenant if tenant is not None else db.session.get(Tenant, tenancy.require_tenant_id())


def _email_taken(email, exclude_id=None) -> bool:
    query = sa.select(Employee.id).where(Employee.email == email)
    if exclude_id is not None:
        query = query.where(Employee.id != exclude_id)
    return db.session.scalars(query).first() is not None


# Words of a search beyond this many are ignored (each one is a LIKE).
MAX_SEARCH_WORDS = 4


def employee_query(q=None, status=None, department=None, location=None) -> tuple[sa.Select, dict]:
    """Employees by name, filtered: the statement, built once per combination
    of filters (the busiest list of all), and the values of its parameters.
    `q` matches when every word of it is in the name, case and accents aside
    ("ase odegard" finds Åse Ødegård), or when it is part of the email."""
    words = search_key(q).split()[:MAX_SEARCH_WORDS] if q else []
    values = {"q_like": f"%{_like_escape(q.lower())}%" if q else None, "status": status, "department": department,
              "location": location}
    values.update({f"word_{i}": f"%{_like_escape(word)}%" for i, word in enumerate(words)})
    values = {name: value for name, value in values.items() if value}
    return _employee_select(frozenset(values)), values


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@functools.cache
def _employee_select(filters: frozenset) -> sa.Select:
    query = sa.select(Employee).order_by(Employee.last_name, Employee.first_name, Employee.id)
    if "q_like" in filters:
        words = sorted(name for name in filters if name.startswith("word_"))
        matches = [Employee.email.like(sa.bindparam("q_like"), escape="\\")]
        if words:
            matches.append(sa.and_(*(Employee.name_key.like(sa.bindparam(word), escape="\\") for word in words)))
        query = query.where(sa.or_(*matches))
    if "status" in filters:
        query = query.where(Employee.status == sa.bindparam("status"))
    if "department" in filters:
        query = query.where(Employee.department == sa.bindparam("department"))
    if "location" in filters:
        query = query.where(Employee.location == sa.bindparam("location"))
    return query


def locations() -> list[str]:
    """The tenant's locations in use, sorted (what a location filter offers)."""
    return db.session.scalars(sa.select(Employee.location).where(Employee.location.is_not(None))
                              .distinct().order_by(Employee.location)).all()


def _check_manager(manager_id, employee_id=None):
    """A manager is another employee of this tenant (an id from elsewhere → 422)."""
    if manager_id is None:
        return
    if manager_id == employee_id or db.session.scalars(
            sa.select(Employee.id).where(Employee.id == manager_id)).first() is None:
        raise Invalid({"manager_id": ["No other employee with this id in this tenant."]})


def create_employee(data: dict, *, source="manual", fire=True) -> Employee:
    data = dict(data)
    _check_manager(data.get("manager_id"))
    data["email"] = normalise_email(data["email"])
    if _email_taken(data["email"]):
        raise Conflict(f"An employee with email {data['email']} already exists in this tenant.")
    employee = Employee(**{k: v for k, v in data.items() if k in FIELDS})
    employee.set_national_id(data.get("national_id"))
    db.session.add(employee)
    db.session.flush()
    audit.record("employee.create", employee, {**{k: data.get(k) for k in FIELDS if k in data},
                                                "national_id": data.get("national_id")})
    webhooks.emit("employee.created", {**webhooks.employee_data(employee), "source": source},
                  resource=f"employee:{employee.id}")
    if fire:
        emit(current_tenant(), "employee_hired", employee=employee, source=source)
    return employee


def update_employee(employee: Employee, changes: dict) -> Employee:
    """Apply a PATCH. A termination date (or status `terminated`) terminates
    the employee; status `active` rehires (clears the termination date)."""
    lock(employee)  # terminating is a transition: its hooks must fire once
    changes = dict(changes)
    if "manager_id" in changes:
        _check_manager(changes["manager_id"], employee.id)
    if "email" in changes:
        changes["email"] = normalise_email(changes["email"])
        if _email_taken(changes["email"], employee.id):
            raise Conflict(f"An employee with email {changes['email']} already exists in this tenant.")
    if changes.get("termination_date") or changes.get("status") == "terminated":
        changes["status"] = "terminated"
        changes["termination_date"] = changes.get("termination_date") or employee.termination_date or date.today()
    elif changes.get("status") == "active":
        changes["termination_date"] = None
    hire_date = changes.get("hire_date", employee.hire_date)
    if changes.get("termination_date") and changes["termination_date"] < hire_date:
        raise Invalid({"termination_date": ["Must not be before the hire date."]})
    terminating = changes.get("status") == "terminated" and employee.status != "terminated"
    diff = {}
    for key, value in changes.items():
        current = employee.national_id if key == "national_id" else getattr(employee, key)
        if current == value:
            continue
        diff[key] = [current, value]
        if key == "national_id":
            employee.set_national_id(value)
        else:
            setattr(employee, key, value)
    if not diff:
        return employee
    db.session.flush()
    audit.record("employee.terminate" if terminating else "employee.update", employee, diff)
    tenant = current_tenant()
    data, resource = webhooks.employee_data(employee), f"employee:{employee.id}"
    if terminating:
        webhooks.emit("employee.terminated", data, resource=resource)
        emit(tenant, "employee_terminated", employee=employee)
    else:
        webhooks.emit("employee.updated", {**data, "changed": sorted(diff)}, resource=resource)
        emit(tenant, "employee_updated", employee=employee, changes=diff)
    return employee


def add_user(email, role, password=None, employee_id=None) -> tuple[User, Membership]:
    """Give someone a login in the current tenant. An existing user (known from
    another tenant) gains a membership here; their password is left alone."""
    email = normalise_email(email)
    if employee_id is not None:
        if db.session.scalars(sa.select(Employee.id).where(Employee.id == employee_id)).first() is None:
            raise Invalid({"employee_id": ["No employee with this id in this tenant."]})
    elif role == "employee":
        employee_id = db.session.scalars(sa.select(Employee.id).where(Employee.email == email)).first()
    user = find_user(email)
    if user is None:
        if password:
            policy.validate(password, email)
        user = User(email=email, password_hash=hash_password(password) if password else None)
        db.session.add(user)
        db.session.flush()
    elif db.session.scalars(sa.select(Membership.id).where(Membership.user_id == user.id)).first():
        raise Conflict(f"{email} already has a login in this tenant.")
    if employee_id is not None and db.session.scalars(
        sa.select(Membership.id).where(Membership.employee_id == employee_id)
    ).first():
        raise Conflict("That employee is already linked to another login.")
    membership = Membership(user_id=user.id, role=role, employee_id=employee_id)
    db.session.add(membership)
    db.session.flush()
    audit.record("user.add", membership, {"email": email, "role": role, "employee_id": employee_id})
    return user, membership


def tenant_users_query():
    return sa.select(Membership).join(User, User.id == Membership.user_id).order_by(User.email)


def get_membership(user_id) -> Membership:
    membership = db.session.scalars(sa.select(Membership).where(Membership.user_id == user_id)).first()
    if membership is None:
        raise NotFound("No such user in this tenant.")
    return membership


def update_membership(membership: Membership, changes: dict) -> Membership:
    diff = {k: [getattr(membership, k), v] for k, v in changes.items() if getattr(membership, k) != v}
    for key, value in changes.items():
        setattr(membership, key, value)
    if diff:
        audit.record("user.update", membership, diff)
    return membership


def remove_user(membership: Membership):
    audit.record("user.remove", membership, {"email": membership.user.email, "role": membership.role})
    db.session.delete(membership)
