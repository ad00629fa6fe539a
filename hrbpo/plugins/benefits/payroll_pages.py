"""The payroll page (HR admin): the pay schedule and deduction codes, and the
deduction feed for a chosen pay date with its CSV download (as the API)."""
from datetime import date, timedelta

import sqlalchemy as sa
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from hrbpo.plugin_api import DomainError, Invalid, db, flatten_errors
from hrbpo.plugins.benefits import deductions, services
from hrbpo.plugins.benefits.models import Plan
from hrbpo.plugins.benefits.money import PAY_PERIODS
from hrbpo.plugins.benefits.schemas import PayrollSettingsSchema
from hrbpo.plugins.benefits.views import bp, require_manager

SHOWN_PAY_DATES = 6  # either side of today in the pay date picker


@bp.route("/payroll", methods=["GET", "POST"])
def payroll():
    require_manager()
    errors, status = {}, 200
    if request.method == "POST":
        errors = _save(request.form)
        if not errors:
            flash(_("Payroll settings saved."), "success")
            return redirect(url_for("benefits_pages.payroll"), 303)
        status = 422
    chosen = deductions.payroll_settings()
    pay_dates, feed, problem = _pay_dates(), None, None
    wanted = request.args.get("pay_date") or (str(_nearest(pay_dates)) if pay_dates else None)
    if wanted:
        try:
            feed = deductions.feed(_date(wanted))
        except DomainError as exc:
            problem = " ".join((exc.errors or {}).get("pay_date", [exc.detail]))
    plans = db.session.scalars(sa.select(Plan).where(Plan.archived_at.is_(None)).order_by(Plan.name)).all()
    shown = _typed(request.form) if errors else {**chosen, "first_pay_date": chosen["first_pay_date"] or ""}
    return render_template("benefits/payroll.html", settings=shown, errors=errors,
                           frequencies=PAY_PERIODS, plans=plans, pay_dates=pay_dates, wanted=wanted, feed=feed,
                           problem=problem), status


@bp.route("/payroll/deductions.csv")
def payroll_csv():
    require_manager()
    pay_date = _date(request.args.get("pay_date", ""))
    try:
        feed = deductions.feed(pay_date)
    except DomainError:
        return redirect(url_for("benefits_pages.payroll", pay_date=request.args.get("pay_date")), 303)
    response = make_response(deductions.feed_csv(feed))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="deductions-{pay_date.isoformat()}.csv"'
    return response


def _typed(form) -> dict:
    """The form as the settings' shape, so what was typed is shown again on an error."""
    return {"pay_frequency": form.get("pay_frequency", ""), "first_pay_date": form.get("first_pay_date", ""),
            "deduction_codes": {key.removeprefix("code-"): value.strip() for key, value in form.items()
                                if key.startswith("code-") and value.strip()}}


def _save(form) -> dict:
    """Errors by field name, or {} once saved and committed."""
    body = {**_typed(form), "first_pay_date": form.get("first_pay_date") or None}
    try:
        deductions.update_payroll_settings(PayrollSettingsSchema().load(body))
    except ValidationError as exc:
        return flatten_errors(exc.messages)
    except DomainError as exc:
        db.session.rollback()
        return exc.errors or {"deduction_codes": [str(exc)]}
    db.session.commit()
    return {}


def _date(text: str):
    """A date from the query, or the answer's 422 for a date that is not one."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid({"pay_date": [_("Choose a pay date.")]}) from None


def _pay_dates() -> list:
    try:
        schedule = deductions.schedule()
    except DomainError:
        return []
    today = services.tenant_today()
    around = list(schedule.pay_dates(today - timedelta(days=400), today + timedelta(days=400)))
    nearest = _nearest(around, today)
    at = around.index(nearest) if nearest else 0
    return around[max(0, at - SHOWN_PAY_DATES):at + SHOWN_PAY_DATES + 1]


def _nearest(pay_dates, today=None):
    """The first pay date on or after today (the next payroll run), else the last one."""
    today = today or services.tenant_today()
    return next((d for d in pay_dates if d >= today), pay_dates[-1] if pay_dates else None)
