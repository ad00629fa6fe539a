"""Operator console (`/ops/`): BPO staff across tenants; tenants, users and
their memberships. The other console pages add their routes to the same
blueprint (`blueprint.py`): acting inside a tenant (`actas.py`), the work
queue (`queue.py`), background work (`background.py`) and invitations
(`invitations.py`); the app factory imports each."""
import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.core import tenancy
from hrbpo.core.accounts import invitations
from hrbpo.core.api.base import paginate
from hrbpo.core.auth import services as auth_services
from hrbpo.core.auth.forms import LANGUAGES
from hrbpo.core.auth.models import ROLES, Membership, User
from hrbpo.core.auth.permissions import bpo_admin_required
from hrbpo.core.db import db
from hrbpo.core.errors import Conflict, DomainError, Invalid
from hrbpo.core.operators import groups as operator_groups
from hrbpo.core.operators import services as operator_services
from hrbpo.core.ops import times
from hrbpo.core.ops.blueprint import bp, tenant_or_404
from hrbpo.core.people import services as people_services
from hrbpo.core.people.models import Employee
from hrbpo.core.people.schemas import TenantUserSchema
from hrbpo.core.plugins.manager import plugins
from hrbpo.core.portal import audit_log
from hrbpo.core.portal.forms import load, page_args, submitted
from hrbpo.core.portal.labels import module_title
from hrbpo.core.messages import form_message
from hrbpo.core.tenants import services
from hrbpo.core.tenants.models import Tenant, TenantModule
from hrbpo.core.tenants.schemas import TenantSchema

def tenant_overview(tenants) -> tuple[dict, dict]:
    """Active employee counts and enabled modules per tenant id, in two grouped queries."""
    ids = [t.id for t in tenants]
    if not ids:
        return {}, {}
    with tenancy.all_tenants():
        counts = dict(db.session.execute(
            sa.select(Employee.tenant_id, sa.func.count()).where(Employee.tenant_id.in_(ids), Employee.status == "active")
            .group_by(Employee.tenant_id)).all())
        modules = {}
        for tenant_id, name in db.session.execute(
            sa.select(TenantModule.tenant_id, TenantModule.name)
            .where(TenantModule.tenant_id.in_(ids), TenantModule.enabled.is_(True)).order_by(TenantModule.name)
        ).all():
            if name in plugins().modules:
                modules.setdefault(tenant_id, []).append(name)
    return counts, modules


@bp.get("/")
def index():
    q = request.args.get("q", "").strip()[:100]
    stmt = sa.select(Tenant).order_by(Tenant.slug)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(sa.or_(Tenant.slug.like(like), sa.func.lower(Tenant.name).like(like)))
    result = paginate(stmt, page_args())
    counts, modules = tenant_overview(result["items"])
    return render_template("ops/index.html", result=result, q=q, counts=counts, modules=modules)


@bp.route("/tenants/new", methods=["GET", "POST"])
@bpo_admin_required
def new_tenant():
    values, errors = {"timezone": "UTC", "locale": "en", "currency": "USD"}, {}
    if request.method == "POST":
        values = submitted(("slug", "name", "timezone", "locale", "currency", "admin_email"))
        data, errors = load(TenantSchema(), values)
        if not errors:
            admin_email = data.pop("admin_email", None)
            try:
                if admin_email:
                    invitations.check_first_admin(admin_email)
                tenant = services.create_tenant(**data)
                if admin_email:
                    invitations.invite(tenant, admin_email, "hr_admin", inviter=g.user)
                    db.session.commit()
            except (Conflict, Invalid) as exc:
                db.session.rollback()
                errors = exc.errors or {"slug": [exc.detail]}
            else:
                flash(_("Tenant %(name)s was created.", name=tenant.name), "success")
                return redirect(url_for("ops.tenant", slug=tenant.slug), code=303)
    return render_template("ops/tenant_new.html", values=values, errors=errors, languages=LANGUAGES), \
        422 if errors else 200


@bp.get("/tenants/<slug>")
def tenant(slug):
    tenant = tenant_or_404(slug)
    counts, _modules = tenant_overview([tenant])
    return render_template("ops/tenant.html", tenant=tenant, states=services.module_states(tenant),
                           employees=counts.get(tenant.id, 0), pending=invitations.pending_in(tenant))


@bp.get("/tenants/<slug>/audit")
def tenant_audit(slug):
    """The tenant's audit log, as its HR admins see it, with the same filters."""
    tenant = tenant_or_404(slug)
    with tenancy.tenant_context(tenant):
        return audit_log.page(tenant, "ops/audit.html", when=lambda moment: times.console_time(moment, tenant.timezone),
                              slug=slug)


def _module(tenant, name) -> str:
    if name not in plugins().modules:
        abort(404)
    return name


@bp.get("/tenants/<slug>/modules/<name>/off")
def confirm_module_off(slug, name):
    """What switching a module off means for this tenant, and a button to do it."""
    tenant = tenant_or_404(slug)
    return _confirm_off(tenant, _module(tenant, name))


def _confirm_off(tenant, name, status=200):
    counts, _modules = tenant_overview([tenant])
    return render_template("ops/module_off.html", tenant=tenant, name=name,
                           employees=counts.get(tenant.id, 0)), status


@bp.post("/tenants/<slug>/modules/<name>")
def switch_module(slug, name):
    """Switch one module on (`enabled=1`) or off for a tenant. Off needs
    `confirmed=1` from the confirmation page; without it that page answers."""
    tenant = tenant_or_404(slug)
    _module(tenant, name)
    on = request.form.get("enabled") == "1"
    if not on and request.form.get("confirmed") != "1":
        return _confirm_off(tenant, name, 409)
    try:
        services.set_module(tenant, name, on)
    except DomainError as exc:
        db.session.rollback()
        flash(form_message(exc.detail), "error")
    else:
        title = module_title(name)
        flash(_("%(module)s is on.", module=title) if on else _("%(module)s is off.", module=title), "success")
    return redirect(url_for("ops.tenant", slug=slug), code=303)


@bp.route("/users", methods=["GET", "POST"])
@bpo_admin_required
def users():
    """Operators, and any user's tenant memberships (search by email)."""
    values, errors = {}, {}
    if request.method == "POST":
        values = submitted(("email", "password"))
        data, errors = load(TenantUserSchema(only=("email", "password")), values)
        if not errors and not data.get("password"):
            errors = {"password": [_("Give the new operator a password (at least 12 characters).")]}
        if not errors:
            try:
                auth_services.create_operator(data["email"], data["password"])
            except (Conflict, Invalid) as exc:
                db.session.rollback()
                errors = exc.errors or {"email": [exc.detail]}
            else:
                flash(_("%(email)s is now an operator.", email=data["email"]), "success")
                return redirect(url_for("ops.users"), code=303)
    q = request.args.get("q", "").strip().lower()[:254]
    operators = db.session.scalars(sa.select(User).where(User.is_operator.is_(True)).order_by(User.email)).all()
    found = _memberships_by_user(q) if q else []
    return render_template("ops/users.html", operators=operators, q=q, found=found, values=values, errors=errors,
                           roles=ROLES, operator_groups=operator_services.groups_by_operator(operators),
                           groups=operator_groups.all_groups()), \
        422 if errors else 200


def _memberships_by_user(q) -> list[tuple[User, list]]:
    """Users whose email contains `q` (first 50), each with (tenant, role) pairs."""
    users = db.session.scalars(sa.select(User).where(User.email.like(f"%{q}%")).order_by(User.email).limit(50)).all()
    by_user = {u.id: (u, []) for u in users}
    if by_user:
        with tenancy.all_tenants():
            rows = db.session.execute(
                sa.select(Membership.user_id, Membership.role, Tenant)
                .join(Tenant, Tenant.id == Membership.tenant_id)
                .where(Membership.user_id.in_(list(by_user))).order_by(Tenant.slug)
            ).all()
        for user_id, role, tenant in rows:
            by_user[user_id][1].append((tenant, role))
    return list(by_user.values())


@bp.post("/users/membership")
@bpo_admin_required
def add_membership():
    """Give a user (new or known) a role in a tenant."""
    tenant = tenant_or_404(request.form.get("tenant", "").strip())
    values = submitted(("email", "role", "password"))
    data, errors = load(TenantUserSchema(), values)
    if errors:
        flash("; ".join(f"{k}: {' '.join(map(form_message, v))}" for k, v in errors.items()), "error")
        return redirect(url_for("ops.users", q=values.get("email", "")), code=303)
    with tenancy.tenant_context(tenant):
        try:
            people_services.add_user(data["email"], data["role"], data.get("password"))
        except (Conflict, Invalid) as exc:
            db.session.rollback()
            flash(form_message(exc.detail) if not exc.errors
                  else "; ".join(form_message(m) for v in exc.errors.values() for m in v), "error")
        else:
            db.session.commit()
            flash(_("%(email)s now belongs to %(tenant)s.", email=data["email"], tenant=tenant.name), "success")
    return redirect(url_for("ops.users", q=data["email"]), code=303)
