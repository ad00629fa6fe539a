"""The database going away (operations.md, "Liveness, readiness, outages"):
503 problem+json with Retry-After, never a 500; no broken connection back in
the pool; normal answers again as soon as it returns; booting needs no database.

PostgreSQL is reached through a TCP proxy in a thread that the test cuts
(every connection reset, new ones refused) and restores.
"""
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g

from hrbpo import create_app
from hrbpo.core.auth.services import create_operator
from hrbpo.core.db import db
from hrbpo.testing import PASSWORD, login

ROOT = Path(__file__).resolve().parents[2]
SHARED = ("SECRET_KEY", "HRBPO_UPLOAD_DIR", "RATELIMIT_STORAGE_URI", "HRBPO_MAIL_URL", "HRBPO_QUEUE_URL",
          "HRBPO_QUEUE_NAME", "HRBPO_MIGRATE_DATABASE_URL", "HRBPO_APP_ROLE")


class Proxy:
    """127.0.0.1:<port> → target, until cut."""

    def __init__(self, target):
        self.target, self.up, self.pairs, self.lock = target, True, [], threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            try:
                if not self.up:
                    raise ConnectionRefusedError
                server = socket.create_connection(self.target)
            except OSError:
                _reset(client)
                continue
            with self.lock:
                self.pairs.append((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(a, b), daemon=True).start()

    def cut(self):
        self.up = False
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                _reset(sock)

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


def _pump(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    _reset(sink)


def _reset(sock):
    """Hang up now: shutdown wakes the pump blocked in recv (a bare close would
    not, and the peer would never hear of it)."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def _app_at(session_app, database_url, **config):
    """Another app like the tests' one, on `database_url`, in production mode
    (TESTING off: what an unhandled error would really answer)."""
    app = create_app({**{k: session_app.config[k] for k in SHARED}, "SQLALCHEMY_DATABASE_URI": database_url,
                      "WTF_CSRF_ENABLED": False, "HRBPO_CHECK_MIGRATIONS": True, **config})
    app.config["HRBPO_BACKEND"] = session_app.config["HRBPO_BACKEND"]
    return app


@pytest.fixture(scope="module")
def proxied(_session_app):
    """(proxy, app): an app whose PostgreSQL is behind the proxy, with a view
    that reads and then loses the database before the request ends."""
    if _session_app.config["HRBPO_BACKEND"] != "postgresql":
        yield None, None
        return
    url = sa.engine.make_url(_session_app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    app = _app_at(_session_app, url.set(host="127.0.0.1", port=proxy.port).render_as_string(False))

    @app.get("/_test/read-then-cut")
    def read_then_cut():
        db.session.execute(sa.text("SELECT 1"))
        proxy.cut()
        return {"read": True}

    @app.post("/_test/cut-before-after-request")
    def cut_before_after_request():
        g.query_after = True
        proxy.cut()
        return {"done": True}, 201

    @app.after_request
    def query_after(response):
        if g.get("query_after"):
            db.session.execute(sa.text("SELECT 1"))
        return response

    yield proxy, app
    proxy.close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def via_proxy(app, proxied):
    """(proxy, operator ApiClient on the proxied app) with the proxy up."""
    proxy, proxied_app = proxied
    proxy.restore()
    with proxied_app.app_context():
        create_operator("outage-operator@bpo.test", PASSWORD)
    client = proxied_app.test_client()
    yield proxy, login(client, "outage-operator@bpo.test")
    proxy.restore()


def assert_unavailable(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    return response.get_json()


def _pool(client):
    with client.client.application.app_context():
        return db.engine.pool


@pytest.mark.postgresql_only
def test_every_kind_of_request_answers_503_while_the_database_is_down(via_proxy):
    proxy, operator = via_proxy
    assert operator.get("/api/v1/tenants").status_code == 200
    proxy.cut()
    body = assert_unavailable(operator.get("/api/v1/tenants"))
    assert body["type"].endswith("database-unavailable") and body["status"] == 503
    assert_unavailable(operator.post("/api/v1/tenants", json={"slug": "lost", "name": "Lost"}))
    assert_unavailable(operator.client.post("/api/v1/auth/token", json={"email": "a@b.test", "password": PASSWORD}))
    assert_unavailable(operator.client.post("/login", data={"email": "a@b.test", "password": PASSWORD}))
    assert operator.client.get("/healthz").status_code == 200  # liveness needs no database
    assert _pool(operator).checkedout() == 0

    proxy.restore()
    started = time.monotonic()
    assert operator.get("/api/v1/tenants").get_json()["items"] == []  # the write answered 503 changed nothing
    assert operator.post("/api/v1/tenants", json={"slug": "found", "name": "Found"}).status_code == 201
    assert time.monotonic() - started < 10


@pytest.mark.postgresql_only
def test_a_connection_lost_before_the_read_only_commit_is_not_pooled(via_proxy):
    """The request's teardown commits a read-only transaction; the database
    going away just before must not raise out of the app (gunicorn's HTML 500)
    nor leave the broken connection, or its failed session, to the next request."""
    proxy, operator = via_proxy
    invalidated = []
    sa.event.listen(_pool(operator), "invalidate", lambda *args: invalidated.append(args))
    response = operator.get("/_test/read-then-cut")
    assert response.status_code == 200 and response.get_json() == {"read": True}  # what was read stands
    assert invalidated and _pool(operator).checkedout() == 0  # closed, not handed back
    proxy.restore()
    assert [operator.get("/api/v1/tenants").status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.postgresql_only
def test_the_database_lost_in_an_after_request_hook_is_503_not_500(via_proxy):
    proxy, operator = via_proxy
    assert_unavailable(operator.post("/_test/cut-before-after-request"))
    assert _pool(operator).checkedout() == 0
    proxy.restore()
    assert operator.get("/api/v1/tenants").status_code == 200


@pytest.mark.postgresql_only
def test_readyz_names_the_database_while_it_is_down(via_proxy):
    proxy, operator = via_proxy
    ready = operator.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "database": "ok", "schema": "ok", "queue": "ok"}
    proxy.cut()
    down = operator.client.get("/readyz")
    assert down.status_code == 503
    body = down.get_json()
    assert body["status"] == "unavailable" and body["database"].startswith("unavailable")
    assert body["queue"] == "ok" and body["schema"] != "ok"
    text = down.get_data(as_text=True)
    assert "127.0.0.1" not in text and str(proxy.port) not in text  # no address (nor credentials)
    proxy.restore()
    assert operator.client.get("/readyz").status_code == 200


@pytest.mark.postgresql_only
def test_a_worker_boots_while_the_database_is_down(app, _session_app):
    """No migration check (or any query) at app creation: gunicorn's worker
    stays up and answers 503 until the database is there."""
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    url = sa.engine.make_url(_session_app.config["SQLALCHEMY_DATABASE_URI"]).set(host="127.0.0.1", port=port)
    booted = _app_at(_session_app, url.render_as_string(False))
    client = booted.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert_unavailable(client.get("/api/v1/tenants", headers={"Authorization": "Bearer hrbpo_x"}))
    assert_unavailable(client.get("/api/v1/tenants"))  # even before the caller is known: the schema gate asks first
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["database"].startswith("unavailable")


@pytest.mark.sqlite_only
def test_a_sqlite_file_that_cannot_be_opened_answers_503(app, _session_app, tmp_path):
    (tmp_path / "hrbpo.db").mkdir()  # a directory where the file should be (root reads any file)
    booted = _app_at(_session_app, f"sqlite:///{tmp_path / 'hrbpo.db'}")
    client = booted.test_client()
    assert client.get("/healthz").status_code == 200
    assert_unavailable(client.post("/api/v1/auth/token", json={"email": "a@b.test", "password": PASSWORD}))
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["database"] == "unavailable (OperationalError)"


@pytest.mark.sqlite_only
def test_a_locked_sqlite_database_answers_503_then_serves_again(app, _session_app):
    create_operator("locked-operator@bpo.test", PASSWORD)
    short = _app_at(_session_app, _session_app.config["SQLALCHEMY_DATABASE_URI"],
                    SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.2}})
    operator = login(short.test_client(), "locked-operator@bpo.test")
    holder = sa.create_engine(_session_app.config["SQLALCHEMY_DATABASE_URI"]).connect()
    holder.exec_driver_sql("BEGIN IMMEDIATE")  # another process writing: the write lock is taken
    try:
        body = assert_unavailable(operator.post("/api/v1/tenants", json={"slug": "locked", "name": "Locked"}))
        assert body["type"].endswith("database-unavailable")
    finally:
        holder.rollback()
        holder.close()
    assert operator.post("/api/v1/tenants", json={"slug": "locked", "name": "Locked"}).status_code == 201


@pytest.mark.postgresql_only
def test_postgresql_connections_give_up_connecting_after_a_few_seconds(app):
    """libpq waits forever for a server that accepts and never answers; the request must not."""
    with db.engine.connect() as conn:
        assert "connect_timeout=5" in conn.connection.dbapi_connection.info.dsn.split()


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def _get(url):
    """(status, content type, Retry-After) of a GET; None while nothing listens."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.headers.get("Retry-After")
    except OSError:
        return None


def _until(condition, seconds):
    deadline = time.monotonic() + seconds
    while (value := condition()) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    return value


@pytest.mark.postgresql_only
def test_gunicorn_boots_while_the_database_is_down_and_serves_once_it_is_back(app):
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.cut()
    port = _free_port()
    env = {**os.environ, "HRBPO_INSTANCE_PATH": app.instance_path, "HRBPO_SECRET_KEY": "test-secret",
           "HRBPO_DATABASE_URL": url.set(host="127.0.0.1", port=proxy.port).render_as_string(False),
           "HRBPO_MIGRATE_DATABASE_URL": app.config["HRBPO_MIGRATE_DATABASE_URL"],
           "HRBPO_APP_ROLE": app.config["HRBPO_APP_ROLE"], "HRBPO_QUEUE_URL": app.config["HRBPO_QUEUE_URL"]}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"

    def served():
        answer = _get(base + "/api/v1/tenants")
        return answer if answer and answer[0] != 503 else None

    try:
        assert _until(lambda: _get(base + "/healthz"), 90) == (200, "application/json", None)
        assert server.poll() is None  # the worker booted and gunicorn stayed up
        status, kind, retry = _get(base + "/api/v1/tenants")
        assert (status, kind) == (503, "application/problem+json") and int(retry) >= 1
        assert _get(base + "/readyz")[0] == 503
        proxy.restore()
        started = time.monotonic()
        assert _until(served, 10)[0] == 401  # served again: only the token is missing
        assert time.monotonic() - started < 10 and _get(base + "/readyz")[0] == 200
    finally:
        server.terminate()
        errors = server.communicate(timeout=30)[1]
        proxy.close()
    assert "Traceback" not in errors, errors


def test_other_errors_still_answer_500_problem(app, _session_app):
    """The 503 net only catches the database going away: a bug stays a 500."""
    buggy = _app_at(_session_app, _session_app.config["SQLALCHEMY_DATABASE_URI"], HRBPO_CHECK_MIGRATIONS=False)

    @buggy.get("/api/v1/_test/boom")
    def boom():
        raise RuntimeError("a bug")

    response = buggy.test_client().get("/api/v1/_test/boom")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("internal-error") and "Retry-After" not in response.headers
