"""/api/v1/tenants…, /api/v1/modules and the tenant's audit log."""
from functools import wraps

import sqlalchemy as sa
from flask import abort, g

from hrbpo.core import tenancy
from hrbpo.core.accounts import invitations
from hrbpo.core.api.base import Blueprint, PageArgs, page_schema, paginate
from hrbpo.core.tenants.gate import tenant_scoped
from hrbpo.core.audit_filters import AuditQuerySchema, audit_select
from hrbpo.core.auth.context import access_to
from hrbpo.core.auth.permissions import bpo_admin_required, operator_required, requires
from hrbpo.core.db import db
from hrbpo.core.plugins.manager import plugins
from hrbpo.core.tenants import services
from hrbpo.core.tenants.models import Tenant
from hrbpo.core.tenants.schemas import (AuditEventSchema, ModuleSchema, ModuleStateSchema, TenantCreatedSchema,
                                        TenantQuerySchema, TenantSchema, TenantUpdateSchema)

blp = Blueprint("tenants_api", __name__, url_prefix="/api/v1", description="Tenants and their modules (operators)")
scoped = tenant_scoped(Blueprint("tenant_api", __name__, url_prefix="/api/v1/tenants/<slug>",
                                 description="Tenant modules and audit log"))


@blp.route("/tenants", methods=["POST"])
@bpo_admin_required
@blp.arguments(TenantSchema)
@blp.response(201, TenantCreatedSchema)
@blp.alt_response(409, description="Slug already taken")
def create_tenant(data):
    """Create a tenant (a client company). No modules are on until switched on.
    With `admin_email` it is created with a pending `hr_admin` invitation for
    that address, mailed at once and returned as `invitation`."""
    admin_email = data.pop("admin_email", None)
    if admin_email is not None:
        invitations.check_first_admin(admin_email)
    tenant = services.create_tenant(**data)
    if admin_email is not None:
        # Not a column: carried to the response schema only.
        tenant.first_invitation = invitations.invite(tenant, admin_email, "hr_admin", inviter=g.user)
        db.session.commit()
    return tenant


@blp.route("/tenants", methods=["GET"])
@operator_required
@blp.arguments(TenantQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(TenantSchema))
def list_tenants(query, page):
    """The tenants the caller sees (a scoped operator: their groups'), by slug."""
    stmt = sa.select(Tenant).order_by(Tenant.slug)
    if query.get("q"):
        like = f"%{query['q'].lower()}%"
        stmt = stmt.where(sa.or_(Tenant.slug.like(like), sa.func.lower(Tenant.name).like(like)))
    result = paginate(stmt, page)
    services.preload_enabled_modules(result["items"])
    return result


@blp.route("/tenants/<slug>", methods=["GET"])
@operator_required
@blp.response(200, TenantSchema)
def get_tenant(slug):
    return services.get_tenant(slug)


@blp.route("/tenants/<slug>", methods=["PATCH"])
@operator_required
@blp.arguments(TenantUpdateSchema)
@blp.response(200, TenantSchema)
def update_tenant(data, slug):
    """Change a tenant's name, time zone, locale or currency."""
    return services.update_tenant(services.get_tenant(slug), data)


@blp.route("/modules", methods=["GET"])
@operator_required
@blp.response(200, ModuleSchema(many=True))
def list_modules():
    """Installed modules (plugins) that tenants can switch on."""
    return list(plugins().modules.values())


def operator_in_tenant(view):
    """Operator-only writes inside a tenant: 403 for the tenant's own members
    (they may see it), 404 for everybody else (no hint the tenant exists)."""

    @wraps(view)
    def wrapped(*args, slug, **kwargs):
        user = g.get("user")
        if user is None:
            abort(401)
        if not user.is_operator:
            if access_to(user, slug)[1] is None:
                abort(404, "No such tenant.")
            abort(403, "Only BPO operators may do this.")
        return view(*args, slug=slug, **kwargs)

    return wrapped


@blp.route("/tenants/<slug>/modules/<name>", methods=["PUT"])
@operator_in_tenant
@blp.response(200, ModuleStateSchema)
@blp.alt_response(404, description="No such tenant or module")
def enable_module(slug, name):
    """Switch a module on for the tenant (idempotent)."""
    services.set_module(services.get_tenant(slug), name, True)
    return {"name": name, "enabled": True}


@blp.route("/tenants/<slug>/modules/<name>", methods=["DELETE"])
@operator_in_tenant
@blp.response(200, ModuleStateSchema)
@blp.alt_response(404, description="No such tenant or module")
def disable_module(slug, name):
    """Switch a module off for the tenant; its data is kept."""
    services.set_module(services.get_tenant(slug), name, False)
    return {"name": name, "enabled": False}


@scoped.route("/modules", methods=["GET"])
@requires("tenant.read")
@scoped.response(200, ModuleStateSchema(many=True))
def tenant_modules():
    """Which modules are on for this tenant (operators and its HR admins)."""
    return services.module_states(g.tenant)


@scoped.route("/audit", methods=["GET"])
@requires("audit.read")
@scoped.arguments(AuditQuerySchema, location="query")
@scoped.arguments(PageArgs, location="query")
@scoped.response(200, page_schema(AuditEventSchema))
def audit_log(query, page):
    """The tenant's audit events, newest first. Filters combine: an exact
    `action` or an `action_prefix`, the `actor`'s email (or part of it), a
    day range `since`..`until` (inclusive, in the tenant's time zone) and the
    record (`target_type`, `target_id`). `until` before `since` answers 422."""
    return paginate(audit_select(tenancy.require_tenant_id(), query, g.tenant.timezone), page)
