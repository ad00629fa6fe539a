"""S1 framework floor: the app's /healthz vs a bare WSGI callable, same
gunicorn, in alternating rounds (the median of the rounds' ratios)."""
import statistics

from bench.load import measure

GOAL = 0.6


def run(bench):
    cfg, rounds = bench.cfg, []
    for _ in range(cfg.rounds):
        app = measure(bench.server("app"), "/healthz", cfg.duration, cfg.connections, warmup=cfg.warmup)
        bare = measure(bench.server("bare"), "/", cfg.duration, cfg.connections, warmup=cfg.warmup)
        rounds.append({"ratio": app.rps / bare.rps if bare.rps else 0.0, "app": app.as_dict(), "reference": bare.as_dict()})
    ratio = statistics.median(r["ratio"] for r in rounds)
    bench.add("S1", "framework floor: /healthz req/s vs bare WSGI", round(ratio, 3), f"≥ {GOAL}", ratio >= GOAL,
              rounds=rounds)
