"""Portal pages for people: directory, employee detail/edit/add, CSV import
and the tenant's logins. Rules stay in `hrbpo.core.people.services`."""
import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from hrbpo.core.api.base import get_or_404, paginate
from hrbpo.core.auth.models import ROLES
from hrbpo.core.auth.permissions import requires
from hrbpo.core.db import db
from hrbpo.core.errors import Conflict, Invalid, NotFound
from hrbpo.core.jobs.api import job_out
from hrbpo.core.jobs.services import visible_job
from hrbpo.core.people import importer, imports, services
from hrbpo.core.people.models import EMPLOYMENT_TYPES, STATUSES, Employee
from hrbpo.core.people.schemas import EmployeeSchema, EmployeeUpdateSchema, TenantUserSchema
from hrbpo.core.portal.forms import load, page_args, submitted
from hrbpo.core.portal.blueprint import bp

EMPLOYEE_FIELDS = services.FIELDS + ("national_id",)


@bp.get("/employees/")
@requires("people.read")
def directory():
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    locations = services.locations()
    location = request.args.get("location") if request.args.get("location") in locations else None
    stmt, params = services.employee_query(q=q or None, status=status, location=location)
    result = paginate(stmt, page_args(), params=params)
    return render_template("portal/directory.html", result=result, q=q, status=status or "", statuses=STATUSES,
                           location=location or "", locations=locations)


def _visible_employee(employee_id) -> Employee:
    """HR sees everyone; an employee only themselves (others answer 404)."""
    if not g.access.may_see_employee(employee_id):
        abort(404)
    return get_or_404(Employee, employee_id)


@bp.get("/employees/<uuid:employee_id>")
def employee(employee_id):
    return render_template("portal/employee.html", employee=_visible_employee(employee_id))


def _form(employee=None, values=None, errors=None, status=200):
    return render_template("portal/employee_form.html", employee=employee, values=values or {}, errors=errors or {},
                           employment_types=EMPLOYMENT_TYPES), status


@bp.route("/employees/new", methods=["GET", "POST"])
@requires("people.write")
def add_employee():
    if request.method == "GET":
        return _form(values={"employment_type": "full_time", "hours_per_week": 40})
    values = submitted(EMPLOYEE_FIELDS)
    data, errors = load(EmployeeSchema(), values)
    if errors:
        return _form(values=values, errors=errors, status=422)
    try:
        created = services.create_employee(data)
    except Conflict as exc:
        return _form(values=values, errors={"email": [exc.detail]}, status=409)
    db.session.commit()
    flash(_("%(name)s was added.", name=created.full_name), "success")
    return redirect(url_for("portal.employee", employee_id=created.id), code=303)


@bp.route("/employees/<uuid:employee_id>/edit", methods=["GET", "POST"])
@requires("people.write")
def edit_employee(employee_id):
    record = _visible_employee(employee_id)
    if request.method == "GET":
        return _form(record, {f: getattr(record, f) for f in services.FIELDS})
    values = submitted(services.FIELDS, keep_blank=True)
    values.update(submitted(("national_id", "termination_date")))  # blank: leave as is
    data, errors = load(EmployeeUpdateSchema(), values)
    if errors:
        return _form(record, values, errors, 422)
    try:
        services.update_employee(record, data)
    except (Conflict, Invalid) as exc:
        db.session.rollback()
        return _form(record, values, exc.errors or {"email": [exc.detail]}, exc.status)
    db.session.commit()
    flash(_("Changes saved."), "success")
    return redirect(url_for("portal.employee", employee_id=record.id), code=303)


# Files bigger than this are imported by the worker, with a progress page.
ASYNC_BYTES = 256 * 1024


@bp.route("/employees/import", methods=["GET", "POST"])
@requires("people.write")
def import_employees():
    """All-or-nothing CSV import; every bad row is reported by its line. A
    big file (or one sent "in the background") goes to the worker."""
    columns = importer.REQUIRED + importer.OPTIONAL
    if request.method == "GET":
        return render_template("portal/import.html", columns=columns, problems=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("portal/import.html", columns=columns, problems={"file": [_("Choose a CSV file.")]}), 422
    if request.form.get("background") or _size(upload) > ASYNC_BYTES:
        try:
            job = imports.submit_import(upload, g.user.id)
        except Invalid as exc:
            db.session.rollback()
            return render_template("portal/import.html", columns=columns, problems=exc.errors), 422
        db.session.commit()
        return redirect(url_for("portal.import_progress", job_id=job.id), code=303)
    try:
        count = importer.import_employees(upload.stream)
    except Invalid as exc:
        db.session.rollback()
        return render_template("portal/import.html", columns=columns, problems=exc.errors, detail=exc.detail), 422
    db.session.commit()
    flash(ngettext("%(count)s employee was imported.", "%(count)s employees were imported.", count,
                   count=format_decimal(count)), "success")
    return redirect(url_for("portal.directory"), code=303)


def _size(upload) -> int:
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


@bp.get("/employees/import/<uuid:job_id>")
@requires("people.write")
def import_progress(job_id):
    """How far the worker is with an import; the page refreshes its progress until it ends."""
    job, _tenant = visible_job(job_id)
    if job.tenant_id != g.tenant.id or job.kind != imports.KIND:
        abort(404)
    return render_template("portal/import_progress.html", job=job_out(job, g.tenant.slug))


@bp.route("/users/", methods=["GET", "POST"])
@requires("users.manage")
def users():
    """The tenant's logins; HR admins add people and change roles here."""
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = submitted(("email", "role", "password"))
        data, errors = load(TenantUserSchema(), values)
        if not errors:
            try:
                services.add_user(data["email"], data["role"], data.get("password"))
            except (Conflict, Invalid) as exc:
                db.session.rollback()
                errors = exc.errors or {"email": [exc.detail]}
            else:
                db.session.commit()
                flash(_("%(email)s can now sign in.", email=data["email"]), "success")
                return redirect(url_for("portal.users"), code=303)
        status = 422
    result = paginate(services.tenant_users_query(), page_args())
    names = _employee_names([m.employee_id for m in result["items"] if m.employee_id])
    return render_template("portal/users.html", result=result, values=values, errors=errors, roles=ROLES,
                           names=names), status


def _employee_names(ids) -> dict:
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Employee.id, Employee.first_name, Employee.last_name)
                              .where(Employee.id.in_(ids))).all()
    return {row.id: f"{row.first_name} {row.last_name}" for row in rows}


@bp.post("/users/<uuid:user_id>/role")
@requires("users.manage")
def change_role(user_id):
    role = request.form.get("role")
    if role not in ROLES:
        abort(422, _("Choose a role."))
    try:
        membership = services.get_membership(user_id)
    except NotFound:
        abort(404)
    services.update_membership(membership, {"role": role})
    db.session.commit()
    flash(_("Role changed."), "success")
    return redirect(url_for("portal.users"), code=303)
