"""S4 tenant skew: list page p50 of the big tenant vs the small one."""
from bench.context import BIG, SMALL
from bench.load import measure
from bench.scenarios.s2_list import path

GOAL = 1.5


def run(bench):
    cfg, server = bench.cfg, bench.server("app")
    small = measure(server, path(bench, SMALL), cfg.duration, cfg.connections, bench.tenant(SMALL).token, cfg.warmup)
    big = measure(server, path(bench, BIG), cfg.duration, cfg.connections, bench.tenant(BIG).token, cfg.warmup)
    ratio = big.p50_ms / small.p50_ms if small.p50_ms else 0.0
    bench.add("S4", f"list p50: {cfg.big_employees:,} vs {cfg.small_employees:,} employees", round(ratio, 3),
              f"≤ {GOAL}", ratio <= GOAL, big=big.as_dict(), small=small.as_dict())
    return small
