"""/api/v1/tenants/<slug>/recruitment/… (contract: API.md "Recruitment")."""
from flask import Response, abort, jsonify

from hrbpo.plugin_api import Blueprint, PageArgs, current_access, db, files, get_or_404, page_schema, paginate, requires
from hrbpo.plugins.recruitment import interviews, privacy, services
from hrbpo.plugins.recruitment.models import Job, Offer
from hrbpo.plugins.recruitment.schemas import (ApplicationDetailSchema, ApplicationQuerySchema, ApplicationSchema,
                                               CandidateSchema, FunnelStageSchema, HireSchema, HiringReportQuerySchema,
                                               InterviewSchema, JobQuerySchema, JobSchema, JobUpdateSchema, MoveSchema,
                                               OfferSchema, RecruitmentSettingsSchema, RejectionReasonSchema,
                                               RejectSchema, ResumeSchema, ScorecardSchema, StageOutSchema,
                                               StageSchema)

blp = Blueprint("recruitment_api", __name__, url_prefix=None, description="Recruitment: jobs, pipeline, hiring")
MANAGE = "recruitment.manage"


# --- Pipeline, rejection reasons, settings


@blp.route("/stages", methods=["GET"])
@requires(MANAGE)
@blp.response(200, StageOutSchema(many=True))
def list_stages():
    """The pipeline's stages in order."""
    return services.stages()


@blp.route("/stages", methods=["PUT"])
@requires(MANAGE)
@blp.arguments(StageSchema(many=True))
@blp.response(200, StageOutSchema(many=True))
@blp.alt_response(409, description="A stage to delete still holds applications")
def replace_stages(items):
    """Replace the ordered pipeline: items with `id` keep that stage (rename,
    re-kind, reorder), items without are added, stages left out are deleted.
    The first stage must not be final; one `hired` and one `rejected` stage are required."""
    result = services.replace_stages(items)
    db.session.commit()
    return result


@blp.route("/rejection-reasons", methods=["GET"])
@requires(MANAGE)
@blp.response(200, RejectionReasonSchema(many=True))
def list_reasons():
    """The tenant's list of rejection reasons (offered when rejecting)."""
    return services.rejection_reasons()


@blp.route("/rejection-reasons", methods=["PUT"])
@requires(MANAGE)
@blp.arguments(RejectionReasonSchema(many=True))
@blp.response(200, RejectionReasonSchema(many=True))
def replace_reasons(items):
    """Replace the list of rejection reasons, in order."""
    result = services.replace_rejection_reasons([i["label"] for i in items])
    db.session.commit()
    return result


@blp.route("/settings", methods=["GET"])
@requires(MANAGE)
@blp.response(200, RecruitmentSettingsSchema)
def get_settings():
    """Retention period and consent text version."""
    return services.settings()


@blp.route("/settings", methods=["PUT"])
@requires(MANAGE)
@blp.arguments(RecruitmentSettingsSchema)
@blp.response(200, RecruitmentSettingsSchema)
def put_settings(data):
    """Change the module's settings for this tenant."""
    result = services.save_settings(data)
    db.session.commit()
    return result


# --- Jobs


@blp.route("/jobs", methods=["POST"])
@requires(MANAGE)
@blp.arguments(JobSchema)
@blp.response(201, JobSchema)
def create_job(data):
    """Open a requisition (status `draft`)."""
    job = services.create_job(data)
    db.session.commit()
    return job


@blp.route("/jobs", methods=["GET"])
@requires(MANAGE)
@blp.arguments(JobQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(JobSchema))
def list_jobs(query, page):
    """Jobs, newest first; filter by `status`."""
    return paginate(services.job_query(**query), page)


@blp.route("/jobs/<uuid:job_id>", methods=["GET"])
@requires(MANAGE)
@blp.response(200, JobSchema)
def get_job(job_id):
    return get_or_404(Job, job_id, "Job not found.")


@blp.route("/jobs/<uuid:job_id>", methods=["PATCH"])
@requires(MANAGE)
@blp.arguments(JobUpdateSchema)
@blp.response(200, JobSchema)
def update_job(data, job_id):
    """Edit a job's requisition fields."""
    job = services.update_job(get_or_404(Job, job_id, "Job not found."), data)
    db.session.commit()
    return job


def _status_routes(model, noun, summaries):
    """POST /<noun>s/<id>/<action> for each workflow step of jobs and offers."""
    for action, summary in summaries.items():
        def view(action=action, **ids):
            item = services.change_status(get_or_404(model, ids[f"{noun}_id"], f"{model.__name__} not found."),
                                          action)
            db.session.commit()
            return item

        view.__name__, view.__doc__ = f"{action}_{noun}", summary
        blp.route(f"/{noun}s/<uuid:{noun}_id>/{action}", methods=["POST"])(requires(MANAGE)(
            blp.response(200, _SCHEMAS[noun])(blp.alt_response(409, description="Wrong status")(view))))


_SCHEMAS = {"job": JobSchema, "offer": OfferSchema}
_status_routes(Job, "job", {
    "publish": "Publish a draft or on-hold job (status `open`): it shows on the careers page.",
    "hold": "Put an open job on hold (`on_hold`): hidden from the careers page.",
    "close": "Close a job (`closed`): final.",
})


@blp.route("/jobs/<uuid:job_id>/funnel", methods=["GET"])
@requires(MANAGE)
@blp.response(200, FunnelStageSchema(many=True))
def job_funnel(job_id):
    """Applications per pipeline stage for one job."""
    get_or_404(Job, job_id, "Job not found.")
    return [{"stage_id": s.id, "stage": s.name, "kind": s.kind, "count": n} for s, n in services.funnel(job_id)]


# --- Applications


@blp.route("/applications", methods=["POST"])
@requires(MANAGE)
@blp.arguments(ApplicationSchema)
@blp.response(201, ApplicationSchema)
@blp.alt_response(409, description="Already applied to this job, or the job is closed")
def create_application(data):
    """Enter an application (HR): the candidate lands in the first stage. One
    candidate per email per tenant: a known email links the same candidate."""
    job = get_or_404(Job, data["job_id"], "Job not found.")
    application = services.apply(job, data["candidate"], data["consent"], source=data["source"])
    db.session.commit()
    return application


@blp.route("/applications", methods=["GET"])
@requires(MANAGE)
@blp.arguments(ApplicationQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ApplicationSchema))
def list_applications(query, page):
    """Applications, newest first; filter by `job_id`, `stage_id`, `candidate_id`."""
    return paginate(services.application_query(**query), page)


@blp.route("/applications/<uuid:application_id>", methods=["GET"])
@requires(MANAGE)
@blp.response(200, ApplicationDetailSchema)
def get_application(application_id):
    """An application with its full stage history (who, when, from, to), interviews and offers."""
    return services.get_application(application_id, *services.APPLICATION_DETAIL)


@blp.route("/applications/<uuid:application_id>/move", methods=["POST"])
@requires(MANAGE)
@blp.arguments(MoveSchema)
@blp.response(200, ApplicationDetailSchema)
@blp.alt_response(409, description="The application is already hired or rejected")
def move_application(data, application_id):
    """Move to another stage (with an optional note). A `hired` stage hires
    (today), a `rejected` stage rejects: the note is the reason and is then
    required (422 with `errors.note` without one)."""
    application = services.get_application(application_id)
    services.move(application, services.get_stage(data["stage_id"]), data.get("note"))
    db.session.commit()
    return application


@blp.route("/applications/<uuid:application_id>/reject", methods=["POST"])
@requires(MANAGE)
@blp.arguments(RejectSchema)
@blp.response(200, ApplicationDetailSchema)
@blp.alt_response(409, description="The application is already hired or rejected")
def reject_application(data, application_id):
    """Reject, with a reason (usually one of the tenant's rejection reasons)."""
    application = services.reject(services.get_application(application_id), data["reason"])
    db.session.commit()
    return application


@blp.route("/applications/<uuid:application_id>/hire", methods=["POST"])
@requires(MANAGE)
@blp.arguments(HireSchema)
@blp.response(200, ApplicationDetailSchema)
@blp.alt_response(409, description="Already final, or an employee with this email exists")
def hire_application(data, application_id):
    """Hire: creates the employee in core (fires `employee_hired`)."""
    application = services.hire(services.get_application(application_id), data["hire_date"])
    db.session.commit()
    return application


# --- Interviews and scorecards


@blp.route("/applications/<uuid:application_id>/interviews", methods=["POST"])
@requires(MANAGE)
@blp.arguments(InterviewSchema)
@blp.response(201, InterviewSchema)
def schedule_interview(data, application_id):
    """Schedule an interview; `interviewer_ids` are user ids of this tenant.
    `scheduled_at` must be in the future (422 with `errors.scheduled_at` otherwise)."""
    interview = interviews.schedule_interview(services.get_application(application_id), data)
    db.session.commit()
    return interview


@blp.route("/interviews", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(InterviewSchema))
def list_interviews(page):
    """Interviews by time: all for HR admins, one's own panels for others."""
    access = current_access()
    mine = None if access.can(MANAGE) else access.user
    return paginate(interviews.interview_query(user=mine), page)


@blp.route("/interviews/<uuid:interview_id>", methods=["GET"])
@blp.response(200, InterviewSchema)
def get_interview(interview_id):
    return interviews.get_interview(interview_id, current_access())


@blp.route("/interviews/<uuid:interview_id>/invite.ics", methods=["GET"])
@blp.doc(responses={"200": {"description": "iCalendar invite (RFC 5545)",
                            "content": {"text/calendar": {"schema": {"type": "string"}}}}})
def interview_invite(interview_id):
    """The interview as an iCalendar invite for the interviewers."""
    interview = interviews.get_interview(interview_id, current_access())
    return Response(interviews.invite_ics(interview), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="interview-{interview.id}.ics"'})


@blp.route("/interviews/<uuid:interview_id>/scorecards", methods=["POST"])
@blp.arguments(ScorecardSchema)
@blp.response(201, ScorecardSchema)
@blp.alt_response(200, schema=ScorecardSchema, description="Own draft updated")
@blp.alt_response(409, description="Already submitted")
def save_scorecard(data, interview_id):
    """Write one's own scorecard (interviewers on the panel only). `submit:
    false` keeps a draft that only its author sees and may edit; submitted is final."""
    access = current_access()
    if not access.can("recruitment.interview"):
        abort(403)
    card, created = interviews.save_scorecard(interviews.get_interview(interview_id, access), access.user, data)
    db.session.commit()
    return card, 201 if created else 200


@blp.route("/interviews/<uuid:interview_id>/scorecards", methods=["GET"])
@blp.response(200, ScorecardSchema(many=True))
def list_scorecards(interview_id):
    """HR admins see submitted scorecards; an interviewer sees only their own."""
    access = current_access()
    return interviews.visible_scorecards(interviews.get_interview(interview_id, access), access)


# --- Offers


@blp.route("/applications/<uuid:application_id>/offers", methods=["POST"])
@requires(MANAGE)
@blp.arguments(OfferSchema)
@blp.response(201, OfferSchema)
def create_offer(data, application_id):
    """Draft an offer (salary as a string decimal, currency defaults to the tenant's)."""
    offer = services.make_offer(services.get_application(application_id), data)
    db.session.commit()
    return offer


_status_routes(Offer, "offer", {
    "send": "Mark a draft offer as sent to the candidate.",
    "accept": "Record that the candidate accepted a sent offer.",
    "decline": "Record that the candidate declined a sent offer.",
})


# --- Candidates


@blp.route("/candidates/<uuid:candidate_id>", methods=["GET"])
@requires(MANAGE)
@blp.response(200, CandidateSchema)
def get_candidate(candidate_id):
    return services.get_candidate(candidate_id)


@blp.route("/candidates/<uuid:candidate_id>/resume", methods=["POST"])
@requires(MANAGE)
@blp.arguments(ResumeSchema, location="files")
@blp.response(201, CandidateSchema)
@blp.alt_response(413, description="Too large")
@blp.alt_response(415, description="Not a PDF or DOCX (judged by content)")
def upload_resume(files_, candidate_id):
    """Attach a resume (PDF or DOCX, multipart field `file`)."""
    candidate = services.attach_resume(services.get_candidate(candidate_id), files_["file"])
    db.session.commit()
    return candidate


@blp.route("/candidates/<uuid:candidate_id>/resume", methods=["GET"])
@requires(MANAGE)
@blp.doc(responses={"200": {"description": "The resume file"}})
def download_resume(candidate_id):
    candidate = services.get_candidate(candidate_id)
    if candidate.resume_file_id is None:
        abort(404, "This candidate has no resume.")
    return files.send(files.get(candidate.resume_file_id))


@blp.route("/candidates/<uuid:candidate_id>/export", methods=["GET"])
@requires(MANAGE)
@blp.doc(responses={"200": {"description": "Everything held about the candidate",
                            "content": {"application/json": {"schema": {"type": "object"}}}}})
def export_candidate(candidate_id):
    """The candidate's data as JSON (for a data subject access request)."""
    data = privacy.export_candidate(services.get_candidate(candidate_id))
    db.session.commit()  # the audit row of the export
    response = jsonify(data)
    response.headers["Content-Disposition"] = f'attachment; filename="candidate-{candidate_id}.json"'
    return response


@blp.route("/reports/time-to-hire", methods=["GET"])
@requires(MANAGE)
@blp.arguments(HiringReportQuerySchema, location="query")
@blp.doc(responses={"200": {"description": "Per job: hires and average days from application to hire"}})
def time_to_hire(query):
    report = services.time_to_hire()
    if query.get("job_id"):
        report = {k: v for k, v in report.items() if k == query["job_id"]}
    return {"items": [{"job_id": str(k), **v} for k, v in report.items()]}
