"""`flask hrbpo recruitment …`"""
import click
import sqlalchemy as sa

from hrbpo.plugin_api import db, tenancy


@click.group("recruitment")
def recruitment_cli():
    """Recruitment module commands."""


@recruitment_cli.command("purge")
@click.option("--tenant", "slug", help="Only this tenant (default: every tenant with recruitment on)")
def purge(slug):
    """Anonymise candidates past the tenant's retention period who were not hired."""
    from hrbpo.plugin_api import Tenant
    from hrbpo.plugin_api import enabled_modules
    from hrbpo.plugins.recruitment import privacy, services

    query = sa.select(Tenant).order_by(Tenant.slug)
    if slug:
        query = query.where(Tenant.slug == slug)
    tenants = db.session.scalars(query).all()
    if slug and not tenants:
        raise click.ClickException(f"No tenant {slug!r}.")
    for tenant in tenants:
        if services.MODULE not in enabled_modules(tenant):
            continue
        with tenancy.tenant_context(tenant):
            count = privacy.purge()
            db.session.commit()
        click.echo(f"{tenant.slug}: {count} candidate(s) anonymised")
