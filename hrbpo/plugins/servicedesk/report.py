"""The report per category over the cases opened in a period (tenant-local
dates, inclusive): opened, resolved, median first response in business hours,
SLA attainment and satisfaction; JSON numbers rounded half up."""
import csv
import io
import statistics
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import make_response

from hrbpo.plugin_api import csv_cell, current_tenant, db, utcnow
from hrbpo.plugins.servicedesk import calendars, levels, sla
from hrbpo.plugins.servicedesk.models import Case, Category

COLUMNS = ("category_id", "category", "opened", "resolved", "median_first_response_hours", "sla_attainment_pct",
           "csat_average", "csat_responses")


def report(start, end) -> dict:
    zone = ZoneInfo(current_tenant().timezone or "UTC")
    since = datetime.combine(start, time(), zone)
    until = datetime.combine(end + timedelta(days=1), time(), zone)
    cases = db.session.scalars(sa.select(Case).where(Case.opened_at >= since, Case.opened_at < until)).all()
    categories = db.session.scalars(sa.select(Category).order_by(Category.name_key)).all()
    calendar, now = calendars.current(), utcnow()
    rows = [_row(c.id, c.name, [case for case in cases if case.category_id == c.id], calendar, now)
            for c in categories]
    return {"from": start, "to": end, "categories": [r for r in rows if r["opened"] or _active(r, categories)],
            "total": _row(None, None, cases, calendar, now)}


def _active(row, categories) -> bool:
    return any(c.id == row["category_id"] and c.active for c in categories)


def _row(category_id, name, cases, calendar, now) -> dict:
    responses = [sla.elapsed(calendar, c.opened_at, c.first_responded_at).total_seconds() / 3600
                 for c in cases if c.first_responded_at is not None]
    met = [c for c in cases if not any(levels.breaches(c, now))]
    ratings = [c.satisfaction_rating for c in cases if c.satisfaction_rating is not None]
    return {"category_id": category_id, "category": name, "opened": len(cases),
            "resolved": sum(c.status in ("resolved", "closed") for c in cases),
            "median_first_response_hours": _round(statistics.median(responses), "0.01") if responses else None,
            "sla_attainment_pct": _round(100 * len(met) / len(cases), "0.1") if cases else None,
            "csat_average": _round(sum(ratings) / len(ratings), "0.01") if ratings else None,
            "csat_responses": len(ratings)}


def _round(value: float, step: str) -> float:
    return float(Decimal(repr(value)).quantize(Decimal(step), rounding=ROUND_HALF_UP))


def as_csv(result: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in [*result["categories"], result["total"]]:
        writer.writerow([csv_cell(row[k]) for k in COLUMNS])
    return out.getvalue()


def csv_response(result: dict):
    """The rows as a text/csv download (the API's `format=csv` and the report page's link)."""
    response = make_response(as_csv(result))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = 'attachment; filename="servicedesk-report.csv"'
    return response
