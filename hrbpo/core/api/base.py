"""The /api/v1 base: problem+json errors (RFC 9457), pagination, OpenAPI."""
import http
import uuid
import weakref

import flask_smorest
import marshmallow as ma
import sqlalchemy as sa
from flask import abort, current_app, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from hrbpo.core.db import db
from hrbpo.core.errors import Conflict, DomainError, Invalid

PROBLEM_BASE = "https://hrbpo.dev/problems/"
PROBLEM_TYPES = {
    400: "bad-request", 401: "unauthenticated", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
    409: "conflict", 413: "payload-too-large", 415: "unsupported-media-type", 422: "validation-error",
    429: "rate-limited", 500: "internal-error",
}
MAX_PER_PAGE = 200


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document."""

    type = ma.fields.String(metadata={"description": "Stable URI naming the kind of problem"})
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
        metadata={"description": "On 422: messages per field (nested fields joined with dots, CSV rows by line number)"},
    )


def flatten_errors(messages, prefix="") -> dict:
    """webargs/marshmallow nest errors by location and field; the contract
    wants `{field: [messages]}`, so nested keys are joined with dots."""
    out = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "files", "view_args", "headers"):
                out.update(flatten_errors(value, ""))
                continue
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                out.update(flatten_errors(value, name))
            else:
                out.setdefault(name, []).extend(value if isinstance(value, list) else [str(value)])
    else:
        out.setdefault(prefix or "_schema", []).extend(messages if isinstance(messages, list) else [str(messages)])
    return out


def problem(status: int, detail: str = "", errors: dict | None = None, type_: str | None = None, headers=None,
            extra: dict | None = None):
    """`extra`: members the problem's `type` defines (RFC 9457 extensions)."""
    body = {
        "type": PROBLEM_BASE + (type_ or PROBLEM_TYPES.get(status, "error")),
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or HTTP_STATUS_CODES.get(status, ""),
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = current_app.response_class(
        current_app.json.dumps(body), status=status, mimetype="application/problem+json"
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def wants_problem() -> bool:
    """The API, and any client that asks for JSON or sends it, reads problem+json."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json" or request.is_json


class ProblemApi(Api):
    ERROR_SCHEMA = ProblemSchema
    PROBLEM_CONTENT_TYPE = "application/problem+json"
    # Renders a browser's error page: the app factory sets the portal's
    # (the API kit sits below the pages, so it cannot import them).
    page_error = None

    def _register_responses(self):
        """The error responses (one per status, and the default) are problem
        documents, and the OpenAPI document says so."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not 100 <= status < 200 and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, self.PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, self.PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def handle_http_exception(self, error: HTTPException):
        if not wants_problem():
            return self.page_error(error)
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        detail = data.get("message") or (error.description if error.description != type(error).description else "")
        if error.code == 422:
            errors = flatten_errors(errors or {})
            detail = detail or "The request has invalid fields."
        elif error.code == 400 and errors:
            detail = detail or " ".join(m for msgs in flatten_errors(errors).values() for m in msgs)
            errors = None
        headers = dict(data.get("headers") or {})
        if error.code == 405 and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        if error.code == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="hrbpo"'
        if error.code == 429:
            detail = "Too many attempts; wait a moment and try again."
        return problem(error.code, detail, errors, headers=headers)

    def handle_domain_error(self, error: DomainError):
        if not wants_problem():
            return self.page_error(error)
        return problem(error.status, error.detail, error.errors, error.type)

    def handle_integrity_error(self, error):
        """Safety net: a unique or foreign key the database enforced (e.g. two
        concurrent requests racing past a service check) is a conflict, not a 500."""
        db.session.rollback()
        return self.handle_domain_error(Conflict("This conflicts with existing data (a duplicate or a missing reference)."))

    def handle_data_error(self, error):
        db.session.rollback()
        return self.handle_domain_error(Invalid({}, "A value is out of range, too long or malformed."))

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(DomainError, self.handle_domain_error)
        self._app.register_error_handler(sa.exc.IntegrityError, self.handle_integrity_error)
        self._app.register_error_handler(sa.exc.DataError, self.handle_data_error)


class ArgumentsParser(FlaskParser):
    """webargs builds a fresh schema from a schema class on every request, and
    marshmallow deep-copies every field to do it. Loading is stateless, so one
    instance per class serves every request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas = {}

    def _get_schema(self, argmap, req):
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            if argmap not in self._schemas:
                self._schemas[argmap] = argmap()
            return self._schemas[argmap]
        return super()._get_schema(argmap, req)


class Blueprint(flask_smorest.Blueprint):
    """The API blueprint for core and modules (`from hrbpo.core.api import Blueprint`)."""

    ARGUMENTS_PARSER = ArgumentsParser()


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=10_000_000))
    per_page = ma.fields.Integer(
        load_default=50, validate=ma.validate.Range(min=1),
        metadata={"description": f"Items per page; values above {MAX_PER_PAGE} are capped at {MAX_PER_PAGE}."},
    )

    @ma.post_load
    def cap(self, data, **kwargs):
        data["per_page"] = min(data["per_page"], MAX_PER_PAGE)
        return data


_page_schemas = {}


def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list envelope `{items, total, page, per_page}` for an item schema."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _page_schemas:
        _page_schemas[name] = type(name, (ma.Schema,), {
            # One dump of the whole list (not one per item): rows share one plan.
            "items": ma.fields.Nested(item_schema, many=True),
            "total": ma.fields.Integer(),
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(),
        })
    return _page_schemas[name]


def paginate(query, args: dict, rows_for: type[ma.Schema] | None = None, total: int | None = None,
             params: dict | None = None) -> dict:
    """Run `query` (a Select) for one page with its total, in one statement:
    the count rides along as an uncorrelated scalar subquery, which PostgreSQL
    evaluates once. Only a page past the end needs a second statement. A
    `total` known otherwise (a maintained counter) saves the count.

    `rows_for` (a schema class) narrows an entity query to the columns that
    schema dumps, so a hot list reads rows instead of building ORM objects; the
    tenant filter applies all the same (the columns are the entity's).

    The page statement is derived once per `query` object: a query built once
    (with bound parameters, their values in `params`) is not rebuilt or
    re-keyed for SQLAlchemy's statement cache on every request."""
    page, per_page = args["page"], args["per_page"]
    statement, count = _page_statement(query, rows_for, total is not None)
    values = {**(params or {}), "hrbpo_limit": per_page, "hrbpo_offset": (page - 1) * per_page}
    if total is not None:
        values["hrbpo_total"] = total
    result = db.session.execute(statement, values)
    rows = result.all() if rows_for is not None else result.unique().all()
    if rows:
        total = rows[0][-1]
    elif total is None:
        total = 0 if page == 1 else db.session.scalar(count, params)
    # Rows keep their trailing total column: the schema reads what it dumps, by name.
    items = rows if rows_for is not None else [row[0] for row in rows]
    return {"items": items, "total": total, "page": page, "per_page": per_page}


_page_statements = weakref.WeakKeyDictionary()


def _page_statement(query, rows_for, total_known: bool):
    """(the page statement, the count statement) for `query`, built once per query object."""
    key = (rows_for, total_known)
    built = _page_statements.setdefault(query, {})
    if key not in built:
        if rows_for is not None:
            query = dumped_columns(query, rows_for)
        count = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        total = sa.bindparam("hrbpo_total", type_=sa.Integer) if total_known else count.scalar_subquery()
        page = (query.add_columns(total.label("hrbpo_total"))
                .limit(sa.bindparam("hrbpo_limit", type_=sa.Integer))
                .offset(sa.bindparam("hrbpo_offset", type_=sa.Integer)))
        built[key] = page, count
    return built[key]


_dumped = {}


def dumped_columns(query, schema: type[ma.Schema]):
    """`query` (selecting one entity) narrowed to the mapped columns `schema` dumps."""
    if schema not in _dumped:
        _dumped[schema] = [field.attribute or name for name, field in schema().dump_fields.items()]
    entity = query.column_descriptions[0]["entity"]
    return query.with_only_columns(*(getattr(entity, name) for name in _dumped[schema]))


def get_or_404(model, id_, description=None, options=()):
    """The row with this id in the current tenant, or a 404 (never another
    tenant's). `options` are loader options for the query (what to load with it)."""
    try:
        key = id_ if isinstance(id_, uuid.UUID) else uuid.UUID(str(id_))
    except ValueError:
        abort(404, description or f"{model.__name__} not found")
    obj = db.session.scalars(sa.select(model).where(model.id == key).options(*options)).first()
    if obj is None:
        abort(404, description or f"{model.__name__} not found")
    return obj
