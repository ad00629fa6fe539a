"""What text the app accepts: one rule for API schemas and HTML forms.

Lone UTF-16 surrogates (JSON's "\\ud800") are not text: they cannot be encoded
as UTF-8, so the database driver or the password hasher fails on them. NUL
and the other C0 control characters (tab and line breaks aside) have no place
in names, addresses or notes, and PostgreSQL refuses NUL outright. Both are
refused at the edge, with the field named, before a service sees them.
"""
import re
from collections.abc import Mapping

from flask_babel import gettext
from flask_wtf import FlaskForm

from hrbpo.core.i18n import N_

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# The same rule for the OpenAPI document (ECMA regex; JSON text has no lone surrogates to speak of).
SAFE_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"
MESSAGE = N_("Contains characters that are not allowed (control characters or invalid Unicode).")


def is_safe(value: str) -> bool:
    return _UNSAFE.search(value) is None


def unsafe_text(value):
    """Errors for the unsafe strings in a parsed value, shaped as marshmallow's
    (a list of messages, or a dict of them by key or index), or None."""
    if isinstance(value, str):
        return None if is_safe(value) else [MESSAGE]
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    errors = {}
    for key, item in items:
        if isinstance(key, str) and not is_safe(key):
            return [MESSAGE]  # the key itself cannot name the field
        found = unsafe_text(item)
        if found:
            errors[key] = found
    return errors or None


class Form(FlaskForm):
    """The base of the app's WTForms forms: a text field holding unsafe text
    fails validation with the message beside it."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and not is_safe(field.data):
                field.errors = [*field.errors, gettext(MESSAGE)]
                valid = False
        return valid
