"""`flask hrbpo …` commands, in process (CliRunner) and as a fresh process."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from hrbpo.core.auth.models import User
from hrbpo.core.db import db
from hrbpo.core.tenants.models import Tenant

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=["hrbpo", *args], **kw)


def test_create_operator_non_interactive(cli, client):
    r = cli("create-operator", "--email", "Boss@BPO.test", "--password", "long-enough-pw")
    assert r.exit_code == 0, r.output
    user = db.session.scalars(sa.select(User).where(User.email == "boss@bpo.test")).one()
    assert user.is_operator and user.password_hash.startswith("$argon2id$")
    assert client.post("/api/v1/auth/token", json={"email": "boss@bpo.test", "password": "long-enough-pw"}).status_code == 201
    r = cli("create-operator", "--email", "boss@bpo.test", "--password", "long-enough-pw")
    assert r.exit_code != 0 and "already exists" in r.output
    r = cli("create-operator", "--email", "x@bpo.test", "--password", "short")
    assert r.exit_code != 0


def test_create_tenant_and_switch_modules(cli, operator):
    r = cli("create-tenant", "acme", "--name", "Acme", "--timezone", "Europe/Oslo")
    assert r.exit_code == 0, r.output
    assert db.session.scalars(sa.select(Tenant.timezone).where(Tenant.slug == "acme")).one() == "Europe/Oslo"
    assert cli("create-tenant", "acme", "--name", "Again").exit_code != 0
    assert cli("create-tenant", "Bad Slug", "--name", "X").exit_code != 0
    from hrbpo.core.plugins.manager import plugins

    module = next((n for n, m in plugins().modules.items() if not m.depends_on), None)
    if module:
        assert cli("enable-module", "acme", module).exit_code == 0
        states = {m["name"]: m["enabled"] for m in operator.get("/api/v1/tenants/acme/modules").get_json()}
        assert states[module] is True
        assert cli("disable-module", "acme", module).exit_code == 0
        states = {m["name"]: m["enabled"] for m in operator.get("/api/v1/tenants/acme/modules").get_json()}
        assert states[module] is False
    r = cli("enable-module", "acme", "no-such-module")
    assert r.exit_code != 0 and "no-such-module" in r.output


def test_import_employees_progress_and_all_or_nothing(cli, tenant_a, tmp_path, operator):
    good = tmp_path / "good.csv"
    good.write_text("first_name,last_name,email,hire_date\n" +
                    "".join(f"P{i},Q,p{i}@a.test,2024-01-01\n" for i in range(25)))
    r = cli("import-employees", tenant_a.slug, str(good))
    assert r.exit_code == 0, r.output
    assert "Imported 25" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("first_name,last_name,email,hire_date\nOk,Row,ok@a.test,2024-01-01\n,X,nope,2024-01-01\n"
                   "Y,Z,y@a.test,never\n")
    r = cli("import-employees", tenant_a.slug, str(bad))
    assert r.exit_code != 0
    assert "line 3" in r.output and "line 4" in r.output
    total = operator.get(tenant_a.url("/employees")).get_json()["total"]
    assert total == 26  # the kit's employee + 25; nothing from the bad file
    assert cli("import-employees", "no-such-tenant", str(good)).exit_code != 0


def test_demo_creates_three_tenants_and_a_working_login(cli, client):
    r = cli("demo")
    assert r.exit_code == 0, r.output
    slugs = set(db.session.scalars(sa.select(Tenant.slug)))
    assert len(slugs) == 3
    from hrbpo.core.demo import OPERATOR, PASSWORD, TENANTS

    assert client.post("/api/v1/auth/token", json={"email": OPERATOR[0], "password": OPERATOR[1]}).status_code == 201
    slug = TENANTS[0][0]
    r = client.post("/api/v1/auth/token", json={"email": f"hr@{slug}.test", "password": PASSWORD})
    assert r.status_code == 201
    employees = client.get(f"/api/v1/tenants/{slug}/employees",
                           headers={"Authorization": f"Bearer {r.get_json()['token']}"}).get_json()
    assert employees["total"] >= 20
    assert cli("demo").exit_code == 0  # idempotent
    assert len(set(db.session.scalars(sa.select(Tenant.slug)))) == 3


def _flask(args, db_path, instance, check=True, **extra_env):
    env = {**os.environ, "HRBPO_DATABASE_URL": f"sqlite:///{db_path}", "HRBPO_INSTANCE_PATH": str(instance),
           "FLASK_APP": "wsgi", **extra_env}
    env.pop("HRBPO_MIGRATE_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.sqlite_only
def test_fresh_database_boots_but_refuses_to_serve_until_upgrade_fixes_it(tmp_path, app):
    db_path, instance = tmp_path / "fresh.db", tmp_path / "instance"
    # What a gunicorn worker does: import the app (it must boot), then answer a request.
    probe = [sys.executable, "-c", "import wsgi; r = wsgi.app.test_client().get('/api/v1/tenants'); "
             "print(r.status_code, r.headers.get('Retry-After'), r.get_json()['detail'])"]
    env = {**os.environ, "HRBPO_DATABASE_URL": f"sqlite:///{db_path}", "HRBPO_INSTANCE_PATH": str(instance)}
    refused = subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 0, refused.stderr
    assert refused.stdout.startswith("503 30 ") and "run flask --app wsgi hrbpo db upgrade" in refused.stdout
    r = _flask(["hrbpo", "db", "upgrade"], db_path, instance)
    assert r.returncode == 0, r.stderr
    assert "up to date" in r.stdout
    started = subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stderr
    assert started.stdout.startswith("401 "), started.stdout  # served: only the token is missing
    r = _flask(["hrbpo", "create-operator", "--email", "op@x.test", "--password", "long-enough-pw"], db_path, instance)
    assert r.returncode == 0, r.stderr
    r = _flask(["hrbpo", "audit", "verify"], db_path, instance)
    assert r.returncode == 0 and "intact" in r.stdout
    # The CLI import draws a progress bar on a terminal (rich: TTY_COMPATIBLE forces one here).
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("first_name,last_name,email,hire_date\n" +
                        "".join(f"P{i},Q,p{i}@a.test,2024-01-01\n" for i in range(7)))
    assert _flask(["hrbpo", "create-tenant", "progress", "--name", "P"], db_path, instance).returncode == 0
    r = _flask(["hrbpo", "import-employees", "progress", str(csv_file)], db_path, instance, TTY_COMPATIBLE="1")
    assert r.returncode == 0, r.stderr
    assert "Importing" in r.stdout and "7/7" in r.stdout and "Imported 7 employees" in r.stdout
