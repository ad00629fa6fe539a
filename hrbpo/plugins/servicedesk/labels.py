"""Words people read for the codes servicedesk stores (statuses, priorities,
languages of articles), translated when shown."""
from flask_babel import lazy_gettext as _l

LABELS = {
    "new": _l("new"), "open": _l("open"), "pending": _l("pending"), "resolved": _l("resolved"),
    "closed": _l("closed"),
    "low": _l("low"), "normal": _l("normal"), "high": _l("high"), "urgent": _l("urgent"),
    "en": _l("English"), "hi": _l("Hindi"), "ur": _l("Urdu"), "nb": _l("Norwegian"),
    "mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
    "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday"),
}


def label(code) -> str:
    """The word for a stored code in the current language (the code itself if unknown)."""
    return str(LABELS.get(code, code))
