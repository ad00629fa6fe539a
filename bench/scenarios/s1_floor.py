"""S1 framework floor: the app's /healthz vs a bare WSGI callable, same gunicorn."""
from bench.load import measure

GOAL = 0.6


def run(bench):
    cfg = bench.cfg
    app = measure(bench.server("app"), "/healthz", cfg.duration, cfg.connections, warmup=cfg.warmup)
    bare = measure(bench.server("bare"), "/", cfg.duration, cfg.connections, warmup=cfg.warmup)
    ratio = app.rps / bare.rps if bare.rps else 0.0
    bench.add("S1", "framework floor: /healthz req/s vs bare WSGI", round(ratio, 3), f"≥ {GOAL}", ratio >= GOAL,
              app=app.as_dict(), reference=bare.as_dict())
