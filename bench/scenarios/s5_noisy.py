"""S5 noisy neighbour: the small tenant's list p99 while a big tenant imports
a CSV through the API with `Prefer: respond-async` (the worker, a separate
process, does the import), vs the same p99 at rest. The busy window lasts as
long as an import takes (timed by a first import). S5m: how much the
worker's memory grows importing a 50 MB file (10 MB in a quick run)."""
import http.client
import json
import random
import statistics
import threading
import time

from bench import data, database
from bench.context import SMALL
from bench.load import measure
from bench.scenarios.s2_list import path
from bench.worker import RssSampler, rss_mb, worker

GOAL = 2.0
LEAD = 0.3  # seconds between starting the import and measuring
BOUNDARY = "hrbpo-bench-boundary"


def post_csv(server, slug, token, body: bytes) -> tuple[int, float]:
    """Post an import for the worker and wait for its job to end: (final HTTP-ish status, seconds)."""
    payload = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n"
               f"Content-Type: text/csv\r\n\r\n").encode() + body + f"\r\n--{BOUNDARY}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=900)
    start = time.perf_counter()
    conn.request("POST", f"/api/v1/tenants/{slug}/employees/import", body=payload, headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Prefer": "respond-async"})
    response = conn.getresponse()
    response.read()
    if response.status != 202:
        return response.status, time.perf_counter() - start
    location = response.getheader("Location")
    while True:
        conn.request("GET", location, headers={"Authorization": f"Bearer {token}"})
        job = json.loads(conn.getresponse().read())
        if job["status"] in ("succeeded", "failed"):
            return (201 if job["status"] == "succeeded" else 422), time.perf_counter() - start
        time.sleep(0.2)


def run(bench, at_rest=None):
    """`at_rest`: the small tenant's list measurements from S4 (else measured here)."""
    cfg, server, small = bench.cfg, bench.server("app"), bench.tenant(SMALL)
    if not at_rest:
        at_rest = [measure(server, path(bench, SMALL), cfg.duration, cfg.connections, small.token, cfg.warmup)]
    rest_p99 = statistics.median(r.p99_ms for r in at_rest)
    body = data.csv_bytes(data.people(random.Random(cfg.seed + 5), cfg.import_rows, "noisy.example"))
    background = bench.enter(worker(database.environment(True, bench.plugins)))
    # A first import sizes the window, so the measured window is busy from end to end.
    probe = bench.new_tenant("noisy-probe")
    _, probe_seconds = post_csv(server, probe.slug, probe.token, body)
    window = max(1.0, probe_seconds - LEAD)
    target, outcome = bench.new_tenant("noisy-importer"), {}
    importer = threading.Thread(target=lambda: outcome.update(zip(("status", "seconds"),
                                                                  post_csv(server, target.slug, target.token, body))))
    importer.start()
    time.sleep(LEAD)  # the upload is in and the import is running
    busy = measure(server, path(bench, SMALL), window, cfg.connections, small.token)
    importer.join()
    ratio = busy.p99_ms / rest_p99 if rest_p99 else 0.0
    overlap = min(1.0, max(0.0, outcome.get("seconds", 0) - LEAD) / max(window, busy.seconds))
    bench.add("S5", f"small tenant p99 during a {cfg.import_rows:,}-row import vs at rest", round(ratio, 3),
              f"≤ {GOAL}", ratio <= GOAL and outcome.get("status") == 201, import_status=outcome.get("status"),
              import_seconds=round(outcome.get("seconds", 0), 2), window_overlap=round(overlap, 2),
              busy=busy.as_dict(), at_rest_p99_ms=round(rest_p99, 3))
    memory(bench, server, background.pid)


def memory(bench, server, pid):
    """S5m: the worker's resident memory while it imports a file of 50 MB (quick: 10 MB)."""
    megabytes = 10 if bench.cfg.quick else 50
    rows = data.people(random.Random(bench.cfg.seed + 55), 10 ** 7, "memory.example")
    first = data.csv_bytes([next(rows)])
    per_row = max(1, len(first) - len(first.split(b"\n", 1)[0]) - 1)
    body = data.csv_bytes(data.people(random.Random(bench.cfg.seed + 55), megabytes * 2 ** 20 // per_row,
                                      "memory.example"))
    target = bench.new_tenant("memory-importer")
    before = rss_mb(pid)
    with RssSampler(pid) as sampler:
        status, seconds = post_csv(server, target.slug, target.token, body)
    growth = sampler.peak - before
    bench.add("S5m", f"worker memory growth importing a {len(body) / 2 ** 20:.0f} MB CSV", round(growth, 1),
              "≤ 200 MB", growth <= 200 and status == 201, unit="MB", import_status=status,
              import_seconds=round(seconds, 2), rss_before_mb=round(before, 1), rss_peak_mb=round(sampler.peak, 1))
