"""Alembic, one branch per plugin (DESIGN decision 4).

Core versions live in hrbpo/migrations/versions (branch `core`); each plugin
returns its own versions folder from the `migrations_path` hook, with branch
label = plugin name. `upgrade()` takes every head, then, on a Citus
coordinator, distributes the new tables (citus.py), then (re)applies RLS.
"""
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from hrbpo.core import citus, rls
from hrbpo.core.db import db
from hrbpo.core.plugins.manager import plugins

HERE = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config() -> Config:
    locations = [str(HERE / "versions")]
    locations += [str(p) for _, p in plugins().results_by_plugin("migrations_path") if p]
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", current_app.config["HRBPO_MIGRATE_DATABASE_URL"])
    return cfg


def upgrade(target="heads"):
    cfg = alembic_config()
    command.upgrade(cfg, target)
    owner = sa.create_engine(current_app.config["HRBPO_MIGRATE_DATABASE_URL"])
    try:
        if owner.dialect.name == "postgresql":
            with owner.begin() as conn:
                citus.distribute(conn, db.metadata)
                rls.apply(conn, db.metadata, **rls.roles(current_app.config))
    finally:
        owner.dispose()


SCRIPT = "hrbpo_migration_script"


def _script() -> ScriptDirectory:
    """The code's migrations, read once per process: /readyz and the schema
    gate ask often, and parsing every revision file costs far more than the query."""
    script = current_app.extensions.get(SCRIPT)
    if script is None:
        script = current_app.extensions[SCRIPT] = ScriptDirectory.from_config(alembic_config())
    return script


def pending() -> tuple[set, set]:
    """(heads the code has that the database lacks, heads the database is at)."""
    script = _script()
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    # A plugin's branch depends on core's, so once it is applied the database
    # records only the plugin's head: count what the current heads imply.
    # (Revisions of plugins no longer installed are left out.)
    known = tuple(rev for rev in current if _known(script, rev))
    applied = {r.revision for r in script.iterate_revisions(known, "base")} if known else set()
    return set(script.get_heads()) - applied, current


def _known(script, revision) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises for a revision it does not know
        return False


def check():
    """Stop (`db upgrade`'s last step) unless the database is at every head of the code."""
    missing, current = pending()
    if missing:
        raise SystemExit(
            "hrbpo: the database is not migrated (it is at "
            f"{', '.join(sorted(current)) or 'nothing'}; the code also needs {', '.join(sorted(missing))}).\n"
            "Run:  flask --app wsgi hrbpo db upgrade"
        )


def revision(message: str, branch: str, autogenerate=True):
    """Write a new revision on one branch (core or a plugin's), with only its tables."""
    cfg = alembic_config()
    cfg.attributes["hrbpo_branch"] = branch
    script = ScriptDirectory.from_config(cfg)
    # `branch@head`, not a search of "heads": core is no head once plugins depend on it.
    if _known(script, f"{branch}@head"):
        kwargs = {"head": f"{branch}@head"}
    else:  # a plugin's first revision: its own branch, after core's tables exist
        kwargs = {"head": "base", "branch_label": branch, "version_path": _branch_path(branch),
                  "depends_on": [script.get_revision("core@head").revision]}
    command.revision(cfg, message=message, autogenerate=autogenerate, **kwargs)


def _branch_path(branch):
    if branch == "core":
        return str(HERE / "versions")
    return str(dict(plugins().results_by_plugin("migrations_path"))[branch])
