"""Tenants and their module switches."""
import re
from zoneinfo import available_timezones

import sqlalchemy as sa

from hrbpo.core import audit, tenancy
from hrbpo.core.config import SUPPORTED_LOCALES
from hrbpo.core.db import db, utcnow
from hrbpo.core.errors import Conflict, Invalid, NotFound
from hrbpo.core.i18n import N_
from hrbpo.core.plugins.manager import emit, plugins
from hrbpo.core.request_cache import forget_request_cache, request_cache
from hrbpo.core.tenants.models import Tenant, TenantModule

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}\Z")
_ZONES = None


def valid_timezone(name: str) -> bool:
    global _ZONES
    _ZONES = _ZONES or available_timezones()
    return name in _ZONES


def validate_tenant_fields(data: dict):
    errors = {}
    if "slug" in data and not SLUG.match(data["slug"] or ""):
        errors["slug"] = [N_("Use 2–63 lowercase letters, digits or hyphens, starting with a letter or digit.")]
    if "timezone" in data and not valid_timezone(data["timezone"]):
        errors["timezone"] = [f"Unknown time zone {data['timezone']!r} (use an IANA name such as Europe/Oslo)."]
    if "locale" in data and data["locale"] not in SUPPORTED_LOCALES:
        errors["locale"] = [f"Choose one of {', '.join(SUPPORTED_LOCALES)}."]
    if "currency" in data and not re.fullmatch(r"[A-Z]{3}", data["currency"] or ""):
        errors["currency"] = [N_("Use a three-letter ISO 4217 code such as USD.")]
    if errors:
        raise Invalid(errors)


def get_tenant(slug: str) -> Tenant:
    tenant = db.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        raise NotFound("No such tenant.")
    return tenant


def create_tenant(slug, name, timezone="UTC", locale="en", currency="USD", modules=()) -> Tenant:
    validate_tenant_fields({"slug": slug, "timezone": timezone, "locale": locale, "currency": currency})
    if db.session.scalars(sa.select(Tenant.id).where(Tenant.slug == slug)).first():
        raise Conflict(f"A tenant with slug {slug!r} already exists.")
    tenant = Tenant(slug=slug, name=name, timezone=timezone, locale=locale, currency=currency, settings={})
    db.session.add(tenant)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(f"A tenant with slug {slug!r} already exists.")
    with tenancy.tenant_context(tenant):
        audit.record("tenant.create", tenant, {"slug": slug, "name": name, "timezone": timezone, "locale": locale})
        for module in modules:
            _switch(tenant, module, True)
    db.session.commit()
    return tenant


def update_tenant(tenant: Tenant, changes: dict) -> Tenant:
    validate_tenant_fields(changes)
    diff = {k: [getattr(tenant, k), v] for k, v in changes.items() if getattr(tenant, k) != v}
    for key, value in changes.items():
        setattr(tenant, key, value)
    with tenancy.tenant_context(tenant):
        if diff:
            audit.record("tenant.update", tenant, diff)
    db.session.commit()
    return tenant


def enabled_modules(tenant) -> set[str]:
    """Names of the installed modules this tenant switched on (cached per request)."""

    def load():
        with tenancy.tenant_context(tenant):
            names = db.session.scalars(sa.select(TenantModule.name).where(TenantModule.enabled.is_(True))).all()
        return set(names) & set(plugins().modules)

    return request_cache(("modules", tenant.id), load)


def enabled_modules_column():
    """A correlated subquery giving a tenant row's switched-on module names as
    one comma-separated string: lets a query that loads tenants bring them along."""
    return (sa.select(sa.func.aggregate_strings(TenantModule.name, ","))
            .where(TenantModule.tenant_id == Tenant.id, TenantModule.enabled.is_(True))
            .correlate(Tenant).scalar_subquery().label("enabled_modules"))


def remember_enabled_modules(tenant_id, names):
    """Fill the per-request cache of `enabled_modules` from names loaded elsewhere."""
    names = set(names.split(",") if isinstance(names, str) else names or ()) & set(plugins().modules)
    request_cache(("modules", tenant_id), lambda: names)


def preload_enabled_modules(tenants):
    """Fill the per-request cache for a page of tenants in one query (no N+1)."""
    found = {t.id: set() for t in tenants}
    if found:
        with tenancy.identity_lookup():
            rows = db.session.execute(sa.select(TenantModule.tenant_id, TenantModule.name).where(
                TenantModule.enabled.is_(True), TenantModule.tenant_id.in_(list(found)))).all()
        for tenant_id, name in rows:
            found[tenant_id].add(name)
    for tenant_id, names in found.items():
        remember_enabled_modules(tenant_id, names)


def module_states(tenant) -> list[dict]:
    enabled = enabled_modules(tenant)
    return [{"name": name, "enabled": name in enabled} for name in plugins().modules]


def _switch(tenant, name: str, on: bool):
    meta = plugins().modules.get(name)
    if meta is None:
        raise NotFound(f"No module named {name!r} is installed.")
    if on:
        missing = [dep for dep in meta.depends_on if dep not in enabled_modules(tenant) and dep != name]
        if missing:
            raise Conflict(f"Module {name} needs {', '.join(missing)} switched on first.")
    row = db.session.scalars(sa.select(TenantModule).where(TenantModule.name == name)).first()
    was_on = bool(row and row.enabled)
    if was_on == on:
        return False
    if row is None:
        row = TenantModule(name=name, settings={})
        db.session.add(row)
    row.enabled, row.changed_at = on, utcnow()
    db.session.flush()
    forget_request_cache(("modules", tenant.id))
    audit.record("module.enable" if on else "module.disable", target_type="module", target_id=name)
    emit(tenant, "module_enabled" if on else "module_disabled", name=name)
    return True


def set_module(tenant, name: str, on: bool) -> list[dict]:
    """Switch a module on or off; idempotent. Switching off keeps its data."""
    with tenancy.tenant_context(tenant):
        _switch(tenant, name, on)
        db.session.commit()
        return module_states(tenant)


def module_settings(tenant, name) -> dict:
    """The tenant's settings for a module, with the plugin's defaults filled in."""
    with tenancy.tenant_context(tenant):
        row = db.session.scalars(sa.select(TenantModule).where(TenantModule.name == name)).first()
    hook = getattr(plugins().loaded[name].obj, "settings_schema", None)
    schema = hook() if hook else None
    stored = dict(row.settings) if row and row.settings else {}
    return schema().load(stored) if schema else stored
