"""S1 framework floor: the app's /healthz vs a bare WSGI callable, same
gunicorn, in alternating rounds (bench.load.alternating; the median of the
rounds' ratios). A bare Flask app's /healthz (the S2 reference server) is
measured in the same rounds, to show how much of the gap is Flask itself and
how much hrbpo's extensions and hooks."""
import statistics

from bench.load import alternating, measure

GOAL = 0.6


def run(bench):
    cfg, rounds = bench.cfg, []

    def load(kind, path):
        return lambda: measure(bench.server(kind), path, cfg.duration, cfg.connections, warmup=cfg.warmup)

    loads = {"app": load("app", "/healthz"), "reference": load("reference", "/healthz"), "bare": load("bare", "/")}
    for measured in alternating(loads, cfg.rounds):
        app, flask, bare = measured["app"], measured["reference"], measured["bare"]
        rounds.append({"ratio": app.rps / bare.rps if bare.rps else 0.0,
                       "cpu": app.cpu_ms / bare.cpu_ms if bare.cpu_ms else 0.0,
                       "bare_flask_ratio": flask.rps / bare.rps if bare.rps else 0.0,
                       "app": app.as_dict(), "bare_flask": flask.as_dict(), "reference": bare.as_dict()})
    ratio = statistics.median(r["ratio"] for r in rounds)
    flask_ratio = statistics.median(r["bare_flask_ratio"] for r in rounds)
    cpu = statistics.median(r["cpu"] for r in rounds)
    bench.add("S1", "framework floor: /healthz req/s vs bare WSGI", round(ratio, 3), f"≥ {GOAL}", ratio >= GOAL,
              note=f"bare Flask's /healthz: {flask_ratio:.2f} of bare WSGI", bare_flask_ratio=round(flask_ratio, 3),
              cpu_ratio=round(cpu, 3),
              rounds=rounds)
