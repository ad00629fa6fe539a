"""S9 (a request that mails vs the same without mail, SMTP hung) and S10
(reminder mails to a local SMTP sink through a worker process): the script
bench/bench_mail.py in a clean subprocess, on PostgreSQL with the queue on Redis."""
import json
import os
import subprocess
import sys

from bench.database import ROOT

S9_GOAL = 1.2


def run(bench):
    cfg = bench.cfg
    messages, requests = (2_000, 120) if cfg.quick else (10_000, 600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRBPO_")}
    done = subprocess.run([sys.executable, "-m", "bench.bench_mail", "--postgresql", "--messages", str(messages),
                           "--requests", str(requests)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=3600)
    found = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            found[row.pop("id")] = row
    if "S9" in found:
        s9 = found["S9"]
        bench.add("S9", "request that mails vs the same without mail, SMTP hung", s9["ratio"], f"≤ {S9_GOAL}",
                  s9["ratio"] <= S9_GOAL, **s9)
    else:
        bench.add("S9", "request that mails vs the same without mail, SMTP hung", None, f"≤ {S9_GOAL}", False,
                  note=(done.stderr or "no output").strip().splitlines()[-1:])
    if "S10" in found:
        s10 = found["S10"]
        flat = s10["rss_at_end_mb"] - s10["rss_at_tenth_mb"]
        bench.add("S10", f"{messages:,} reminder mails to a local SMTP sink (worker process)", s10["messages_per_s"],
                  "messages/s, reported; memory flat", flat <= 20, unit="msg/s", rss_growth_mb=round(flat, 1), **s10)
    else:
        bench.add("S10", "reminder mails to a local SMTP sink", None, "messages/s", False,
                  note=(done.stderr or "no output").strip().splitlines()[-1:])
