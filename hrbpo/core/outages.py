"""What a request answers while the database is down or its schema is behind
the code (operations.md): 503 problem+json with `Retry-After`, never a 500.

A connection that failed mid-request may be broken in ways the driver did not
flag (a half-read reply, a lost transaction), so it is invalidated (closed,
not returned to the pool); the pool connects afresh once the database is back.
"""
import logging
import time

import sqlalchemy as sa
from flask import abort, current_app
from werkzeug.exceptions import InternalServerError

from hrbpo.core import migrate
from hrbpo.core.api.base import problem
from hrbpo.core.db import db
from hrbpo.core.extensions import api

log = logging.getLogger(__name__)
# Errors that say the database cannot be used now (unreachable, restarting,
# locked, pool exhausted), not that the request or the code is wrong.
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
DATABASE_RETRY_AFTER = 5
SCHEMA_RETRY_AFTER = 30
UPGRADE = "flask --app wsgi hrbpo db upgrade"


def is_unavailable(error: BaseException) -> bool:
    return isinstance(error, UNAVAILABLE) or bool(getattr(error, "connection_invalidated", False))


def discard_connections():
    """Close the request's connections without handing them back to the pool."""
    try:
        db.session().invalidate()
    except Exception:  # closing a dead socket may complain; it is gone either way
        log.debug("invalidating the session's connections failed", exc_info=True)


def database_unavailable(error):
    discard_connections()
    message = str(getattr(error, "orig", None) or error).strip()
    log.warning("database unavailable: %s", message.partition("\n")[0])
    return problem(503, "The database is unavailable. Try again in a few seconds.",
                   type_="database-unavailable", headers={"Retry-After": str(DATABASE_RETRY_AFTER)})


def _server_error(error: InternalServerError):
    """An error no handler took (raised by an after_request hook, or a DBAPI
    error the pool found to be a lost connection) that is the database going
    away is still a 503."""
    if is_unavailable(error.original_exception):
        return database_unavailable(error.original_exception)
    return api.handle_http_exception(error)


class SchemaGate:
    """Refuses requests until the database is at the code's migration heads.

    Once it is, requests pay nothing more (one attribute read). While it is
    not, the database is asked again at most every RECHECK_SECONDS, so a
    stream of refused requests costs no stream of queries; `/readyz` asks
    every time and tells the gate what it found."""

    RECHECK_SECONDS = 5.0

    def __init__(self, app):
        self.app = app
        self.current = False
        self.reason = "not checked yet"
        self._checked_at = None

    def require(self):
        if not self.app.config["HRBPO_CHECK_MIGRATIONS"]:
            self.current = True
            return
        # No lock: threads that find a check due at once each ask (one cheap
        # query), rather than queueing behind one that waits on a dead server.
        if self._checked_at is None or time.monotonic() - self._checked_at >= self.RECHECK_SECONDS:
            self.check()
        if not self.current:
            abort(problem(503, f"The database schema is not current ({self.reason}): run {UPGRADE}",
                          type_="schema-not-current", headers={"Retry-After": str(SCHEMA_RETRY_AFTER)}))

    def check(self) -> str:
        """"ok" or what is missing; raises the database's error when it is unreachable."""
        missing, _ = migrate.pending()
        self.reason = f"behind (missing {', '.join(sorted(missing))})" if missing else "ok"
        self.current, self._checked_at = not missing, time.monotonic()
        return self.reason


def init_app(app) -> SchemaGate:
    for error in UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)
    app.register_error_handler(InternalServerError, _server_error)
    gate = app.extensions["hrbpo_schema_gate"] = SchemaGate(app)
    return gate


def schema_gate() -> SchemaGate:
    return current_app.extensions["hrbpo_schema_gate"]
