"""Schema base classes shared by core and plugins."""
import marshmallow as ma


class Schema(ma.Schema):
    """Unknown fields are ignored (clients may send read-only fields back)."""

    class Meta:
        unknown = ma.EXCLUDE


def text(max_length=200, required=False, **kw):
    """A trimmed, non-blank string field of bounded length."""
    return ma.fields.String(
        required=required,
        validate=[ma.validate.Length(min=1, max=max_length), _not_blank],
        **kw,
    )


def _not_blank(value):
    if not value.strip():
        raise ma.ValidationError("Must not be blank.")


def money(**kw):
    """Money as a string decimal ("123.45"), never a float."""
    return ma.fields.Decimal(as_string=True, places=2, validate=ma.validate.Range(min=0), **kw)
