"""Languages: complete, compiled catalogues; locale choice; per-locale formats."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from hrbpo.core import i18n
from hrbpo.core.config import SUPPORTED_LOCALES
from hrbpo.testing import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [locale for locale in SUPPORTED_LOCALES if locale != "en"]  # English is the source
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "_n": (1, 2), "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def _catalogue(locale):
    with open(i18n.CORE_TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def _source_messages() -> set[str]:
    """Every message id in core and plugin code and templates (as babel.cfg extracts them)."""
    method_map = [("**/templates/**.html", "jinja2"), ("**/templates/**/mail/*.txt", "jinja2"), ("**.py", "python")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "hrbpo"), method_map, keywords=KEYWORDS, comment_tags=()):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated(locale):
    catalogue = _catalogue(locale)
    assert len(catalogue) > 0
    untranslated = [m.id for m in catalogue if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple)
                                                                            else (m.string,)))]
    assert not untranslated, f"{locale}: translate these (then scripts/i18n.sh compile): {untranslated}"


def _hashable(text):
    """A plural message's forms (a list in .mo files, a tuple in .po files) as a tuple."""
    return text if isinstance(text, str) else tuple(text)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_compiled_catalogue_matches_the_po_file(locale):
    with open(i18n.CORE_TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {_hashable(m.id): _hashable(m.string) for m in read_mo(f) if m.id}
    written = {_hashable(m.id): _hashable(m.string) for m in _catalogue(locale) if m.id and not m.fuzzy}
    assert compiled == written, f"run scripts/i18n.sh compile and commit {locale}/LC_MESSAGES/messages.mo"


def test_catalogues_cover_every_message_in_the_code():
    in_code = _source_messages()
    assert "Sign in" in in_code
    for locale in TRANSLATED:
        missing = sorted(in_code - {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue(locale)})
        assert not missing, f"{locale}: run scripts/i18n.sh and translate: {missing}"


@pytest.mark.parametrize("accept, expected, direction", [
    ("ur-PK,ur;q=0.9", "ur", "rtl"), ("hi-IN", "hi", "ltr"), ("nb-NO", "nb", "ltr"), ("no", "nb", "ltr"),
    ("fr-FR", "en", "ltr"),
])
def test_browser_language_picks_the_catalogue(client, accept, expected, direction):
    page = client.get("/login", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert f'<html lang="{expected}" dir="{direction}">' in page
    if expected != "en":
        assert ">Sign in</button>" not in page  # the button is translated


def _signed_in_page(app, email, path):
    """`path` as `email` sees it after signing in through the form, with a browser asking for Hindi."""
    browser = app.test_client()
    with app.app_context():  # each request its own `g`, not the test's
        token = re.search(r'name="csrf-token" content="([^"]+)"', browser.get("/login").get_data(as_text=True))
        r = browser.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    with app.app_context():
        return browser.get(path, headers={"Accept-Language": "hi"}).get_data(as_text=True)


def test_user_choice_beats_tenant_beats_browser(app, make_tenant, operator):
    from hrbpo.core.auth.models import User
    from hrbpo.core.db import db

    make_tenant("lahore")
    assert operator.patch("/api/v1/tenants/lahore", json={"locale": "ur"}).status_code == 200
    # The tenant's language wins over the browser's …
    assert '<html lang="ur" dir="rtl">' in _signed_in_page(app, "hr@lahore.test", "/t/lahore/")
    # … also on pages outside the tenant (the account page) …
    assert '<html lang="ur" dir="rtl">' in _signed_in_page(app, "hr@lahore.test", "/account")
    # … and the user's own choice wins over the tenant's.
    user = db.session.scalars(db.select(User).where(User.email == "hr@lahore.test")).one()
    user.locale = "nb"
    db.session.commit()
    assert '<html lang="nb" dir="ltr">' in _signed_in_page(app, "hr@lahore.test", "/t/lahore/")
    # An operator (no organisation) gets the browser's language outside tenants.
    assert '<html lang="hi" dir="ltr">' in _signed_in_page(app, operator.user["email"], "/login")


@pytest.mark.parametrize("locale, amount, currency, expected", [
    ("en", "1234.5", "USD", "$1,234.50"),
    ("hi", "123456.5", "INR", "₹1,23,456.50"),
    ("nb", "1234.5", "NOK", "1\xa0234,50\xa0kr"),
    ("ur", "1234.5", "PKR", "Rs1,234.50"),
])
def test_money_is_written_the_locale_s_way(app, locale, amount, currency, expected):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(locale):
        assert i18n.money(amount, currency).replace("\u200e", "").replace("\u200f", "") == expected
        assert i18n.money("", currency) == ""
        assert i18n.money("n/a", currency) == "n/a"


def test_dates_render_per_locale_in_templates(app):
    from datetime import date

    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("nb"):
        assert render_template_string("{{ d|dateformat('long') }}", d=date(2026, 11, 23)) == "23. november 2026"
        assert render_template_string("{{ format_date(d, 'long') }}", d=date(2026, 11, 23)) == "23. november 2026"


def test_dates_and_money_are_bidi_isolates_in_right_to_left_pages(app):
    """Unisolated, "2/12/26، 1:34 AM" would show as "AM 1:34 2/12/26" among Urdu words."""
    from datetime import datetime, timezone

    from flask import render_template_string
    from flask_babel import force_locale

    at = datetime(2026, 12, 2, 1, 34, tzinfo=timezone.utc)
    template = "{{ t|datetimeformat('short') }}|{{ t|dateformat('long') }}|{{ format_date(t) }}|{{ '5'|money('PKR') }}"
    with app.test_request_context(), force_locale("ur"):
        parts = render_template_string(template, t=at).split("|")
    assert all(p.startswith("\u2068") and p.endswith("\u2069") for p in parts), parts
    assert "دسمبر" in parts[1]
    with app.test_request_context(), force_locale("hi"):
        assert "\u2068" not in render_template_string(template, t=at)


def test_plugins_may_ship_their_own_catalogues(tmp_path, monkeypatch):
    import sys
    import types

    package = tmp_path / "payroll_plugin"
    (package / "translations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("payroll_plugin", None)
    registry = types.SimpleNamespace(modules={"payroll": None}, package_of=lambda name: "payroll_plugin")
    folders = i18n.translation_directories(registry)
    assert folders == [str(i18n.CORE_TRANSLATIONS), str(package / "translations")]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_translation_keeps_its_placeholders(locale):
    """Each form of a translation names the msgid's placeholders (a plural's
    forms are whole messages, not the letters of one: the pager once read "ص")."""
    names = re.compile(r"%\((\w+)\)s")
    broken = []
    for m in _catalogue(locale):
        if not m.id:
            continue
        wanted = set(names.findall(m.id[-1] if isinstance(m.id, tuple) else m.id)) - {"num"}
        for form in (m.string if isinstance(m.string, tuple) else (m.string,)):
            if not wanted <= set(names.findall(form)):
                broken.append((m.id, form))
    assert not broken, broken


@pytest.mark.parametrize("locale, words", [("hi", "पेज 2 / 3 (कुल 120)"), ("ur", "صفحہ 2 از 3 (کل 120)"),
                                           ("nb", "Side 2 av 3 (120 i alt)")])
def test_the_pager_says_where_you_are_in_each_language(app, locale, words):
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale(locale):
        html = app.jinja_env.from_string('{% from "macros.html" import pager %}{{ pager(r, "auth.login") }}').render(
            r={"total": 120, "per_page": 50, "page": 2})
    assert words in html
