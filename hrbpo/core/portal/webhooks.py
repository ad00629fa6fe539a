"""Portal pages for the tenant's webhooks (Settings → Webhooks): the
endpoints, adding and editing one, its delivery log, "send test event" and
"redeliver". Plain forms (CSRF-checked, no JavaScript needed) over the same
services as the API; a secret is shown once, on the page that made it."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hrbpo.core.api.base import paginate
from hrbpo.core.auth.permissions import requires
from hrbpo.core.db import db
from hrbpo.core.errors import DomainError, Invalid
from hrbpo.core.portal.forms import load, page_args
from hrbpo.core.portal.blueprint import bp
from hrbpo.core.webhooks import services
from hrbpo.core.webhooks.events import event_types
from hrbpo.core.webhooks.models import DELIVERY_STATUSES
from hrbpo.core.webhooks.schemas import WebhookSchema, WebhookUpdateSchema

MANAGE = "webhooks.manage"


def _posted(with_active=False) -> dict:
    values = {"url": request.form.get("url", "").strip(), "events": request.form.getlist("events"),
              "description": request.form.get("description", "").strip()}
    if with_active:
        values["active"] = "active" in request.form
    return values


def _list(values=None, errors=None, secret=None, status=200):
    endpoints = db.session.scalars(services.endpoints_query()).all()
    return render_template("portal/webhooks.html", endpoints=endpoints, types=_types(), secret=secret,
                           values=values or {"events": []}, errors=errors or {}), status


def _types():
    return sorted(event_types().values(), key=lambda t: t.type)


@bp.route("/settings/webhooks", methods=["GET", "POST"])
@requires(MANAGE)
def webhooks():
    if request.method == "GET":
        return _list()
    values = _posted()
    data, errors = load(WebhookSchema(), values)
    if errors:
        return _list(values, errors, status=422)
    try:
        endpoint = services.create_endpoint(data)
    except Invalid as exc:
        db.session.rollback()
        return _list(values, exc.errors, status=422)
    db.session.commit()
    # The secret is shown on this answer only: never stored in the session or shown again.
    return _list(secret=(endpoint, endpoint.secret), status=201)


def _detail(endpoint, values=None, errors=None, secret=None, status=200):
    status_filter = request.args.get("status", "")
    status_filter = status_filter if status_filter in DELIVERY_STATUSES else ""
    deliveries = paginate(services.deliveries_query(endpoint, status_filter or None), page_args())
    return render_template("portal/webhook.html", endpoint=endpoint, types=_types(), deliveries=deliveries,
                           values=values or {"url": endpoint.url, "events": endpoint.events,
                                             "description": endpoint.description, "active": endpoint.active},
                           errors=errors or {}, secret=secret, status_filter=status_filter,
                           statuses=DELIVERY_STATUSES), status


@bp.route("/settings/webhooks/<uuid:webhook_id>", methods=["GET", "POST"])
@requires(MANAGE)
def webhook(webhook_id):
    endpoint = services.get_endpoint(webhook_id)
    if request.method == "GET":
        return _detail(endpoint)
    values = _posted(with_active=True)
    data, errors = load(WebhookUpdateSchema(), values)
    if errors:
        return _detail(endpoint, values, errors, status=422)
    try:
        services.update_endpoint(endpoint, data)
    except Invalid as exc:
        db.session.rollback()
        return _detail(services.get_endpoint(webhook_id), values, exc.errors, status=422)
    db.session.commit()
    flash(_("Webhook saved."), "success")
    return redirect(url_for("portal.webhook", webhook_id=webhook_id), code=303)


@bp.post("/settings/webhooks/<uuid:webhook_id>/rotate-secret")
@requires(MANAGE)
def rotate_webhook_secret(webhook_id):
    endpoint = services.get_endpoint(webhook_id)
    secret = services.rotate_secret(endpoint)
    db.session.commit()
    return _detail(endpoint, secret=secret)


@bp.post("/settings/webhooks/<uuid:webhook_id>/test")
@requires(MANAGE)
def test_webhook(webhook_id):
    return _act(webhook_id, lambda endpoint: services.send_test(endpoint),
                _("A test event is on its way; it shows in the delivery log below."))


@bp.post("/settings/webhooks/<uuid:webhook_id>/deliveries/<uuid:delivery_id>/redeliver")
@requires(MANAGE)
def redeliver_webhook(webhook_id, delivery_id):
    return _act(webhook_id, lambda endpoint: services.redeliver(endpoint, delivery_id),
                _("The event will be delivered again, with the same webhook-id."))


@bp.post("/settings/webhooks/<uuid:webhook_id>/delete")
@requires(MANAGE)
def delete_webhook(webhook_id):
    services.delete_endpoint(services.get_endpoint(webhook_id))
    db.session.commit()
    flash(_("Webhook deleted."), "success")
    return redirect(url_for("portal.webhooks"), code=303)


def _act(webhook_id, action, done: str):
    try:
        action(services.get_endpoint(webhook_id))
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            raise
        flash(_("That did not work: %(reason)s", reason=exc.detail), "error")
        return redirect(url_for("portal.webhook", webhook_id=webhook_id), code=303)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("portal.webhook", webhook_id=webhook_id), code=303)
