"""The bench's own PostgreSQL database: created fresh, migrated by the owner,
used by the app through a role that is neither superuser nor BYPASSRLS, so
row-level security binds every measured request."""
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("HRBPO_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NAME = os.environ.get("HRBPO_BENCH_DB", "hrbpo_bench")
ROLE = os.environ.get("HRBPO_BENCH_ROLE", "hrbpo_bench_app")
# Fixed so every process of one run (and every run) shares secrets.
SECRET = "bench-secret-not-for-production"
FERNET_KEY = "YmVuY2gtZW5jcnlwdGlvbi1rZXktMzJieXRlcyEhISE="


def _url(**parts) -> str:
    return sa.engine.make_url(ADMIN_URL).set(**parts).render_as_string(hide_password=False)


def owner_url() -> str:
    """Superuser on the bench database: migrations, seeding, and 'RLS off'."""
    return _url(database=NAME)


def app_url() -> str:
    return _url(database=NAME, username=ROLE, password=None)


def recreate():
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{NAME}"')
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (ROLE,)).fetchone():
            conn.execute(f'CREATE ROLE "{ROLE}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE')


def drop():
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')


_instance = str(Path(tempfile.gettempdir()) / "hrbpo-bench-instance")


def environment(rls: bool = True, plugins=None) -> dict:
    """Environment for the app, in process or under gunicorn. With rls=False
    the app connects as the superuser, which PostgreSQL exempts from RLS (the
    ORM's tenant filter still applies)."""
    return {
        "HRBPO_DATABASE_URL": app_url() if rls else owner_url(),
        "HRBPO_MIGRATE_DATABASE_URL": owner_url(),
        "HRBPO_APP_ROLE": ROLE,
        "HRBPO_INSTANCE_PATH": _instance,
        "HRBPO_SECRET_KEY": SECRET,
        "HRBPO_ENCRYPTION_KEYS": FERNET_KEY,
        "HRBPO_CHECK_MIGRATIONS": "0",
        "HRBPO_BENCH_PLUGINS": "*" if plugins is None else ",".join(plugins),
    }


def make_app(rls: bool = True, plugins=None):
    """The app in this process (S6, S3), frozen for the collector as wsgi.py freezes it."""
    import gc

    os.environ.update(environment(rls, plugins))
    from hrbpo import create_app

    app = create_app({"HRBPO_CHECK_MIGRATIONS": False, "HRBPO_APP_ROLE": ROLE}, plugins=plugins)
    gc.freeze()
    return app


def migrate_in_subprocess(plugins=None) -> bool:
    """`db upgrade` plus RLS, in a fresh process (models register globally,
    so a failed attempt with every plugin must not leak into the retry)."""
    code = ("import sys; from bench import database; from hrbpo.core.migrate import upgrade\n"
            f"app = database.make_app(plugins={plugins!r})\n"
            "import sqlalchemy as sa; sa.orm.configure_mappers()\n"
            "with app.app_context(): upgrade()")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        print(done.stderr.strip().splitlines()[-1], file=sys.stderr)
    return done.returncode == 0


def vacuum_analyze():
    """Fresh statistics and visibility maps, as autovacuum would give a live system."""
    with psycopg.connect(owner_url(), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def owner_connection(**kw) -> psycopg.Connection:
    return psycopg.connect(owner_url(), **kw)


def serve():
    """The app gunicorn runs (`bench.database:serve()`), with the bench's
    plugins, set up as wsgi.py sets it up (garbage collector frozen after it)."""
    import gc

    names = os.environ.get("HRBPO_BENCH_PLUGINS", "*")
    from hrbpo import create_app

    app = create_app(plugins=None if names == "*" else [n for n in names.split(",") if n])
    gc.freeze()
    return app


@contextmanager
def scratch_app(name: str):
    """The app on a throw-away SQLite database in a new temp folder (or on
    HRBPO_DATABASE_URL if set: it must be empty or disposable), migrated, in an
    app context: for the modules' timing scripts (bench_834, bench_compliance)."""
    workdir = tempfile.mkdtemp(prefix=f"hrbpo-bench-{name}-")
    os.environ.setdefault("HRBPO_DATABASE_URL", f"sqlite:///{workdir}/bench.db")
    os.environ.setdefault("HRBPO_INSTANCE_PATH", workdir)
    from hrbpo import create_app
    from hrbpo.core.migrate import upgrade

    app = create_app({"HRBPO_CHECK_MIGRATIONS": False, "HRBPO_UPLOAD_DIR": f"{workdir}/files"})
    with app.app_context():
        upgrade()
        yield app
