"""S4 tenant skew: list page p50 of the big tenant vs the small one, in
alternating rounds (bench.load.alternating), the median of their ratios."""
import statistics

from bench.context import BIG, SMALL
from bench.load import alternating, measure
from bench.scenarios.s2_list import path

GOAL = 1.5


def run(bench):
    """Returns the small tenant's rounds, the at-rest figures S5 compares with."""
    cfg, server = bench.cfg, bench.server("app")

    def load(slug):
        return lambda: measure(server, path(bench, slug), cfg.duration, cfg.connections, bench.tenant(slug).token,
                               cfg.warmup)

    rounds = alternating({"small": load(SMALL), "big": load(BIG)}, cfg.rounds)
    ratio = statistics.median(r["big"].p50_ms / r["small"].p50_ms for r in rounds if r["small"].p50_ms)
    bench.add("S4", f"list p50: {cfg.big_employees:,} vs {cfg.small_employees:,} employees", round(ratio, 3),
              f"≤ {GOAL}", ratio <= GOAL, rounds=[{k: v.as_dict() for k, v in r.items()} for r in rounds])
    return [r["small"] for r in rounds]
