"""Names for the records audit events point at, for `audit_record_names`
implementations (core's and the modules'): one query per record type."""
import uuid

import sqlalchemy as sa

from hrbpo.core.db import db


def uuids(ids) -> list[uuid.UUID]:
    """The ids that are UUIDs (an event's target id is free text)."""
    out = []
    for value in ids:
        try:
            out.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return out


def record_names(targets: dict, target_type: str, model, *columns, join=None) -> dict:
    """`(target_type, id) → name` for the `targets[target_type]` ids of `model`
    (in the current tenant): the `columns` of each row joined by spaces.
    `join` (a model and an ON clause) reads the columns from another table."""
    ids = uuids(targets.get(target_type, ()))
    if not ids:
        return {}
    query = sa.select(model.id, *columns).where(model.id.in_(ids))
    if join is not None:
        query = query.join(*join)
    return {(target_type, str(row[0])): " ".join(str(v) for v in row[1:] if v) for row in db.session.execute(query)}
