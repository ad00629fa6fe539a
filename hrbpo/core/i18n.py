"""Languages: where catalogues live and the locale-aware formatting helpers
templates get (which locale a request uses: `hrbpo.core.auth.locale`).

Catalogues: core's (`hrbpo/core/translations`, which also covers
the built-in plugins) plus a `translations` folder in any plugin package that
ships one; later folders override earlier ones for the same message.
"""
import functools
import importlib
from decimal import Decimal, InvalidOperation
from pathlib import Path

from babel.lists import format_list
from flask import g
from flask_babel import format_currency, format_date, format_datetime, format_decimal, format_time, get_locale, refresh

from hrbpo.core.config import RTL_LOCALES
from hrbpo.core.extensions import babel

CORE_TRANSLATIONS = Path(__file__).parent / "translations"
# Browsers may send the macrolanguage code for Norwegian.
ALIASES = {"no": "nb"}
FSI, PDI = "\u2068", "\u2069"  # Unicode first-strong isolate … pop directional isolate


def N_(message: str) -> str:
    """Mark a string for the message catalogue without translating it here:
    it is stored or returned as written and translated where it is shown
    (plugin descriptions, seeded default names)."""
    return message


def text_direction(locale: str) -> str:
    return "rtl" if str(locale).split("_")[0] in RTL_LOCALES else "ltr"


def translation_directories(registry) -> list[str]:
    """Core's catalogue folder, then each loaded plugin's `translations` folder."""
    folders = [CORE_TRANSLATIONS]
    for name in registry.modules:
        package = importlib.import_module(registry.package_of(name))
        folders.append(Path(package.__file__).parent / "translations")
    return [str(f) for f in dict.fromkeys(folders) if f.is_dir()]


def money(amount, currency=None):
    """`{{ plan.cost | money }}`: a string/Decimal amount in the tenant's currency
    (or `currency`), written the way the current locale writes money."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    tenant = g.get("tenant")
    return format_currency(value, currency or (tenant.currency if tenant is not None else "USD"))


def isolated(format_value):
    """`format_value`, whose text is a bidi isolate in right-to-left pages: a
    date such as "2/12/26، 1:34 AM" then keeps its order beside Urdu words
    (the browser would otherwise show "AM 1:34 2/12/26"), and "2 دسمبر، 2026"
    still reads right to left (the isolate takes its first strong letter's
    direction)."""

    @functools.wraps(format_value)
    def format_isolated(*args, **kwargs):
        text = format_value(*args, **kwargs)
        return f"{FSI}{text}{PDI}" if text and text_direction(get_locale() or "en") == "rtl" else text

    return format_isolated


def init_app(app, registry, locale_selector, timezone_selector):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(translation_directories(registry)))
    babel.init_app(app, locale_selector=locale_selector, timezone_selector=timezone_selector)
    # Flask-Babel picks the language once per request, at the first translated
    # string; URL preprocessors (caller, tenant) may translate before they know
    # who is asking, so pick again once they have run.
    app.before_request(refresh)
    # Flask-Babel registers filters (dateformat, datetimeformat, currencyformat, …);
    # the same functions as globals read better with several arguments.
    formats = {"format_date": format_date, "format_datetime": format_datetime, "format_time": format_time,
               "format_currency": format_currency}
    app.jinja_env.globals.update({name: isolated(f) for name, f in formats.items()}, format_decimal=format_decimal)
    for name in ("dateformat", "datetimeformat", "timeformat", "currencyformat"):
        app.jinja_env.filters[name] = isolated(app.jinja_env.filters[name])
    app.jinja_env.filters["money"] = isolated(money)
    # "Benefits, Compliance and Recruitment" the way the page's language joins a list.
    app.jinja_env.filters["listformat"] = lambda items: format_list([str(i) for i in items], locale=get_locale() or "en")
