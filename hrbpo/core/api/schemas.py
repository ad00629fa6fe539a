"""Schema base classes shared by core and plugins."""
import math
from collections.abc import Mapping
from functools import partial
from operator import itemgetter

import marshmallow as ma
import sqlalchemy as sa
from marshmallow.utils import ensure_text_type, missing

from hrbpo.core.i18n import N_
from hrbpo.core.text import unsafe_text


class Schema(ma.Schema):
    """Unknown fields are ignored (clients may send read-only fields back).

    Dumping plain objects (ORM rows) reads each attribute directly instead of
    through marshmallow's generic accessor chain, and formats the plain field
    types (strings, UUIDs, integers, ISO dates) with the very function
    marshmallow would end up calling: the same output at a fraction of the
    cost per field, which matters on lists (50 rows × 15 fields per page).
    Dicts, dotted attributes and fields that fetch their own value keep
    marshmallow's own path; other field types their own `_serialize`.
    Result rows (hot lists select just the columns a schema dumps, see
    `api.base.paginate`) are read by position.
    """

    class Meta:
        unknown = ma.EXCLUDE

    @ma.pre_load
    def screen_input(self, data, **kwargs):
        """Before any field loads: unsafe text (hrbpo.core.text) in a field
        (in any string a list or dict field holds too), and numbers with a
        fraction in integer fields (which marshmallow would cut, 1.5 to 1), are
        errors on that field. Nested schemas screen their own fields (so what
        they ignore is ignored), their errors named by path."""
        if not isinstance(data, Mapping):
            return data
        errors = {}
        for name, field in self.load_fields.items():
            key = field.data_key or name
            value = data.get(key, missing)
            if isinstance(field, ma.fields.Nested) or isinstance(getattr(field, "inner", None), ma.fields.Nested):
                continue
            if isinstance(field, ma.fields.Integer) and isinstance(value, float) and not (
                    math.isfinite(value) and value.is_integer()):
                errors[key] = [field.error_messages["invalid"]]
            elif found := unsafe_text(value):
                errors[key] = found
        if errors:
            raise ma.ValidationError(errors)
        return data

    def _serialize(self, obj, *, many=False):
        if many and obj is not None:
            if obj and isinstance(obj, list) and isinstance(obj[0], sa.Row):
                return self._serialize_rows(obj)
            return [self._serialize(item) for item in obj]
        if isinstance(obj, sa.Row):
            return self._serialize_row(obj)
        if obj is None or hasattr(obj, "__getitem__") or type(self).get_attribute is not ma.Schema.get_attribute:
            return super()._serialize(obj, many=many)
        plan = self._plan()
        if plan is False:
            return super()._serialize(obj)
        out = self.dict_class()
        for key, attr_name, source, field, convert in plan:
            value = getattr(obj, source, missing)
            if value is missing:
                default = field.dump_default
                value = default() if callable(default) else default
                if value is missing:
                    continue
            if convert is None:
                out[key] = field._serialize(value, attr_name, obj)
            else:
                out[key] = None if value is None else convert(value)
        return out

    def _plan(self):
        plan = self.__dict__.get("_hrbpo_dump_plan")
        if plan is None:
            plan = self._hrbpo_dump_plan = _dump_plan(self.dump_fields)
        return plan

    def _serialize_row(self, row):
        return self._serialize_rows([row])[0]

    def _serialize_rows(self, rows):
        """Rows of one result (they share their columns): one plan for all."""
        plans = self.__dict__.setdefault("_hrbpo_row_plans", {})
        names = rows[0]._fields
        if names not in plans:
            plans[names] = _row_plan(self._plan(), names)
        plan = plans[names]
        if plan is False:
            return [super(Schema, self)._serialize(row._mapping) for row in rows]
        keys, pick, converters = plan
        return [dict(zip(keys, [None if v is None else convert(v) for convert, v in zip(converters, pick(row))]))
                for row in rows]


def _row_plan(plan, names):
    """(keys, a getter of the row's values in key order, a converter per key) for
    rows with these column names, or False when a field is not among them."""
    positions = {name: i for i, name in enumerate(names)}
    if plan is False or not all(source in positions for _, _, source, _, _ in plan):
        return False
    converters = [convert or partial(_field_serialize, field, attr_name) for _, attr_name, _, field, convert in plan]
    return [key for key, *_ in plan], itemgetter(*(positions[source] for _, _, source, _, _ in plan)), converters


def _field_serialize(field, attr_name, value):
    return field._serialize(value, attr_name, None)


def _dump_plan(fields) -> list | bool:
    """(output key, field name, attribute, field, converter) per dump field,
    or False when a field needs marshmallow's generic path."""
    plan = []
    for attr_name, field in fields.items():
        source = field.attribute or attr_name
        custom = type(field).serialize is not ma.fields.Field.serialize or (
            type(field).get_value is not ma.fields.Field.get_value)
        if custom or not field._CHECK_ATTRIBUTE or "." in source:
            return False
        key = field.data_key if field.data_key is not None else attr_name
        plan.append((key, attr_name, source, field, _converter(field)))
    return plan


def _text(value):
    return value if type(value) is str else ensure_text_type(value)


def _converter(field):
    """What `field._serialize` does to a non-None value, when it is that simple
    (exact types only: a subclass may serialise differently); else None."""
    kind = type(field)
    if kind in (ma.fields.String, ma.fields.Email):
        return _text
    if kind is ma.fields.UUID:
        return str
    if kind is ma.fields.Integer and not field.as_string:
        return int
    if kind in (ma.fields.Date, ma.fields.DateTime):
        return kind.SERIALIZATION_FUNCS.get(field.format or kind.DEFAULT_FORMAT)
    return None


def text(max_length=200, required=False, **kw):
    """A trimmed, non-blank string field of bounded length."""
    return ma.fields.String(
        required=required,
        validate=[ma.validate.Length(min=1, max=max_length), _not_blank],
        **kw,
    )


def _not_blank(value):
    if not value.strip():
        raise ma.ValidationError(N_("Must not be blank."))


class Money(ma.fields.Decimal):
    """A decimal that travels as a JSON string; the OpenAPI document says so
    (registered in app._init_api), so its bounds are not typed as numbers."""


def money(**kw):
    """Money as a string decimal ("123.45"), never a float."""
    return Money(as_string=True, places=2, validate=ma.validate.Range(min=0), **kw)
