"""What `db upgrade` builds is what the models declare, for core and every
installed module: a model change without its migration fails here."""
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hrbpo.core.db import db


def test_migrated_database_matches_the_models(app):
    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert differences == []


def test_a_model_change_without_migration_shows(app):
    import sqlalchemy as sa

    table = db.metadata.tables["employees"]
    index = sa.Index("ix_employees_unmigrated", table.c.tenant_id, table.c.phone)
    try:
        with db.engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
    finally:
        table.indexes.discard(index)
    assert [d[0] for d in differences] == ["add_index"]
