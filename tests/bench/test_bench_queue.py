"""S13's script runs end to end on a throw-away PostgreSQL database and reports
its ratio (a smoke test: the figure is not judged)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hrbpo.testing import _pg_available

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not _pg_available(), reason="needs the local PostgreSQL")
def test_the_queue_benchmark_seeds_measures_and_reports():
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRBPO_") or k == "HRBPO_BENCH_PG_URL"}
    run = subprocess.run([sys.executable, "-m", "bench.bench_queue", "--tenants", "3", "--cases", "160",
                          "--requests", "24"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["id"] == "S13" and (result["tenants"], result["cases"]) == (3, 160)
    assert result["p95_ratio"] > 0 and result["requests_each"] == 60 and set(result["p95_ms"]) == {"queue", "list"}
