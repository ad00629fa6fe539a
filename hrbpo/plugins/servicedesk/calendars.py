"""The tenant's business calendar, kept in the module's settings as the body
of `PUT /calendar` (the time zone is the tenant's own)."""
import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from hrbpo.plugin_api import Invalid, TenantModule, audit, current_tenant, db, module_settings
from hrbpo.plugins.servicedesk.business_calendar import Calendar, CalendarInvalid, parse_calendar

MODULE = "servicedesk"


def current() -> Calendar:
    tenant = current_tenant()
    stored = module_settings(tenant, MODULE).get("calendar")
    return parse_calendar(stored, tenant.timezone) if stored else Calendar.default(tenant.timezone)


def replace(body: dict) -> Calendar:
    """Validate and store a whole calendar; Invalid (nothing changes) when it breaks a rule."""
    try:
        calendar = parse_calendar(body, current_tenant().timezone)
    except CalendarInvalid as exc:
        raise Invalid(exc.errors, "The calendar cannot be saved; see errors.") from exc
    row = db.session.scalars(sa.select(TenantModule).where(TenantModule.name == MODULE)).one()
    stored = {k: v for k, v in calendar.to_json().items() if k != "timezone"}
    row.settings = {**(row.settings or {}), "calendar": stored}
    db.session.flush()
    audit.record("servicedesk.calendar.update", target_type="module", target_id=MODULE, changes=stored)
    return calendar


def holidays(year: int) -> list:
    return current().holidays_in(year, str(get_locale()), _("Company holiday"))
