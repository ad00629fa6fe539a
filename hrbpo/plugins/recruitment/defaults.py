"""The pipeline stages and rejection reasons a tenant starts with.

They are stored in English, as the API returns them (`name`, `label`: data a
client may send back in a PUT). Pages show them in the page's language while
they are still the default words (`shown`), and a page form that sends such a
translation back stores the English word again (`stored`), so a tenant's
untouched defaults stay defaults in every language. A name a person typed is
shown as typed.
"""
from flask_babel import gettext

from hrbpo.plugin_api import N_


STAGES = ((N_("Applied"), "screen"), (N_("Phone screen"), "screen"), (N_("Interview"), "interview"),
          (N_("Offer"), "offer"), (N_("Hired"), "hired"), (N_("Rejected"), "rejected"))
REASONS = (N_("Not enough experience"), N_("Skills do not match"), N_("Salary expectations too high"),
           N_("Position filled"), N_("Candidate withdrew"), N_("No response from candidate"))
_WORDS = frozenset(name for name, _kind in STAGES) | frozenset(REASONS)


def shown(text: str | None) -> str | None:
    """A stored stage name or reason as the page shows it."""
    return gettext(text) if text in _WORDS else text


def stored(text: str) -> str:
    """What to store for a name a page form sent: the default's English word
    when it is a default's translation, else the text as typed."""
    return next((word for word in _WORDS if text in (word, gettext(word))), text)
