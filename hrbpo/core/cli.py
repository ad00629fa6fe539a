"""`flask --app wsgi hrbpo …`: operating the platform from a shell."""
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from rich.progress import BarColumn, Progress, TextColumn

from hrbpo.core import audit, migrate, rls, tenancy
from hrbpo.core import backup as backups
from hrbpo.core import worker as worker_process
from hrbpo.core.auth import services as auth_services
from hrbpo.core.db import db
from hrbpo.core.demo import load as load_demo
from hrbpo.core.errors import DomainError
from hrbpo.core.jobs import purge, run_periodic
from hrbpo.core.jobs.kinds import periodic_tasks
from hrbpo.core.keys import rotate_all
from hrbpo.core.people import importer
from hrbpo.core.plugins.manager import plugins
from hrbpo.core.plugins.scaffold import ScaffoldError, scaffold
from hrbpo.core.tenants import services as tenant_services


@click.group("hrbpo")
def hrbpo_cli():
    """Operate hrbpo: database, tenants, people, audit, plugins."""


def _fail(exc: DomainError):
    raise click.ClickException(f"{exc.detail} {exc.errors or ''}".strip())


@hrbpo_cli.group("db")
def db_cli():
    """Database migrations (Alembic, one branch per plugin)."""


@db_cli.command("upgrade")
@click.option("--to", "target", default="heads", show_default=True, help="Revision to upgrade to")
def db_upgrade(target):
    """Upgrade core and every installed plugin to their newest schema. The
    app answers 503 until the database is at every head (it never migrates itself)."""
    migrate.upgrade(target)
    if target != "heads":
        click.echo(f"Database upgraded to {target}; the app answers 503 until every head is applied.")
        return
    migrate.check()  # as the app's own role: what the app and /readyz will see
    click.echo("Database is up to date.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--branch", default="core", show_default=True, help="core, or a plugin name")
@click.option("--empty", is_flag=True, help="Do not autogenerate")
def db_revision(message, branch, empty):
    """Write a migration for one branch from the model changes."""

    migrate.revision(message, branch, autogenerate=not empty)


@db_cli.command("grant-app-role")
@click.argument("role")
def db_grant(role):
    """Grant the (non-owner) app role access to every table (PostgreSQL)."""
    engine = sa.create_engine(current_app.config["HRBPO_MIGRATE_DATABASE_URL"])
    with engine.begin() as conn:
        rls.grant(conn, db.metadata, role)
    click.echo(f"Granted {role} access to {len(db.metadata.sorted_tables)} tables.")


@hrbpo_cli.command("create-operator")
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_operator(email, password):
    """Create a BPO operator (global staff account)."""

    try:
        user = auth_services.create_operator(email, password)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Operator {user.email} created.")


@hrbpo_cli.command("create-tenant")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--timezone", default="UTC", show_default=True)
@click.option("--locale", default="en", show_default=True)
@click.option("--currency", default="USD", show_default=True)
@click.option("--module", "modules", multiple=True, help="Module to switch on (repeatable)")
def create_tenant(slug, name, timezone, locale, currency, modules):
    """Create a tenant (client company)."""
    try:
        tenant = tenant_services.create_tenant(slug, name, timezone, locale, currency, modules)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Tenant {tenant.slug} created.")


def _switch_module(slug, name, on):

    try:
        tenant_services.set_module(tenant_services.get_tenant(slug), name, on)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"{name} {'enabled' if on else 'disabled'} for {slug}.")


@hrbpo_cli.command("enable-module")
@click.argument("slug")
@click.argument("name")
def enable_module(slug, name):
    """Switch a module on for a tenant."""
    _switch_module(slug, name, True)


@hrbpo_cli.command("disable-module")
@click.argument("slug")
@click.argument("name")
def disable_module(slug, name):
    """Switch a module off for a tenant (its data is kept)."""
    _switch_module(slug, name, False)


@hrbpo_cli.command("import-employees")
@click.argument("slug")
@click.argument("csv_file", type=click.File("rb"))
def import_employees(slug, csv_file):
    """Import employees from CSV into a tenant: all rows or none."""
    try:
        tenant = tenant_services.get_tenant(slug)
        with tenancy.tenant_context(tenant):
            with Progress(TextColumn("Importing"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                          transient=not sys.stdout.isatty()) as progress:
                task = progress.add_task("import", total=None)
                count = importer.import_employees(
                    csv_file, progress=lambda done, total: progress.update(task, completed=done, total=total))
            db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if exc.errors:
            for line, problems in exc.errors.items():
                click.echo(f"line {line}: {'; '.join(problems)}", err=True)
        raise click.ClickException(exc.detail)
    click.echo(f"Imported {count} employees into {slug}.")


@hrbpo_cli.group("audit")
def audit_cli():
    """The audit log."""


@audit_cli.command("verify")
@click.option("--tenant", "slug", help="Only this tenant's chain (default: every chain)")
def audit_verify(slug):
    """Check the hash chains; exit 1 if any event was altered or removed."""
    with tenancy.all_tenants():
        problems = audit.verify(tenant_services.get_tenant(slug).id) if slug else audit.verify(all_chains=True)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s): the audit log was tampered with.")
    click.echo("Audit log intact.")


@hrbpo_cli.command("backup")
@click.argument("folder", type=click.Path(file_okay=False))
def backup(folder):
    """Write a consistent snapshot of every tenant, the uploaded files and a
    manifest into FOLDER (new or empty). Keys are not included."""
    try:
        found = backups.backup(folder)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc))
    rows = sum(t["rows"] for t in found["tenants"])
    click.echo(f"Backed up {len(found['tenants'])} tenants ({rows} rows) and {len(found['files'])} files to {folder}.")


@hrbpo_cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def restore(folder):
    """Restore a backup into an empty database and upload folder, then verify
    the audit chains. Refuses (changing nothing) anything else."""
    try:
        found = backups.restore(folder)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Restored {len(found['tenants'])} tenants from {folder}; audit log intact.")


@hrbpo_cli.command("plugins")
def list_plugins():
    """Installed plugins: name, version, state, hooks, error."""
    registry = plugins()
    for name, plugin in sorted(registry.loaded.items()):
        version = plugin.meta.version if plugin.meta else "?"
        line = f"{name:<16} {version:<10} {plugin.state:<8}"
        line += f" hooks: {', '.join(registry.hook_names(name))}" if plugin.state == "loaded" else f" error: {plugin.error}"
        click.echo(line)


@hrbpo_cli.command("new-plugin")
@click.argument("name")
@click.option("--path", "target", type=click.Path(file_okay=False), help="Folder to write (default ./hrbpo-NAME)")
def new_plugin(name, target):
    """Write a new module NAME: an installable package with a tenant-scoped
    model, its migration, API, portal page, permission and tests."""



    target = Path(target or f"hrbpo-{name}")
    core_head = ScriptDirectory.from_config(migrate.alembic_config()).get_revision("core@head").revision
    try:
        written = scaffold(name, target, core_head, installed=set(plugins().loaded))
    except ScaffoldError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Wrote {len(written)} files to {target}. Next:")
    click.echo(f"  pip install -e {target}")
    click.echo("  flask --app wsgi hrbpo db upgrade")
    click.echo(f"  flask --app wsgi hrbpo enable-module <tenant-slug> {name}")
    click.echo(f"  python -m pytest {target / 'tests'}")


@hrbpo_cli.command("rotate-keys")
def rotate_keys():
    """Re-encrypt every encrypted value with the newest key (first in HRBPO_ENCRYPTION_KEYS)."""
    count = rotate_all()
    click.echo(f"Re-encrypted {count} values.")


@hrbpo_cli.group("jobs")
def jobs_cli():
    """Background and periodic work."""


@jobs_cli.command("run")
@click.option("--task", "only", help="Run only this task (e.g. compliance.deadlines)")
def jobs_run(only):
    """Run the modules' periodic tasks (reminders, escalations, purges) now, for
    every tenant with the module on. The worker runs them daily by itself."""
    names = {*periodic_tasks(), purge.NAME}
    if only and only not in names:
        raise click.ClickException(f"No periodic task {only!r}; there are: {', '.join(sorted(names))}.")
    if only != purge.NAME:
        for line in run_periodic(only):
            click.echo(line)
    if only in (None, purge.NAME):
        click.echo(purge.purge())


@hrbpo_cli.command("worker")
@click.option("--threads", default=4, show_default=True, help="Tasks run at once")
def worker(threads):
    """Run the worker: delivers mail, runs jobs (imports, exports) and the
    periodic tasks on their schedule. Run at least one beside the web app."""
    worker_process.run(threads)


@hrbpo_cli.command("demo")
def demo():
    """Load a demo BPO: three tenants, people, logins, modules switched on differently."""
    for line in load_demo():
        click.echo(line)
