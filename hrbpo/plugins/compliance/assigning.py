"""Who gets a checklist: everyone, those a filter finds (department,
location, employment type, hire dates), or people picked by name. A few are assigned in
the request; more than `HRBPO_COMPLIANCE_INLINE_ASSIGN` (default 200) by the
worker, as a `compliance.assign` job, so 5,000 people never hold a request."""
import uuid
from datetime import date

import sqlalchemy as sa
from flask import current_app

from hrbpo.plugin_api import N_, Employee, Invalid, db, job_kind, submit
from hrbpo.plugins.compliance import services
from hrbpo.plugins.compliance.models import ChecklistTemplate
from hrbpo.plugins.compliance.schemas import FILTERS

KIND = "compliance.assign"
SEARCH_LIMIT = 25


def audience_query(audience: dict):
    """Active employees in `audience`: {"all": True}, or filters (FILTERS), or
    {"employee_ids": [...]}; the caller has checked that it is one of these."""
    query = sa.select(Employee).where(Employee.status == "active").order_by(Employee.last_name, Employee.first_name,
                                                                             Employee.id)
    if audience.get("employee_ids") is not None:
        return query.where(Employee.id.in_(list(audience["employee_ids"])))
    if audience.get("department"):
        query = query.where(Employee.department == audience["department"])
    if audience.get("location"):
        query = query.where(Employee.location == audience["location"])
    if audience.get("employment_type"):
        query = query.where(Employee.employment_type == audience["employment_type"])
    if audience.get("hired_from"):
        query = query.where(Employee.hire_date >= audience["hired_from"])
    if audience.get("hired_to"):
        query = query.where(Employee.hire_date <= audience["hired_to"])
    return query


def audience_options() -> dict:
    """What the filters can choose from (the tenant's own departments, locations and employment types)."""
    def distinct(column):
        return db.session.scalars(sa.select(column).where(column.is_not(None), Employee.status == "active")
                                  .distinct().order_by(column)).all()

    return {"departments": distinct(Employee.department), "locations": distinct(Employee.location),
            "employment_types": distinct(Employee.employment_type)}


def search(text: str) -> list[Employee]:
    """Up to SEARCH_LIMIT active employees whose name or email contains `text`."""
    words = text.split()
    if not words:
        return []
    full = Employee.first_name + " " + Employee.last_name
    query = audience_query({"all": True})
    for word in words:
        like = f"%{word.replace('%', '').replace('_', '')}%"
        query = query.where(sa.or_(full.ilike(like), Employee.email.ilike(like)))
    return db.session.scalars(query.limit(SEARCH_LIMIT)).all()


def _wire(audience: dict) -> dict:
    """The audience as a job's JSON params."""
    out = {k: v.isoformat() if isinstance(v, date) else v for k, v in audience.items() if k in FILTERS or k == "all"}
    if audience.get("employee_ids") is not None:
        out["employee_ids"] = [str(i) for i in audience["employee_ids"]]
    return out


def _unwire(params: dict) -> dict:
    audience = {k: date.fromisoformat(v) if k.startswith("hired_") and v else v for k, v in params.items()}
    if "employee_ids" in params:
        audience["employee_ids"] = [uuid.UUID(i) for i in params["employee_ids"]]
    return audience


def assign_audience(tenant, template_id, audience: dict, created_by=None, background=False):
    """The new checklists (a list), or the queued job when the audience is
    large or `background` is asked for. Picked ids this tenant does not have
    and an audience nobody is in are field errors (422)."""
    if audience.get("employee_ids") is not None:
        services.known_employees(audience["employee_ids"])
    template = db.session.scalars(sa.select(ChecklistTemplate).where(ChecklistTemplate.id == template_id)).first()
    if template is None:
        raise Invalid({"template_id": ["No template with this id in this tenant."]})
    count = db.session.scalar(sa.select(sa.func.count()).select_from(audience_query(audience).subquery()))
    if not count:
        raise Invalid({"audience": [N_("Nobody active matches: change the choice.")]})
    if background or count > current_app.config["HRBPO_COMPLIANCE_INLINE_ASSIGN"]:
        return submit(KIND, {"template_id": str(template.id), "audience": _wire(audience)}, created_by=created_by,
                      total=count)
    return services.assign(template, db.session.scalars(audience_query(audience)).all(), services.today_for(tenant))


@job_kind(KIND, retries=1, permission="compliance.manage")
def run_assign(run) -> dict:
    template = db.session.get(ChecklistTemplate, (run.tenant.id, uuid.UUID(run.params["template_id"])))
    if template is None:  # deleted since: nothing to do, and no retry would help
        return {"assigned": 0, "summary": "the template no longer exists"}
    employees = db.session.scalars(audience_query(_unwire(run.params["audience"]))).all()
    made = services.assign(template, employees, services.today_for(run.tenant))
    return {"assigned": len(made), "summary": f"{len(made)} checklists assigned"}
