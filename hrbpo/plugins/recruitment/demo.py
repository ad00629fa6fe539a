"""Demo hiring data for `flask hrbpo demo`."""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from hrbpo.plugin_api import Membership, db, utcnow
from hrbpo.plugins.recruitment import interviews, services

JOBS = [
    ("Customer Support Specialist", "Support", "Remote", "full_time", ("45000", "55000")),
    ("Payroll Analyst", "Finance", "Head office", "full_time", ("60000", "72000")),
    ("Warehouse Associate (seasonal)", "Operations", "Distribution centre", "temporary", None),
]
PEOPLE = [("Amara", "Osei"), ("Ben", "Lund"), ("Chloe", "Martin"), ("Dev", "Kapoor"), ("Elif", "Yilmaz"),
          ("Felix", "Wagner"), ("Gita", "Rao"), ("Hassan", "Ali"), ("Ines", "Costa"), ("Jonas", "Berg")]


def load(tenant):
    services.seed_defaults()
    pipeline = services.stages()
    interviewer = db.session.scalars(sa.select(Membership.user_id).where(Membership.role == "hr_admin")).first()
    for index, (title, department, location, kind, salary) in enumerate(JOBS):
        job = services.create_job({
            "title": title, "department": department, "location": location, "employment_type": kind,
            "description": f"{tenant.name} is hiring a {title}. Join a friendly team in {department}.",
            "salary_min": Decimal(salary[0]) if salary else None, "salary_max": Decimal(salary[1]) if salary else None,
        })
        if index < 2:
            services.change_status(job, "publish")
        for n, (first, last) in enumerate(PEOPLE[index * 3:index * 3 + 4]):
            application = services.apply(job, {"first_name": first, "last_name": last,
                                               "email": f"{first.lower()}.{last.lower()}@candidates.test"},
                                         True, source=("careers", "referral", "agency", "manual")[n % 4])
            for stage in pipeline[1:1 + n]:
                if not stage.is_final:
                    services.move(application, stage, "Demo progress")
            if n == 2 and interviewer:
                interviews.schedule_interview(application, {"scheduled_at": utcnow() + timedelta(days=2),
                                                          "interviewer_ids": [interviewer]})
