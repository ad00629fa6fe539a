"""Validation messages in the page's language.

Schemas (marshmallow's built-in messages and ours) speak English, and the API
answers with them as they are. Pages show the same messages translated: the
`form_message` filter looks a message up in the catalogue, and messages with a
value in them (lengths, limits, choices) are matched by pattern first. A
message nobody translated is shown as it came. Modules pass patterns of their
own messages (`message_patterns`) to `form_message`.
"""
import re

from flask_babel import gettext

from hrbpo.core.i18n import N_

# marshmallow's own messages that our forms can produce, for `pybabel extract`.
BUILT_IN = (
    N_("Missing data for required field."), N_("Field may not be null."), N_("Not a valid email address."),
    N_("Not a valid date."), N_("Not a valid datetime."), N_("Not a valid integer."), N_("Not a valid number."),
    N_("Not a valid string."), N_("Not a valid boolean."), N_("Not a valid UUID."), N_("Not a valid URL."),
    N_("Not a valid list."), N_("Invalid value."), N_("String does not match expected pattern."),
    # core's people services and CSV importer
    N_("The file is not UTF-8 text."), N_("The CSV header is not usable."), N_("The row has more fields than the header."),
    N_("Must not be before the hire date."), N_("That employee is already linked to another login."),
    N_("No employee with this id in this tenant."),
)


def message_patterns(*entries) -> tuple:
    """Compiled (pattern, msgid) entries for `form_message`; instead of a msgid,
    a function of the pattern's groups that says the message (an `ngettext`
    call for a message with a count in it)."""
    return tuple((re.compile(pattern), message) for pattern, message in entries)


PATTERNS = message_patterns(
    (r"Longer than maximum length (?P<max>\d+)\.\Z", N_("Longer than maximum length %(max)s.")),
    (r"Shorter than minimum length (?P<min>\d+)\.\Z", N_("Shorter than minimum length %(min)s.")),
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.\Z", N_("Length must be between %(min)s and %(max)s.")),
    (r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.\Z",
     N_("Must be from %(min)s to %(max)s.")),
    (r"Must be greater than or equal to (?P<min>\S+)\.\Z", N_("Must be at least %(min)s.")),
    (r"Must be less than or equal to (?P<max>\S+)\.\Z", N_("Must be at most %(max)s.")),
    (r"Must be one of: (?P<choices>.+)\.\Z", N_("Must be one of: %(choices)s.")),
    (r"Unknown time zone (?P<value>.+) \(use an IANA name such as Europe/Oslo\)\.\Z",
     N_("Unknown time zone %(value)s (use an IANA name such as Europe/Oslo).")),
    (r"(?P<n>\d+) row\(s\) have errors; nothing was imported\.\Z", N_("%(n)s row(s) have errors; nothing was imported.")),
    (r"(?P<email>\S+) also appears on line (?P<line>\d+)\.\Z", N_("%(email)s also appears on line %(line)s.")),
    (r"An employee with email (?P<email>\S+) already exists in this tenant\.\Z",
     N_("An employee with email %(email)s already exists in this tenant.")),
    (r"an employee with (?P<email>\S+) already exists in this tenant\.\Z",
     N_("an employee with %(email)s already exists in this tenant.")),
    (r"Missing column\(s\): (?P<columns>.+)\.\Z", N_("Missing column(s): %(columns)s.")),
    (r"Unknown column\(s\): (?P<columns>.+); allowed: (?P<allowed>.+)\.\Z",
     N_("Unknown column(s): %(columns)s; allowed: %(allowed)s.")),
    (r"(?P<email>\S+) already has a login in this tenant\.\Z", N_("%(email)s already has a login in this tenant.")),
)
# An import line's problem: "<column>: <message>" (the column keeps its CSV name).
COLUMN = re.compile(r"(?P<column>[a-z_]+): (?P<message>.+)\Z")


def form_message(message, patterns=()) -> str:
    """`message` (a validation message) in the page's language; `patterns`
    (from `message_patterns`) are tried before core's own."""
    text = str(message)
    column = COLUMN.match(text)
    if column:
        return f"{column['column']}: {form_message(column['message'], patterns)}"
    for pattern, msgid in (*patterns, *PATTERNS):
        found = pattern.match(text)
        if found is None:
            continue
        return msgid(**found.groupdict()) if callable(msgid) else gettext(msgid, **found.groupdict())
    return gettext(text)
