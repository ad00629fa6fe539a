"""Deterministic data: the same seed gives the same tenants, people and CSV."""
import csv
import io
import random
import uuid
from datetime import date, datetime, timedelta, timezone

FIRST = ("Aarav Aisha Amelia Anders Ayesha Bilal Chen Diego Elif Emma Farah Fatima Hana Ingrid Isabel Jonas Kavya "
         "Leila Liam Lucas Maja Mateo Mei Nadia Noah Nora Olivia Omar Priya Rahul Ravi Sara Sofia Tariq Yusuf Zara").split()
LAST = ("Ahmed Andersen Berg Costa Dahl Das Eriksen Garcia Gupta Haugen Hussain Iyer Johansen Khan Kumar Larsen "
        "Lopez Malik Moreno Nguyen Nilsen Olsen Patel Qureshi Rao Reddy Rossi Santos Shah Singh Solberg Tanaka "
        "Usman Varga Wang Yilmaz").split()
DEPARTMENTS = ("Finance", "Operations", "Sales", "Support", "Engineering", "People")
BASE_TIME = datetime(2024, 1, 1, tzinfo=timezone.utc)
COLUMNS = ("first_name", "last_name", "email", "hire_date", "department", "job_title")


def uuid7(rng: random.Random, ms: int) -> uuid.UUID:
    """A UUIDv7 (time-ordered, like the app's ids) from a seeded generator."""
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rng.getrandbits(12) << 64 | 0b10 << 62 | rng.getrandbits(62)
    return uuid.UUID(int=value)


class Ids:
    """Time-ordered ids, one millisecond apart, from a fixed start."""

    def __init__(self, rng):
        self.rng, self.ms = rng, int(BASE_TIME.timestamp() * 1000)

    def __call__(self) -> uuid.UUID:
        self.ms += 1
        return uuid7(self.rng, self.ms)


def people(rng: random.Random, n: int, domain: str):
    """n employees as dicts of the CSV columns, emails unique in the domain."""
    start = date(2010, 1, 1)
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        yield {
            "first_name": first, "last_name": last, "email": f"{first.lower()}.{last.lower()}.{i}@{domain}",
            "hire_date": (start + timedelta(days=rng.randrange(5000))).isoformat(),
            "department": rng.choice(DEPARTMENTS), "job_title": "Associate",
        }


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
