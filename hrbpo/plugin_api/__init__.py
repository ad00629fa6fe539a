"""The public surface for hrbpo modules (plugins): the one thing from hrbpo a
module imports. Built-in modules and examples/hrbpo-timeoff use nothing else;
tests/devkit/test_plugin_imports.py fails when a module reaches past it.

Stability: names here follow `CORE_API_VERSION` (semantic versioning: a
minor version adds, only a major version removes or changes). Everything else
under `hrbpo.core` is private and may change in any release. docs/plugins.md
describes each group.
"""
from hrbpo.core import audit, files, mail, tenancy
from hrbpo.core.api.base import Blueprint, PageArgs, flatten_errors, get_or_404, page_schema, paginate, problem
from hrbpo.core.api.schemas import Schema, money, text
from hrbpo.core.audit import AuditEvent
from hrbpo.core.audit_names import record_names
from hrbpo.core.auth.context import csrf_exempt, current_actor, tenant_by_slug
from hrbpo.core.auth.models import Membership, User
from hrbpo.core.auth.permissions import Access, current_access, operator_required, requires
from hrbpo.core.auth.services import normalise_email
from hrbpo.core.csv_cells import csv_cell
from hrbpo.core.db import (Encrypted, TenantScoped, Timestamped, TZDateTime, db, lock, new_id,
                           tenant_fk, tenant_relationship, utcnow)
from hrbpo.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from hrbpo.core.extensions import api, limiter
from hrbpo.core.i18n import N_
from hrbpo.core.jobs import BackgroundJob, job_kind, submit
from hrbpo.core.jobs.api import accepted, prefers_async
from hrbpo.core.people.models import EMPLOYMENT_TYPES, Employee
from hrbpo.core.people.services import create_employee, current_tenant
from hrbpo.core.plugins.hookspecs import hookimpl
from hrbpo.core.plugins.types import (CORE_API_VERSION, AuditWords, Card, Chart, EventType, NavItem, PeriodicTask,
                                      Permission, PluginMeta, Task, WorkItem)
from hrbpo.core.portal.forms import page_args
from hrbpo.core.portal.labels import EMPLOYMENT_TYPES as EMPLOYMENT_LABELS
from hrbpo.core.messages import form_message, message_patterns
from hrbpo.core.portal.views import logo_response
from hrbpo.core.tenants.gate import enter_public_tenant
from hrbpo.core.tenants.models import Tenant, TenantModule
from hrbpo.core.text import Form
from hrbpo.core.tenants.services import enabled_modules, module_settings
from hrbpo.core.webhooks.events import emit as emit_event

__all__ = [
    # Declaring a module: its meta, hook implementations and what hooks return.
    "CORE_API_VERSION", "PluginMeta", "hookimpl", "Card", "NavItem", "PeriodicTask", "Permission", "Task",
    "WorkItem", "Chart", "AuditWords",
    # Data: the tenant-scoped session, model mixins and column types.
    "db", "TenantScoped", "Timestamped", "TZDateTime", "Encrypted", "tenant_fk", "tenant_relationship", "new_id",
    "utcnow", "get_or_404", "lock",
    # Who and where: the tenant, the actor's access, tenancy contexts for work outside a request.
    "tenancy", "current_tenant", "tenant_by_slug", "current_actor", "current_access", "Access", "requires",
    "operator_required", "enabled_modules", "module_settings", "enter_public_tenant",
    # Core records a module may read or link to.
    "Employee", "EMPLOYMENT_TYPES", "EMPLOYMENT_LABELS", "create_employee", "User", "Membership", "Tenant",
    "TenantModule", "AuditEvent", "normalise_email",
    # Rules and errors: raised by services, answered as problem+json or a page message.
    "DomainError", "Invalid", "Conflict", "NotFound", "Forbidden",
    # Side effects: the audit log, stored files, mail through the outbox, background jobs.
    "audit", "record_names", "files", "mail", "job_kind", "submit", "BackgroundJob", "accepted", "prefers_async",
    # Webhook events: the types a module declares (webhook_event_types hook) and sends from its services.
    "EventType", "emit_event",
    # The HTTP API: blueprints, schemas, pagination, problems, the documented Api and rate limits.
    "Blueprint", "Schema", "text", "money", "PageArgs", "page_schema", "paginate", "flatten_errors", "problem",
    "api", "limiter", "csrf_exempt",
    # Pages and words.
    "page_args", "form_message", "message_patterns", "logo_response", "N_", "Form", "csv_cell",
]
