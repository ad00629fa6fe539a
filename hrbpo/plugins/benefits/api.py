"""/api/v1/tenants/<slug>/benefits/… (API.md "Benefits")."""
import uuid

import sqlalchemy as sa
from flask import g, make_response, request

from hrbpo.plugin_api import (Blueprint, Conflict, Invalid, NotFound, PageArgs, accepted, db, files, get_or_404,
                              page_schema, paginate, prefers_async, requires, submit)
from hrbpo.plugins.benefits import catalogue, eligibility, exports, life_events, reports, services, x12
from hrbpo.plugins.benefits.models import LifeEvent, Plan
from hrbpo.plugins.benefits.schemas import (BenefitsSettingsPatchSchema, BenefitsSettingsSchema, CoverageSchema,
                                            DependentSchema, EligibilityChangeQuerySchema, EligibilityChangeSchema,
                                            EnrollmentInSchema, EnrollmentProgressSchema, EnrollmentQuerySchema,
                                            EnrollmentSchema, ExportQuerySchema, LifeEventDecisionSchema,
                                            LifeEventInSchema, LifeEventSchema, PlanPatchSchema, PlanQuerySchema,
                                            PlanSchema, WindowPatchSchema, WindowQuerySchema, WindowSchema)

blp = Blueprint("benefits_api", __name__, url_prefix=None, description="Benefits: plans, windows, enrolment, 834")
MANAGE = "benefits.manage"
# Concurrent submissions for one employee and window collide on the partial
# unique index; the loser retries against the winner's row.
SUBMIT_ATTEMPTS = 3
NOBODY = uuid.UUID(int=0)


def _own_id():
    """None for HR admins and operators (they see everyone), else the caller's employee id."""
    return None if g.access.can(MANAGE) else (g.access.employee_id or NOBODY)


@blp.route("/plans", methods=["POST"])
@requires(MANAGE)
@blp.arguments(PlanSchema)
@blp.response(201, PlanSchema)
def create_plan(data):
    """Add a plan with its coverage tiers (money as string decimals)."""
    plan = catalogue.create_plan(data)
    db.session.commit()
    return plan


@blp.route("/plans", methods=["GET"])
@blp.arguments(PlanQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(PlanSchema))
def list_plans(query, page):
    """The tenant's plan catalogue: active plans, unless `status=archived` or `all`."""
    return paginate(catalogue.plan_query(query["status"]), page)


@blp.route("/plans/<uuid:plan_id>", methods=["GET"])
@blp.response(200, PlanSchema)
def get_plan(plan_id):
    """One plan with its tiers (archived ones too)."""
    return get_or_404(Plan, plan_id, "Plan not found.")


@blp.route("/plans/<uuid:plan_id>", methods=["PATCH"])
@requires(MANAGE)
@blp.arguments(PlanPatchSchema(partial=True))
@blp.response(200, PlanSchema)
@blp.alt_response(409, description="The currency of a plan someone elected cannot change")
def update_plan(data, plan_id):
    """Change a plan: name, carrier, eligibility, child age limit, plan year or
    prices (`tiers` replaces the price list). Elections already submitted keep
    the prices they were priced at. The kind cannot change (422). Audited."""
    plan = catalogue.update_plan(get_or_404(Plan, plan_id, "Plan not found."), data)
    db.session.commit()
    return plan


@blp.route("/plans/<uuid:plan_id>/archive", methods=["POST"])
@requires(MANAGE)
@blp.response(200, PlanSchema)
@blp.alt_response(409, description="Already archived")
def archive_plan(plan_id):
    """Archive a plan: no new window may offer it and `GET /plans` leaves it
    out; windows that offer it already, and coverage chosen, stay as they are."""
    plan = catalogue.set_archived(get_or_404(Plan, plan_id, "Plan not found."), True)
    db.session.commit()
    return plan


@blp.route("/plans/<uuid:plan_id>/unarchive", methods=["POST"])
@requires(MANAGE)
@blp.response(200, PlanSchema)
@blp.alt_response(409, description="Not archived")
def unarchive_plan(plan_id):
    """Bring an archived plan back into the catalogue."""
    plan = catalogue.set_archived(get_or_404(Plan, plan_id, "Plan not found."), False)
    db.session.commit()
    return plan


@blp.route("/windows", methods=["POST"])
@requires(MANAGE)
@blp.arguments(WindowSchema)
@blp.response(201, WindowSchema)
def create_window(data):
    """Open an enrolment window offering some of this tenant's plans. 422
    (`errors.starts_on`) when its days overlap another open enrolment window
    (kind `open`), or for one employee's window, another of the same kind for
    them that offers a plan in common; windows closed early do not count."""
    window = catalogue.create_window(data)
    db.session.commit()
    return window


@blp.route("/windows", methods=["GET"])
@blp.arguments(WindowQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(WindowSchema))
def list_windows(query, page):
    """Windows, newest first; an employee sees open enrolment and their own windows."""
    return paginate(services.window_query(_own_id(), query.get("kind")), page)


@blp.route("/windows/<uuid:window_id>", methods=["GET"])
@blp.response(200, WindowSchema)
def get_window(window_id):
    """One window; an employee sees open enrolment and their own windows only."""
    return services.window_for(window_id, _own_id())


@blp.route("/windows/<uuid:window_id>", methods=["PATCH"])
@requires(MANAGE)
@blp.arguments(WindowPatchSchema(partial=True))
@blp.response(200, WindowSchema)
@blp.alt_response(409, description="The change contradicts enrolments made in the window, or it was closed early")
def update_window(data, window_id):
    """Change a window's name, dates, coverage start or plan set. 409 when
    employees have already enrolled and the change would undo that: removing
    a plan someone elected or waived here, moving the coverage start, or
    starting later than today; and for a window closed early (only its name
    may change). `ends_on` before `starts_on`, an archived or unknown plan, or
    a plan whose plan year does not cover the coverage start, or new days or
    plans that overlap another window as on creation: 422. Audited."""
    window = catalogue.update_window(services.window_for(window_id), data)
    db.session.commit()
    return window


@blp.route("/windows/<uuid:window_id>/close", methods=["POST"])
@requires(MANAGE)
@blp.response(200, WindowSchema)
@blp.alt_response(409, description="Already closed, or already ended")
def close_window(window_id):
    """Close a window before its end date; submitted enrolments stay. Audited."""
    window = catalogue.close_window(services.window_for(window_id))
    db.session.commit()
    return window


@blp.route("/windows/<uuid:window_id>/progress", methods=["GET"])
@requires(MANAGE)
@blp.response(200, EnrollmentProgressSchema)
def window_progress(window_id):
    """How many eligible employees enrolled, waived everything, or have not started."""
    return reports.progress(services.window_for(window_id))


@blp.route("/windows/<uuid:window_id>/costs.csv", methods=["GET"])
@requires(MANAGE)
@blp.response(200, {"type": "string"}, content_type="text/csv")
def window_costs(window_id):
    """Cost report: one row per election in force for the window (CSV)."""
    return reports.csv_response(services.window_for(window_id))


@blp.route("/employees/<uuid:employee_id>/dependents", methods=["POST"])
@blp.arguments(DependentSchema)
@blp.response(201, DependentSchema)
def add_dependent(data, employee_id):
    """Add a spouse, partner or child (date of birth and national id stored encrypted)."""
    employee = services.employee_for(employee_id, g.access)
    dependent = services.add_dependent(employee, data)
    db.session.commit()
    return dependent


@blp.route("/employees/<uuid:employee_id>/dependents", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(DependentSchema))
def list_dependents(page, employee_id):
    """An employee's dependants (birth year and last four of the national id only)."""
    employee = services.employee_for(employee_id, g.access)
    return paginate(services.dependent_query(employee.id), page)


@blp.route("/enrollments", methods=["POST"])
@blp.arguments(EnrollmentInSchema)
@blp.response(201, EnrollmentSchema)
@blp.alt_response(409, description="The window is not open today (tenant time zone)")
def submit_enrollment(data):
    """Submit elections for a window; a second submission replaces the first
    (status `replaced`). Employees enrol only themselves; HR admins on an
    employee's behalf (audited)."""
    for _ in range(SUBMIT_ATTEMPTS):
        try:
            enrollment = services.submit_enrollment(data["window_id"], data["employee_id"], data["elections"], g.access)
            db.session.commit()
            return enrollment
        except sa.exc.IntegrityError:
            db.session.rollback()
    raise Conflict("Another submission for this employee and window was saved at the same moment; try again.")


@blp.route("/enrollments", methods=["GET"])
@blp.arguments(EnrollmentQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(EnrollmentSchema))
def list_enrollments(query, page):
    """Enrolments, newest first (history included); employees see only their own."""
    own = _own_id()
    if own is not None:
        if query.get("employee_id") not in (None, own):
            return {"items": [], "total": 0, **page}
        query["employee_id"] = own
    return paginate(services.enrollment_query(**query), page)


@blp.route("/enrollments/<uuid:enrollment_id>", methods=["GET"])
@blp.response(200, EnrollmentSchema)
def get_enrollment(enrollment_id):
    """One enrolment with its elections and cost totals (employees: their own)."""
    return services.enrollment_for(enrollment_id, g.access)


@blp.route("/enrollments/<uuid:enrollment_id>/statement.pdf", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
def enrollment_statement(enrollment_id):
    """The confirmation statement as a PDF."""
    return reports.statement_pdf_response(services.enrollment_for(enrollment_id, g.access))


@blp.route("/employees/<uuid:employee_id>/coverage", methods=["GET"])
@blp.response(200, CoverageSchema)
def employee_coverage(employee_id):
    """The employee's elections in force (or starting at their window's coverage date)."""
    employee = services.employee_for(employee_id, g.access)
    return reports.coverage_summary(employee)


@blp.route("/exports/834", methods=["GET"])
@requires(MANAGE)
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(200, {"type": "string"}, content_type="application/edi-x12")
@blp.alt_response(409, description="Nothing to send")
def export_834(query):
    """ANSI X12 834 (005010X220A1) for a window: one interchange per carrier,
    control numbers increasing per tenant. `kind=change` sends adds, changes
    and terminations since the carrier's previous file. With `Prefer:
    respond-async`: 202 and a job whose result names the file
    (`GET /api/v1/jobs/{id}/file`)."""
    window = services.window_for(query["window_id"])
    if prefers_async():  # a big window: the worker writes the file (GET /api/v1/jobs/{id}/file)
        job = submit(exports.KIND_834, {"window_id": str(window.id), "kind": query["kind"],
                                         "carrier": query.get("carrier")}, created_by=g.user.id)
        db.session.commit()
        return accepted(job, g.tenant.slug)
    text = x12.export_834(window, query["kind"], query.get("carrier"))
    db.session.commit()
    response = make_response(text)
    response.mimetype = "application/edi-x12"
    response.headers["Content-Disposition"] = f'attachment; filename="834-{window.id}-{query["kind"]}.x12"'
    return response


@blp.route("/life-events", methods=["POST"])
@blp.arguments(LifeEventInSchema, location="form", content_type="multipart/form-data")
@blp.response(201, LifeEventSchema)
def report_life_event(data):
    """Report a qualifying life event (multipart form with an `evidence` file:
    PDF, PNG or JPEG). An HR admin's approval opens a window."""
    employee_id = data.get("employee_id") or g.access.employee_id
    if employee_id is None:
        raise Invalid({"employee_id": ["Say which employee the event is for."]})
    employee = services.employee_for(employee_id, g.access)
    evidence = request.files.get("evidence")
    stored = files.store(evidence, purpose="life_event", uploaded_by=g.user.id) if evidence else None
    event = life_events.report_life_event(employee, data, stored)
    db.session.commit()
    return event


@blp.route("/life-events", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(LifeEventSchema))
def list_life_events(page):
    """Reported life events, newest first; employees see their own."""
    own = _own_id()
    return paginate(life_events.life_event_query(employee_id=own), page)


def _pending_event(event_id) -> LifeEvent:
    return get_or_404(LifeEvent, event_id, "Life event not found.")


@blp.route("/life-events/<uuid:event_id>/approve", methods=["POST"])
@requires(MANAGE)
@blp.arguments(LifeEventDecisionSchema)
@blp.response(200, LifeEventSchema)
def approve_life_event(data, event_id):
    """Approve: opens a 30-day window for the employee (60 for birth or adoption)."""
    event = life_events.decide_life_event(_pending_event(event_id), True, data.get("note"))
    db.session.commit()
    return event


@blp.route("/life-events/<uuid:event_id>/reject", methods=["POST"])
@requires(MANAGE)
@blp.arguments(LifeEventDecisionSchema)
@blp.response(200, LifeEventSchema)
def reject_life_event(data, event_id):
    """Reject a pending life event (no window opens)."""
    event = life_events.decide_life_event(_pending_event(event_id), False, data.get("note"))
    db.session.commit()
    return event


@blp.route("/life-events/<uuid:event_id>/evidence", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
def life_event_evidence(event_id):
    """Download the evidence file (HR admins, or the employee who reported it)."""
    event = _pending_event(event_id)
    if not g.access.can(MANAGE) and not g.access.is_self(event.employee_id):
        raise NotFound("Life event not found.")
    if event.evidence_file_id is None:
        raise NotFound("No evidence was attached.")
    return files.send(files.get(event.evidence_file_id))


@blp.route("/eligibility-changes", methods=["GET"])
@requires(MANAGE)
@blp.arguments(EligibilityChangeQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(EligibilityChangeSchema))
def list_eligibility_changes(query, page):
    """Plans employees gained (a window opened) or lost (coverage ends at the
    end of the month) when their hours, employment type or hire date changed,
    newest first. `change=lost&reviewed=false` is HR's review list."""
    return paginate(eligibility.change_query(**query), page)


@blp.route("/eligibility-changes/<uuid:change_id>/review", methods=["POST"])
@requires(MANAGE)
@blp.response(200, EligibilityChangeSchema)
@blp.alt_response(409, description="Already reviewed")
def review_eligibility_change(change_id):
    """Mark an eligibility change as reviewed by HR (it leaves the work queue). Audited."""
    change = eligibility.review(change_id)
    db.session.commit()
    return change


@blp.route("/settings", methods=["GET"])
@blp.response(200, BenefitsSettingsSchema)
def get_settings():
    """Pay frequency, new-hire window length and reminder timing."""
    return services.settings()


@blp.route("/settings", methods=["PATCH"])
@requires(MANAGE)
@blp.arguments(BenefitsSettingsPatchSchema(partial=True))
@blp.response(200, BenefitsSettingsSchema)
def update_settings(data):
    """Change pay frequency, new-hire window length or reminder timing."""
    result = services.update_settings(data)
    db.session.commit()
    return result
