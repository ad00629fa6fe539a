"""Words people read for the codes stored in the database (translated)."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from hrbpo.core.auth.forms import LANGUAGES
from hrbpo.core.plugins.manager import plugins
from hrbpo.core.messages import form_message

STATUSES = {"active": _l("Active"), "terminated": _l("Left")}
EMPLOYMENT_TYPES = {"full_time": _l("Full time"), "part_time": _l("Part time"), "contractor": _l("Contractor"),
                    "temporary": _l("Temporary"), "intern": _l("Intern")}
ROLES = {"operator": _l("BPO operator"), "hr_admin": _l("HR admin"), "employee": _l("Employee")}
OPERATOR_ROLES = {"bpo_admin": _l("BPO administrator (every client)"), "operator": _l("Operator (their groups' clients)")}
MAIL_STATUSES = {"queued": _l("Queued"), "sending": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed")}
JOB_STATUSES = {"queued": _l("Queued"), "running": _l("Running"), "succeeded": _l("Done"), "failed": _l("Failed")}
DELIVERY_STATUSES = {"pending": _l("Waiting"), "delivered": _l("Delivered"), "failed": _l("Failed")}


def _label(table):
    return lambda code: str(table.get(code, code))


def _option(table):
    return lambda code: (code, str(table.get(code, code)))


def module_title(name: str) -> str:
    """A module's title in the page's language (a plugin's catalogue may translate its own)."""
    meta = plugins().modules.get(name)
    return gettext(meta.title) if meta else name


def module_description(name: str) -> str:
    meta = plugins().modules.get(name)
    return gettext(meta.description) if meta and meta.description else ""


def ltr(value):
    """A left-to-right run, isolated: "+47 912 34 567" keeps its order on an Urdu page."""
    if value is None or value == "":
        return value
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


def register(app):
    app.jinja_env.globals.update(status_label=_label(STATUSES), employment_label=_label(EMPLOYMENT_TYPES),
                                 role_label=_label(ROLES), operator_role_label=_label(OPERATOR_ROLES),
                                 mail_status_label=_label(MAIL_STATUSES),
                                 job_status_label=_label(JOB_STATUSES), language_label=lambda code: LANGUAGES.get(code, code),
                                 module_title=module_title, module_description=module_description)
    # `bdi`: a value (email, code, name) isolated inside a translated sentence, for right-to-left pages;
    # `ltr`: one that always reads left to right (a phone number, an IBAN).
    app.jinja_env.filters.update(employment_option=_option(EMPLOYMENT_TYPES), role_option=_option(ROLES),
                                 operator_role_option=_option(OPERATOR_ROLES),
                                 mail_status_option=_option(MAIL_STATUSES), job_status_option=_option(JOB_STATUSES),
                                 delivery_status=_label(DELIVERY_STATUSES), pair=lambda value: (value, value),
                                 bdi=lambda value: Markup("<bdi>{}</bdi>").format(value), ltr=ltr,
                                 module_title=module_title, form_message=form_message)
