"""The staff's report page: a period picker, the table per category, a small
server-rendered SVG bar chart of cases opened (the table is its text
fallback) and the CSV download of the same rows."""
from datetime import date

from flask import g, render_template, request
from marshmallow import ValidationError

from hrbpo.plugin_api import flatten_errors
from hrbpo.plugins.servicedesk import cases, report
from hrbpo.plugins.servicedesk.schemas import ReportQuerySchema
from hrbpo.plugins.servicedesk.views import bp

BAR, GAP, WIDTH = 22, 8, 300


def chart(rows: list[dict]) -> dict:
    """Bar geometry for the opened cases per category, scaled to the largest."""
    top = max([r["opened"] for r in rows] + [1])
    bars = [{"label": r["category"], "value": r["opened"], "y": i * (BAR + GAP),
             "width": round(WIDTH * r["opened"] / top)} for i, r in enumerate(rows)]
    return {"bars": bars, "bar": BAR, "width": WIDTH, "height": max(len(bars) * (BAR + GAP), BAR)}


def _period() -> tuple[dict, dict]:
    today = date.today()
    asked = {"from": request.args.get("from") or today.replace(day=1).isoformat(),
             "to": request.args.get("to") or today.isoformat(), "format": request.args.get("format", "json")}
    try:
        return ReportQuerySchema().load(asked), asked
    except ValidationError as exc:
        return {}, {**asked, "errors": flatten_errors(exc.messages)}


@bp.get("/report")
def report_page():
    cases.require_staff(g.access)
    query, asked = _period()
    errors = asked.pop("errors", {})
    result = report.report(query["from_"], query["to"]) if query else None
    if result and query["format"] == "csv":
        return report.csv_response(result)
    return render_template("servicedesk/report.html", result=result, asked=asked, errors=errors,
                           chart=chart(result["categories"]) if result else None), 422 if errors else 200
