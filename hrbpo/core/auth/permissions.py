"""Who may do what: the one place permission checks live.

Operators (BPO staff) hold every permission in the tenants they may see
(all for a bpo_admin, their groups' for a scoped operator: operators/scope.py). Inside a tenant a membership's
role grants the core permissions below plus whatever plugins declare through
the `permissions` hook. Employees additionally see their own records only;
views express that with `g.access.is_self(employee_id)`.
"""
from dataclasses import dataclass, field
from functools import wraps

from flask import abort, g

from hrbpo.core.operators.scope import is_bpo_admin
from hrbpo.core.plugins.manager import plugins
from hrbpo.core.plugins.types import Permission

CORE_PERMISSIONS = [
    Permission("tenant.read", "See the tenant's modules and settings", ("hr_admin",)),
    Permission("people.read", "See every employee of the tenant", ("hr_admin",)),
    Permission("people.write", "Create, edit and import employees", ("hr_admin",)),
    Permission("users.manage", "Create logins and assign roles", ("hr_admin",)),
    Permission("audit.read", "Read the tenant's audit log", ("hr_admin",)),
    Permission("settings.write", "Change tenant settings", ("hr_admin",)),
    Permission("webhooks.manage", "Manage webhooks, their secrets and deliveries", ("hr_admin",)),
]


@dataclass
class Access:
    """What the current caller may do in the current tenant."""

    user: object
    role: str | None  # "operator", "hr_admin", "employee" or None
    employee_id: object = None
    granted: set = field(default_factory=set)

    @property
    def is_operator(self):
        return self.role == "operator"

    def can(self, permission: str) -> bool:
        return self.is_operator or permission in self.granted

    def is_self(self, employee_id) -> bool:
        return self.employee_id is not None and str(self.employee_id) == str(employee_id)

    def may_see_employee(self, employee_id) -> bool:
        return self.can("people.read") or self.is_self(employee_id)


def all_permissions() -> list[Permission]:
    return plugins().memo("permissions", lambda: CORE_PERMISSIONS + plugins().call("permissions"))


def grants_for(role: str) -> frozenset[str]:
    return plugins().memo(("grants", role), lambda: frozenset(p.name for p in all_permissions() if role in p.roles))


def requires(permission: str):
    """View decorator: 403 unless the caller holds `permission` in this tenant."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_access().can(permission):
                abort(403, f"You need the '{permission}' permission for this.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def operator_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        user = g.get("user")
        if user is None:
            abort(401)
        if not user.is_operator:
            abort(403, "Only BPO operators may do this.")
        return view(*args, **kwargs)

    return wrapped


def bpo_admin_required(view):
    """Deployment-wide management (tenants, operators, operator groups, the operator log):
    bpo_admins only; scoped operators and everybody else 403 (401 without a caller)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        user = g.get("user")
        if user is None:
            abort(401)
        if not is_bpo_admin(user):
            abort(403, "Only BPO administrators (bpo_admin) may do this.")
        return view(*args, **kwargs)

    return wrapped


def operators_only(blueprint):
    """A plugin's operator API blueprint: `operator_required` before any of
    its views parses its arguments."""
    if getattr(blueprint, "_hrbpo_operators_only", False):  # a plugin's blueprint mounted by a second app
        return blueprint
    blueprint._hrbpo_operators_only = True
    blueprint.before_request(operator_required(lambda: None))
    return blueprint


def current_access() -> Access:
    access = g.get("access")
    if access is None:
        abort(401)
    return access
