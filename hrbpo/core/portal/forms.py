"""Plain HTML forms validated by the same marshmallow schemas as the API."""
import marshmallow as ma
from flask import abort, flash, request

from hrbpo.core.api.base import PageArgs, flatten_errors
from hrbpo.core.db import db
from hrbpo.core.errors import Conflict, NotFound
from hrbpo.core.messages import form_message

PER_PAGE = 25


def submitted(names, keep_blank=False) -> dict:
    """The posted fields among `names`, trimmed. Blank fields are left out, or
    sent as None with `keep_blank` (an edit form clearing an optional field)."""
    values = {n: request.form.get(n, "").strip() for n in names if n in request.form}
    return {n: v or None for n, v in values.items() if v or keep_blank}


def load(schema: ma.Schema, data: dict) -> tuple[dict | None, dict]:
    """(clean data, {}) or (None, {field: [messages]})."""
    try:
        return schema.load(data), {}
    except ma.ValidationError as exc:
        return None, flatten_errors(exc.messages)


def page_args() -> dict:
    """?page= from the query string; nonsense falls back to page 1."""
    data, errors = load(PageArgs(), {"page": request.args.get("page", "1"), "per_page": PER_PAGE})
    return data if not errors else {"page": 1, "per_page": PER_PAGE}


def flash_outcome(change, success, refusals=(Conflict,)) -> None:
    """A button's state change: run `change()`, then commit and flash
    `success(result)`, or roll back and flash the refusal in words. NotFound → 404."""
    try:
        result = change()
    except NotFound:
        abort(404)
    except refusals as exc:
        db.session.rollback()
        flash(form_message(exc.detail), "error")
    else:
        db.session.commit()
        flash(success(result), "success")
