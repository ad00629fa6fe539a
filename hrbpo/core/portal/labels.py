"""Words people read for the codes stored in the database (translated)."""
from flask_babel import lazy_gettext as _l

STATUSES = {"active": _l("Active"), "terminated": _l("Left")}
EMPLOYMENT_TYPES = {"full_time": _l("Full time"), "part_time": _l("Part time"), "contractor": _l("Contractor"),
                    "temporary": _l("Temporary"), "intern": _l("Intern")}
ROLES = {"operator": _l("BPO operator"), "hr_admin": _l("HR admin"), "employee": _l("Employee")}


def _label(table):
    return lambda code: str(table.get(code, code))


def _option(table):
    return lambda code: (code, str(table.get(code, code)))


def register(app):
    app.jinja_env.globals.update(status_label=_label(STATUSES), employment_label=_label(EMPLOYMENT_TYPES),
                                 role_label=_label(ROLES))
    app.jinja_env.filters.update(employment_option=_option(EMPLOYMENT_TYPES), role_option=_option(ROLES),
                                 pair=lambda value: (value, value))
