"""pytest plugin shipped with hrbpo: fixtures for core and plugin tests.

Loaded automatically (entry point `pytest11`). Every test runs once per
database backend: SQLite always; PostgreSQL when `HRBPO_TEST_BACKENDS` names
it (CI) or when one answers at `HRBPO_TEST_PG_URL`; on a Citus cluster
(`citus`, at `HRBPO_TEST_CITUS_URL`) when `HRBPO_TEST_BACKENDS` names it,
for the tests under `HRBPO_TEST_CITUS_PATHS` (comma-separated, default all).
On PostgreSQL and Citus the app
connects as a role that is neither superuser, nor BYPASSRLS, nor owner of any
table, so row-level security really binds every test.

Fixtures: `app`, `client`, `operator` (an ApiClient), `make_tenant(slug,
modules=…)` → TenantKit with `hr`, `employee` ApiClients, `tenant_a` /
`tenant_b`, `count_queries`, `isolation`; for the queue and mail (see
hrbpo.testing_queue): `worker` (runs queued tasks in process), `mailbox`
(mail sent), `smtp_server` (a real local SMTP server), `queue_storage`; for
races (see hrbpo.testing_concurrency): `live_server` (the app over real HTTP); for
single sign-on (hrbpo.testing_oidc): `oidc_provider` (a real OpenID provider);
for isolation (see hrbpo.testing_isolation): `isolation`, `check_isolation`.
"""
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from hrbpo.testing_concurrency import live_server  # noqa: F401  (fixture)
from hrbpo.testing_isolation import check_isolation, isolation, tenant_routes  # noqa: F401  (fixture; helpers tests import here)
from hrbpo.testing_oidc import oidc_provider  # noqa: F401  (fixture)
from hrbpo.testing_queue import mailbox, queue_storage, smtp_server, worker  # noqa: F401  (fixtures)

PG_URL = os.environ.get("HRBPO_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
CITUS_URL = os.environ.get("HRBPO_TEST_CITUS_URL", "postgresql://postgres@127.0.0.1:5440/test")
# The backends that are PostgreSQL (row-level security, the postgresql_only marker).
POSTGRES = ("postgresql", "citus")
PASSWORD = "correct-horse-battery"


def _pg_available() -> bool:
    try:
        engine = sa.create_engine(_psycopg(PG_URL), connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def backends() -> list[str]:
    wanted = os.environ.get("HRBPO_TEST_BACKENDS")
    if wanted:
        return [b.strip() for b in wanted.split(",") if b.strip()]
    return ["sqlite", "postgresql"] if _pg_available() else ["sqlite"]


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: test needs the embedded SQLite backend")
    config.addinivalue_line("markers", "postgresql_only: test needs PostgreSQL (RLS)")
    # Tests create hundreds of logins: argon2id with the lightest parameters
    # (still argon2id) keeps the suite fast. Production uses the defaults.
    from argon2 import PasswordHasher

    from hrbpo.core.auth import passwords

    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords._DUMMY = passwords._hasher.hash("not-a-real-password")


def pytest_collection_modifyitems(config, items):
    """Honour the backend markers: skip a test's run on the other backend."""
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("backend")
        for marker, wanted in (("sqlite_only", ("sqlite",)), ("postgresql_only", POSTGRES)):
            if item.get_closest_marker(marker) and backend not in wanted:
                item.add_marker(pytest.mark.skip(reason=f"needs the {wanted[0]} backend"))


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        wanted = backends()
        if "citus" in wanted and not _runs_on_citus(metafunc.config, metafunc.definition.path):
            wanted = [b for b in wanted if b != "citus"]
        metafunc.parametrize("backend", wanted, indirect=True, scope="session")


def _runs_on_citus(config, path) -> bool:
    """Whether a test file is under one of HRBPO_TEST_CITUS_PATHS (all when unset)."""
    paths = [p.strip() for p in os.environ.get("HRBPO_TEST_CITUS_PATHS", "").split(",") if p.strip()]
    return not paths or any(path.is_relative_to(config.rootpath / p) for p in paths)


@pytest.fixture(scope="session")
def backend(request):
    return request.param


def _worker(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def _make_postgres(worker: str, url: str = PG_URL) -> dict:
    """A fresh database per worker, migrated by the owner, used by an app role."""
    # Unique per pytest process: several runs may share one server.
    name, role = f"hrbpo_test_{worker}_{os.getpid()}", f"hrbpo_app_{worker}"
    _create_database(url, name, role)
    base = sa.engine.make_url(_psycopg(url))
    return {
        "SQLALCHEMY_DATABASE_URI": base.set(database=name, username=role, password=None).render_as_string(False),
        "HRBPO_MIGRATE_DATABASE_URL": base.set(database=name).render_as_string(False),
        "HRBPO_APP_ROLE": role,
        "HRBPO_TEST_DATABASE": name,
    }


def _create_database(url: str, name: str, role: str):
    admin = sa.create_engine(_psycopg(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        if not exists:
            try:
                conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'))
            except sa.exc.ProgrammingError:  # a parallel run created it first
                pass
    admin.dispose()


def _make_citus(worker: str) -> dict:
    """A fresh database per worker on the Citus cluster: created, with the
    extension, on the coordinator and every worker node (each node's roles are
    its own), then the workers registered in it. Four shards per table, not
    32: the suite's schema is DDL-bound, not data-bound."""
    config = _make_postgres(worker, CITUS_URL)
    name, role = config["HRBPO_TEST_DATABASE"], config["HRBPO_APP_ROLE"]
    base = sa.engine.make_url(_psycopg(CITUS_URL))
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        nodes = conn.execute(sa.text(
            "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'")).all()
    admin.dispose()
    for host, port in nodes:
        _create_database(base.set(host=host, port=port).render_as_string(False), name, role)
    for host, port in nodes + [(base.host, base.port)]:  # the coordinator last: it then adds the workers
        engine = sa.create_engine(base.set(host=host, port=port, database=name), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("CREATE EXTENSION citus"))
            if port == base.port:
                conn.execute(sa.text(f'ALTER DATABASE "{name}" SET citus.shard_count = 4'))
                conn.execute(sa.text("SELECT citus_set_coordinator_host(:host, :port)"), {"host": host, "port": port})
                for node in nodes:
                    conn.execute(sa.text("SELECT citus_add_node(:host, :port)"), {"host": node[0], "port": node[1]})
        engine.dispose()
    return {**config, "HRBPO_TEST_NODES": [(base.host, base.port)] + nodes}


def _drop_database(config: dict):
    name = config["HRBPO_TEST_DATABASE"]
    base = sa.engine.make_url(config["HRBPO_MIGRATE_DATABASE_URL"])
    for host, port in config.get("HRBPO_TEST_NODES") or [(base.host, base.port)]:
        admin = sa.create_engine(base.set(host=host, port=port, database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _session_app(backend, request, tmp_path_factory):
    from hrbpo import create_app
    from hrbpo.core.migrate import upgrade

    instance = tmp_path_factory.mktemp(f"instance-{backend}")
    config = {
        "TESTING": True,
        "HRBPO_CHECK_MIGRATIONS": False,
        "SECRET_KEY": "test-secret",
        "HRBPO_UPLOAD_DIR": str(instance / "files"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        "HRBPO_MAIL_URL": "memory:",
        # The worker runs in process (the `worker` fixture) on a real Huey queue file of this process's own.
        "HRBPO_QUEUE_URL": f"sqlite:///{instance / 'queue.db'}",
        "HRBPO_QUEUE_NAME": f"hrbpo-test-{os.getpid()}",
    }
    if backend == "postgresql":
        config.update(_make_postgres(_worker(request)))
    elif backend == "citus":
        config.update(_make_citus(_worker(request)))
    else:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'test.db'}"
        config["HRBPO_MIGRATE_DATABASE_URL"] = config["SQLALCHEMY_DATABASE_URI"]
    os.environ.setdefault("HRBPO_INSTANCE_PATH", str(instance))
    # HRBPO_TEST_PLUGINS=a,b loads only those plugins ("" for none): test one
    # module without the others' half-built work.
    only = os.environ.get("HRBPO_TEST_PLUGINS")
    app = create_app(config, plugins=None if only is None else [p for p in only.split(",") if p])
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        upgrade()
    # The SQL dialect (Citus is PostgreSQL); HRBPO_TEST_CITUS tells the cluster apart.
    app.config["HRBPO_BACKEND"] = "sqlite" if backend == "sqlite" else "postgresql"
    app.config["HRBPO_TEST_CITUS"] = backend == "citus"
    yield app
    if backend in POSTGRES:
        with app.app_context():
            from hrbpo.core.db import db

            db.session.remove()
            db.engine.dispose()
        _drop_database(app.config)


class RequestIsolatedClient(FlaskClient):
    """Each request gets its own app context, `g` and database session, as in
    production, even though the `app` fixture keeps a context open for the
    test body (otherwise a failed request's session or a cached login would
    leak into the next request and hide bugs)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _owner_engine(app):
    return sa.create_engine(app.config["HRBPO_MIGRATE_DATABASE_URL"])


def _wipe(app):
    from hrbpo.core.db import db

    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    engine = _owner_engine(app)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f'DELETE FROM "{table}"'))
    engine.dispose()


@pytest.fixture
def app(_session_app):
    from hrbpo.core.extensions import limiter

    limiter.reset()
    with _session_app.app_context():
        yield _session_app
    from hrbpo.core import queue
    from hrbpo.core.db import db

    with _session_app.app_context():
        db.session.remove()
        queue.huey().storage.flush_all()  # no doorbell outlives its test's rows
    _wipe(_session_app)


@pytest.fixture
def client(app):
    return app.test_client()


class ApiClient:
    """A test client that sends one bearer token and JSON by default."""

    def __init__(self, client, token=None, user=None):
        self.client, self.token, self.user = client, token, user

    def _headers(self, headers):
        out = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        out.update(headers or {})
        return out

    def request(self, method, url, headers=None, **kw):
        return self.client.open(url, method=method, headers=self._headers(headers), **kw)

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    def post(self, url, **kw):
        return self.request("POST", url, **kw)

    def put(self, url, **kw):
        return self.request("PUT", url, **kw)

    def patch(self, url, **kw):
        return self.request("PATCH", url, **kw)

    def delete(self, url, **kw):
        return self.request("DELETE", url, **kw)


def login(client, email, password=PASSWORD, tenant=None) -> ApiClient:
    body = {"email": email, "password": password}
    if tenant:
        body["tenant"] = tenant
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 201, response.get_json()
    return ApiClient(client, response.get_json()["token"], response.get_json()["user"])


@pytest.fixture
def operator(app, client) -> ApiClient:
    from hrbpo.core.auth.services import create_operator

    create_operator(f"operator-{uuid.uuid4().hex[:8]}@bpo.test", PASSWORD)
    from hrbpo.core.auth.models import User
    from hrbpo.core.db import db

    email = db.session.scalars(sa.select(User.email).where(User.is_operator.is_(True))).all()[-1]
    return login(client, email)


@dataclass
class TenantKit:
    slug: str
    id: str
    hr: ApiClient
    employee: ApiClient
    employee_id: str
    operator: ApiClient

    def url(self, path=""):
        return f"/api/v1/tenants/{self.slug}{path}"


def _create_kit(client, operator, slug, modules=()) -> TenantKit:
    r = operator.post("/api/v1/tenants", json={"slug": slug, "name": slug.title()})
    assert r.status_code == 201, r.get_json()
    tenant_id = r.get_json()["id"]
    for module in modules:
        assert operator.put(f"/api/v1/tenants/{slug}/modules/{module}").status_code == 200
    hr_email, emp_email = f"hr@{slug}.test", f"emp@{slug}.test"
    r = operator.post(f"/api/v1/tenants/{slug}/employees", json={
        "first_name": "Erin", "last_name": slug.title(), "email": emp_email, "hire_date": "2024-01-15",
        "date_of_birth": "1990-05-01", "national_id": "123-45-6789"})
    assert r.status_code == 201, r.get_json()
    employee_id = r.get_json()["id"]
    for email, role, emp in ((hr_email, "hr_admin", None), (emp_email, "employee", employee_id)):
        body = {"email": email, "password": PASSWORD, "role": role}
        if emp:
            body["employee_id"] = emp
        r = operator.post(f"/api/v1/tenants/{slug}/users", json=body)
        assert r.status_code == 201, r.get_json()
    return TenantKit(slug, tenant_id, login(client, hr_email), login(client, emp_email), employee_id, operator)


@pytest.fixture
def make_tenant(client, operator):
    """make_tenant(slug, modules=()) → TenantKit with an HR admin and an employee."""
    return lambda slug, modules=(): _create_kit(client, operator, slug, modules)


@pytest.fixture
def tenant_a(make_tenant):
    return make_tenant("tenant-a")


@pytest.fixture
def tenant_b(make_tenant):
    return make_tenant("tenant-b")


@pytest.fixture
def count_queries(app):
    """with count_queries() as q: ...; q.count is the number of SQL statements."""
    from hrbpo.core.db import db

    @contextmanager
    def counting():
        counter = type("Counter", (), {"count": 0, "statements": []})()

        def on_execute(conn, cursor, statement, parameters, context, executemany):
            if "set_config" not in statement:
                counter.count += 1
                counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", on_execute)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", on_execute)

    return counting


@pytest.fixture
def owner_sql(app):
    """owner_sql("UPDATE …", {params}) runs raw SQL as the table owner (the
    migration role, which RLS does not bind), committed; returns the rows of a
    SELECT. For tests that tamper with data behind the app's back."""
    def run(statement, params=None):
        engine = _owner_engine(app)
        try:
            with engine.begin() as conn:
                result = conn.execute(sa.text(statement), params or {})
                return result.all() if result.returns_rows else result.rowcount
        finally:
            engine.dispose()

    return run


def _switch_module(kit: "TenantKit", name: str, on: bool):
    r = (kit.operator.put if on else kit.operator.delete)(kit.url(f"/modules/{name}"))
    assert r.status_code == 200, f"could not switch {name} {'on' if on else 'off'} for {kit.slug}: {r.get_json()}"


@pytest.fixture
def enable_module(operator):
    """enable_module(kit, name): switch a module on for a tenant (as the operator)."""
    return lambda kit, name: _switch_module(kit, name, True)


@pytest.fixture
def disable_module(operator):
    """disable_module(kit, name): switch a module off for a tenant; its data is kept."""
    return lambda kit, name: _switch_module(kit, name, False)
