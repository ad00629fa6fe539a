"""Public holidays of a country (and subdivision), from the `holidays` package."""
from datetime import date
from functools import lru_cache

import holidays

# ISO 3166-1 alpha-2 code → the subdivision codes the package knows for it (aliases such as UK left out).
COUNTRIES: dict[str, tuple[str, ...]] = {
    code: tuple(subdivisions)
    for code, subdivisions in holidays.list_supported_countries(include_aliases=False).items()}


@lru_cache(maxsize=4096)
def dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The days off of one year (observed days included, as the package gives them)."""
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@lru_cache(maxsize=256)
def names(country: str, subdivision: str | None, year: int, locale: str | None = None) -> tuple[tuple[date, str], ...]:
    """(date, name) of one year's holidays by date, named in `locale` (en, nb, hi, ur, …) where
    the package has that language, else in English."""
    kind = type(holidays.country_holidays(country, subdiv=subdivision))
    language = _language(kind.supported_languages, kind.default_language, locale)
    # Always named: without a language the package follows the process's locale settings.
    return tuple(sorted(holidays.country_holidays(country, subdiv=subdivision, years=year, language=language).items()))


def _language(supported, default, locale):
    wanted = {"nb": ("nb", "no")}.get(locale, (locale,)) if locale else ()
    for prefix in (*wanted, "en"):
        for language in sorted(supported):
            if language == prefix or language.startswith(prefix + "_"):
                return language
    return default
