"""python -m bench [--quick] [--only S1,S4] [--big N] … — see docs/benchmarks.md."""
import argparse
import json
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from bench import database
from bench.config import Config
from bench.context import Bench
from bench.scenarios import (s1_floor, s2_list, s3_statements, s4_skew, s5_noisy, s6_import, s7_exports, s8_rls,
                             s9_s10_mail)

RESULTS = Path(__file__).resolve().parent / "results"


def parse(argv) -> Config:
    p = argparse.ArgumentParser(prog="python -m bench", description="hrbpo benchmarks (ratios within one run)")
    p.add_argument("--quick", action="store_true", help="small sizes, short loads: under 3 minutes on 2 cores")
    p.add_argument("--only", default="", help="comma-separated scenarios, e.g. S2,S4 (default: all)")
    p.add_argument("--stages", help="tenant counts to grow through, e.g. 10,1000,10000")
    p.add_argument("--big", type=int, dest="big_employees", help="employees in the big tenant")
    p.add_argument("--small", type=int, dest="small_employees", help="employees in the small tenant")
    p.add_argument("--filler", type=int, dest="filler_employees", help="employees in every other tenant")
    p.add_argument("--max-employees", type=int, dest="max_employees", help="cap on employees in the database")
    p.add_argument("--import-rows", type=int, dest="import_rows", help="rows imported in S5 and S6")
    p.add_argument("--export-rows", type=int, dest="export_rows", help="enrolments / employees in S7")
    p.add_argument("--duration", type=float, help="seconds of load per measurement")
    p.add_argument("--connections", type=int, help="concurrent keep-alive connections")
    p.add_argument("--workers", type=int, help="gunicorn workers")
    p.add_argument("--threads", type=int, help="gunicorn threads per worker")
    p.add_argument("--keep-db", action="store_true", help="leave the bench database for inspection")
    args = vars(p.parse_args(argv))
    quick, only, stages, keep = args.pop("quick"), args.pop("only"), args.pop("stages"), args.pop("keep_db")
    cfg = Config.make(quick, **args)
    cfg.only = {s.strip().upper() for s in only.split(",") if s.strip()}
    if stages:
        cfg.stages = [int(s) for s in stages.split(",")]
    cfg.keep_db = keep
    return cfg


def wanted(cfg, id_) -> bool:
    return not cfg.only or id_ in cfg.only


def scenarios(bench):
    cfg = bench.cfg
    for stage in cfg.stages:
        step(f"growing to {stage:,} tenants", bench.grow, stage)
        if wanted(cfg, "S2"):
            step(f"S2 at {stage:,} tenants", s2_list.run, bench, stage)
    for id_, module in (("S1", s1_floor), ("S3", s3_statements), ("S8", s8_rls)):
        if wanted(cfg, id_):
            step(id_, module.run, bench)
    at_rest = step("S4", s4_skew.run, bench) if wanted(cfg, "S4") else None
    if wanted(cfg, "S5"):
        step("S5", s5_noisy.run, bench, at_rest)
    bench.close()  # the in-process work below gets the CPUs to itself
    for id_, module in (("S6", s6_import), ("S7", s7_exports)):
        if wanted(cfg, id_):
            step(id_, module.run, bench)
    if wanted(cfg, "S9") or wanted(cfg, "S10"):
        step("S9, S10", s9_s10_mail.run, bench)


def step(label, fn, *args):
    started = time.perf_counter()
    print(f"bench: {label} …", flush=True)
    try:
        return fn(*args)
    except Exception:
        traceback.print_exc()
        print(f"bench: {label} failed", flush=True)
    finally:
        print(f"bench: {label} done in {time.perf_counter() - started:.1f}s", flush=True)


def table(results) -> str:
    lines = [f"{'':4} {'scenario':64} {'value':>9} {'goal':32} ok", "-" * 116]
    for r in results:
        value = "n/a" if r["value"] is None else f"{r['value']}"
        ok = {True: "yes", False: "NO", None: "-"}[r["ok"]]
        lines.append(f"{r['id']:4} {r['title'][:64]:64} {value:>9} {(r['goal'] or '')[:32]:32} {ok}")
        extra = {k: r["details"][k] for k in ("cpu_ratio", "p99_ratio", "cpu_extra", "note", "small_tenant", "big_tenant")
                 if k in r["details"]}
        if extra:
            lines.append(f"{'':5}{extra}")
    return "\n".join(lines)


def main(argv=None):
    cfg = parse(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    bench = Bench(cfg)
    machine = bench.machine()
    try:
        print("bench: preparing the database …", flush=True)
        bench.prepare()
        scenarios(bench)
    finally:
        bench.close()
        if not getattr(cfg, "keep_db", False):
            database.drop()
    elapsed = time.perf_counter() - started
    print()
    print(table(bench.results))
    print(f"\n{'quick' if cfg.quick else 'full'} run in {elapsed:.0f}s on {machine['nproc']} × {machine['cpu']}, "
          f"{machine['ram_gib']} GiB RAM, PostgreSQL {machine['postgresql']}, load by {machine['load_generator']}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"{stamp}-{'quick' if cfg.quick else 'full'}.json"
    settings = {k: (sorted(v) if isinstance(v, set) else v) for k, v in vars(cfg).items()}
    out.write_text(json.dumps({"when": stamp, "seconds": round(elapsed, 1), "machine": machine, "config": settings, "notes": bench.notes,
                               "results": bench.results}, indent=2, default=str))
    print(f"results: {out}")
    return 0 if all(r["ok"] is not False for r in bench.results) else 1


if __name__ == "__main__":
    sys.exit(main())
