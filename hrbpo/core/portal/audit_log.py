"""The audit log as people read it: who (by name), what (the action in the
reader's language), which record (by name) and each change as before → after.
Core words are here; modules add theirs through the `audit_labels` and
`audit_record_names` hooks. Used by the portal's audit page and the console's."""
import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from flask import render_template, request, url_for

from hrbpo.core.api.base import paginate
from hrbpo.core.audit_filters import AuditQuerySchema, audit_select
from hrbpo.core.audit_names import record_names
from hrbpo.core.auth.forms import LANGUAGES
from hrbpo.core.auth.models import Membership, User
from hrbpo.core.db import db
from hrbpo.core.files import StoredFile
from hrbpo.core.people.models import Employee
from hrbpo.core.plugins.manager import plugins
from hrbpo.core.plugins.types import AuditWords
from hrbpo.core.portal.forms import load, page_args
from hrbpo.core.portal.labels import EMPLOYMENT_TYPES, ROLES, STATUSES, module_title

CORE = AuditWords(
    actions={
        "employee.create": _l("Added an employee"), "employee.update": _l("Changed an employee's record"),
        "employee.terminate": _l("Recorded that an employee left"), "employee.import": _l("Imported employees"),
        "user.add": _l("Gave someone a login"), "user.update": _l("Changed a login"),
        "user.remove": _l("Removed a login"), "user.password_change": _l("Changed a password"),
        "user.2fa_enable": _l("Turned on two-factor sign-in"), "user.2fa_disable": _l("Turned off two-factor sign-in"),
        "user.2fa_backup_code_used": _l("Signed in with a backup code"),
        "user.2fa_backup_codes_renew": _l("Made new backup codes"),
        "tenant.create": _l("Created the tenant"), "tenant.update": _l("Changed the tenant's settings"),
        "module.enable": _l("Switched a module on"), "module.disable": _l("Switched a module off"),
        "operator.act_as.start": _l("Started acting as HR admin"),
        "operator.act_as.stop": _l("Stopped acting as HR admin"),
        "operator.create": _l("Made someone an operator"), "token.create": _l("Created an API token"),
        "token.revoke": _l("Revoked an API token"), "file.upload": _l("Uploaded a file"),
    },
    fields={
        "first_name": _l("First name"), "last_name": _l("Last name"), "email": _l("Email"),
        "hire_date": _l("Hire date"), "date_of_birth": _l("Date of birth"), "employment_type": _l("Employment type"),
        "hours_per_week": _l("Hours per week"), "department": _l("Department"), "location": _l("Location"),
        "job_title": _l("Job title"),
        "phone": _l("Phone"), "status": _l("Status"), "termination_date": _l("Leaving date"),
        "national_id": _l("National ID"), "role": _l("Role"), "employee_id": _l("Employee"), "reason": _l("Reason"),
        "name": _l("Name"), "slug": _l("Slug"), "timezone": _l("Time zone"), "locale": _l("Language"),
        "currency": _l("Currency"), "imported": _l("Imported"), "filename": _l("File name"), "left": _l("Left"),
        "user": _l("User"), "settings": _l("Settings"),
    },
    records={"Employee": _l("Employee"), "Membership": _l("Login"), "Tenant": _l("Tenant"), "User": _l("User"),
             "module": _l("Module"), "ApiToken": _l("API token"), "StoredFile": _l("File")},
)
# Stored codes whose words the portal already has.
VALUE_WORDS = {"employment_type": EMPLOYMENT_TYPES, "status": STATUSES, "role": ROLES}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Change:
    field: str
    before: str | None  # None: a value set on creation (no before)
    after: str


@dataclass
class EventView:
    event: object
    who: str
    who_email: str | None
    action: str
    record_type: str
    record_name: str | None
    changes: list[Change] = field(default_factory=list)


FILTERS = ("actor", "action", "action_prefix", "since", "until", "target_type", "target_id")


def page(tenant, template: str, when=None, **url_args):
    """An audit log page for `tenant` (inside its context): the filters from
    the query string, one page of events in words. Bad filters answer 422
    with the form's errors and no events. `when(moment)` writes an event's
    time (default: the page's own date format, in the tenant's zone)."""
    values = {name: request.args.get(name, "").strip() for name in FILTERS if request.args.get(name, "").strip()}
    filters, errors = load(AuditQuerySchema(), values)
    vocabulary = words()
    result, views = None, []
    if not errors:
        result = paginate(audit_select(tenant.id, filters, tenant.timezone), page_args())
        views = describe(result["items"], tenant, vocabulary)
    record = None
    if values.get("target_type") and values.get("target_id"):
        record = describe_record(values["target_type"], values["target_id"], tenant, vocabulary)
    endpoint = request.endpoint

    def audit_url(**query):
        return url_for(endpoint, **url_args, **{k: v for k, v in query.items() if v is not None})

    html = render_template(template, tenant=tenant, result=result, events=views, values=values, errors=errors,
                           options=action_options(vocabulary), record=record, endpoint=endpoint, url_args=url_args,
                           audit_url=audit_url, when=when, pager_args={**url_args, **values},
                           values_but_record={k: v for k, v in values.items() if not k.startswith("target_")})
    return html, 422 if errors else 200


def describe_record(target_type, target_id, tenant, vocabulary) -> str:
    """"Employee Åse Ødegård": the record a page is filtered by."""
    names = _names({target_type: {target_id}}, tenant)
    kind = str(vocabulary.records.get(target_type, target_type))
    return f"{kind} {names.get((target_type, target_id), target_id)}"


def words() -> AuditWords:
    """Core's words with every installed module's (a module's own win for its codes)."""
    merged = AuditWords(dict(CORE.actions), dict(CORE.fields), dict(CORE.records))
    for answer in plugins().call("audit_labels"):
        merged.actions.update(answer.actions)
        merged.fields.update(answer.fields)
        merged.records.update(answer.records)
    return merged


def action_options(vocabulary: AuditWords) -> list[tuple[str, str]]:
    """(prefix, label) choices for the action filter: each module's actions as a group, then each action."""
    groups = [("employee.", gettext("Employees")), ("user.", gettext("Logins and sign-in")),
              ("tenant.", gettext("Tenant settings")), ("module.", gettext("Modules")),
              ("operator.", gettext("Operators"))]
    groups += [(f"{name}.", module_title(name)) for name in sorted(plugins().modules)]
    actions = sorted(((code, str(label)) for code, label in vocabulary.actions.items()), key=lambda pair: pair[1])
    return groups + actions


def describe(events, tenant, vocabulary: AuditWords) -> list[EventView]:
    """Each event in words, with its actor and records named in a few grouped queries (inside `tenant`'s context)."""
    targets = {}
    for event in events:
        if event.target_type and event.target_id:
            targets.setdefault(event.target_type, set()).add(event.target_id)
        for key, value in (event.changes or {}).items():
            if key == "employee_id":
                targets.setdefault("Employee", set()).update(str(v) for v in _pair(value) if v)
    names = _names(targets, tenant)
    people = _actor_names({e.actor_id for e in events if e.actor_id}, tenant)
    views = []
    for event in events:
        who = people.get(event.actor_id) or event.actor_email or gettext("System")
        views.append(EventView(
            event=event, who=who, who_email=event.actor_email if who != event.actor_email else None,
            action=str(vocabulary.actions.get(event.action, event.action)),
            record_type=str(vocabulary.records.get(event.target_type, event.target_type or "")),
            record_name=names.get((event.target_type, event.target_id)),
            changes=[_change(key, value, vocabulary, names) for key, value in (event.changes or {}).items()],
        ))
    return views


def _names(targets: dict, tenant) -> dict:
    names = _core_names(targets, tenant)
    if targets:
        for answer in plugins().call("audit_record_names", tenant=tenant, targets=targets):
            names.update(answer)
    return names


def _pair(value) -> list:
    return list(value) if isinstance(value, list) and len(value) == 2 else [value]


def _change(key, value, vocabulary, names) -> Change:
    label = str(vocabulary.fields.get(key, key))
    if isinstance(value, list) and len(value) == 2:
        return Change(label, _words(key, value[0], names), _words(key, value[1], names))
    return Change(label, None, _words(key, value, names))


def _words(key, value, names) -> str:
    """A stored value as a reader wants it: dates in their format, codes as words, secrets hidden."""
    if value is None or value == "":
        return "—"
    if value == "***":
        return gettext("(hidden)")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if key == "employee_id":
        return names.get(("Employee", str(value)), str(value))
    if key in VALUE_WORDS and value in VALUE_WORDS[key]:
        return str(VALUE_WORDS[key][value])
    if key == "locale":
        return LANGUAGES.get(value, value)
    if isinstance(value, str) and ISO_DATE.match(value):
        return format_date(date.fromisoformat(value), "medium")
    if isinstance(value, list):
        return ", ".join(_words(key, v, names) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_words(k, v, names)}" for k, v in value.items())
    return str(value)


def _core_names(targets: dict, tenant) -> dict:
    names = {**record_names(targets, "Employee", Employee, Employee.first_name, Employee.last_name),
             **record_names(targets, "Membership", Membership, User.email, join=(User, User.id == Membership.user_id)),
             **record_names(targets, "User", User, User.email),
             **record_names(targets, "StoredFile", StoredFile, StoredFile.filename)}
    names.update({("module", module): module_title(module) for module in targets.get("module", ())})
    if tenant is not None:
        names[("Tenant", str(tenant.id))] = tenant.name
    return names


def _actor_names(user_ids, tenant) -> dict:
    """Actors known in this tenant as an employee: their name (others show their email)."""
    if not user_ids or tenant is None:
        return {}
    rows = db.session.execute(sa.select(Membership.user_id, Employee.first_name, Employee.last_name)
                              .join(Employee, Employee.id == Membership.employee_id)
                              .where(Membership.user_id.in_(list(user_ids))))
    return {row.user_id: f"{row.first_name} {row.last_name}" for row in rows}
