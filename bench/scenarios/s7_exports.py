"""S7 834 export for N enrolments and the compliance report for N employees,
in seconds. The benefits module owns bench/bench_834.py; the compliance
report is timed through its services when they exist."""
import importlib
import inspect


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def run(bench):
    rows = bench.cfg.export_rows
    for id_, title, module in (("S7a", f"834 export, {rows:,} enrolments", "bench.bench_834"),
                               ("S7b", f"compliance report, {rows:,} employees", "bench.bench_compliance")):
        found = _optional(module)
        if found is None or not hasattr(found, "run"):
            bench.add(id_, title, None, "seconds, reported", None, note="not available yet")
            continue
        params = inspect.signature(found.run).parameters
        kwargs = {k: v for k, v in (("bench", bench), ("rows", rows), ("quick", bench.cfg.quick)) if k in params}
        try:
            outcome = found.run(**kwargs)
        except Exception as exc:  # another module's bench must not sink the run
            bench.add(id_, title, None, "seconds, reported", False, note=f"failed: {type(exc).__name__}: {exc}")
            continue
        seconds = outcome.get("seconds") if isinstance(outcome, dict) else outcome
        details = outcome if isinstance(outcome, dict) else {}
        bench.add(id_, title, round(seconds, 3) if seconds is not None else None, "seconds, reported", None,
                  unit="s", **{k: v for k, v in details.items() if k != "seconds"})
