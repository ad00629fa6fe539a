"""A case's service levels as stored, kept by the pure engine (sla.py): the
targets of its category and priority, the due times fixed on opening, the
resolution clock moved on each status change, breaches judged at `now`."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from hrbpo.plugins.servicedesk import sla
from hrbpo.plugins.servicedesk.models import Case, Category


def targets(category: Category, priority: str) -> tuple[timedelta, timedelta]:
    """(first response, resolution) for a case of this category and priority."""
    chosen = (category.targets_by_priority or {}).get(priority) or {}
    return (sla.target(chosen.get("first_response_hours", category.first_response_hours)),
            sla.target(chosen.get("resolution_hours", category.resolution_hours)))


def start(case: Case, calendar, category: Category):
    first, resolution = targets(category, case.priority)
    case.first_response_due_at = sla.add(calendar, case.opened_at, first)
    case.resolution_due_at = sla.ResolutionClock.start(calendar, case.opened_at, resolution).due_at
    case.resolution_stopped_at = None
    _next_due(case)


def responded(case: Case, at: datetime):
    case.first_responded_at = at
    _next_due(case)


def moved(case: Case, calendar, status: str, at: datetime):
    """The clock after the case moved to `status` at `at` (resolved_at follows the contract)."""
    clock = sla.ResolutionClock(case.resolution_due_at, case.resolution_stopped_at).on_status(calendar, status, at)
    case.resolution_due_at, case.resolution_stopped_at = clock.due_at, clock.stopped_at
    if status == "resolved" or (status == "closed" and case.resolved_at is None):
        case.resolved_at = at
    elif status == "open":
        case.resolved_at = None
    _next_due(case)


def _next_due(case: Case):
    case.next_due_at = case.first_response_due_at if case.first_responded_at is None else case.resolution_due_at


def breaches(case: Case, now: datetime) -> tuple[bool, bool]:
    return (sla.first_response_breached(case.first_response_due_at, case.first_responded_at, now),
            sla.ResolutionClock(case.resolution_due_at, case.resolution_stopped_at).breached(now))


def breached_clause(now: datetime, breached: bool):
    """SQL for "either breach flag" (or neither), as `breaches` judges them."""
    first = sa.or_(Case.first_responded_at > Case.first_response_due_at,
                   sa.and_(Case.first_responded_at.is_(None), Case.first_response_due_at < now))
    resolution = sa.or_(Case.resolution_stopped_at > Case.resolution_due_at,
                        sa.and_(Case.resolution_stopped_at.is_(None), Case.resolution_due_at < now))
    either = sa.or_(first, resolution)
    return either if breached else sa.not_(either)
