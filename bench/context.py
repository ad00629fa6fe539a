"""One benchmark run: the database, the servers, the results."""
import os
import platform
from contextlib import ExitStack
from pathlib import Path

import psycopg

from bench import database
from bench.load import wrk_path
from bench.seed import Seeder
from bench.server import gunicorn

BIG, SMALL = "big-tenant", "small-tenant"


class Bench:
    def __init__(self, cfg):
        self.cfg = cfg
        self.seeder = Seeder(cfg.seed)
        self.results: list[dict] = []
        self._stack = ExitStack()
        self._servers = {}
        self._app = None
        self.notes: list[str] = []
        self.plugins = None  # every installed plugin

    # -- data ---------------------------------------------------------------
    def prepare(self):
        """A fresh, migrated database with the big and the small tenant."""
        database.recreate()
        if not database.migrate_in_subprocess(plugins=None):
            # A plugin mid-development must not stop the core benchmarks.
            print("bench: migrating with every plugin failed; using core tables only", flush=True)
            self.notes.append("plugins not migrated: core tables only")
            self.plugins = []
            database.recreate()
            if not database.migrate_in_subprocess(plugins=[]):
                raise SystemExit("bench: could not migrate the core tables")
        with database.owner_connection() as conn:
            seeded = [self.seeder.tenant(conn, slug, n)
                      for slug, n in ((BIG, self.cfg.big_employees), (SMALL, self.cfg.small_employees))]
        for tenant in seeded:
            self.seeder.hr_token(tenant)

    def grow(self, tenants: int):
        cfg = self.cfg
        spare = cfg.max_employees - cfg.big_employees - cfg.small_employees
        per_tenant = max(1, min(cfg.filler_employees, spare // max(1, tenants - 2)))
        self.seeder.grow(tenants, per_tenant)
        database.vacuum_analyze()

    def tenant(self, slug):
        return self.seeder.tenants[slug]

    def new_tenant(self, slug, employees=0, token=True):
        with database.owner_connection() as conn:
            tenant = self.seeder.tenant(conn, slug, employees)
        if token:
            self.seeder.hr_token(tenant)
        return tenant

    @property
    def app(self):
        """The hrbpo app in this process, connected as the app role (RLS on)."""
        if self._app is None:
            self._app = database.make_app(rls=True, plugins=self.plugins)
        return self._app

    # -- servers ------------------------------------------------------------
    def server(self, kind: str):
        """`app` (RLS on), `app_no_rls` (superuser: RLS bypassed), `bare`
        (a bare WSGI callable), `reference` (bare Flask + psycopg, RLS on)."""
        if kind not in self._servers:
            cfg, env, target = self.cfg, database.environment(kind != "app_no_rls", self.plugins), "bench.database:serve()"
            if kind == "bare":
                target = "bench.reference:bare_wsgi"
            elif kind == "reference":
                target, env = "bench.reference:flask_app", {"HRBPO_BENCH_REF_DSN": database.app_url()}
            self._servers[kind] = self._stack.enter_context(
                gunicorn(kind, target, env, cfg.workers, cfg.threads, probe="/healthz"))
        return self._servers[kind]

    def enter(self, context):
        """Keep `context` (a worker, say) open until close()."""
        return self._stack.enter_context(context)

    def close(self):
        self._stack.close()
        self._servers.clear()

    # -- results ------------------------------------------------------------
    def add(self, id_, title, value, goal=None, ok=None, unit="", **details):
        row = {"id": id_, "title": title, "value": value, "unit": unit, "goal": goal, "ok": ok, "details": details}
        self.results.append(row)
        return row

    def machine(self) -> dict:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), platform.processor())
        mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                    if line.startswith("MemTotal")), 0)
        with psycopg.connect(database.ADMIN_URL) as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]
        return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem / 1024 / 1024, 1),
                "python": platform.python_version(), "postgresql": pg,
                "load_generator": "wrk" if wrk_path() else "python threads",
                "gunicorn": f"gthread, {self.cfg.workers} workers × {self.cfg.threads} threads",
                "loadavg_at_start": os.getloadavg()}
