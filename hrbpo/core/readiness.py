"""`/readyz`: whether each dependency is usable now (operations.md).

One registry of checks, each answering "ok" or a short reason that names no
address and no credential. `/healthz` (liveness) touches none of them.
"""
import sqlalchemy as sa

from hrbpo.core import queue
from hrbpo.core.db import db
from hrbpo.core.outages import UNAVAILABLE, schema_gate


def _reason(error: Exception) -> str:
    return f"unavailable ({type(getattr(error, 'orig', None) or error).__name__})"


def database() -> str:
    """Asked twice when the first answer was a pooled connection found cut
    (the pool then retires its old connections): that is no outage."""
    for attempt in range(2):
        try:
            with db.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return "ok"
        except UNAVAILABLE as error:
            if attempt or not getattr(error, "connection_invalidated", False):
                return _reason(error)


def schema() -> str:
    """Behind the code's migration heads is not ready; the answer also
    re-arms or releases the gate that refuses requests meanwhile."""
    try:
        return schema_gate().check()
    except UNAVAILABLE:
        return "unknown (the database is unavailable)"
    except sa.exc.DBAPIError as error:  # e.g. no alembic_version table, or the app role may not read it
        return f"unknown ({type(error.orig).__name__})"


CHECKS = {"database": database, "schema": schema, "queue": queue.check}


def report() -> dict:
    results = {name: check() for name, check in CHECKS.items()}
    return {"status": "ok" if all(r == "ok" for r in results.values()) else "unavailable", **results}
