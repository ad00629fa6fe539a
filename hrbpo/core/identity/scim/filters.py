"""SCIM filters (RFC 7644 §3.4.2.2) as SQL: `eq` on the attributes the
ServiceProviderConfig's filter support covers, joined by `and`/`or`, each
compared through an indexed column. Anything else is refused (invalidFilter),
never answered with an unfiltered list."""
import uuid

import sqlalchemy as sa
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path.expressions import Comparison, CompareOperator, LogicalExpr, LogicalOperator

from hrbpo.core.auth.models import Membership
from hrbpo.core.identity.scim.models import ScimUser
from hrbpo.core.identity.scim.resources import USER_URN
from hrbpo.core.text import is_safe

MAX_LENGTH = 1000
ACTIVE = sa.func.coalesce(Membership.active, ScimUser.active)  # a deactivated login reads inactive


def to_sql(expression: str):
    if len(expression) > MAX_LENGTH:
        raise InvalidFilterException(detail=f"The filter is longer than {MAX_LENGTH} characters.")
    if not is_safe(expression):
        raise InvalidFilterException(detail="The filter contains control characters or invalid Unicode.")
    return _node(ScimFilter(expression).ast)


def _node(node):
    if isinstance(node, LogicalExpr):
        join = sa.and_ if node.op == LogicalOperator.and_ else sa.or_
        return join(*(_node(term) for term in node.terms))
    if isinstance(node, Comparison) and node.op == CompareOperator.eq:
        return _comparison(node)
    raise InvalidFilterException(detail="Only 'eq' comparisons joined by 'and' or 'or' are supported.")


def _comparison(node: Comparison):
    path = node.attr_path
    if path.uri not in (None, USER_URN):
        raise _unsupported(node)
    attribute, sub, value = path.attr.lower(), (path.sub_attr or "").lower(), node.value
    if attribute == "active" and not sub and isinstance(value, bool):
        return ACTIVE.is_(value)
    if not isinstance(value, str):
        raise InvalidFilterException(detail=f"'{path.attr}' is compared with a string.")
    if attribute == "username" and not sub:
        return ScimUser.user_name_key == value.lower()
    if attribute == "externalid" and not sub:
        return ScimUser.external_id == value
    if attribute == "emails" and sub == "value":
        return ScimUser.email == value.strip().lower()
    if attribute == "id" and not sub:
        try:
            return ScimUser.id == uuid.UUID(value)
        except ValueError:
            return sa.false()
    raise _unsupported(node)


def _unsupported(node: Comparison) -> InvalidFilterException:
    return InvalidFilterException(detail="Filters compare userName, externalId, emails.value, active or id.")
