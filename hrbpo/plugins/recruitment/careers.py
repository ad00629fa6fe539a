"""Public careers pages: /careers/<slug>/jobs (no login, open jobs only).

Unknown tenants and tenants without the module answer 404, like any job that
is not open. Each job carries schema.org JobPosting JSON-LD (a data block,
which the CSP does not treat as script). The page is the tenant's: `g.tenant`
is set (no `g.access`: the visitor is nobody in particular), so the language
is the tenant's (else the browser's) and dates are in the tenant's time zone."""
import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.plugin_api import (DomainError, Schema, csrf_exempt, db, enter_public_tenant, flatten_errors, get_or_404,
                              limiter, logo_response, problem, text)
from hrbpo.plugins.recruitment import services
from hrbpo.plugins.recruitment.models import Job

bp = Blueprint("careers", __name__, url_prefix="/careers", template_folder="templates")
HONEYPOT = "website"
# schema.org employmentType values for ours.
EMPLOYMENT_TYPES = {"full_time": "FULL_TIME", "part_time": "PART_TIME", "contractor": "CONTRACTOR",
                    "temporary": "TEMPORARY", "intern": "INTERN"}


class PublicApplySchema(Schema):
    first_name = text(100, required=True)
    last_name = text(100, required=True)
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    phone = text(40, allow_none=True)
    consent = ma.fields.Boolean(load_default=False)

    @ma.pre_load
    def _blank_phone_is_none(self, data, **kwargs):
        # A browser sends the untouched optional field as "".
        if isinstance(data, dict) and isinstance(data.get("phone"), str) and not data["phone"].strip():
            data = {**data, "phone": None}
        return data


@bp.url_value_preprocessor
def _enter_tenant(endpoint, values):
    enter_public_tenant((values or {}).pop("slug", None), services.MODULE)


@bp.url_defaults
def _slug(endpoint, values):
    if "slug" not in values and g.get("tenant") is not None:
        values["slug"] = g.tenant.slug


def _open_job(job_id) -> Job:
    job = get_or_404(Job, job_id, "Job not found.")
    if job.status != "open":
        abort(404, "Job not found.")
    return job


def job_posting(job: Job, tenant) -> dict:
    """schema.org JobPosting as Google's job rich results expect it."""
    posting = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": job.description,
        "identifier": {"@type": "PropertyValue", "name": tenant.name, "value": str(job.id)},
        "datePosted": (job.published_at or job.created_at).date().isoformat(),
        "employmentType": EMPLOYMENT_TYPES.get(job.employment_type, "OTHER"),
        "hiringOrganization": {"@type": "Organization", "name": tenant.name},
        "directApply": True,
        "url": url_for("careers.job", job_id=job.id, _external=True),
    }
    if job.valid_through:
        posting["validThrough"] = job.valid_through.isoformat()
    if job.location or job.country:
        address = {"@type": "PostalAddress"}
        if job.location:
            address["addressLocality"] = job.location
        if job.country:
            address["addressCountry"] = job.country
        posting["jobLocation"] = {"@type": "Place", "address": address}
    if job.remote:
        posting["jobLocationType"] = "TELECOMMUTE"
        if job.country:
            posting["applicantLocationRequirements"] = {"@type": "Country", "name": job.country}
    if job.salary_min is not None or job.salary_max is not None:
        value = {"@type": "QuantitativeValue", "unitText": "YEAR"}
        if job.salary_min is not None:
            value["minValue"] = float(job.salary_min)
        if job.salary_max is not None:
            value["maxValue"] = float(job.salary_max)
        posting["baseSalary"] = {"@type": "MonetaryAmount", "currency": job.currency, "value": value}
    return posting


def _public(job: Job) -> dict:
    return {"id": str(job.id), "title": job.title, "description": job.description, "department": job.department,
            "location": job.location, "country": job.country, "remote": job.remote,
            "employment_type": job.employment_type,
            "published_at": job.published_at.isoformat() if job.published_at else None,
            "url": url_for("careers.job", job_id=job.id, _external=True),
            "apply_url": url_for("careers.apply", job_id=job.id, _external=True)}


@bp.get("/<slug>/jobs")
def jobs():
    """Open jobs of the tenant; `?format=json` for JSON."""
    tenant = g.tenant
    open_jobs = db.session.scalars(sa.select(Job).where(Job.status == "open")
                                   .order_by(Job.published_at.desc(), Job.id)).all()
    if request.args.get("format") == "json":
        return jsonify({"items": [_public(j) for j in open_jobs], "total": len(open_jobs)})
    return render_template("recruitment/careers_jobs.html", tenant=tenant, jobs=open_jobs,
                           postings=[job_posting(j, tenant) for j in open_jobs])


@bp.get("/<slug>/jobs/<uuid:job_id>")
def job(job_id):
    job = _open_job(job_id)
    if request.args.get("format") == "json":
        return jsonify(_public(job))
    return render_template("recruitment/careers_job.html", tenant=g.tenant, job=job, form={}, errors={},
                           posting=job_posting(job, g.tenant), applied=request.args.get("applied") == "1")


@bp.get("/<slug>/logo")
def logo():
    """The tenant's logo: public here, as on any careers page."""
    return logo_response(g.tenant)


def _apply_limit():
    return current_app.config.get("HRBPO_CAREERS_APPLY_LIMIT", "20 per minute")


@bp.post("/<slug>/jobs/<uuid:job_id>/apply")
@csrf_exempt
@limiter.limit(_apply_limit)
def apply(job_id):
    """Apply to an open job (form or JSON). A filled honeypot field is
    accepted silently and stored nowhere; so is a repeat application (no
    hint to strangers about who applied)."""
    job = _open_job(job_id)
    as_json = request.is_json
    raw = request.get_json(silent=True) if as_json else request.form.to_dict()
    if as_json and not isinstance(raw, dict):
        return problem(400, "The body must be a JSON object.")
    if str(raw.get(HONEYPOT) or "").strip():  # only bots fill the hidden field
        return _received(as_json)
    errors = {}
    try:
        data = PublicApplySchema().load(raw)
    except ma.ValidationError as exc:
        errors, data = flatten_errors(exc.messages), None
    if data is not None and data["consent"] is not True:
        errors["consent"] = [_("Please agree to the processing of your data to apply.")]
    if not errors:
        consent = data.pop("consent")
        try:
            services.apply(job, data, consent, source="careers", resume=_resume(), public=True)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            if exc.status == 409:
                return _received(as_json)
            if exc.status not in (413, 415, 422):
                raise
            errors = exc.errors or {"file": [exc.detail]}
    if errors:
        if as_json:
            return problem(422, "The request has invalid fields.", errors)
        return render_template("recruitment/careers_job.html", tenant=g.tenant, job=job, form=raw,
                               errors=errors, posting=job_posting(job, g.tenant), applied=False), 422
    return _received(as_json)


def _resume():
    upload = request.files.get("resume")
    return upload if upload is not None and upload.filename else None


def _received(as_json):
    if as_json:
        return jsonify({"status": "received"}), 201
    return redirect(url_for("careers.job", job_id=request.view_args["job_id"], applied=1), 303)
