"""The plugin contract: every hook a module may implement.

Hooks are called with keyword arguments only, so an implementation may take
fewer arguments than the spec names. Hooks marked *per tenant* run only for
plugins the tenant switched on (see `manager.tenant_hook`). None is
firstresult: every plugin's answer is collected into a list.
"""
import pluggy

PROJECT = "hrbpo"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- Start-up: called once while the app is built, for every installed plugin


@hookspec
def plugin_meta():
    """Return this plugin's `PluginMeta` (name, title, version, ...).

    Called at load time; a plugin that does not answer is refused."""


@hookspec
def migrations_path():
    """Return the folder of this plugin's Alembic versions (its own branch,
    branch label = plugin name), or None if it has no tables."""


@hookspec
def api_blueprints():
    """Return flask-smorest `Blueprint`s for the tenant API.

    Core mounts each under `/api/v1/tenants/<slug>/<plugin name>`; requests
    reach them only when the caller may see the tenant and the module is on."""


@hookspec
def portal_blueprints():
    """Return Flask `Blueprint`s for portal pages, mounted under
    `/t/<slug>/<plugin name>/` with the same tenant and module checks."""


@hookspec
def public_blueprints():
    """Return Flask `Blueprint`s served without login (e.g. a careers page).

    They mount where their own url_prefix says; they must check the module
    themselves with `hrbpo.core.plugins.public_tenant(slug, name)`."""


@hookspec
def permissions():
    """Return a list of `Permission(name, description, roles)` this plugin
    adds; `roles` are the tenant roles granted it by default."""


@hookspec
def settings_schema():
    """Return a marshmallow Schema (class) for this plugin's per-tenant
    settings; its load defaults are the defaults."""


@hookspec
def register_commands(cli):
    """Add click commands to the `flask hrbpo` group `cli`."""


@hookspec
def periodic_tasks():
    """Return `PeriodicTask`s (name, function(tenant), module) that
    `flask hrbpo jobs run` (cron, or the RQ scheduler) runs for every tenant
    with the module on: reminders, escalations, retention purges."""


@hookspec
def template_globals():
    """Return a dict of names to expose to every Jinja template."""


# --- Request: called while a page is built, per tenant


@hookspec
def nav_items(tenant, user, role):
    """Per tenant. Return `NavItem`s for the portal navigation of this user."""


@hookspec
def dashboard_cards(tenant, user, role):
    """Per tenant. Return `Card`s for the portal home of this user."""


@hookspec
def employee_tasks(tenant, employee):
    """Per tenant. Return `Task`s the employee still has to do (self-service home)."""


@hookspec
def work_queue(tenant):
    """Per tenant. Return `WorkItem`s needing BPO attention (operator console)."""


@hookspec
def demo_data(tenant):
    """Per tenant. Fill the tenant with realistic demo records (`flask hrbpo demo`)."""


# --- Domain events: per tenant, inside the transaction of the change


@hookspec
def employee_hired(tenant, employee, source):
    """Per tenant. An employee was created by hiring (`source` says by what)."""


@hookspec
def employee_updated(tenant, employee, changes):
    """Per tenant. An employee changed; `changes` maps field to (old, new)."""


@hookspec
def employee_terminated(tenant, employee):
    """Per tenant. An employee left (termination_date is set)."""


@hookspec
def module_enabled(tenant, name):
    """Per tenant. Module `name` was switched on for the tenant (seed defaults)."""


@hookspec
def module_disabled(tenant, name):
    """Per tenant (the plugin itself is still called). Module `name` was switched off."""
