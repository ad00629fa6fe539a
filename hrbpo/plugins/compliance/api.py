"""/api/v1/tenants/<slug>/compliance/… (contract: API.md "Compliance"), and the
operator's master-template library under /api/v1/compliance."""
import sqlalchemy as sa
from flask import Response, g, url_for

from hrbpo.plugin_api import (BackgroundJob, Blueprint, Employee, Invalid, NotFound, PageArgs, accepted,
                              current_access, db, files as stored_files, get_or_404, page_schema,
                              paginate, prefers_async, requires, utcnow)
from hrbpo.plugins.compliance import assigning, calendar, masters, reports, services
from hrbpo.plugins.compliance.models import ChecklistTemplate
from hrbpo.plugins.compliance.schemas import (AssignmentResultSchema, AssignmentSchema, AuditPackQuerySchema, ChecklistQuerySchema,
                                              ChecklistSchema, ChecklistSummarySchema, CommentSchema, CompleteSchema,
                                              FeedRequestSchema, FeedSchema, FileSchema, ItemSchema,
                                              MasterTemplateSchema, PushResultSchema, PushSchema, ReasonSchema,
                                              ReportQuerySchema, ReportSchema, TemplatePatchSchema, TemplateSchema,
                                              TemplateVersionSchema, UploadSchema)

blp = Blueprint("compliance_api", __name__, url_prefix=None,
                description="Compliance checklists: templates, assignments, evidence, attestations, reports")


def _today():
    return services.today_for(g.tenant)


def present(checklist, with_items=True) -> dict:
    """A checklist with its computed status and progress (percent, plus counts)."""
    today = _today()
    out = {"id": checklist.id, "name": checklist.name, "template_id": checklist.template_id,
           "template_version": checklist.template_version, "employee_id": checklist.employee_id,
           "employee_name": checklist.employee.full_name, "reason": checklist.reason,
           "status": checklist.status_on(today), "assigned_on": checklist.occurrence_on,
           "due_on": max((i.due_on for i in checklist.items), default=None),
           "completed_at": checklist.completed_at, **checklist.progress()}
    if with_items:
        out["items"] = [present_item(i, today) for i in checklist.items]
    return out


def present_item(item, today=None) -> dict:
    fields = ItemSchema().fields
    out = {name: getattr(item, name) for name in fields if name not in ("status",)}
    out["status"] = item.status_on(today or _today())
    return out


# --- Templates


@blp.route("/templates", methods=["POST"])
@requires("compliance.manage")
@blp.arguments(TemplateSchema)
@blp.response(201, TemplateSchema)
def create_template(data):
    """Create a checklist template (version 1). `recurrence` is an RFC 5545
    RRULE evaluated in the tenant's time zone (422 if it does not parse or
    recurs more often than daily); `assign_on` is `manual`, `hire` (onboarding:
    assigned when `employee_hired` fires) or `termination` (offboarding)."""
    template = services.create_template(data)
    db.session.commit()
    return template


@blp.route("/templates", methods=["GET"])
@requires("compliance.manage")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(TemplateSchema))
def list_templates(page):
    return paginate(sa.select(ChecklistTemplate).where(ChecklistTemplate.active.is_(True))
                    .order_by(ChecklistTemplate.name, ChecklistTemplate.id), page)


@blp.route("/templates/<uuid:template_id>", methods=["GET"])
@requires("compliance.manage")
@blp.response(200, TemplateSchema)
def get_template(template_id):
    """The template's current version."""
    return get_or_404(ChecklistTemplate, template_id, "Template not found.")


@blp.route("/templates/<uuid:template_id>", methods=["PUT"])
@requires("compliance.manage")
@blp.arguments(TemplateSchema)
@blp.response(200, TemplateSchema)
def replace_template(data, template_id):
    """Replace the template: a new version (`version` + 1). Checklists
    already assigned keep the version they were made from."""
    template = services.update_template(get_or_404(ChecklistTemplate, template_id, "Template not found."), data)
    db.session.commit()
    return template


@blp.route("/templates/<uuid:template_id>", methods=["PATCH"])
@requires("compliance.manage")
@blp.arguments(TemplatePatchSchema)
@blp.response(200, TemplateSchema)
def patch_template(data, template_id):
    """Change some fields: a new version when anything changed."""
    template = services.update_template(get_or_404(ChecklistTemplate, template_id, "Template not found."), data)
    db.session.commit()
    return template


@blp.route("/templates/<uuid:template_id>/versions", methods=["GET"])
@requires("compliance.manage")
@blp.response(200, TemplateVersionSchema(many=True))
def template_versions(template_id):
    """Every version of the template, oldest first."""
    return services.template_versions(get_or_404(ChecklistTemplate, template_id, "Template not found."))


# --- Assignment and checklists


@blp.route("/assignments", methods=["POST"])
@requires("compliance.manage")
@blp.arguments(AssignmentSchema)
@blp.response(201, AssignmentResultSchema)
@blp.alt_response(202, description="Queued as a `compliance.assign` job (a large audience, or `Prefer: "
                                   "respond-async`): `{\"job\": {...}}`, followed at `GET /api/v1/jobs/{id}`")
@blp.alt_response(422, description="Invalid fields; a `template_id` or `employee_ids` entry that does not exist "
                                   "in this tenant (including another tenant's id) is a field error here, since "
                                   "it is a value in the body, not the resource in the path; an audience nobody "
                                   "active is in is an error on `audience`")
def create_assignments(data):
    """Assign a template: one checklist per employee of the audience, items
    due `due_days` after today on the tenant's calendar. The audience is one
    of `employee_ids`; `all: true` (every active employee); or filters
    (`department`, `location`, `employment_type`, `hired_from`, `hired_to`:
    every active employee matching all of those given). Answers the new checklists as
    `{"items": [...]}`; an audience larger than the inline limit (200 by
    default) is assigned by the worker instead: 202 with the job."""
    audience = {k: v for k, v in data.items() if k != "template_id"}
    outcome = assigning.assign_audience(g.tenant, data["template_id"], audience, created_by=g.user.id,
                                        background=prefers_async())
    db.session.commit()
    if isinstance(outcome, BackgroundJob):
        return accepted(outcome, g.tenant.slug)
    return {"items": [present(c) for c in outcome]}


@blp.route("/checklists", methods=["GET"])
@blp.arguments(ChecklistQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ChecklistSummarySchema))
def list_checklists(query, page):
    """Checklists, newest first; `status` is open, done or overdue (an
    unresolved item past its due date). Employees see their own only."""
    result = paginate(services.checklist_query(current_access(), _today(), **query), page)
    result["items"] = [present(c, with_items=False) for c in result["items"]]
    return result


@blp.route("/checklists/<uuid:checklist_id>", methods=["GET"])
@blp.response(200, ChecklistSchema)
def get_checklist(checklist_id):
    """A checklist with its items. `progress` is the percentage (0-100
    integer) of items resolved (done or waived); `done`, `waived` and `total`
    give the counts."""
    return present(services.visible_checklist(current_access(), checklist_id))


def _item(checklist_id, item_id):
    checklist = services.visible_checklist(current_access(), checklist_id)
    return checklist, services.checklist_item(checklist, item_id)


@blp.route("/checklists/<uuid:checklist_id>/items/<uuid:item_id>/complete", methods=["POST"])
@blp.arguments(CompleteSchema)
@blp.response(200, ItemSchema)
@blp.alt_response(403, description="Not the item's owner (attestations: only the employee)")
@blp.alt_response(409, description="Already done or waived")
@blp.alt_response(422, description="Required attestation or evidence missing, or an unknown evidence file")
def complete_item(data, checklist_id, item_id):
    """Complete an item. Items that require attestation need `attestation:
    true` (the statement text, time, user and client address are recorded);
    items that require evidence need `evidence_file_id` from POST /files."""
    checklist, item = _item(checklist_id, item_id)
    services.complete_item(current_access(), checklist, item, data["attestation"], data["evidence_file_id"])
    db.session.commit()
    return present_item(item)


@blp.route("/checklists/<uuid:checklist_id>/items/<uuid:item_id>/approve", methods=["POST"])
@requires("compliance.manage")
@blp.response(200, ItemSchema)
@blp.alt_response(409, description="Not completed, or already approved")
def approve_item(checklist_id, item_id):
    """HR review: accept a completed item."""
    checklist, item = _item(checklist_id, item_id)
    services.approve(checklist, item)
    db.session.commit()
    return present_item(item)


@blp.route("/checklists/<uuid:checklist_id>/items/<uuid:item_id>/send-back", methods=["POST"])
@requires("compliance.manage")
@blp.arguments(CommentSchema)
@blp.response(200, ItemSchema)
@blp.alt_response(409, description="Not completed")
def send_back_item(data, checklist_id, item_id):
    """HR review: reopen a completed item with a comment for the employee."""
    checklist, item = _item(checklist_id, item_id)
    services.send_back(checklist, item, data["comment"])
    db.session.commit()
    return present_item(item)


@blp.route("/checklists/<uuid:checklist_id>/items/<uuid:item_id>/waive", methods=["POST"])
@requires("compliance.manage")
@blp.arguments(ReasonSchema)
@blp.response(200, ItemSchema)
@blp.alt_response(409, description="Already done or waived")
def waive_item(data, checklist_id, item_id):
    """Waive an item with a reason (it then counts as resolved)."""
    checklist, item = _item(checklist_id, item_id)
    services.waive(checklist, item, data["reason"])
    db.session.commit()
    return present_item(item)


# --- Evidence files


@blp.route("/files", methods=["POST"])
@blp.arguments(UploadSchema, location="files")
@blp.response(201, FileSchema)
@blp.alt_response(413, description="Larger than the upload limit (10 MiB by default)")
@blp.alt_response(415, description="Not a PDF, PNG or JPEG (judged by content, not by name)")
@blp.alt_response(422, description="No multipart field `file`")
def upload_file(files):
    """Upload evidence (multipart field `file`). The type is judged by the
    file's bytes; the file is private to this tenant and downloadable only
    by HR, operators, the uploader and the employee whose item it proves."""
    upload = files.get("file")
    if upload is None or not hasattr(upload, "stream"):
        raise Invalid({"file": ["Attach the file as multipart field 'file'."]})
    stored = services.upload_evidence(upload)
    db.session.commit()
    return stored


@blp.route("/files/<uuid:file_id>", methods=["GET"])
@blp.response(200, description="The file's bytes (application/pdf, image/png or image/jpeg)")
def download_file(file_id):
    """Download evidence (404 for anyone not allowed to see it)."""
    return stored_files.send(services.downloadable_file(current_access(), file_id))


# --- Calendar, report, audit pack


@blp.route("/calendar.ics", methods=["GET"])
@blp.response(200, description="text/calendar (RFC 5545): one all-day VEVENT per unresolved item")
def calendar_ics():
    """Due dates of unresolved items as iCalendar: the whole tenant for HR,
    the caller's own items for an employee."""
    access = current_access()
    if access.can("compliance.manage"):
        items = services.open_items()
    else:
        items = services.open_items(access.employee_id) if access.employee_id else []
    body = calendar.ics(items, f"{g.tenant.name} compliance", with_names=access.can("compliance.manage"))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{g.tenant.slug}-compliance.ics"'})


@blp.route("/calendar-feeds", methods=["POST"])
@blp.arguments(FeedRequestSchema)
@blp.response(201, FeedSchema)
def issue_feed(data):
    """A private iCalendar URL for one employee's due dates, usable without
    login (for calendar apps). Issuing a new one revokes the old. Employees
    get their own; HR may name `employee_id`."""
    access = current_access()
    employee_id = data.get("employee_id") or access.employee_id
    if employee_id is None or not (access.can("compliance.manage") or access.is_self(employee_id)):
        raise NotFound("Employee not found.")
    employee = get_or_404(Employee, employee_id, "Employee not found.")
    token = calendar.issue_feed_token(employee.id)
    db.session.commit()
    return {"url": url_for("compliance_feeds.feed", slug=g.tenant.slug, token=token, _external=True)}


@blp.route("/report", methods=["GET"])
@requires("compliance.manage")
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, ReportSchema, description="JSON, or text/csv with `format=csv` (same columns)")
def report(query):
    """Completion per template and employee: checklists (completed), items
    (done, waived, overdue) and progress percent. Filter by template,
    employee and the period the checklists were assigned in (`from`, `to`)."""
    fmt = query.pop("format")
    rows = reports.completion(_today(), **query)
    if fmt == "csv":
        return Response(reports.to_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{g.tenant.slug}-compliance.csv"'})
    return {"items": rows, "generated_at": utcnow()}


@blp.route("/audit-pack", methods=["GET"])
@requires("compliance.manage")
@blp.arguments(AuditPackQuerySchema, location="query")
@blp.response(200, description="application/zip: README.txt, report.csv/json, items.csv, checklists/, "
                               "evidence/, audit.csv, SHA256SUMS")
def audit_pack(query):
    """A ZIP an auditor can read without the system, for the chosen checklists
    (`checklist_ids`, comma-separated). Unknown ids answer 404."""
    access = current_access()
    checklists = [services.visible_checklist(access, i) for i in dict.fromkeys(query["checklist_ids"])]
    body = reports.audit_pack(g.tenant, checklists, _today())
    return Response(body, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{g.tenant.slug}-audit-pack.zip"'})


# --- Operator library (an operator API blueprint: not under a tenant, under /api/v1/compliance)

ops = Blueprint("compliance_ops_api", __name__, url_prefix=None,
                description="BPO master templates pushed into tenants (operators only)")


@ops.route("/master-templates", methods=["POST"])
@ops.arguments(MasterTemplateSchema)
@ops.response(201, MasterTemplateSchema)
def create_master(data):
    """Add a template to the BPO library."""
    master = masters.create(data)
    db.session.commit()
    return master


@ops.route("/master-templates", methods=["GET"])
@ops.response(200, MasterTemplateSchema(many=True))
def list_masters():
    return masters.all_masters()


@ops.route("/master-templates/<uuid:master_id>/push", methods=["POST"])
@ops.arguments(PushSchema)
@ops.response(201, PushResultSchema)
def push_master(data, master_id):
    """Copy the master into each named tenant (with the module on) as a
    tenant template the tenant may adapt; tenants with a copy are skipped."""
    result = masters.push(masters.get(master_id), data["tenants"])
    db.session.commit()
    return result
