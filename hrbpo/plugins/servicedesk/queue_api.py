"""/api/v1/servicedesk/queue: the operators' cross-tenant queue of unsolved
cases, nearest due first (ties: tenant, number), breaches marked. It reads
across tenants through the operator path (`tenancy.all_tenants`); the partial
index on (next_due_at, tenant_id) over unsolved cases serves its order."""
import uuid

import sqlalchemy as sa

from hrbpo.plugin_api import (Blueprint, Invalid, PageArgs, Tenant, TenantModule, current_actor, db,
                              page_schema, tenancy, utcnow)
from hrbpo.plugins.servicedesk import levels, present
from hrbpo.plugins.servicedesk.models import UNSOLVED, Case
from hrbpo.plugins.servicedesk.schemas import QueueCaseSchema, QueueQuerySchema

ops = Blueprint("servicedesk_ops_api", __name__, url_prefix=None,
                description="Service desk: the operators' queue across clients")


@ops.route("/queue", methods=["GET"])
@ops.arguments(QueueQuerySchema, location="query")
@ops.arguments(PageArgs, location="query")
@ops.response(200, page_schema(QueueCaseSchema))
def queue(query, page):
    """Unsolved cases of every client with the service desk on, by `next_due_at` (the first-response due
    time until the first response, then the resolution due time). `assignee`: `me`, `none` or a user id."""
    return unsolved(query, page)


def unsolved(query: dict, page: dict) -> dict:
    """The queue's page (also the `/ops/servicedesk/` page's): unsolved cases of every client, nearest due first."""
    now = utcnow()
    select = (sa.select(Case, Tenant.slug).join(Tenant, Tenant.id == Case.tenant_id)
              .join(TenantModule, sa.and_(TenantModule.tenant_id == Case.tenant_id, TenantModule.name == "servicedesk",
                                          TenantModule.enabled.is_(True)))
              .where(Case.status.in_([query["status"]] if "status" in query else UNSOLVED)))
    if "breached" in query:
        select = select.where(levels.breached_clause(now, query["breached"]))
    if "due_before" in query:
        select = select.where(Case.next_due_at < query["due_before"])
    if "assignee" in query:
        select = select.where(_assignee(query["assignee"]))
    with tenancy.all_tenants():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(select.subquery()))
        rows = db.session.execute(select.order_by(Case.next_due_at, Tenant.slug, Case.number)
                                  .limit(page["per_page"]).offset((page["page"] - 1) * page["per_page"])).all()
        shown = present.cases_out([case for case, _slug in rows], now)  # one set of lookups for the page
        items = [{**out, "tenant": slug, "next_due_at": case.next_due_at} for out, (case, slug) in zip(shown, rows)]
    return {"items": items, "total": total, "page": page["page"], "per_page": page["per_page"]}


def _assignee(value: str):
    if value == "me":
        return Case.assignee_id == current_actor().id
    if value == "none":
        return Case.assignee_id.is_(None)
    try:
        return Case.assignee_id == uuid.UUID(value)
    except ValueError:
        raise Invalid({"assignee": ["me, none or a user id."]}) from None
