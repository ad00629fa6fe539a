"""SCIM Users of the current tenant: their logins and employee records kept in
step with what the identity provider writes (shared/api/identity.md, "Users")."""
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g
from pydantic import ValidationError
from scim2_models import (Context, InvalidValueException, MutabilityException, NotFoundException, PatchOp,
                          SCIMException, UniquenessException)

from hrbpo.core import audit, tenancy
from hrbpo.core.accounts import lifecycle
from hrbpo.core.auth.models import Membership, User
from hrbpo.core.db import db, lock, new_id
from hrbpo.core.errors import Conflict
from hrbpo.core.identity.scim import filters
from hrbpo.core.identity.scim.models import ScimUser
from hrbpo.core.identity.scim.resources import (UserResource, as_resource, keep, sign_in_email,
                                                stored)
from hrbpo.core.people import services as people
from hrbpo.core.people.models import Employee

# A User's login here shares its id.
_LOGIN = sa.and_(Membership.tenant_id == ScimUser.tenant_id, Membership.id == ScimUser.id)
# A User, the state of its login here and its employee record: one statement for a page.
_ROWS = (sa.select(ScimUser, Membership.active, Employee)
         .outerjoin(Membership, _LOGIN)
         .outerjoin(Employee, sa.and_(Employee.tenant_id == Membership.tenant_id, Employee.id == Membership.employee_id)))
NAME_LIMIT = 100  # what an employee record holds


def invalid(detail: str) -> InvalidValueException:
    return InvalidValueException(detail=detail)


def read(scim_user: ScimUser, base: str):
    row = db.session.execute(_ROWS.where(ScimUser.id == scim_user.id)).one()
    return as_resource(row[0], row[1], row[2], base)


def find(user_id: str) -> ScimUser:
    try:
        key = uuid.UUID(user_id)
    except ValueError:
        raise NotFoundException(detail="No such User.") from None
    scim_user = db.session.scalars(sa.select(ScimUser).where(ScimUser.id == key)).first()
    if scim_user is None:
        raise NotFoundException(detail="No such User.")
    return scim_user


def page(expression: str | None, start: int, count: int, base: str) -> tuple[int, list]:
    """(totalResults, the Users from `start`, 1-based): the rows and their total in one statement."""
    where = filters.to_sql(expression) if expression else sa.true()
    if count == 0:
        return _total(where), []
    query = (_ROWS.add_columns(sa.func.count().over().label("total")).where(where)
             .order_by(ScimUser.created_at, ScimUser.id).offset(start - 1).limit(count))
    rows = db.session.execute(query).all()
    if not rows:
        return (_total(where) if start > 1 else 0), []
    return rows[0].total, [as_resource(r[0], r[1], r[2], base) for r in rows]


def _total(where) -> int:
    query = (sa.select(sa.func.count()).select_from(ScimUser)
             .outerjoin(Membership, _LOGIN)
             .where(where))
    return db.session.scalar(query)


def parse(payload: dict, context: Context, base: str) -> UserResource:
    try:
        return UserResource.model_validate(keep(payload, lambda value: f"{base}/Users/{value}"), scim_ctx=context)
    except ValidationError as exc:
        raise from_validation(exc) from None


def from_validation(exc: ValidationError):
    """The SCIM error a model's refusal stands for (scimType when it names one)."""
    for error in exc.errors():
        context = error.get("ctx") or {}
        if context.get("scim_type"):
            found = SCIMException(detail=error["msg"])
            found.status, found.scim_type = int(context.get("status", 400)), context["scim_type"]
            return found
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return invalid(f"{where}: {first['msg']}" if where else first["msg"])


def create(resource: UserResource, base: str) -> ScimUser:
    scim_user = ScimUser(id=new_id())
    return _write(scim_user, resource, base, "scim.user.create")


def replace(scim_user: ScimUser, resource: UserResource, base: str) -> ScimUser:
    lock(scim_user)
    return _write(scim_user, resource, base, "scim.user.update")


def patch(scim_user: ScimUser, payload: dict, base: str) -> ScimUser:
    lock(scim_user)
    resource = read(scim_user, base)
    try:
        operation = PatchOp[UserResource].model_validate(payload, scim_ctx=Context.RESOURCE_PATCH_REQUEST)
        operation.patch(resource)
    except ValidationError as exc:
        raise from_validation(exc) from None
    return _write(scim_user, resource, base, "scim.user.update")


def delete(scim_user: ScimUser) -> None:
    """Remove the login from the tenant (its sign-in, sessions and tokens end);
    the employee record and its history stay."""
    lock(scim_user)
    membership = _membership(scim_user.id)
    if membership is not None:
        lifecycle.end_access(membership.user_id)
        db.session.delete(membership)
    db.session.delete(scim_user)
    _audit("scim.user.delete", scim_user, {"userName": scim_user.user_name})


def _membership(scim_id) -> Membership | None:
    return db.session.scalars(sa.select(Membership).where(Membership.id == scim_id)).first()


def _write(scim_user: ScimUser, resource: UserResource, base: str, action: str) -> ScimUser:
    user_name = (resource.user_name or "").strip()
    if not 1 <= len(user_name) <= 254:
        raise invalid("userName is required: 1 to 254 characters.")
    taken = sa.select(ScimUser.id).where(ScimUser.user_name_key == user_name.lower())
    if scim_user.id is not None:
        taken = taken.where(ScimUser.id != scim_user.id)
    if db.session.scalars(taken).first() is not None:
        raise UniquenessException(detail=f"userName {user_name} is taken in this tenant.")
    data = stored(resource)
    manager_id = _manager_employee(resource, scim_user)
    email = sign_in_email(resource)
    if email is not None and len(email) > 254:
        raise invalid("An email has at most 254 characters.")
    before_active = scim_user.active if scim_user.created_at else None
    scim_user.user_name, scim_user.user_name_key = user_name, user_name.lower()
    scim_user.external_id = resource.external_id
    scim_user.attributes, scim_user.active = data, resource.active is not False
    if scim_user.created_at is None:
        db.session.add(scim_user)
        db.session.flush()  # the User exists before a membership takes its id
    membership = _login(scim_user, email)
    scim_user.email = membership.user.email if membership is not None else email
    if membership is not None:
        _employee(membership, resource, email, manager_id)
        if membership.active != scim_user.active:
            lifecycle.set_active(membership.user_id, scim_user.active, None)
    db.session.flush()
    _audit(action, scim_user, {"userName": user_name, "externalId": resource.external_id})
    if before_active is not None and before_active != scim_user.active:
        _audit("scim.user.reactivate" if scim_user.active else "scim.user.deactivate", scim_user, {})
    return scim_user


def _manager_employee(resource: UserResource, scim_user: ScimUser):
    """The employee of the `manager` User (a User of this tenant), or None."""
    extension = getattr(resource, "EnterpriseUser", None)
    manager = extension.manager if extension is not None else None
    if manager is None or manager.value is None:
        return None
    try:
        key = uuid.UUID(manager.value)
    except ValueError:
        raise invalid("manager.value is not a User of this tenant.") from None
    if key == scim_user.id:
        raise invalid("A User is not their own manager.")
    row = db.session.execute(
        sa.select(ScimUser.id, Membership.employee_id)
        .outerjoin(Membership, _LOGIN)
        .where(ScimUser.id == key)).first()
    if row is None:
        raise invalid("manager.value is not a User of this tenant.")
    return row.employee_id


def _login(scim_user: ScimUser, email: str | None) -> Membership | None:
    """The User's login here, made or moved to its sign-in email. Without one
    the User is kept without a login (or keeps the login it has)."""
    membership = _membership(scim_user.id)
    if email is None:
        return membership
    account = db.session.scalars(sa.select(User).where(User.email == email)).first()
    if account is not None and account.is_operator:
        raise UniquenessException(detail="This email belongs to an account that cannot be provisioned.")
    if membership is not None:
        if membership.user.email != email:
            _move_email(membership, email, account)
        return membership
    if account is None:
        account = User(email=email, password_hash=None)
        db.session.add(account)
        db.session.flush()
    elif db.session.scalars(sa.select(Membership.id).where(Membership.user_id == account.id)).first():
        raise UniquenessException(detail=f"{email} is the email of another User of this tenant.")
    membership = Membership(id=scim_user.id, user_id=account.id, role="employee")
    db.session.add(membership)
    db.session.flush()
    audit.record("user.add", membership, {"email": email, "role": "employee", "employee_id": None})
    return membership


def _move_email(membership: Membership, email: str, holder: User | None) -> None:
    if holder is not None:
        raise UniquenessException(detail=f"{email} is the email of another account.")
    with tenancy.identity_lookup():
        elsewhere = db.session.scalars(sa.select(Membership.id).where(
            Membership.user_id == membership.user_id, Membership.tenant_id != membership.tenant_id)).first()
    if elsewhere is not None:
        raise MutabilityException(detail="The account also belongs to another tenant: its email cannot change here.")
    account = membership.user
    audit.record("user.update", membership, {"email": [account.email, email]})
    account.email = email


def _employee(membership: Membership, resource: UserResource, email: str | None, manager_id) -> None:
    """Link or make the employee record, then keep it in step (never blanking HR data)."""
    name = resource.name
    given, family = (name.given_name, name.family_name) if name is not None else (None, None)
    extension = getattr(resource, "EnterpriseUser", None)
    number = extension.employee_number if extension is not None else None
    department = extension.department if extension is not None else None
    for label, value in (("name.givenName", given), ("name.familyName", family), ("employeeNumber", number),
                         ("department", department)):
        if value is not None and len(value) > NAME_LIMIT:
            raise invalid(f"{label} has at most {NAME_LIMIT} characters.")
    employee = db.session.get(Employee, (membership.tenant_id, membership.employee_id)) if membership.employee_id \
        else _free_employee(email)
    wanted = {k: v for k, v in (("first_name", given), ("last_name", family), ("email", email),
                                ("employee_number", number), ("department", department),
                                ("manager_id", manager_id)) if v not in (None, "")}
    try:
        if employee is None:
            if email is None or not given or not family:
                return
            employee = people.create_employee({**wanted, "hire_date": _tenant_today()}, source="scim")
        else:
            if employee.id == manager_id:
                wanted.pop("manager_id")
            people.update_employee(employee, wanted)
    except Conflict as exc:
        raise UniquenessException(detail=exc.detail) from None
    if membership.employee_id is None:
        membership.employee_id = employee.id


def _free_employee(email: str | None) -> Employee | None:
    """The tenant's employee with this email, unless another login has it."""
    if email is None:
        return None
    linked = sa.select(Membership.employee_id).where(Membership.employee_id == Employee.id)
    return db.session.scalars(sa.select(Employee).where(Employee.email == email, ~linked.exists())).first()


def _tenant_today():
    return datetime.now(ZoneInfo(g.tenant.timezone or "UTC")).date()


def _audit(action: str, scim_user: ScimUser, changes: dict) -> None:
    audit.record(action, target_type="User", target_id=str(scim_user.id),
                 changes={**changes, "scim_token_id": str(g.scim_token.id)})
