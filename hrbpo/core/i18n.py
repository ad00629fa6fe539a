"""Language and time zone: the user's choice, else the tenant's, else the browser's."""
from flask import g, request

from hrbpo.core.config import RTL_LOCALES, SUPPORTED_LOCALES


def select_locale():
    user = g.get("user")
    if user is not None and user.locale in SUPPORTED_LOCALES:
        return user.locale
    tenant = g.get("tenant")
    if tenant is not None and tenant.locale in SUPPORTED_LOCALES:
        return tenant.locale
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


def select_timezone():
    tenant = g.get("tenant")
    return tenant.timezone if tenant is not None else None


def text_direction(locale: str) -> str:
    return "rtl" if str(locale).split("_")[0] in RTL_LOCALES else "ltr"
