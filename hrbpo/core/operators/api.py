"""/api/v1/operator-groups, /api/v1/operators and the operator log
/api/v1/audit: bpo_admins only (shared/api/accounts.md)."""
from flask import g

from hrbpo.core import tenancy
from hrbpo.core.api.base import Blueprint, PageArgs, page_schema, paginate
from hrbpo.core.audit_filters import AuditQuerySchema, audit_select
from hrbpo.core.auth.permissions import bpo_admin_required
from hrbpo.core.db import db
from hrbpo.core.operators import groups, services
from hrbpo.core.operators.schemas import (OperatorGroupSchema, OperatorGroupUpdateSchema, OperatorSchema,
                                          OperatorUpdateSchema)
from hrbpo.core.tenants.schemas import AuditEventSchema

blp = Blueprint("operators_api", __name__, url_prefix="/api/v1",
                description="BPO operators, operator groups (client groups) and the operator log (bpo_admin)")


@blp.route("/operator-groups", methods=["POST"])
@bpo_admin_required
@blp.arguments(OperatorGroupSchema)
@blp.response(201, OperatorGroupSchema)
@blp.alt_response(409, description="The name is taken (case ignored)")
def create_group(data):
    """A group of tenants; its operators see exactly those tenants."""
    group = groups.create(data["name"], data["tenant_slugs"])
    db.session.commit()
    return groups.group_out(group)


@blp.route("/operator-groups", methods=["GET"])
@bpo_admin_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(OperatorGroupSchema))
def list_groups(page):
    """Operator groups by name."""
    result = paginate(groups.groups_query(), page)
    result["items"] = groups.groups_out(result["items"])
    return result


@blp.route("/operator-groups/<uuid:group_id>", methods=["GET"])
@bpo_admin_required
@blp.response(200, OperatorGroupSchema)
def get_group(group_id):
    return groups.group_out(groups.get(group_id))


@blp.route("/operator-groups/<uuid:group_id>", methods=["PATCH"])
@bpo_admin_required
@blp.arguments(OperatorGroupUpdateSchema)
@blp.response(200, OperatorGroupSchema)
@blp.alt_response(409, description="The name is taken (case ignored)")
def update_group(data, group_id):
    """Rename, or replace the tenants (`tenant_slugs`): applies from the operators' next request."""
    group = groups.update(group_id, data.get("name"), data.get("tenant_slugs"))
    db.session.commit()
    return groups.group_out(group)


@blp.route("/operator-groups/<uuid:group_id>", methods=["DELETE"])
@bpo_admin_required
@blp.response(204)
def delete_group(group_id):
    groups.delete(group_id)
    db.session.commit()


@blp.route("/operators", methods=["POST"])
@bpo_admin_required
@blp.arguments(OperatorSchema)
@blp.response(201, OperatorSchema)
@blp.alt_response(409, description="An account with this address exists")
def invite_operator(data):
    """Invite an operator: a mail with a link to `/invite/<token>` (password, then a second factor
    at first sign-in). `status` is `invited` until then."""
    user = services.invite(data["email"], data["role"], data["group_ids"], g.user)
    db.session.commit()
    return services.operator_out(user)


@blp.route("/operators", methods=["GET"])
@bpo_admin_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(OperatorSchema))
def list_operators(page):
    """Operators by email."""
    result = paginate(services.operators_query(), page)
    result["items"] = services.operators_out(result["items"])
    return result


@blp.route("/operators/<uuid:user_id>", methods=["GET"])
@bpo_admin_required
@blp.response(200, OperatorSchema)
def get_operator(user_id):
    return services.operator_out(services.get(user_id))


@blp.route("/operators/<uuid:user_id>", methods=["PATCH"])
@bpo_admin_required
@blp.arguments(OperatorUpdateSchema)
@blp.response(200, OperatorSchema)
@blp.alt_response(409, description="The last active bpo_admin cannot be demoted")
def update_operator(data, user_id):
    """Change the role or replace the groups (`group_ids`): applies from their next request."""
    user = services.update(user_id, data.get("role"), data.get("group_ids"))
    db.session.commit()
    return services.operator_out(user)


@blp.route("/operators/<uuid:user_id>/deactivate", methods=["POST"])
@bpo_admin_required
@blp.response(200, OperatorSchema)
@blp.alt_response(409, description="The last active bpo_admin cannot be deactivated")
def deactivate_operator(user_id):
    """Switch the operator off: their tokens and sessions end at once, sign-in answers 401."""
    user = services.set_active(user_id, False)
    db.session.commit()
    return services.operator_out(user)


@blp.route("/operators/<uuid:user_id>/reactivate", methods=["POST"])
@bpo_admin_required
@blp.response(200, OperatorSchema)
def reactivate_operator(user_id):
    user = services.set_active(user_id, True)
    db.session.commit()
    return services.operator_out(user)


@blp.route("/audit", methods=["GET"])
@bpo_admin_required
@blp.arguments(AuditQuerySchema, location="query")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(AuditEventSchema))
def operator_log(query, page):
    """The operator log (events of no tenant: operators, groups, operator invitations and
    password resets), newest first, with the tenant log's filters (days in UTC)."""
    with tenancy.all_tenants():
        return paginate(audit_select(None, query), page)
