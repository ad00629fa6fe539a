"""Alembic environment: runs inside the Flask app (via `flask hrbpo db …`)."""
from alembic import context
from flask import current_app
from sqlalchemy import TypeDecorator, create_engine, pool

from hrbpo.core.db import db

config = context.config
branch = config.attributes.get("hrbpo_branch")


def owner_of(table) -> str:
    """Which branch a table belongs to: core, or the plugin whose models define it."""
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table:
            module = mapper.class_.__module__
            if module.startswith("hrbpo.core"):
                return "core"
            from hrbpo.core.plugins.manager import plugins

            for name in plugins().loaded:
                if module.startswith(plugins().package_of(name)):
                    return name
    return "core"


def include_object(obj, name, type_, reflected, compare_to):
    if branch is None or type_ != "table":
        return True
    return (not reflected and owner_of(obj) == branch) or (reflected and compare_to is not None and owner_of(compare_to) == branch)


def render_item(type_, obj, autogen_context):
    """Write our TypeDecorators as their plain SQL type: migrations must not
    import app code that may change later."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run():
    given = config.attributes.get("connection")
    if given is not None:  # a restore: the schema is made inside its own transaction
        migrate(given)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or current_app.config["HRBPO_MIGRATE_DATABASE_URL"],
                           poolclass=pool.NullPool)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch migrations copy tables; enforced foreign keys would cascade.
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        migrate(connection)
    engine.dispose()


def migrate(connection):
    context.configure(
        connection=connection,
        target_metadata=db.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
