"""/api/v1/jobs: a job's state and progress, lists, and retrying a failed one."""
import marshmallow as ma
import sqlalchemy as sa
from flask import abort, current_app, g, request

from hrbpo.core import files, tenancy
from hrbpo.core.api.base import Blueprint, PageArgs, page_schema, paginate
from hrbpo.core.api.schemas import Schema
from hrbpo.core.auth.permissions import operator_required
from hrbpo.core.db import db
from hrbpo.core.jobs import runner, services
from hrbpo.core.jobs.models import STATUSES, BackgroundJob
from hrbpo.core.tenants.models import Tenant

blp = Blueprint("jobs_api", __name__, url_prefix="/api/v1", description="Background jobs")


class JobProgressSchema(Schema):
    done = ma.fields.Integer()
    total = ma.fields.Integer(allow_none=True)


class BackgroundJobSchema(Schema):
    id = ma.fields.UUID()
    kind = ma.fields.String(metadata={"description": "e.g. employees.import, or a periodic task's name"})
    tenant = ma.fields.String(allow_none=True, metadata={"description": "Tenant slug"})
    status = ma.fields.String(metadata={"enum": list(STATUSES)})
    progress = ma.fields.Nested(JobProgressSchema)
    result = ma.fields.Dict(allow_none=True)
    errors = ma.fields.Dict(allow_none=True, metadata={"description": "Imports: messages by CSV line number"})
    error = ma.fields.String(allow_none=True, metadata={"description": "Why the last attempt failed"})
    attempts = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    created_by = ma.fields.UUID(allow_none=True, metadata={"description": "The user who asked for it"})


class BackgroundJobEnvelopeSchema(Schema):
    job = ma.fields.Nested(BackgroundJobSchema)


class BackgroundJobQuerySchema(Schema):
    tenant = ma.fields.String(validate=ma.validate.Length(max=63), metadata={"description": "Tenant slug"})
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    kind = ma.fields.String(validate=ma.validate.Length(max=80))


def job_out(job: BackgroundJob, slug: str | None) -> dict:
    """A job as the API shows it; a running job's progress is read live."""
    done, total = job.progress_done or 0, job.progress_total
    if job.status == "running":
        heard = runner.live(job.id)
        if heard:
            done, total = max(done, heard.get("done") or 0), heard.get("total") or total
    return {"id": job.id, "kind": job.kind, "tenant": slug, "status": job.status,
            "progress": {"done": done, "total": total}, "result": job.result, "errors": job.errors,
            "error": job.error, "attempts": job.attempts, "created_at": job.created_at,
            "started_at": job.started_at, "finished_at": job.finished_at, "created_by": job.created_by}


def jobs_out(jobs) -> list[dict]:
    ids = {j.tenant_id for j in jobs if j.tenant_id}
    with tenancy.all_tenants():
        slugs = dict(db.session.execute(sa.select(Tenant.id, Tenant.slug).where(Tenant.id.in_(ids))).all()) if ids else {}
    return [job_out(j, slugs.get(j.tenant_id)) for j in jobs]


def prefers_async() -> bool:
    """RFC 7240: the client asked for `Prefer: respond-async`."""
    wanted = (p.split(";")[0].split("=")[0].strip().lower() for p in request.headers.get("Prefer", "").split(","))
    return "respond-async" in wanted


def accepted(job: BackgroundJob, slug: str | None):
    """The answer to `Prefer: respond-async`: 202, where to follow the job, and the job
    (a response of its own: the view's success schema is for the synchronous answer)."""
    response = current_app.json.response(BackgroundJobEnvelopeSchema().dump({"job": job_out(job, slug)}))
    response.status_code = 202
    response.headers.update({"Location": f"/api/v1/jobs/{job.id}", "Preference-Applied": "respond-async"})
    return response


@blp.route("/jobs/<job_id>", methods=["GET"])
@blp.response(200, BackgroundJobSchema)
def get_job(job_id):
    """A job: its status, progress, result and errors (its tenant's HR admins, operators)."""
    job, tenant = services.visible_job(services.parse_id(job_id))
    return job_out(job, tenant.slug if tenant else None)


@blp.route("/jobs", methods=["GET"])
@blp.arguments(BackgroundJobQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(BackgroundJobSchema))
def list_jobs(query, page):
    """Jobs, newest first: operators across tenants, HR admins their tenant's."""
    if g.get("user") is None:
        abort(401)
    tenant_ids = services.visible_tenant_ids(g.user)
    if tenant_ids == []:
        abort(403, "Only HR admins and operators may list jobs.")
    if query.get("tenant"):
        with tenancy.all_tenants():
            wanted = db.session.scalar(sa.select(Tenant.id).where(Tenant.slug == query["tenant"]))
        if wanted is None or (tenant_ids is not None and wanted not in tenant_ids):
            abort(404, "No such tenant.")
        tenant_ids = [wanted]
    with tenancy.all_tenants():
        result = paginate(services.jobs_query(tenant_ids, query.get("status"), query.get("kind")), page)
    result["items"] = jobs_out(result["items"])
    return result


@blp.route("/jobs/<job_id>/file", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
def job_file(job_id):
    """The file a finished export job made (its `result.file_id`)."""
    job, tenant = services.visible_job(services.parse_id(job_id))
    file_id = (job.result or {}).get("file_id") if job.status == "succeeded" else None
    if tenant is None or file_id is None:
        abort(404, "This job has no file.")
    with tenancy.tenant_context(tenant):
        return files.send(files.get(file_id))


@blp.route("/jobs/<job_id>/retry", methods=["POST"])
@operator_required
@blp.response(202, BackgroundJobEnvelopeSchema, headers={"Location": {"description": "The job", "schema": {"type": "string"}}})
@blp.alt_response(409, description="The job has not failed")
def retry_job(job_id):
    """Run a failed job again (operators)."""
    job, tenant = services.visible_job(services.parse_id(job_id))
    job = services.retry(job)
    db.session.commit()
    return accepted(job, tenant.slug if tenant else None)
