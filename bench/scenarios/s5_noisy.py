"""S5 noisy neighbour: the small tenant's list p99 while a big tenant imports
a CSV through the API (same gunicorn), vs the same p99 at rest. The busy
window lasts as long as an import takes (timed by a first import)."""
import http.client
import random
import statistics
import threading
import time

from bench import data
from bench.context import SMALL
from bench.load import measure
from bench.scenarios.s2_list import path

GOAL = 2.0
LEAD = 0.3  # seconds between starting the import and measuring
BOUNDARY = "hrbpo-bench-boundary"


def post_csv(server, slug, token, body: bytes) -> tuple[int, float]:
    payload = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n"
               f"Content-Type: text/csv\r\n\r\n").encode() + body + f"\r\n--{BOUNDARY}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=900)
    start = time.perf_counter()
    conn.request("POST", f"/api/v1/tenants/{slug}/employees/import", body=payload, headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - start


def run(bench, at_rest=None):
    """`at_rest`: the small tenant's list measurements from S4 (else measured here)."""
    cfg, server, small = bench.cfg, bench.server("app"), bench.tenant(SMALL)
    if not at_rest:
        at_rest = [measure(server, path(bench, SMALL), cfg.duration, cfg.connections, small.token, cfg.warmup)]
    rest_p99 = statistics.median(r.p99_ms for r in at_rest)
    body = data.csv_bytes(data.people(random.Random(cfg.seed + 5), cfg.import_rows, "noisy.example"))
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
