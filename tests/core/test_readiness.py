"""/healthz (liveness, no dependency), /readyz (each dependency named) and the
gate that answers 503 while the schema is behind the code (operations.md)."""
import socket

import pytest

from hrbpo.core import queue
from hrbpo.core.db import db
from hrbpo.core.outages import UPGRADE

OK = {"status": "ok", "database": "ok", "schema": "ok", "queue": "ok"}


@pytest.fixture
def gated(app, monkeypatch):
    """The schema gate switched on, as in production (the tests' app skips it)."""
    monkeypatch.setitem(app.config, "HRBPO_CHECK_MIGRATIONS", True)
    return app


@pytest.fixture
def behind(gated, owner_sql, client):
    """The database one migration head short of the code, as /readyz finds out."""
    (head,), *_ = owner_sql("SELECT version_num FROM alembic_version ORDER BY version_num")
    owner_sql("DELETE FROM alembic_version WHERE version_num = :v", {"v": head})
    yield head
    owner_sql("INSERT INTO alembic_version (version_num) VALUES (:v)", {"v": head})
    client.get("/readyz")


def test_readyz_is_ok_when_every_dependency_is(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == OK


def test_readyz_names_the_queue_when_it_is_down(app, client, monkeypatch):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    _, wrappers = app.extensions[queue.EXTENSION]
    dead = queue.make_huey(f"redis://127.0.0.1:{port}/0", app.instance_path)
    monkeypatch.setitem(app.extensions, queue.EXTENSION, (dead, wrappers))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["database"] == "ok" and body["schema"] == "ok"
    assert body["queue"].startswith("unreachable") and str(port) not in body["queue"]


def test_healthz_touches_no_dependency(client, count_queries):
    with count_queries() as q:
        response = client.get("/healthz", headers={"Authorization": "Bearer hrbpo_not-a-token"})
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert q.count == 0


def test_requests_are_refused_while_the_schema_is_behind(operator, behind, client, count_queries):
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["schema"] == f"behind (missing {behind})" and ready.get_json()["database"] == "ok"
    with count_queries() as q:
        for response in (operator.get("/api/v1/tenants"), client.post("/login", data={"email": "x@y.test"})):
            assert response.status_code == 503 and response.mimetype == "application/problem+json"
            assert int(response.headers["Retry-After"]) >= 1
            body = response.get_json()
            assert body["type"].endswith("schema-not-current") and UPGRADE in body["detail"]
    assert q.count == 0  # refused without asking again (it re-checks every few seconds at most)
    assert client.get("/healthz").status_code == 200


def test_the_gate_opens_once_the_schema_is_current_and_then_costs_nothing(operator, behind, owner_sql, client,
                                                                         count_queries):
    assert client.get("/readyz").status_code == 503
    assert operator.get("/api/v1/tenants").status_code == 503
    owner_sql("INSERT INTO alembic_version (version_num) VALUES (:v)", {"v": behind})
    assert client.get("/readyz").get_json() == OK
    with count_queries() as q:
        assert operator.get("/api/v1/tenants").status_code == 200
    assert not [s for s in q.statements if "alembic_version" in s]
    owner_sql("DELETE FROM alembic_version WHERE version_num = :v", {"v": behind})  # for the fixture to restore


def test_the_first_request_checks_the_schema(operator, gated, client, count_queries, monkeypatch):
    gate = gated.extensions["hrbpo_schema_gate"]
    monkeypatch.setattr(gate, "current", False)  # as in a process that just booted
    monkeypatch.setattr(gate, "RECHECK_SECONDS", 0)  # due now, whenever an earlier test last looked
    with count_queries() as q:
        assert operator.get("/api/v1/tenants").status_code == 200
    assert [s for s in q.statements if "alembic_version" in s]
    assert gate.current


@pytest.mark.postgresql_only
def test_readyz_is_not_fooled_by_a_pooled_connection_the_database_cut(app, client, owner_sql):
    db.engine.dispose()
    with db.engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    owner_sql("SELECT pg_terminate_backend(:pid)", {"pid": pid})  # pooled, used just now: not pinged
    assert client.get("/readyz").get_json() == OK
