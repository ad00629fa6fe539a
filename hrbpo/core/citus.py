"""Citus (distributed PostgreSQL): what changes when HRBPO_DATABASE_URL points
at a Citus coordinator (docs/citus.md). On plain PostgreSQL and SQLite
nothing here does anything.

`distribute()` runs after every `db upgrade` (migrate.py), from the metadata,
so a plugin's tables are covered without a line of Citus code by their author:

- a tenant table (tenant_id in its primary key, DESIGN decision 1) is
  distributed by tenant_id, every one co-located with the others, so a
  tenant's rows and the foreign keys between them live on one node;
- every other table (tenants, users, modules, and the rows whose tenant_id
  may be NULL: API tokens, audit) becomes a reference table, copied to every
  node, so any shard can join it.
"""
import sqlalchemy as sa

# A session setting of the app's connections (db.py): SET LOCAL values (the
# tenant the RLS policies read) then reach the workers a transaction uses.
PROPAGATE = "SET citus.propagate_set_commands = 'local'; SET citus.all_modifications_commutative = on"
INSTALLED = "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')"


def installed(connection) -> bool:
    """Whether the database is a Citus coordinator (the extension is in it)."""
    return connection.dialect.name == "postgresql" and connection.execute(sa.text(INSTALLED)).scalar()


def is_tenant_table(table: sa.Table) -> bool:
    return "tenant_id" in table.primary_key.columns


def sequential_ddl(connection):
    """DDL that spans shards (here and in rls.apply) in one transaction must
    run over one connection per node, or Citus refuses the next command."""
    connection.execute(sa.text("SET LOCAL citus.multi_shard_modify_mode = 'sequential'"))


def distribute(connection, metadata):
    """Distribute or replicate every table of `metadata` not yet so (idempotent)."""
    if not installed(connection):
        return
    sequential_ddl(connection)
    done = dict(connection.execute(sa.text(
        "SELECT logicalrelid::regclass::text, partmethod FROM pg_dist_partition")).all())
    anchor = next((name for name, method in sorted(done.items()) if method == "h"), None)
    tables = [t for t in metadata.sorted_tables if t.name not in done]
    if not tables:
        return
    for table in tables:
        if not is_tenant_table(table):
            _refuse_reference_to_tenant_table(table)
    # Citus refuses a foreign key from a table it does not manage yet to one
    # it distributed: take the keys off, distribute, put them back (checked again).
    keys = _drop_foreign_keys(connection, [t.name for t in tables])
    for table in tables:
        if is_tenant_table(table):
            connection.execute(sa.text("SELECT create_distributed_table(:t, 'tenant_id', colocate_with => :c)"),
                               {"t": table.name, "c": anchor or "default"})
            anchor = anchor or table.name
        else:
            connection.execute(sa.text("SELECT create_reference_table(:t)"), {"t": table.name})
    for table, name, definition in keys:
        connection.execute(sa.text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))


def _drop_foreign_keys(connection, tables: list[str]) -> list[tuple]:
    """Drop every foreign key from or to `tables`; return (table, name, definition) to re-add."""
    keys = connection.execute(sa.text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND (conrelid::regclass::text = ANY(:t) OR confrelid::regclass::text = ANY(:t)) "
        "ORDER BY 1, 2"), {"t": tables}).all()
    for table, name, _ in keys:
        connection.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    return keys


def _refuse_reference_to_tenant_table(table: sa.Table):
    """A reference table (copied everywhere) cannot point into one shard: say
    which table needs tenant_id in its primary key, instead of Citus's error."""
    for fk in table.foreign_key_constraints:
        if is_tenant_table(fk.referred_table):
            raise SystemExit(f"hrbpo: table {table.name} refers to the tenant table {fk.referred_table.name} but has "
                             "no tenant_id in its primary key: Citus cannot distribute it (see docs/citus.md).")
