"""Webhook benchmarks, on a throw-away database (SQLite, or with --postgresql
a throw-away PostgreSQL database and the queue on Redis, as bench_mail):

    python -m bench.bench_webhooks [--events 10000] [--requests 300] [--postgresql]

S12: N events fanned out to 3 endpoints on a local receiver (a threaded HTTP
server answering 204) by a worker process: deliveries/s, all N×3 counted.
S13: a request that emits an event (`POST /employees`: employee.created) with
3 endpoints subscribed vs the same with none: alternating rounds in process,
the ratio of the 99th percentiles (the delivery is the worker's, never the
request's). Prints one JSON line per scenario.
"""
import argparse
import json
import os
import statistics
import threading
import time
from contextlib import contextmanager, nullcontext
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.bench_mail import production_like
from bench.database import scratch_app
from bench.worker import worker

ENDPOINTS = 3


class Receiver(ThreadingHTTPServer):
    """Counts the POSTs it gets (any path), answering 204."""

    daemon_threads = True

    def __init__(self):
        self.count, self.first, self.last, self.lock = 0, None, None, threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with server.lock:
                    server.count += 1
                    server.last = time.monotonic()
                    server.first = server.first or server.last
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@contextmanager
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()


def _operator(client):
    from hrbpo.core.auth.services import create_operator

    create_operator("ops@bench-hooks.test", "bench-password-1234")
    token = client.post("/api/v1/auth/token", json={"email": "ops@bench-hooks.test",
                                                     "password": "bench-password-1234"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _subscribe(client, auth, slug, url) -> list[str]:
    ids = []
    for n in range(ENDPOINTS):
        r = client.post(f"/api/v1/tenants/{slug}/webhooks", headers=auth,
                        json={"url": f"{url}/hook{n}", "events": ["*"]})
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["id"])
    return ids


def s13(app, client, auth, url, requests: int) -> dict:
    """Hiring with 3 endpoints subscribed vs none: p99 ratio over alternating rounds."""
    for slug in ("bench-hooks", "bench-quiet"):
        client.post("/api/v1/tenants", json={"slug": slug, "name": slug}, headers=auth)
    _subscribe(client, auth, "bench-hooks", url)
    counter = iter(range(10 ** 9))

    def hire(slug) -> float:
        n = next(counter)
        start = time.perf_counter()
        r = client.post(f"/api/v1/tenants/{slug}/employees", headers=auth, json={
            "first_name": "New", "last_name": f"Hire{n}", "email": f"hire{n}@{slug}.test",
            "hire_date": time.strftime("%Y-%m-%d")})
        assert r.status_code == 201, r.get_json()
        return time.perf_counter() - start

    for slug in ("bench-hooks", "bench-quiet"):
        [hire(slug) for _ in range(20)]  # warm both paths
    times = {"bench-hooks": [], "bench-quiet": []}
    per = max(10, requests // 12)
    for i in range(6):
        for slug in (("bench-hooks", "bench-quiet") if i % 2 == 0 else ("bench-quiet", "bench-hooks")):
            times[slug] += [hire(slug) for _ in range(per)]
    p99 = {slug: statistics.quantiles(t, n=100)[98] for slug, t in times.items()}
    return {"id": "S13", "ratio": round(p99["bench-hooks"] / p99["bench-quiet"], 3),
            "p99_ms": {k: round(v * 1000, 2) for k, v in p99.items()}, "requests_each": len(times["bench-quiet"])}


def s12(app, client, auth, server, url, events: int) -> dict:
    """N events × 3 endpoints through a worker process to the local receiver."""
    from hrbpo.core import tenancy
    from hrbpo.core.db import db
    from hrbpo.core.tenants.models import Tenant
    from hrbpo.core.webhooks.events import emit

    client.post("/api/v1/tenants", json={"slug": "bench-fanout", "name": "Fan-out"}, headers=auth)
    _subscribe(client, auth, "bench-fanout", url)
    server.count, server.first = 0, None
    with tenancy.all_tenants():
        tenant = db.session.query(Tenant).filter(Tenant.slug == "bench-fanout").one()
    with tenancy.tenant_context(tenant):
        for i in range(events):
            emit("employee.updated", {"employee_id": f"bench-{i}", "changed": ["department"]},
                 resource=f"employee:bench-{i}")
        db.session.commit()
    wanted = events * ENDPOINTS
    env = {k: v for k, v in os.environ.items() if k.startswith("HRBPO_")}
    with worker({**env, "HRBPO_WEBHOOKS_ALLOW_PRIVATE": "1"}, threads=4):
        deadline = time.monotonic() + 1800
        while server.count < wanted and time.monotonic() < deadline:
            time.sleep(0.2)
    elapsed = (server.last - server.first) if server.count > 1 else None
    return {"id": "S12", "events": events, "endpoints": ENDPOINTS, "delivered": server.count,
            "deliveries_per_s": round(server.count / elapsed, 1) if elapsed else None}


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.bench_webhooks")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--postgresql", action="store_true", help="PostgreSQL and Redis instead of SQLite files")
    args = parser.parse_args()
    os.environ["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = "1"  # the receiver is on loopback
    with production_like() if args.postgresql else nullcontext():
        with scratch_app("hooks") as app, receiver() as server:
            app.config["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = True
            url = f"http://127.0.0.1:{server.server_address[1]}"
            client = app.test_client()
            auth = _operator(client)
            # S12 first: S13's requests emit events too, which no worker delivers afterwards.
            print(json.dumps(s12(app, client, auth, server, url, args.events)), flush=True)
            print(json.dumps(s13(app, client, auth, url, args.requests)), flush=True)
            from hrbpo.core import queue

            queue.huey().storage.flush_all()  # this run's keys only


if __name__ == "__main__":
    main()
