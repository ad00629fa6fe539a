"""Demo data: a BPO with three client tenants that switched modules on differently."""
import random
from datetime import date, timedelta

import sqlalchemy as sa

from hrbpo.core import tenancy
from hrbpo.core.auth.models import User
from hrbpo.core.auth.services import create_operator
from hrbpo.core.db import db
from hrbpo.core.people.services import add_user, create_employee
from hrbpo.core.plugins.manager import emit, plugins
from hrbpo.core.tenants.models import Tenant
from hrbpo.core.tenants.services import create_tenant

OPERATOR = ("operator@demo.hrbpo.test", "demo-operator-1")
PASSWORD = "demo-password-1"
TENANTS = [
    ("northwind-demo", "Northwind Traders", "America/New_York", "en", "USD", ("recruitment", "benefits", "compliance")),
    ("fjord-demo", "Fjord Maritime AS", "Europe/Oslo", "nb", "NOK", ("compliance",)),
    ("indus-demo", "Indus Textiles", "Asia/Karachi", "ur", "PKR", ("recruitment", "compliance")),
]
# Each client's sites: demo people are spread over them (filters, checklists by location).
LOCATIONS = {"northwind-demo": ["New York", "Boston", "Remote"], "fjord-demo": ["Oslo", "Bergen", "Stavanger"],
             "indus-demo": ["Karachi", "Lahore", "Faisalabad"]}
FIRST = ["Aisha", "Bjørn", "Carlos", "Deepa", "Emeka", "Fatima", "Grace", "Hiro", "Ingrid", "Jamal", "Kavya",
         "Liam", "Mei", "Noor", "Olu", "Priya", "Quinn", "Rahul", "Sofia", "Tariq"]
LAST = ["Ahmed", "Berg", "Chen", "Das", "Eze", "Fischer", "Garcia", "Haugen", "Iqbal", "Jensen", "Khan", "Larsen",
        "Mehta", "Nguyen", "Okafor", "Patel", "Qureshi", "Rossi", "Singh", "Tanaka"]


def load():
    """Create the demo (idempotent: existing demo tenants are left alone)."""
    rng = random.Random(42)
    if db.session.scalars(sa.select(User).where(User.email == OPERATOR[0])).first() is None:
        create_operator(*OPERATOR)
    yield f"operator: {OPERATOR[0]} / {OPERATOR[1]}"
    installed = set(plugins().modules)
    for slug, name, tz, locale, currency, modules in TENANTS:
        if db.session.scalars(sa.select(Tenant).where(Tenant.slug == slug)).first() is not None:
            yield f"{slug}: exists, left alone"
            continue
        tenant = create_tenant(slug, name, tz, locale, currency, [m for m in modules if m in installed])
        with tenancy.tenant_context(tenant):
            admin = create_employee(_person(rng, 0, slug, "hr"), fire=False)
            add_user(f"hr@{slug}.test", "hr_admin", PASSWORD, admin.id)
            staff = [create_employee(_person(rng, i, slug), fire=False) for i in range(1, 25)]
            add_user(f"employee@{slug}.test", "employee", PASSWORD, staff[0].id)
            emit(tenant, "demo_data")
            db.session.commit()
        yield f"{slug}: hr@{slug}.test / {PASSWORD} (HR admin), employee@{slug}.test / {PASSWORD} (employee)"


def _person(rng, i, slug, kind=None):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{kind}@{slug}.test" if kind else f"{first.lower()}.{last.lower()}.{i}@{slug}.test".replace("ø", "o")
    return {
        "first_name": first, "last_name": last, "email": email,
        "hire_date": date.today() - timedelta(days=rng.randint(30, 3000)),
        "date_of_birth": date(rng.randint(1965, 2002), rng.randint(1, 12), rng.randint(1, 28)),
        "national_id": f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
        "department": rng.choice(["Operations", "Sales", "Finance", "People", "Engineering"]),
        "location": rng.choice(LOCATIONS[slug]),
        "job_title": rng.choice(["Associate", "Analyst", "Manager", "Specialist"]),
    }
