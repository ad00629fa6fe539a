"""The plugin contract: every hook a module may implement.

Hooks are called with keyword arguments only, so an implementation may take
fewer arguments than the spec names. Hooks marked *per tenant* run only for
plugins the tenant switched on (see `manager.tenant_hook`). None is
firstresult: every plugin's answer is collected into a list (an answer that
is a list or tuple is flattened into it; None is dropped).

Each docstring says When the hook is called, its Arguments, what it Returns
and whether it runs Per tenant; `scripts/render_hook_docs.py` renders them
into the hook reference of docs/plugins.md.
"""
import pluggy

PROJECT = "hrbpo"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- Start-up: called while the app is built (or by a CLI command), for every installed plugin


@hookspec
def plugin_meta():
    """Say who this plugin is.

    When: first, while the plugin is loaded (before any other hook of it is
    registered). A plugin without it, with the name of a plugin already
    loaded, or whose `hrbpo_api` does not match this core, is refused and
    reported as failed by `flask hrbpo plugins`.
    Returns: a `PluginMeta(name, title, version, description, depends_on,
    hrbpo_api)`. `name` is the module name tenants switch on (the URL segment
    and the Alembic branch label); `depends_on` names modules that must be on
    first; `hrbpo_api` is a PEP 440 specifier of the core plugin API this
    plugin targets (default ">=1.0,<2").
    Per tenant: no.
    """


@hookspec
def migrations_path():
    """Point Alembic at this plugin's migrations.

    When: by `flask hrbpo db upgrade` and `db revision`, and when the app
    starts serving (to refuse an unmigrated database).
    Returns: the folder (a `pathlib.Path`) holding this plugin's Alembic
    versions, usually `Path(__file__).parent / "migrations"`; its first
    revision carries `branch_labels = ("<name>",)` and depends on core's.
    Return None if the plugin has no tables.
    Per tenant: no; tables exist once for the deployment, switching a module
    on is a row, not a migration.
    """


@hookspec
def api_blueprints():
    """Add endpoints to the tenant API.

    When: once, while the app is built.
    Returns: a list of `hrbpo.plugin_api.Blueprint`s (flask-smorest blueprints
    that parse arguments without rebuilding the schema on every request;
    name them `<name>_api`, give them `url_prefix=None` or a sub-prefix). Core mounts each under
    `/api/v1/tenants/<slug>/<name>`; a request reaches a view only when the
    caller is authenticated (else 401), may see the tenant (else 404) and
    the module is on for it (else 404). Inside a view `g.tenant`, `g.user`
    and `g.access` are set and queries are scoped to the tenant. Document
    every view with `@blp.arguments`, `@blp.response` and a docstring: they
    become `/api/v1/openapi.json`.
    Per tenant: no (mounted once; the module switch is checked per request).
    """


@hookspec
def portal_blueprints():
    """Add pages to the tenant portal.

    When: once, while the app is built.
    Returns: a list of Flask `Blueprint`s (name them `<name>`, with
    `template_folder="templates"`). Core mounts each under
    `/t/<slug>/<name>/`; not logged in → redirect to the login page; not a
    member, or the module off → 404. `url_for` fills `slug` in by itself.
    Per tenant: no (mounted once; the module switch is checked per request).
    """


@hookspec
def public_blueprints():
    """Add pages served without login (e.g. a careers page).

    When: once, while the app is built.
    Returns: a list of Flask `Blueprint`s, mounted where their own
    `url_prefix` says. No caller, tenant or module is checked for them: a
    view (or the blueprint's `url_value_preprocessor`) passes the tenant
    gate with `plugin_api.enter_public_tenant(slug, module)`, which answers
    404 when the tenant is unknown or the module is off for it and makes the
    tenant current for the rest of the request.
    Per tenant: no.
    """


@hookspec
def operator_blueprints():
    """Add pages to the operator console (e.g. a queue across tenants).

    When: once, while the app is built.
    Returns: a list of Flask `Blueprint`s (name them `<name>_ops`), mounted
    under `/ops/<name>/`; only BPO operators reach them (others: login or
    403, as for the console's own pages). The console's menu links each
    blueprint's `index` view, titled by the plugin. No tenant is entered:
    read across tenants with `plugin_api.tenancy.all_tenants()`.
    Per tenant: no.
    """


@hookspec
def operator_api_blueprints():
    """Add API routes for operators, across tenants (e.g. a master library).

    When: once, while the app is built.
    Returns: a list of `hrbpo.plugin_api.Blueprint`s (name them
    `<name>_ops_api`, give them `url_prefix=None` or a sub-prefix). Core
    mounts each under `/api/v1/<name>` and documents it in
    `/api/v1/openapi.json`; only BPO operators reach its views (no caller:
    401; not an operator: 403). No tenant is entered: read across tenants
    with `plugin_api.tenancy.all_tenants()`, enter one with
    `plugin_api.tenancy.tenant_context(tenant)`.
    Per tenant: no.
    """


@hookspec
def permissions():
    """Declare the permissions this plugin checks.

    When: whenever core works out what a caller may do in a tenant (every
    tenant request), and for permission listings.
    Returns: a list of `Permission(name, description, roles)`; name them
    `<plugin name>.<verb>` (e.g. `timeoff.approve`); `roles` are the tenant
    roles (`hr_admin`, `employee`) granted it. Operators hold every
    permission. Check them with `requires("name")` on a view or
    `g.access.can("name")`.
    Per tenant: no (the same names in every tenant).
    """


@hookspec
def settings_schema():
    """Declare this plugin's per-tenant settings.

    When: by `plugin_api.module_settings(tenant, name)`,
    for this plugin only, each time settings are read or written.
    Returns: a marshmallow `Schema` class; its `load_default`s are the
    defaults and it validates what a tenant stores.
    Per tenant: the values are per tenant; the schema is not.
    """


@hookspec
def register_commands(cli):
    """Add commands to the `flask hrbpo` command line.

    When: once, while the app is built.
    Arguments: `cli`, the `flask hrbpo` click group: `@cli.command("name")`
    adds `flask hrbpo name` (prefix your commands with the plugin name).
    Returns: nothing.
    Per tenant: no.
    """


@hookspec
def periodic_tasks():
    """Declare work that runs on a schedule: reminders, escalations, purges.

    When: by the worker (`flask hrbpo worker`): once a day for each tenant
    with `module` on, from `at` (default 06:00) in the tenant's time zone,
    a missed day caught up once; and on demand by `flask hrbpo jobs run
    [--task NAME]`.
    Returns: a list of `PeriodicTask(name, run, module, at=time(6, 0))`.
    `run(tenant)` is called inside that tenant's context as a job (retried
    with backoff if it raises, listed in the console) and returns a short
    summary line; it must not commit: core commits its work together with
    the job's success, so a run is applied once even if a worker dies. Mail
    it sends (`plugin_api.mail.send`) goes out after that commit; pass
    `group=` and test `mail.all_failed(...)` to send again what failed.
    Per tenant: the tasks run per tenant; the hook itself is not.
    """


@hookspec
def template_globals():
    """Make names available in every Jinja template.

    When: once, while the app is built.
    Returns: a dict of name → value or function; prefix the names with the
    plugin name, since every template of every module sees them.
    Per tenant: no.
    """


@hookspec
def webhook_event_types():
    """Declare the webhook events this plugin sends.

    When: whenever core needs the list of event types (a webhook is saved,
    `GET /webhooks/event-types`, the settings page, `emit_event`); the
    answers are memoised while the plugin set stays the same.
    Returns: a list of `EventType(type, description)`; name the types
    `<resource>.<what happened>` (e.g. `application.hired`) and send them
    with `plugin_api.emit_event(type, data, resource=...)` from your services,
    inside the transaction of the change. `data` is sent to the tenant's
    receivers as it is: ids, names, states and dates, never encrypted or
    sensitive fields.
    Per tenant: no (the same types everywhere; endpoints subscribe per tenant).
    """


# --- Request: called while a page is built, per tenant


@hookspec
def nav_items(tenant, user, role):
    """Add links to the portal navigation.

    When: on every portal page rendered inside a tenant.
    Arguments: `tenant` (the current Tenant), `user` (the signed-in User),
    `role` ("operator", "hr_admin" or "employee").
    Returns: a list of `NavItem(label, url, order=50)` this user may follow
    (check `g.access.can(...)` first); sorted by `order` across plugins.
    Per tenant: yes, only for plugins the tenant switched on.
    """


@hookspec
def dashboard_cards(tenant, user, role):
    """Add cards to the portal home.

    When: when the tenant's portal home (`/t/<slug>/`) is rendered.
    Arguments: `tenant`, `user`, `role` as for `nav_items`.
    Returns: a list of `Card(title, url, lines=(), order=50)`: a few short
    lines with counts or next steps for this user; and/or `Chart(title,
    bars, description, kind="columns"|"parts", total=None, url=None,
    order=50)`s, which core draws as accessible SVG (a title, a description
    and a table of the same numbers; mirrored for right-to-left pages).
    Keep it to a constant number of queries.
    Per tenant: yes, only for plugins the tenant switched on.
    """


@hookspec
def employee_tasks(tenant, employee):
    """List what an employee still has to do (self-service home).

    When: when the portal home is rendered for a user linked to an employee
    record.
    Arguments: `tenant`, `employee` (that user's Employee).
    Returns: a list of `Task(title, url, due_on=None, module="")` still
    open for this employee.
    Per tenant: yes, only for plugins the tenant switched on.
    """


@hookspec
def work_queue(tenant):
    """List work that needs BPO attention (the operator console).

    When: when the operator console builds its cross-tenant work queue,
    once for each tenant.
    Arguments: `tenant`.
    Returns: a list of `WorkItem(tenant_slug, kind, title, url, due_on=None,
    extra={})`, e.g. overdue approvals.
    Per tenant: yes, only for plugins the tenant switched on.
    """


@hookspec
def audit_labels():
    """Put this module's audit events into words for the audit log pages.

    When: when an audit log page (portal or console) is rendered.
    Returns: an `AuditWords(actions={}, fields={}, records={})`: labels
    (lazy_gettext) for the actions this module records (`"<name>.job.create"`
    → "Created a job"), the field names in their changes, and the record
    types they point at (the model's class name, `"Job"` → "Job"). Codes
    without a label are shown as they are stored.
    Per tenant: no (events of a module since switched off still need words).
    """


@hookspec
def audit_record_names(tenant, targets):
    """Name the records audit events point at.

    When: when an audit log page is rendered, once per page of events.
    Arguments: `tenant` (whose log it is), `targets` (record type → set of
    ids, as strings, of the events on the page).
    Returns: a dict `(record type, id) → name` for the records this module
    owns (a job's title, a candidate's name), in one query per type; ids it
    does not know are left out (the page then shows the type alone).
    Per tenant: no, inside the tenant's context.
    """


@hookspec
def demo_data(tenant):
    """Fill a demo tenant with realistic records.

    When: by `flask hrbpo demo`, after core has created the tenant's people
    and logins, inside the tenant's context; core commits afterwards.
    Arguments: `tenant`.
    Returns: nothing.
    Per tenant: yes, only for plugins the tenant switched on.
    """


# --- Domain events: per tenant, inside the transaction of the change


@hookspec
def employee_hired(tenant, employee, source):
    """React to a new employee.

    When: right after an employee is created (API, portal, or hired from
    recruitment), flushed but not committed, inside the tenant's context and
    the caller's transaction. Do not commit; raise a `DomainError` to refuse
    the whole change. Not fired by CSV imports.
    Arguments: `tenant`, `employee` (the new Employee, `id` set), `source`
    (what created it: "manual", "recruitment", ...).
    Returns: nothing (answers are ignored).
    Per tenant: yes, only for plugins the tenant switched on.
    """


@hookspec
def employee_updated(tenant, employee, changes):
    """React to a changed employee record.

    When: after an employee is changed (not terminated), flushed but not
    committed, inside the tenant's context and the caller's transaction.
    Arguments: `tenant`, `employee`, `changes` (field name → [old, new];
    sensitive fields show "***").
    Returns: nothing (answers are ignored).
    Per tenant: yes, only for plugins the tenant switched on.
    """


@hookspec
def employee_terminated(tenant, employee):
    """React to an employee leaving.

    When: when an employee is terminated (`termination_date` set), flushed
    but not committed, inside the tenant's context and the caller's
    transaction: close their open work, stop their enrolments.
    Arguments: `tenant`, `employee`.
    Returns: nothing (answers are ignored).
    Per tenant: yes, only for plugins the tenant switched on.
    """


@hookspec
def module_enabled(tenant, name):
    """React to a module being switched on for a tenant (seed defaults).

    When: after module `name` is switched on (not when it already was), in
    the same transaction and tenant context. Every plugin the tenant has on
    is called, the new one included: check `name == meta.name`.
    Arguments: `tenant`, `name` (the module switched on).
    Returns: nothing (answers are ignored).
    Per tenant: yes, only for plugins the tenant switched on.
    """


@hookspec
def module_disabled(tenant, name):
    """React to a module being switched off for a tenant.

    When: after module `name` is switched off, in the same transaction and
    tenant context. The module's data is kept (switching it on again shows
    it again); cancel scheduled work here, do not delete records.
    Arguments: `tenant`, `name` (the module switched off).
    Returns: nothing (answers are ignored).
    Per tenant: no: every installed plugin is called, the one switched off
    included; check `name == meta.name`.
    """
