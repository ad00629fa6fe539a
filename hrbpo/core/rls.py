"""PostgreSQL row-level security for every tenant table (DESIGN decision 2b),
and the roles that decide who may cross tenants (docs/security.md, "Roles").

Applied after every `db upgrade` (and by `restore`), from the metadata, so no
table with a `tenant_id` (a plugin's included) can be forgotten. The policies
read the transaction-local settings that db.py sets; with no tenant set they
match nothing (NULLIF turns '' into NULL), never everything.

- Every role sees only the tenant set in `hrbpo.tenant_id`.
- `hrbpo.all_tenants = '1'` widens that only for the owner (the migration
  role) and the operator role (HRBPO_OPERATOR_DATABASE_URL's, if another):
  the operator connection, db.operator_engine().
  The app role may set it, and it then reads nothing more, except the identity
  tables a sign-in needs before a tenant is known (tenancy.identity_lookup()).
- The app role never deletes a tenant (that would cascade into the audit log),
  and never rewrites audit history: no privilege, and a trigger on top.
"""
import sqlalchemy as sa

from hrbpo.core import citus

POLICY = "hrbpo_tenant_isolation"
OPERATOR_POLICY = "hrbpo_operator_all_tenants"
IDENTITY_POLICY = "hrbpo_identity_lookup"
# Each setting sits in a scalar subquery so PostgreSQL reads it once per
# statement (an InitPlan) rather than twice per row: a count over a
# 100,000-employee tenant ran 3.4× faster in the benchmarks (docs/benchmarks.md).
PREDICATE = "(tenant_id = (SELECT NULLIF(current_setting('hrbpo.tenant_id', true), '')::uuid))"
ALL_TENANTS = "(SELECT current_setting('hrbpo.all_tenants', true) = '1')"
# Citus pushes a policy down to the shards only when it is a plain predicate
# (no subquery); the planner then also prunes to the tenant's shard with it.
CITUS_PREDICATE = "(tenant_id = NULLIF(current_setting('hrbpo.tenant_id', true), '')::uuid)"
CITUS_ALL_TENANTS = "(current_setting('hrbpo.all_tenants', true) = '1')"
# Looked up before any tenant is known (bearer tokens); guarded in the ORM.
# Which tenants an operator group covers is the BPO's own data, read at the
# start of every scoped operator's request (hrbpo.core.operators.scope).
EXEMPT = {"api_tokens", "operator_group_tenants"}
# Read across tenants by a sign-in (who belongs where, with which modules), never written so.
IDENTITY = {"memberships", "tenant_modules"}
# What the app role may do instead of SELECT, INSERT, UPDATE, DELETE: history
# is only appended to, a chain's head only moves forward, tenants stay.
PRIVILEGES = {"audit_events": "SELECT, INSERT", "audit_heads": "SELECT, INSERT, UPDATE",
              "tenants": "SELECT, INSERT, UPDATE"}

# Only roles with the owner's privileges (the owner, a superuser) may change
# audit rows: the owner could drop the trigger anyway; nobody else can.
_GUARD = """
CREATE OR REPLACE FUNCTION hrbpo_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  -- audit_heads, or one of its Citus shards (audit_heads_102013). Nested: plpgsql's AND does not short-circuit.
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME ~ '^audit_heads(_[0-9]+)?$' THEN
    IF NEW.count > OLD.count AND NEW.tenant_id IS NOT DISTINCT FROM OLD.tenant_id THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'hrbpo: % on % is not allowed: the audit log is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$
"""
GUARDED = {"audit_events": "UPDATE OR DELETE", "audit_heads": "UPDATE OR DELETE"}


def tenant_tables(metadata) -> list[str]:
    return sorted(t.name for t in metadata.sorted_tables if "tenant_id" in t.c and t.name not in EXEMPT)


def roles(config) -> dict:
    """apply()'s roles from the settings: the app's, and the operator
    connection's when it logs in as a role of its own (not the owner)."""
    url = config.get("HRBPO_OPERATOR_DATABASE_URL")
    operator = sa.engine.make_url(url).username if url else None
    return {"app_role": config.get("HRBPO_APP_ROLE"), "operator_role": operator}


def apply(connection, metadata, app_role: str | None = None, operator_role: str | None = None):
    """Run as the owner: `all_tenants` widens its own role, and `operator_role`'s."""
    owner = connection.execute(sa.text("SELECT current_user")).scalar()
    operator_role = operator_role if operator_role not in (None, owner, app_role) else None
    quote = connection.dialect.identifier_preparer.quote
    operators = "CURRENT_USER" + (f", {quote(operator_role)}" if operator_role else "")
    predicate, all_tenants = PREDICATE, ALL_TENANTS
    if citus.installed(connection):
        predicate, all_tenants = CITUS_PREDICATE, CITUS_ALL_TENANTS
        citus.sequential_ddl(connection)
        # The audit guard reads only the catalog, so it is safe on every shard.
        connection.execute(sa.text("SET LOCAL citus.enable_unsafe_triggers = on"))
    for table in tenant_tables(metadata):
        connection.execute(sa.text(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY'))
        connection.execute(sa.text(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY'))
        for name in (POLICY, OPERATOR_POLICY, IDENTITY_POLICY):
            connection.execute(sa.text(f'DROP POLICY IF EXISTS {name} ON "{table}"'))
        connection.execute(sa.text(f'CREATE POLICY {POLICY} ON "{table}" USING {predicate} WITH CHECK {predicate}'))
        connection.execute(sa.text(
            f'CREATE POLICY {OPERATOR_POLICY} ON "{table}" TO {operators} USING ({all_tenants}) WITH CHECK ({all_tenants})'))
        if table in IDENTITY:
            connection.execute(sa.text(f'CREATE POLICY {IDENTITY_POLICY} ON "{table}" FOR SELECT USING ({all_tenants})'))
    connection.execute(sa.text(_GUARD))
    for table, events in GUARDED.items():
        if table in metadata.tables:
            connection.execute(sa.text(f'DROP TRIGGER IF EXISTS hrbpo_audit_guard ON "{table}"'))
            connection.execute(sa.text(f'CREATE TRIGGER hrbpo_audit_guard BEFORE {events} ON "{table}" '
                                       "FOR EACH ROW EXECUTE FUNCTION hrbpo_audit_guard()"))
    for role in (app_role, operator_role):
        if role:
            grant(connection, metadata, role)


def grant(connection, metadata, role: str):
    """Let the app role use the tables without owning them (so RLS binds it)."""
    quoted = connection.dialect.identifier_preparer.quote(role)
    connection.execute(sa.text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
    for table in metadata.sorted_tables:
        privileges = PRIVILEGES.get(table.name, "SELECT, INSERT, UPDATE, DELETE")
        connection.execute(sa.text(f'REVOKE ALL ON "{table.name}" FROM {quoted}'))
        connection.execute(sa.text(f'GRANT {privileges} ON "{table.name}" TO {quoted}'))
    connection.execute(sa.text(f"GRANT SELECT ON alembic_version TO {quoted}"))


def role_is_safe(connection) -> dict:
    """Facts about the connected role that decide whether RLS binds it."""
    row = connection.execute(sa.text(
        "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )).one()
    owned = connection.execute(sa.text(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
    )).scalar()
    return {"role": row.rolname, "superuser": row.rolsuper, "bypassrls": row.rolbypassrls, "owns_tables": owned}
