"""Pooled connections: pinged before use only after sitting idle
(hrbpo.core.db.connections._ping_if_idle), so a connection the database dropped while
idle costs no request, and a busy one costs no round trip."""
import time

import pytest
import sqlalchemy as sa

from hrbpo.core.db import connections as dbmodule
from hrbpo.core.db import db

pytestmark = pytest.mark.postgresql_only


def _backend_pid():
    pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    db.session.commit()
    db.session.remove()  # back to the pool
    return pid


def _pooled_records():
    return [record for record in db.engine.pool._pool.queue]


def test_idle_connection_cut_by_the_database_is_replaced_unnoticed(app, owner_sql, client):
    db.engine.dispose()
    pid = _backend_pid()
    (record,) = _pooled_records()
    record.info[dbmodule._RETURNED_AT] = time.monotonic() - dbmodule.IDLE_PING_SECONDS - 1
    assert owner_sql("SELECT pg_terminate_backend(:pid)", {"pid": pid})[0][0] is True

    assert client.get("/healthz").status_code == 200
    new_pid = _backend_pid()
    assert new_pid != pid


def test_busy_connection_is_not_pinged(app, monkeypatch):
    db.engine.dispose()
    _backend_pid()
    sent = []
    (record,) = _pooled_records()
    monkeypatch.setattr(dbmodule, "IDLE_PING_SECONDS", 3600)
    real_cursor = record.dbapi_connection.cursor

    def watched_cursor(*args, **kwargs):
        cursor = real_cursor(*args, **kwargs)
        sent.append(cursor)
        return cursor

    monkeypatch.setattr(record.dbapi_connection, "cursor", watched_cursor)
    assert db.session.execute(sa.text("SELECT 41 + 1")).scalar() == 42
    assert len(sent) == 1  # the statement's own cursor, no ping before it


def test_cut_busy_connection_fails_once_then_the_pool_reconnects(app, owner_sql):
    """The trade: a connection used within IDLE_PING_SECONDS is not checked,
    so one request sees the cut (as requests in flight would) and the pool
    then replaces every connection made before it."""
    db.engine.dispose()
    pid = _backend_pid()
    owner_sql("SELECT pg_terminate_backend(:pid)", {"pid": pid})
    with pytest.raises(sa.exc.OperationalError):
        db.session.execute(sa.text("SELECT 1"))
    db.session.rollback()
    db.session.remove()
    assert _backend_pid() != pid
