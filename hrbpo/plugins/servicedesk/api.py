"""/api/v1/tenants/<slug>/servicedesk/… (shared/api/servicedesk.md). Core has
checked the caller, the tenant and that the module is on; staff are the
tenant's HR admins and operators, everyone else sees only their own cases."""
from datetime import date

import sqlalchemy as sa
from flask import request

from hrbpo.plugin_api import (Blueprint, Invalid, PageArgs, current_access, db, files, page_schema, paginate,
                              requires, utcnow)
from hrbpo.plugins.servicedesk import articles, calendars, cases, categories, levels, present, report
from hrbpo.plugins.servicedesk.models import Case
from hrbpo.plugins.servicedesk.schemas import (ArticlePatchSchema, ArticleQuerySchema, ArticleSchema, AssignSchema,
                                               CalendarSchema, CaseInSchema, HolidayListSchema, CaseReportSchema,
                                               CaseQuerySchema, CaseSchema, CaseWithThreadSchema, CategoryPatchSchema,
                                               CategorySchema, CommentInSchema, EntrySchema, AttachmentSchema,
                                               HolidaysQuerySchema, OpenedCaseSchema, ReportQuerySchema, Satisfaction,
                                               StatusInSchema)

blp = Blueprint("servicedesk_api", __name__, url_prefix=None, description="Service desk: HR cases with service levels")
MANAGE = cases.MANAGE


# --- Calendar

@blp.route("/calendar", methods=["GET"])
@blp.response(200, CalendarSchema)
def get_calendar():
    """The business calendar: the tenant's time zone, weekly spans per day, holidays."""
    return calendars.current().to_json()


@blp.route("/calendar", methods=["PUT"])
@requires(MANAGE)
@blp.response(200, CalendarSchema)
def put_calendar():
    """Replace the whole calendar (days left out are closed); 422 with `errors` names what is wrong."""
    body = request.get_json(silent=True)
    calendar = calendars.replace(body if isinstance(body, dict) else {})
    db.session.commit()
    return calendar.to_json()


@blp.route("/calendar/holidays", methods=["GET"])
@blp.arguments(HolidaysQuerySchema, location="query")
@blp.response(200, HolidayListSchema)
def get_holidays(query):
    """The year's holidays (default this year): the country's and the tenant's own, by date."""
    year = query.get("year") or date.today().year
    return {"items": [{"date": h.date.isoformat(), "name": h.name, "source": h.source}
                      for h in calendars.holidays(year)]}


# --- Categories

@blp.route("/categories", methods=["POST"])
@requires(MANAGE)
@blp.arguments(CategorySchema)
@blp.response(201, CategorySchema)
@blp.alt_response(409, description="A category with this name exists (names ignore case)")
def create_category(data):
    """A category with its first-response and resolution targets in business hours."""
    category = categories.create(data)
    db.session.commit()
    return category


@blp.route("/categories", methods=["GET"])
@blp.response(200, CategorySchema(many=True))
def list_categories():
    """The categories (employees: the active ones)."""
    return db.session.scalars(categories.category_query(cases.is_staff(current_access()))).all()


@blp.route("/categories/<uuid:category_id>", methods=["PATCH"])
@requires(MANAGE)
@blp.arguments(CategoryPatchSchema(partial=True))
@blp.response(200, CategorySchema)
def update_category(data, category_id):
    """Change a category; new targets apply to cases opened afterwards."""
    category = categories.update(categories.get(category_id), data)
    db.session.commit()
    return category


# --- Cases

@blp.route("/cases", methods=["POST"])
@blp.arguments(CaseInSchema)
@blp.response(201, OpenedCaseSchema)
def open_case(data):
    """Open a case; the answer suggests knowledge base articles sharing its words."""
    access = current_access()
    case, _imported = cases.open_case(data, access)
    suggested = articles.suggest(f"{data['subject']} {data['description']}", _locale(access))
    db.session.commit()
    return present.cases_out([case], suggested_articles=suggested)[0]


@blp.route("/cases", methods=["GET"])
@blp.arguments(CaseQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(CaseSchema))
def list_cases(query, page):
    """Cases, newest `opened_at` first (employees: their own); filters combine."""
    result = paginate(_filtered(cases.case_query(current_access()), query)
                      .order_by(Case.opened_at.desc(), Case.number.desc()), page)
    result["items"] = present.cases_out(result["items"])
    return result


def _filtered(select, query):
    for key in ("status", "assignee_id", "employee_id", "category_id", "priority"):
        if key in query:
            select = select.where(getattr(Case, key) == query[key])
    if "breached" in query:
        select = select.where(levels.breached_clause(utcnow(), query["breached"]))
    if query.get("q"):
        text = query["q"].strip().lower()
        number = text.upper().removeprefix("HR-")
        select = select.where(sa.or_(sa.func.lower(Case.subject).contains(text, autoescape=True),
                                     sa.func.lower(Case.description).contains(text, autoescape=True),
                                     Case.number == int(number) if number.isdigit() and len(number) < 10 else sa.false()))
    return select


@blp.route("/cases/<uuid:case_id>", methods=["GET"])
@blp.response(200, CaseWithThreadSchema)
def get_case(case_id):
    """A case with its thread, oldest first (employees never see internal notes)."""
    access = current_access()
    case = cases.get_case(case_id, access)
    return {**present.cases_out([case])[0], "thread": present.thread(case, access)}


@blp.route("/cases/<uuid:case_id>/comments", methods=["POST"])
@blp.arguments(CommentInSchema)
@blp.response(201, EntrySchema)
@blp.alt_response(409, description="The case is closed")
def add_comment(data, case_id):
    """A public comment or (staff) an internal note; the first staff answer is the first response."""
    access = current_access()
    entry = cases.comment(case_id, data, access)
    db.session.commit()
    return next(e for e in present.thread(cases.get_case(case_id, access), access) if e["id"] == entry.id)


@blp.route("/cases/<uuid:case_id>/assign", methods=["POST"])
@blp.arguments(AssignSchema)
@blp.response(200, CaseSchema)
def assign_case(data, case_id):
    """Assign to an HR admin of this client or an operator (null unassigns)."""
    case = cases.assign(case_id, data["assignee_id"], current_access())
    db.session.commit()
    return present.cases_out([case])[0]


@blp.route("/cases/<uuid:case_id>/status", methods=["POST"])
@blp.arguments(StatusInSchema)
@blp.response(200, CaseSchema)
@blp.alt_response(409, description="The case is closed, or already has this status")
def set_status(data, case_id):
    """Move the case (pending and resolved stop the resolution clock; closed is final)."""
    case = cases.change_status(case_id, data, current_access())
    db.session.commit()
    return present.cases_out([case])[0]


@blp.route("/cases/<uuid:case_id>/satisfaction", methods=["POST"])
@blp.arguments(Satisfaction)
@blp.response(201, Satisfaction)
@blp.alt_response(409, description="Not resolved yet, or rated already")
def rate_case(data, case_id):
    """The requester's rating (1–5), once the case is resolved or closed, once."""
    case = cases.rate(case_id, data, current_access())
    db.session.commit()
    return {"rating": case.satisfaction_rating, "comment": case.satisfaction_comment}


# --- Files

@blp.route("/files", methods=["POST"])
@blp.response(201, AttachmentSchema)
def upload_file():
    """A PDF, PNG or JPEG (judged by content, 10 MiB at most) to attach to a case or comment."""
    upload = request.files.get("file")
    if upload is None:
        raise Invalid({"file": ["Send the file in the multipart field `file`."]})
    stored = cases.upload(upload, current_access())
    db.session.commit()
    return stored


@blp.route("/files/<uuid:file_id>", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
def download_file(file_id):
    """The file, for its uploader and whoever sees an entry it is attached to."""
    return files.send(cases.visible_file(file_id, current_access()))


# --- Knowledge base

@blp.route("/articles", methods=["POST"])
@requires(MANAGE)
@blp.arguments(ArticleSchema)
@blp.response(201, ArticleSchema)
def create_article(data):
    """An article in one of the four languages."""
    article = articles.create(data)
    db.session.commit()
    return article


@blp.route("/articles", methods=["GET"])
@blp.arguments(ArticleQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ArticleSchema))
def list_articles(query, page):
    """Articles (employees: the published ones); `q` matches title and body."""
    return paginate(articles.article_query(cases.is_staff(current_access()), query.get("q"), query.get("locale")),
                    page)


@blp.route("/articles/<uuid:article_id>", methods=["GET"])
@blp.response(200, ArticleSchema)
def get_article(article_id):
    return articles.get(article_id, cases.is_staff(current_access()))


@blp.route("/articles/<uuid:article_id>", methods=["PATCH"])
@requires(MANAGE)
@blp.arguments(ArticlePatchSchema(partial=True))
@blp.response(200, ArticleSchema)
def update_article(data, article_id):
    article = articles.update(articles.get(article_id, True), data)
    db.session.commit()
    return article


@blp.route("/articles/<uuid:article_id>", methods=["DELETE"])
@requires(MANAGE)
@blp.response(204)
def delete_article(article_id):
    articles.delete(articles.get(article_id, True))
    db.session.commit()


# --- Report

@blp.route("/report", methods=["GET"])
@requires(MANAGE)
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, CaseReportSchema)
def get_report(query):
    """Per category over the cases opened from `from` to `to` (tenant-local dates, inclusive);
    `format=csv` answers the rows as text/csv with a header."""
    result = report.report(query["from_"], query["to"])
    if query["format"] == "json":
        return result
    return report.csv_response(result)


def _locale(access) -> str:
    return getattr(access.user, "locale", None) or "en"
