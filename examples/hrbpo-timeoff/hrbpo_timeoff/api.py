"""/api/v1/tenants/<slug>/timeoff/…: core has already checked the caller,
the tenant and that the module is on."""

from hrbpo.plugin_api import Blueprint, PageArgs, db, page_schema, paginate, requires
from hrbpo_timeoff import services
from hrbpo_timeoff.schemas import DecisionSchema, RequestQuerySchema, RequestSchema

blp = Blueprint("timeoff_api", __name__, url_prefix=None, description="Time-off requests with approval")


@blp.route("/requests", methods=["GET"])
@blp.arguments(RequestQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(RequestSchema))
def list_requests(query, page):
    """Time-off requests, latest dates first; employees see their own."""
    return paginate(services.request_query(**query), page)


@blp.route("/requests", methods=["POST"])
@blp.arguments(RequestSchema)
@blp.response(201, RequestSchema)
@blp.alt_response(403, description="An employee asked for someone else")
@blp.alt_response(409, description="Overlaps a pending or approved request")
def create_request(data):
    """Request days off (status `pending`). Employees request for themselves;
    HR admins may pass any `employee_id`."""
    request = services.create_request(data)
    db.session.commit()
    return request


@blp.route("/requests/<uuid:request_id>", methods=["GET"])
@blp.response(200, RequestSchema)
def get_request(request_id):
    return services.get_request(request_id)


@blp.route("/requests/<uuid:request_id>/approve", methods=["POST"])
@requires("timeoff.approve")
@blp.arguments(DecisionSchema)
@blp.response(200, RequestSchema)
@blp.alt_response(409, description="The request was already decided")
def approve(data, request_id):
    request = services.decide(services.get_request(request_id), "approved", data.get("note"))
    db.session.commit()
    return request


@blp.route("/requests/<uuid:request_id>/reject", methods=["POST"])
@requires("timeoff.approve")
@blp.arguments(DecisionSchema)
@blp.response(200, RequestSchema)
@blp.alt_response(409, description="The request was already decided")
def reject(data, request_id):
    request = services.decide(services.get_request(request_id), "rejected", data.get("note"))
    db.session.commit()
    return request
