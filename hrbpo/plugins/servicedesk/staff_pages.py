"""Staff pages for how the desk works: the business calendar and the
categories with their targets. Forms post to the same services and schemas as
the API; a refused form comes back with its values and errors beside fields."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from hrbpo.plugin_api import DomainError, db, flatten_errors
from hrbpo.plugins.servicedesk import calendars, cases, categories, forms
from hrbpo.plugins.servicedesk.business_calendar import WEEKDAYS
from hrbpo.plugins.servicedesk.models import PRIORITIES
from hrbpo.plugins.servicedesk.schemas import CategoryPatchSchema, CategorySchema
from hrbpo.plugins.servicedesk.views import bp


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    cases.require_staff(g.access)
    errors, typed = {}, forms.calendar_typed(calendars.current().to_json())
    if request.method == "POST":
        typed = request.form.to_dict()
        body, errors = forms.calendar_body(request.form)
        if not errors:
            try:
                calendars.replace(body)
                db.session.commit()
                flash(_("The calendar is saved."), "success")
                return redirect(url_for("servicedesk.calendar"), 303)
            except DomainError as exc:
                db.session.rollback()
                errors = forms.calendar_errors(exc.errors or {"hours_mon": [exc.detail]})
    year = calendars.current().to_json()
    return render_template("servicedesk/calendar.html", typed=typed, errors=errors, days=WEEKDAYS,
                           timezone=year["timezone"]), 422 if errors else 200


@bp.get("/categories")
def category_list():
    cases.require_staff(g.access)
    return render_template("servicedesk/categories.html",
                           categories=db.session.scalars(categories.category_query(True)).all())


@bp.route("/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/categories/<uuid:category_id>", methods=["GET", "POST"])
def category_edit(category_id):
    cases.require_staff(g.access)
    found = categories.get(category_id) if category_id else None
    errors, typed = {}, forms.category_typed(found) if found else {"active": True}
    if request.method == "POST":
        body = forms.category_body(request.form)
        typed = {**request.form.to_dict(), "active": body["active"]}
        try:
            if found:
                categories.update(found, CategoryPatchSchema(partial=True).load(body))
            else:
                categories.create(CategorySchema().load(body))
            db.session.commit()
            flash(_("The category is saved."), "success")
            return redirect(url_for("servicedesk.category_list"), 303)
        except ValidationError as exc:
            errors = forms.category_errors(flatten_errors(exc.messages))
        except DomainError as exc:
            db.session.rollback()
            errors = forms.category_errors(exc.errors or {"name": [exc.detail]})
    return render_template("servicedesk/category_edit.html", category=found, typed=typed, errors=errors,
                           priorities=PRIORITIES, targets=forms.TARGETS), 422 if errors else 200
