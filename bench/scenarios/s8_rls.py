"""S8 the cost of row-level security: the employee list as the app role
(RLS binds) vs the same app connected as the superuser (RLS bypassed; the
ORM's tenant filter still applies). Rounds interleave to share the noise."""
import statistics

from bench.context import BIG, SMALL
from bench.load import measure
from bench.scenarios.s2_list import path

GOAL = 0.10


def run(bench):
    cfg, rows = bench.cfg, {}
    for slug in (SMALL, BIG):
        on, off = [], []
        for _ in range(cfg.rounds):
            for kind, runs in (("app", on), ("app_no_rls", off)):
                runs.append(measure(bench.server(kind), path(bench, slug), cfg.duration / cfg.rounds,
                                    cfg.connections, bench.tenant(slug).token, cfg.warmup / 2))
        on_rps, off_rps = statistics.median(r.rps for r in on), statistics.median(r.rps for r in off)
        rows[slug] = {"slower": 1 - on_rps / off_rps if off_rps else 0.0, "rls_on_rps": round(on_rps, 1),
                      "rls_off_rps": round(off_rps, 1),
                      # CPU per request is steadier than req/s on a shared machine
                      "cpu_extra": round(statistics.median(r.cpu_ms for r in on)
                                         / statistics.median(r.cpu_ms for r in off) - 1, 3),
                      "rls_on_p50_ms": round(statistics.median(r.p50_ms for r in on), 3),
                      "rls_off_p50_ms": round(statistics.median(r.p50_ms for r in off), 3)}
    slower = rows[SMALL]["slower"]
    bench.add("S8", "RLS cost: list req/s slower with RLS on than off", round(slower, 3), f"≤ {GOAL}",
              slower <= GOAL, unit="fraction", small=rows[SMALL],
              big={**rows[BIG], "slower": round(rows[BIG]["slower"], 3)})
