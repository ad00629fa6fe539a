"""/scim/v2/<slug>/…: the SCIM 2.0 service of one tenant (RFC 7644), with its
own media type, errors and discovery; authenticated by the tenant's SCIM
tokens only (the app's bearer tokens and sessions are no credential here)."""
import json

from flask import Blueprint, Response, abort, current_app, g, request
from pydantic import ValidationError
from scim2_models import (Context, Error, InvalidSyntaxException, InvalidValueException, ListResponse,
                          NotFoundException, NotImplementedException, ResourceType, ResponseParameters, Schema,
                          SCIMException,
                          UniquenessException)
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import BadRequest, HTTPException

from hrbpo.core import tenancy
from hrbpo.core.db import db
from hrbpo.core.errors import DomainError
from hrbpo.core.identity.scim import resources, tokens, users
from hrbpo.core.request import too_deep
from hrbpo.core.text import unsafe_text

MEDIA_TYPE = "application/scim+json"
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
DEFAULT_COUNT = 100

bp = Blueprint("scim", __name__, url_prefix="/scim/v2/<slug>")


@bp.url_value_preprocessor
def _authenticate(endpoint, values):
    slug = (values or {}).pop("slug", "")
    found = tokens.authenticate(slug, request.headers.get("Authorization", ""))
    if found is None:
        abort(401, "A SCIM token of this tenant is required.")
    g.tenant, g.scim_token = found
    # Every audit event of the request names the token that made it.
    g.acting = {"as": f"scim:{g.scim_token.name}"[:254], "reason": f"SCIM token {g.scim_token.id}"}
    g.tenant_token = tenancy.enter(g.tenant)


def service_url(slug: str) -> str:
    """`<base>/scim/v2/<slug>`: HRBPO_BASE_URL when set, else the address the request came to."""
    root = current_app.config.get("HRBPO_BASE_URL") or request.host_url
    return f"{root.rstrip('/')}/scim/v2/{slug}"


def base_url() -> str:
    return service_url(g.tenant.slug)


def scim(payload, status=200, headers=None) -> Response:
    return Response(json.dumps(payload), status=status, mimetype=MEDIA_TYPE, headers=headers)


def _dump(obj, context=Context.RESOURCE_QUERY_RESPONSE):
    try:
        parameters = ResponseParameters(attributes=_list_arg("attributes"),
                                        excluded_attributes=_list_arg("excludedAttributes"))
    except ValidationError as exc:
        raise users.from_validation(exc) from None
    return obj.model_dump(scim_ctx=context, response_parameters=parameters)


def _list_arg(name):
    value = request.args.get(name)
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _body() -> dict:
    try:
        raw = request.get_data()
        if too_deep(raw):
            raise ValueError("too deep")
        payload = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError, BadRequest):
        raise InvalidSyntaxException(detail="The body is not JSON.") from None
    if not isinstance(payload, dict):
        raise InvalidSyntaxException(detail="The body is a JSON object.")
    if unsafe_text(payload):
        raise InvalidValueException(detail="The body contains control characters or invalid Unicode.")
    return payload


def _only(*methods):
    if request.method not in methods:
        abort(405)


# Discovery -------------------------------------------------------------------

@bp.route("/ServiceProviderConfig", methods=METHODS)
def service_provider_config():
    _only("GET")
    config = resources.service_provider_config()
    config.meta = {"resourceType": "ServiceProviderConfig", "location": f"{base_url()}/ServiceProviderConfig"}
    return scim(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@bp.route("/ResourceTypes", methods=METHODS)
def resource_types():
    _only("GET")
    return scim(_listing(ResourceType, [resources.resource_type(base_url())]))


@bp.route("/ResourceTypes/<name>", methods=METHODS)
def resource_type(name):
    _only("GET")
    if name != "User":
        raise NotFoundException(detail="No such resource type.")
    return scim(resources.resource_type(base_url()).model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@bp.route("/Schemas", methods=METHODS)
def schemas():
    _only("GET")
    return scim(_listing(Schema, resources.schemas(base_url())))


@bp.route("/Schemas/<path:urn>", methods=METHODS)
def schema(urn):
    _only("GET")
    for found in resources.schemas(base_url()):
        if found.id == urn:
            return scim(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail="No such schema.")


def _listing(model, items) -> dict:
    listing = ListResponse[model](total_results=len(items), start_index=1, items_per_page=len(items), resources=items)
    return listing.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


# Users -----------------------------------------------------------------------

@bp.route("/Users", methods=METHODS)
def users_collection():
    _only("GET", "POST")
    base = base_url()
    if request.method == "POST":
        user = users.create(users.parse(_body(), Context.RESOURCE_CREATION_REQUEST, base), base)
        db.session.commit()
        resource = users.read(user, base)
        return scim(_dump(resource, Context.RESOURCE_CREATION_RESPONSE), 201, {"Location": resource.meta.location})
    start, count = _int_arg("startIndex", 1), _int_arg("count", DEFAULT_COUNT)
    start, count = max(start, 1), min(max(count, 0), resources.MAX_RESULTS)
    total, found = users.page(request.args.get("filter"), start, count, base)
    listing = ListResponse[resources.UserResource](total_results=total, start_index=start,
                                                   items_per_page=len(found), resources=found or None)
    return scim(_dump(listing))


def _int_arg(name, default) -> int:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise InvalidValueException(detail=f"{name} is an integer.") from None


@bp.route("/Users/<user_id>", methods=METHODS)
def user_resource(user_id):
    _only("GET", "PUT", "PATCH", "DELETE")
    base = base_url()
    user = users.find(user_id)
    if request.method == "DELETE":
        users.delete(user)
        db.session.commit()
        return Response(status=204)
    if request.method == "PUT":
        users.replace(user, users.parse(_body(), Context.RESOURCE_REPLACEMENT_REQUEST, base), base)
        db.session.commit()
    elif request.method == "PATCH":
        users.patch(user, _body(), base)
        db.session.commit()
    context = {"GET": Context.RESOURCE_QUERY_RESPONSE, "PUT": Context.RESOURCE_REPLACEMENT_RESPONSE,
               "PATCH": Context.RESOURCE_PATCH_RESPONSE}[request.method]
    return scim(_dump(users.read(user, base), context))


@bp.route("/Bulk", methods=METHODS)
@bp.route("/.search", methods=METHODS)
@bp.route("/Users/.search", methods=METHODS)
def not_offered():
    raise NotImplementedException(detail="Bulk operations and POST searches are not supported.")


@bp.route("/", methods=METHODS)
@bp.route("/<path:rest>", methods=METHODS)
def unknown(rest=""):
    raise NotFoundException(detail="No such SCIM endpoint (Groups are not offered).")


# Errors (RFC 7644 §3.12) ---------------------------------------------------------

def _error(status: int, detail: str, scim_type: str | None = None, headers=None) -> Response:
    db.session.rollback()
    error = Error(status=status, scim_type=scim_type, detail=detail)
    return scim(error.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE), status, headers)


@bp.errorhandler(SCIMException)
def _scim_error(exc: SCIMException):
    return _error(exc.status, exc.detail, exc.scim_type or None)


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    if exc.status == 409:
        return _error(409, exc.detail, "uniqueness")
    if exc.status == 404:
        return _error(404, exc.detail or "Not found.")
    return _error(400, exc.detail or "Invalid value.", "invalidValue")


@bp.errorhandler(IntegrityError)
def _integrity_error(exc):
    """A concurrent write took the userName or email first."""
    return _error(409, "The userName or email was taken by a concurrent request.", UniquenessException.scim_type)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if exc.code == 401 else None
    if exc.code in (503,):
        return exc
    return _error(exc.code or 500, exc.description or exc.name, None, headers)
