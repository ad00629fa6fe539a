"""Times in the operator console: when something happened in the client's
own time and zone, and in the operator's (their account's time zone, else
UTC), so "09:00 in Oslo" and "your 08:00" read side by side."""
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_datetime
from flask import g
from flask_babel import get_locale, gettext
from markupsafe import Markup

from hrbpo.core.db import db
from hrbpo.core.tenants.models import Tenant


def operator_zone() -> str:
    user = g.get("user")
    return (user.timezone if user is not None else None) or "UTC"


def _local(moment, zone: str) -> str:
    tz, locale = ZoneInfo(zone), get_locale() or "en"
    when, zone_name = (format_datetime(moment, pattern, tzinfo=tz, locale=locale) for pattern in ("short", "z"))
    return f"{when} {zone_name}"


def console_time(moment, zone: str | None) -> Markup:
    """`moment` in the client's zone `zone` (named), then in the operator's when that differs."""
    if moment is None:
        return Markup("—")
    zone, mine = zone or "UTC", operator_zone()
    client = Markup('<time datetime="{iso}"><bdi dir="ltr">{local}</bdi> <small>({zone})</small></time>').format(
        iso=moment.isoformat(), local=_local(moment, zone), zone=zone)
    if zone == mine:
        return client
    return client + Markup('<br><small class="yours">{label} <bdi dir="ltr">{local}</bdi></small>').format(
        label=gettext("Your time:"), local=_local(moment, mine))


def zones_by_slug(slugs) -> dict[str, str]:
    """Each tenant's time zone by slug, in one query (for a page of cross-tenant rows)."""
    slugs = {s for s in slugs if s}
    if not slugs:
        return {}
    return dict(db.session.execute(sa.select(Tenant.slug, Tenant.timezone).where(Tenant.slug.in_(slugs))).all())


def register(app):
    app.jinja_env.globals.update(console_time=console_time)
