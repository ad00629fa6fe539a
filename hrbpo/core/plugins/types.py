"""Small value types plugins return from hooks."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time

CORE_API_VERSION = "1.5"  # 1.1: hrbpo.plugin_api, the one public surface; 1.2: webhook events;
# 1.3: operator_blueprints (pages in the console); 1.4: operator_api_blueprints;
# 1.5: message_patterns (messages with values translated on pages)


@dataclass(frozen=True)
class PluginMeta:
    name: str
    title: str
    version: str
    description: str = ""
    depends_on: tuple[str, ...] = ()
    # Which core plugin API this plugin was written for (a PEP 440 specifier).
    hrbpo_api: str = ">=1.0,<2"


@dataclass(frozen=True)
class Permission:
    name: str
    description: str
    roles: tuple[str, ...] = ("hr_admin",)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50


@dataclass(frozen=True)
class Card:
    title: str
    url: str
    lines: tuple[str, ...] = ()
    order: int = 50


@dataclass(frozen=True)
class Chart:
    """A chart card on the HR dashboard, drawn by core as SVG with a table of the same numbers.
    `kind` "columns": one column per bar, in time order (a month each); "parts": horizontal
    bars, each a share of `total` (progress: done, open, overdue)."""
    title: str
    bars: tuple[tuple[str, int], ...]  # (label, value), oldest or first first
    description: str = ""  # one sentence saying what the numbers show (read out by screen readers)
    kind: str = "columns"
    total: int | None = None  # "parts": what the shares add up to (default: their sum)
    url: str | None = None
    order: int = 50


@dataclass(frozen=True)
class AuditWords:
    """How a module's audit events read: each maps a stored code to words
    (lazy_gettext, so they are translated for each reader)."""
    actions: dict = field(default_factory=dict)  # "recruitment.application.move" → "Moved an application"
    fields: dict = field(default_factory=dict)   # "stage" → "Stage"
    records: dict = field(default_factory=dict)  # "Application" → "Application"


@dataclass(frozen=True)
class Task:
    title: str
    url: str
    due_on: date | None = None
    module: str = ""


@dataclass(frozen=True)
class WorkItem:
    tenant_slug: str
    kind: str
    title: str
    url: str
    due_on: date | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    run: Callable  # run(tenant) inside the tenant's context; returns a short summary
    module: str
    at: time = time(6, 0)  # once a day, from this local time in the tenant's time zone


@dataclass(frozen=True)
class EventType:
    type: str  # "<resource>.<what happened>", e.g. "application.hired"
    description: str  # one line for the webhook settings and GET /webhooks/event-types
