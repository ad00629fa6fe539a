"""Case categories and their targets (per priority overrides included); new
targets apply to cases opened afterwards (a case's due times are stored)."""
import sqlalchemy as sa

from hrbpo.plugin_api import Conflict, Invalid, NotFound, audit, current_tenant, db
from hrbpo.plugins.servicedesk.models import Category

FIELDS = ("name", "first_response_hours", "resolution_hours", "targets_by_priority", "active")


def category_query(staff: bool):
    query = sa.select(Category).order_by(Category.name_key)
    return query if staff else query.where(Category.active.is_(True))


def get(category_id) -> Category:
    category = db.session.get(Category, (current_tenant().id, category_id))
    if category is None:
        raise NotFound("Category not found.")
    return category


def create(data: dict) -> Category:
    category = Category(**{k: _stored(k, data[k]) for k in FIELDS if k in data})
    _name(category, data["name"])
    db.session.add(category)
    db.session.flush()
    audit.record("servicedesk.category.create", category, {k: str(v) for k, v in data.items()})
    return category


def update(category: Category, changes: dict) -> Category:
    db.session.refresh(category, with_for_update=True)
    if "name" in changes:
        _name(category, changes["name"])
    merged = {k: getattr(category, k) for k in ("first_response_hours", "resolution_hours")} | changes
    if merged["resolution_hours"] < merged["first_response_hours"]:
        raise Invalid({"resolution_hours": ["Must not be less than first_response_hours."]})
    for key, value in changes.items():
        setattr(category, key, _stored(key, value))
    db.session.flush()
    audit.record("servicedesk.category.update", category, {k: str(v) for k, v in changes.items()})
    return category


def _name(category: Category, name: str):
    key = name.strip().casefold()
    clash = db.session.scalar(sa.select(Category.id).where(Category.name_key == key, Category.id != category.id))
    if clash is not None:
        raise Conflict("A category with this name exists.")
    category.name, category.name_key = name.strip(), key


def _stored(key, value):
    """targets_by_priority is kept as JSON numbers (strings of Decimals would not compare)."""
    if key == "targets_by_priority":
        return {p: {k: float(v) for k, v in t.items()} for p, t in (value or {}).items()}
    return value
