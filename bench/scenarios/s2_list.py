"""S2 the employee list (50 rows with total) on PostgreSQL with RLS on, vs a
bare Flask + psycopg endpoint running the same indexed SQL (token, tenant and
membership, page with total) for the same bearer token. Rounds alternate
(app, reference; reference, app; …: bench.load.alternating) so both share the
machine's swings; each figure is the median of the rounds' ratios."""
import statistics

from bench.context import SMALL
from bench.load import alternating, measure

GOAL_RPS, GOAL_CPU, GOAL_P99 = 0.5, 2.0, 3.0


def path(bench, slug):
    return f"/api/v1/tenants/{slug}/employees?per_page={bench.cfg.per_page}"


def run(bench, tenants: int):
    cfg, tenant = bench.cfg, bench.tenant(SMALL)

    def load(kind):
        return lambda: measure(bench.server(kind), path(bench, SMALL), cfg.duration, cfg.connections, tenant.token,
                               cfg.warmup)

    rounds = []
    for pair in alternating({"app": load("app"), "reference": load("reference")}, cfg.rounds):
        app, ref = pair["app"], pair["reference"]
        rounds.append({"rps": app.rps / ref.rps if ref.rps else 0.0, "cpu": app.cpu_ms / ref.cpu_ms if ref.cpu_ms else 0.0,
                       "p99": app.p99_ms / ref.p99_ms if ref.p99_ms else 0.0, "app": app.as_dict(),
                       "reference": ref.as_dict()})
    rps, cpu, p99 = (statistics.median(r[key] for r in rounds) for key in ("rps", "cpu", "p99"))
    ok = rps >= GOAL_RPS and cpu <= GOAL_CPU and p99 <= GOAL_P99
    bench.add("S2", f"employee list req/s vs bare Flask+psycopg ({tenants:,} tenants)", round(rps, 3),
              f"≥ {GOAL_RPS}; CPU ≤ {GOAL_CPU}×; p99 ≤ {GOAL_P99}×", ok, tenants=tenants,
              cpu_ratio=round(cpu, 3), p99_ratio=round(p99, 3), rounds=rounds)
