"""S7 834 export for N enrolments and the compliance report for N employees,
in seconds. Each module owns its timing script (bench/bench_834.py from
benefits, bench/bench_compliance.py from compliance when it exists); they
seed their own throw-away database, so they run in a clean subprocess."""
import os
import re
import subprocess
import sys

from bench.database import ROOT

SCRIPTS = (
    ("S7a", "834 export", "enrolments", "bench.bench_834", r"834 full file: .* in ([\d.]+)s"),
    ("S7b", "compliance report", "employees", "bench.bench_compliance", r"report: .* in ([\d.]+)s"),
)


def run(bench):
    rows = bench.cfg.export_rows
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRBPO_")}
    for id_, what, unit, module, pattern in SCRIPTS:
        title = f"{what}, {rows:,} {unit}"
        if not (ROOT / (module.replace(".", "/") + ".py")).exists():
            bench.add(id_, title, None, "seconds, reported", None, note="not available yet")
            continue
        done = subprocess.run([sys.executable, "-m", module, "--employees", str(rows)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=900)
        found = re.search(pattern, done.stdout)
        if done.returncode or not found:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            bench.add(id_, title, None, "seconds, reported", False, note=f"failed: {tail[0][:200]}")
            continue
        bench.add(id_, title, float(found.group(1)), "seconds, reported", None, unit="s",
                  output=done.stdout.strip().splitlines())
