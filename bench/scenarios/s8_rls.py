"""S8 the cost of row-level security: the employee list as the app role
(RLS binds) vs the same app connected as the superuser (RLS bypassed; the
ORM's tenant filter still applies), in alternating rounds (bench.load.alternating);
the figure is the median of the rounds' ratios."""
import statistics

from bench.context import BIG, SMALL
from bench.load import alternating, measure
from bench.scenarios.s2_list import path

GOAL = 0.10


def run(bench):
    cfg, rows = bench.cfg, {}
    for slug in (SMALL, BIG):
        def load(kind, slug=slug):
            return lambda: measure(bench.server(kind), path(bench, slug), cfg.duration / 2, cfg.connections,
                                   bench.tenant(slug).token, cfg.warmup / 2)

        rounds = alternating({"on": load("app"), "off": load("app_no_rls")}, cfg.rounds)
        rows[slug] = {
            "slower": statistics.median(1 - r["on"].rps / r["off"].rps for r in rounds if r["off"].rps),
            # CPU per request is steadier than req/s on a shared machine
            "cpu_extra": round(statistics.median(r["on"].cpu_ms / r["off"].cpu_ms - 1 for r in rounds
                                                 if r["off"].cpu_ms), 3),
            "rls_on_p50_ms": round(statistics.median(r["on"].p50_ms for r in rounds), 3),
            "rls_off_p50_ms": round(statistics.median(r["off"].p50_ms for r in rounds), 3),
            "rounds": [{k: v.as_dict() for k, v in r.items()} for r in rounds]}
    slower = rows[SMALL]["slower"]
    bench.add("S8", "RLS cost: list req/s slower with RLS on than off", round(slower, 3), f"≤ {GOAL}",
              slower <= GOAL, unit="fraction", cpu_extra=rows[SMALL]["cpu_extra"], small=rows[SMALL],
              big={**rows[BIG], "slower": round(rows[BIG]["slower"], 3)})
