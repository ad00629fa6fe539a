"""Which locale and time zone a request uses (Flask-Babel's selectors).

Locale: the user's choice, else the tenant's (outside a tenant: the member's
organisations', when they agree), else the browser's. Time zone: the tenant's.
"""
from flask import g, has_request_context, request

from hrbpo.core.auth.services import memberships_of
from hrbpo.core.config import SUPPORTED_LOCALES
from hrbpo.core.i18n import ALIASES


def select_locale():
    user = g.get("user")
    if user is not None and user.locale in SUPPORTED_LOCALES:
        return user.locale
    tenant = g.get("tenant")
    if tenant is not None and tenant.locale in SUPPORTED_LOCALES:
        return tenant.locale
    if tenant is None and user is not None:
        home = _home_locale(user)
        if home:
            return home
    if not has_request_context():  # CLI and background jobs: no browser to ask
        return "en"
    best = request.accept_languages.best_match(SUPPORTED_LOCALES + tuple(ALIASES))
    return ALIASES.get(best, best) or "en"


def _home_locale(user):
    """Outside any tenant (account pages), the language of the member's
    organisations when they agree on one."""
    locales = {t.locale for _membership, t in memberships_of(user)} & set(SUPPORTED_LOCALES)
    return locales.pop() if len(locales) == 1 else None


def select_timezone():
    tenant = g.get("tenant")
    return tenant.timezone if tenant is not None else None
