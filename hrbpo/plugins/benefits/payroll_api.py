"""/api/v1/tenants/<slug>/benefits/payroll-settings and /exports/deductions:
the pay schedule and the deduction feed payroll imports (integrations.md)."""
from flask import make_response

from hrbpo.plugin_api import db, requires
from hrbpo.plugins.benefits import deductions
from hrbpo.plugins.benefits.api import MANAGE, blp
from hrbpo.plugins.benefits.schemas import DeductionFeedSchema, DeductionQuerySchema, PayrollSettingsSchema


@blp.route("/payroll-settings", methods=["GET"])
@requires(MANAGE)
@blp.response(200, PayrollSettingsSchema)
def get_payroll_settings():
    """The pay schedule (default monthly) and the plans' deduction codes."""
    return deductions.payroll_settings()


@blp.route("/payroll-settings", methods=["PUT"])
@requires(MANAGE)
@blp.arguments(PayrollSettingsSchema)
@blp.response(200, PayrollSettingsSchema)
def put_payroll_settings(data):
    """Replace the pay schedule and deduction codes (every plan id must be this client's, else 422)."""
    result = deductions.update_payroll_settings(data)
    db.session.commit()
    return result


@blp.route("/exports/deductions", methods=["GET"])
@requires(MANAGE)
@blp.arguments(DeductionQuerySchema, location="query")
@blp.response(200, DeductionFeedSchema)
def deduction_feed(query):
    """Deductions per paycheck for one pay date of the schedule (422 under `errors.pay_date` for any other
    date), each flagged new, changed, unchanged or stopped against the previous pay date. `format=csv` answers
    the items as text/csv instead: the same columns, a header row first, amounts as plain decimals."""
    result = deductions.feed(query["pay_date"])
    if query["format"] == "json":
        return result
    response = make_response(deductions.feed_csv(result))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="deductions-{query["pay_date"].isoformat()}.csv"'
    return response
