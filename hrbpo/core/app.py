"""The application factory: config, extensions, plugins, blueprints.

Everything the app is made of is wired here, in view: the plugins, the
request hooks (caller, two-factor gate, idempotency, outages) and every
module that adds routes to the console's and the portal's blueprints."""
import os
import uuid

import marshmallow as ma
from cryptography.fernet import Fernet, MultiFernet
from flask import Flask, g, request
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from hrbpo.core import config as settings
from hrbpo.core import i18n, jobs, mail, models, outages, queue, readiness  # noqa: F401  (models: every core table)
from hrbpo.core.accounts.api import public as accounts_api
from hrbpo.core.accounts.api import scoped as accounts_tenant_api
from hrbpo.core.accounts.views import bp as account_pages
from hrbpo.core.api import idempotency
from hrbpo.core.api.schemas import Money
from hrbpo.core.auth.api import blp as auth_api
from hrbpo.core.auth.context import leave_tenant, load_caller
from hrbpo.core.auth.locale import select_locale, select_timezone
from hrbpo.core.auth.permissions import operators_only
from hrbpo.core.auth.views import bp as auth_pages
from hrbpo.core.auth.views import two_factor_gate
from hrbpo.core.cli import hrbpo_cli
from hrbpo.core.db import end_read_only_transaction
from hrbpo.core.extensions import api, csrf, db, limiter, login_manager
from hrbpo.core.i18n import text_direction
from hrbpo.core.identity.scim.api import blp as scim_tokens_api
from hrbpo.core.identity.scim.views import bp as scim_service
from hrbpo.core.identity.sso_api import blp as sso_api
from hrbpo.core.identity.sso_views import bp as sso_pages
from hrbpo.core.jobs.api import blp as jobs_api
from hrbpo.core.json_provider import OrjsonProvider
from hrbpo.core.mail.api import blp as mail_api
from hrbpo.core.operators.api import blp as operators_api
from hrbpo.core.ops import actas as _ops_act_as  # noqa: F401  (acting as a tenant's HR admin)
from hrbpo.core.ops import background as _ops_background  # noqa: F401  (background work: jobs, outbox)
from hrbpo.core.ops import invitations as _ops_invitations  # noqa: F401  (inviting a tenant's HR admins)
from hrbpo.core.ops import operators as _ops_operators  # noqa: F401  (operator groups and operators)
from hrbpo.core.ops import queue as _ops_queue  # noqa: F401  (the work queue across tenants)
from hrbpo.core.ops import views as _ops_views  # noqa: F401  (tenants and users)
from hrbpo.core.ops.blueprint import bp as ops_pages
from hrbpo.core.ops.blueprint import mount_plugin_pages
from hrbpo.core.people import imports  # noqa: F401  (declares the import job)
from hrbpo.core.people.api import blp as people_api
from hrbpo.core.plugins.manager import Plugins
from hrbpo.core.portal import invitations as _portal_invitations  # noqa: F401  (invitations, deactivation)
from hrbpo.core.portal import people as _portal_people  # noqa: F401  (the directory, employees, users)
from hrbpo.core.portal import portal_scoped
from hrbpo.core.portal import scim as _portal_scim  # noqa: F401  (SCIM tokens)
from hrbpo.core.portal import settings as _portal_settings  # noqa: F401  (tenant settings)
from hrbpo.core.portal import sso as _portal_sso  # noqa: F401  (single sign-on settings)
from hrbpo.core.portal import views as _portal_views  # noqa: F401  (home, logo)
from hrbpo.core.portal import webhooks as _portal_webhooks  # noqa: F401  (webhook endpoints)
from hrbpo.core.portal.blueprint import bp as portal_pages
from hrbpo.core.portal.errors import html_error
from hrbpo.core.request import Request
from hrbpo.core.security import SessionCookies, set_security_headers
from hrbpo.core.tenants.api import blp as tenants_api
from hrbpo.core.tenants.api import scoped as tenant_api
from hrbpo.core.tenants.gate import tenant_scoped
from hrbpo.core.tenants.services import enabled_modules
from hrbpo.core.text import SAFE_PATTERN
from hrbpo.core.webhooks import worker as _webhook_worker  # noqa: F401  (declares the webhook delivery tasks)
from hrbpo.core.webhooks.api import blp as webhooks_api


def create_app(test_config: dict | None = None, plugins: list | None = None) -> Flask:
    """Build the app. `plugins` (names) limits which entry points load (tests)."""
    app = Flask("hrbpo", instance_path=os.environ.get("HRBPO_INSTANCE_PATH") or None,
                instance_relative_config=True, root_path=os.path.dirname(os.path.dirname(__file__)),
                template_folder="core/templates", static_folder="core/static")
    app.config.update(settings.load(app.instance_path))
    app.config.update(test_config or {})
    app.json = OrjsonProvider(app)
    app.request_class = Request  # refuses JSON nested too deep to parse
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked in auth.context for cookie-authenticated writes
    proxies = int(os.environ.get("HRBPO_PROXY_COUNT", "0"))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    app.extensions["hrbpo_crypto"] = MultiFernet(
        [Fernet(k.strip()) for k in app.config["HRBPO_ENCRYPTION_KEYS"].split(",") if k.strip()]
    )
    registry = Plugins(enabled_modules=enabled_modules)
    app.extensions["hrbpo_plugins"] = registry
    registry.load_entry_points(only=plugins)

    app.session_interface = SessionCookies()
    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    limiter.init_app(app)
    # No default or app-wide limits: the sign-in views check their own limits
    # (their decorators do), so the check Flask-Limiter runs before every
    # request would only cost time (about 280 function calls a request).
    app.before_request_funcs[None].remove(limiter._check_request_limit)

    i18n.init_app(app, registry, select_locale, select_timezone)

    queue.init_app(app)
    _init_api(app, registry)
    _init_pages(app, registry)
    _init_request_hooks(app)
    _init_cli(app, registry)
    # Nothing above touches the database: a worker boots while it is down or
    # behind, and answers 503 until it is usable (hrbpo.core.outages).
    return app


def _init_api(app, registry):
    api.init_app(app, spec_kwargs={
        "info": {"description": (
            "hrbpo HTTP API v1. Authenticate with `Authorization: Bearer <token>` from POST /api/v1/auth/token. "
            "Errors are application/problem+json. Another tenant's resources answer 404. Lists take "
            "?page=&per_page= (per_page above 200 is capped at 200). POST requests may carry an "
            "Idempotency-Key header (per user and tenant, up to 255 characters): the first request claims the "
            "key before it runs, so any number of concurrent requests with one key have exactly one effect. "
            "While it runs, a repeat answers 409 (type idempotency-key-in-use) with Retry-After; afterwards a "
            "repeat with the same key and body returns the first response (with Idempotent-Replayed: true). A "
            "first request that fails (not 2xx) releases the key for a retry. The same key with a different "
            "method, path or body answers 422. Operators working on a tenant's URLs should send "
            "X-Hrbpo-Reason: the audit log then records them as acting as its HR admin, with that reason. "
            "Tokens need no second factor: two-factor sign-in guards browser sessions. While the database is "
            "unreachable or its schema is behind the code, every request that needs it answers 503 "
            "problem+json with Retry-After (seconds) and changes nothing; GET /readyz names what is down."
        )},
    })
    api.page_error = html_error  # browsers get the portal's error page
    api.register_field(Money, "string", "decimal")
    api.ma_plugin.converter.add_attribute_function(_ecma_pattern)
    api.ma_plugin.converter.add_attribute_function(_safe_text_pattern)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearer": []}]
    for blp in (auth_api, tenants_api, tenant_api, people_api, accounts_tenant_api, accounts_api, jobs_api,
                mail_api, webhooks_api, sso_api, scim_tokens_api, operators_api):
        api.register_blueprint(blp)
    for name, blueprints in registry.results_by_plugin("api_blueprints"):
        for blp in blueprints or []:
            prefix = f"/api/v1/tenants/<slug>/{name}"
            api.register_blueprint(tenant_scoped(blp, module=name), url_prefix=prefix + (blp.url_prefix or ""))
    for name, blueprints in registry.results_by_plugin("operator_api_blueprints"):
        for blp in blueprints or []:
            api.register_blueprint(operators_only(blp), url_prefix=f"/api/v1/{name}" + (blp.url_prefix or ""))


def _ecma_pattern(self, field, ret, **kwargs):
    """OpenAPI patterns are ECMA regexes: Python's end-of-string `\\Z` is `$` there."""
    pattern = ret.get("pattern")
    return {"pattern": pattern.replace("\\Z", "$")} if isinstance(pattern, str) and "\\Z" in pattern else {}


def _safe_text_pattern(self, field, ret, **kwargs):
    """A free-text field says which characters it refuses (hrbpo.core.text)."""
    free = isinstance(field, ma.fields.String) and not field.dump_only and not {"format", "pattern", "enum"} & set(ret)
    return {"pattern": SAFE_PATTERN} if free else {}


def _init_pages(app, registry):
    # The console's and the portal's pages each join one blueprint (`ops`,
    # `portal`) from the modules imported above (`_ops_*`, `_portal_*`).
    for bp in (auth_pages, account_pages, portal_pages, ops_pages, sso_pages, scim_service):
        app.register_blueprint(bp)
    # Before any page or API view, right after the caller is known.
    app.before_request(two_factor_gate)
    for name, blueprints in registry.results_by_plugin("portal_blueprints"):
        for bp in blueprints or []:
            app.register_blueprint(portal_scoped(bp, module=name), url_prefix=f"/t/<slug>/{name}" + (bp.url_prefix or ""))
    mount_plugin_pages(app, registry)
    for _, blueprints in registry.results_by_plugin("public_blueprints"):
        for bp in blueprints or []:
            app.register_blueprint(bp)
    app.jinja_env.globals.update(current_locale=lambda: str(get_locale() or "en"), text_direction=text_direction)
    for extra in registry.call("template_globals"):
        app.jinja_env.globals.update(extra)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/favicon.ico")
    def favicon():
        """Where browsers and feed readers look before they read any page's <link rel=icon>."""
        return app.send_static_file("favicon.ico")

    @app.get("/readyz")
    def readyz():
        report = readiness.report()
        return report, 200 if report["status"] == "ok" else 503


# Endpoints that need no database (nor the caller): they answer while it is
# down or behind. Blueprints' static files end in ".static".
DEPENDENCY_FREE = frozenset({"healthz", "readyz", "static", "favicon"})
# Endpoints that know their callers by their own credentials (SCIM tokens), not the app's.
SELF_AUTHENTICATED = ("scim.",)


def _init_request_hooks(app):
    gate = outages.init_app(app)

    # URL value preprocessors run before before_request functions, and the
    # tenant ones (which check the caller) need the caller known first.
    @app.url_value_preprocessor
    def _identify(endpoint, values):
        g.request_id = (request.headers.get("X-Request-Id") or uuid.uuid4().hex)[:64]
        if endpoint in DEPENDENCY_FREE or (endpoint or "").endswith(".static"):
            return
        if not gate.current:
            gate.require()
        if not (endpoint or "").startswith(SELF_AUTHENTICATED):
            load_caller()

    app.before_request(idempotency.replay)

    app.teardown_request(leave_tenant)
    # Registered after Flask-SQLAlchemy's, so it runs before the session is removed.
    app.teardown_appcontext(end_read_only_transaction)

    @app.after_request
    def _finish(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return set_security_headers(idempotency.remember(response))


def _init_cli(app, registry):
    app.cli.add_command(hrbpo_cli)
    for _ in registry.results_by_plugin("register_commands", cli=hrbpo_cli):
        pass
