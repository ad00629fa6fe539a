"""The console's view of background work: outgoing mail and jobs across
tenants (per tenant with `?tenant=`), their errors, a retry for what failed,
and the queue's health (depth, the worker's last heartbeat)."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.core import queue, tenancy
from hrbpo.core.api.base import paginate
from hrbpo.core.db import db
from hrbpo.core.errors import Conflict
from hrbpo.core.jobs import services as jobs
from hrbpo.core.jobs.api import jobs_out
from hrbpo.core.jobs.models import BackgroundJob
from hrbpo.core.mail import delivery
from hrbpo.core.mail.api import outbox_query, with_slugs
from hrbpo.core.mail.models import STATUSES as MAIL_STATUSES
from hrbpo.core.mail.models import OutboxMessage
from hrbpo.core.ops.times import zones_by_slug
from hrbpo.core.ops.blueprint import bp
from hrbpo.core.portal.forms import page_args
from hrbpo.core.redirects import safe_next
from hrbpo.core.tenants.models import Tenant

UNFINISHED = ("queued", "running", "failed")


def _filters(statuses) -> tuple[str, str]:
    status = request.args.get("status", "")
    tenant = request.args.get("tenant", "").strip()[:63]
    return (status if status in statuses else ""), tenant


def health() -> dict:
    """What to watch: failed mail and jobs, the queue's depth, the worker's heartbeat."""
    with tenancy.all_tenants():
        failed_mail = db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == "failed"))
        failed_jobs = db.session.scalar(sa.select(sa.func.count()).where(BackgroundJob.status == "failed"))
    try:
        depth = queue.depth()
    except Exception:
        depth = None
    return {"failed_mail": failed_mail, "failed_jobs": failed_jobs, "depth": depth, "queue": queue.check(),
            "heartbeat": queue.last_heartbeat()}


@bp.get("/mail")
def mail():
    status, tenant = _filters(MAIL_STATUSES)
    with tenancy.all_tenants():
        result = paginate(outbox_query(status=status or None, tenant=tenant or None), page_args())
        result["items"] = with_slugs(result["items"])
    zones = zones_by_slug(m["tenant"] for m in result["items"])
    return render_template("ops/mail.html", result=result, status=status, tenant=tenant, statuses=MAIL_STATUSES,
                           health=health(), zones=zones)


@bp.post("/mail/<uuid:message_id>/retry")
def retry_mail(message_id):
    try:
        delivery.retry(message_id)
    except Conflict:
        db.session.rollback()
        flash(_("Only failed mail can be retried."), "error")
    else:
        db.session.commit()
        flash(_("The message is queued again."), "success")
    return redirect(console_next(request.form.get("next", "")) or url_for("ops.mail"), code=303)


@bp.get("/jobs")
def jobs_page():
    status, tenant = _filters(UNFINISHED + ("succeeded",))
    tenant_ids = None
    if tenant:
        tenant_ids = list(db.session.scalars(sa.select(Tenant.id).where(Tenant.slug == tenant)))
    with tenancy.all_tenants():
        query = jobs.jobs_query(tenant_ids, status or None, statuses=None if status else UNFINISHED)
        result = paginate(query, page_args())
    result["items"] = jobs_out(result["items"])
    zones = zones_by_slug(j["tenant"] for j in result["items"])
    return render_template("ops/jobs.html", result=result, status=status, tenant=tenant,
                           statuses=UNFINISHED + ("succeeded",), health=health(), zones=zones)


@bp.post("/jobs/<uuid:job_id>/retry")
def retry_job(job_id):
    with tenancy.all_tenants():
        job = db.session.get(BackgroundJob, job_id)
    if job is None:
        abort(404)
    try:
        jobs.retry(job)
    except Conflict:
        db.session.rollback()
        flash(_("Only a failed job can be retried."), "error")
    else:
        db.session.commit()
        flash(_("The job is queued again."), "success")
    return redirect(console_next(request.form.get("next", "")) or url_for("ops.jobs_page"), code=303)


def console_next(value: str) -> str:
    """Only our own console pages are followed after a retry."""
    target = safe_next(value) or ""
    return target if target.startswith("/ops/") else ""

