"""Fast deterministic seeding with COPY, as the owner (the superuser, whom
PostgreSQL exempts from RLS). The app itself never writes this way."""
import hashlib
import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bench import data
from bench.database import owner_connection
from hrbpo.core.people.names import name_key

TOKEN_PREFIX = "hrbpo_"  # hrbpo.core.auth.services.TOKEN_PREFIX
EMPLOYEE_COLUMNS = ("tenant_id", "id", "first_name", "last_name", "name_key", "email", "hire_date", "employment_type",
                    "hours_per_week", "department", "job_title", "status", "created_at")


@dataclass
class SeededTenant:
    slug: str
    id: object
    employees: int
    token: str = ""  # an HR admin's bearer token, for tenants under load


class Seeder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.ids = data.Ids(self.rng)
        self.tenants: dict[str, SeededTenant] = {}

    def tenant(self, conn, slug: str, employees: int) -> SeededTenant:
        tenant = SeededTenant(slug, self.ids(), employees)
        conn.execute(
            "INSERT INTO tenants (id, slug, name, timezone, locale, currency, settings, created_at)"
            " VALUES (%s, %s, %s, 'UTC', 'en', 'USD', '{}', %s)",
            (tenant.id, slug, slug.replace("-", " ").title(), data.BASE_TIME))
        self.employees(conn, tenant.id, slug, employees)
        self.tenants[slug] = tenant
        return tenant

    def employees(self, conn, tenant_id, slug: str, n: int):
        if not n:
            return
        with conn.cursor().copy(f"COPY employees ({', '.join(EMPLOYEE_COLUMNS)}) FROM STDIN") as copy:
            for person in data.people(self.rng, n, f"{slug}.example"):
                copy.write_row((tenant_id, self.ids(), person["first_name"], person["last_name"],
                                name_key(person["first_name"], person["last_name"]), person["email"],
                                person["hire_date"], "full_time", 40, person["department"], person["job_title"],
                                "active", data.BASE_TIME))

    def grow(self, total_tenants: int, per_tenant: int):
        """Add filler tenants until there are `total_tenants`."""
        with owner_connection() as conn:
            for i in range(len(self.tenants), total_tenants):
                self.tenant(conn, f"filler-{i:05d}", per_tenant)

    def hr_token(self, tenant: SeededTenant) -> str:
        """An HR admin login for `tenant` and a bearer token, written the way
        hrbpo.core.auth.services stores them (SHA-256 of the token)."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        user_id = self.ids()
        with owner_connection() as conn:
            conn.execute(
                "INSERT INTO users (id, email, is_operator, active, session_version, totp_enabled, backup_codes,"
                " created_at) VALUES (%s, %s, false, true, 1, false, '[]', %s)",
                (user_id, f"hr@{tenant.slug}.example", data.BASE_TIME))
            conn.execute(
                "INSERT INTO memberships (tenant_id, id, user_id, role, created_at) VALUES (%s, %s, %s, 'hr_admin', %s)",
                (tenant.id, self.ids(), user_id, data.BASE_TIME))
            conn.execute(
                "INSERT INTO api_tokens (id, user_id, tenant_id, token_hash, expires_at, created_at)"
                " VALUES (%s, %s, %s, %s, now() + %s, now())",
                (self.ids(), user_id, tenant.id, hashlib.sha256(raw.encode()).hexdigest(), timedelta(days=1)))
        tenant.token = raw
        return raw
