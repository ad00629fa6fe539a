"""Schema base classes shared by core and plugins."""
import marshmallow as ma
from marshmallow.utils import missing

from hrbpo.core.i18n import N_


class Schema(ma.Schema):
    """Unknown fields are ignored (clients may send read-only fields back).

    Dumping plain objects (ORM rows) reads each attribute directly instead of
    through marshmallow's generic accessor chain: the same values and
    formatting, at about half the cost per field, which matters on lists
    (50 rows × 15 fields per page). Dicts, dotted attributes and fields that
    fetch their own value keep marshmallow's own path.
    """

    class Meta:
        unknown = ma.EXCLUDE

    def _serialize(self, obj, *, many=False):
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        if obj is None or hasattr(obj, "__getitem__") or type(self).get_attribute is not ma.Schema.get_attribute:
            return super()._serialize(obj, many=many)
        plan = self.__dict__.get("_hrbpo_dump_plan")
        if plan is None:
            plan = self._hrbpo_dump_plan = _dump_plan(self.dump_fields)
        if plan is False:
            return super()._serialize(obj)
        out = self.dict_class()
        for key, attr_name, source, field in plan:
            value = getattr(obj, source, missing)
            if value is missing:
                default = field.dump_default
                value = default() if callable(default) else default
                if value is missing:
                    continue
            out[key] = field._serialize(value, attr_name, obj)
        return out


def _dump_plan(fields) -> list | bool:
    """(output key, field name, attribute, field) per dump field, or False
    when a field needs marshmallow's generic path."""
    plan = []
    for attr_name, field in fields.items():
        source = field.attribute or attr_name
        custom = type(field).serialize is not ma.fields.Field.serialize or (
            type(field).get_value is not ma.fields.Field.get_value)
        if custom or not field._CHECK_ATTRIBUTE or "." in source:
            return False
        plan.append((field.data_key if field.data_key is not None else attr_name, attr_name, source, field))
    return plan


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
