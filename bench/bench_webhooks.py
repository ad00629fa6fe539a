"""Webhook benchmarks, on a throw-away database (SQLite, or HRBPO_DATABASE_URL):

    python -m bench.bench_webhooks [--requests 600] [--events 10000] [--postgresql]

With --postgresql: a throw-away PostgreSQL database and the queue on Redis,
as in production (see bench.bench_mail).

S11: a request that emits an event (adding an employee: `employee.created`)
in a tenant with 3 subscribed endpoints vs the same request in a tenant with
none: alternating rounds in process, p99 and median ratios.
S12: N events fanned out to 3 endpoints (written in one transaction),
delivered by a worker process to a local HTTP receiver: deliveries/s.
Prints one JSON line per scenario.
"""
import argparse
import http.server
import json
import os
import statistics
import threading
import time
from contextlib import contextmanager, nullcontext

import sqlalchemy as sa

from bench.bench_mail import production_like
from bench.database import scratch_app
from bench.worker import worker
from hrbpo.core import queue, tenancy
from hrbpo.core.auth.services import create_operator
from hrbpo.core.db import db
from hrbpo.core.tenants.services import create_tenant
from hrbpo.core.webhooks import services
from hrbpo.core.webhooks.events import emit
from hrbpo.core.webhooks.models import WebhookDelivery

ENDPOINTS = 3


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
        server = self.server
        if not self.path.startswith("/fan/"):
            return  # S11's deliveries, sent by S12's worker as well
        with server.lock:
            server.count += 1
            server.last = time.monotonic()
            server.first = server.first or server.last

    def log_message(self, *args):
        pass


@contextmanager
def receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads, server.count, server.first, server.last = True, 0, None, None
    server.lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _p99(samples):
    return statistics.quantiles(samples, n=100)[98]


def s11(app, url: str, requests: int) -> dict:

    client = app.test_client()
    create_operator("ops@bench-hooks.test", "bench-password-1234")
    token = client.post("/api/v1/auth/token", json={"email": "ops@bench-hooks.test",
                                                     "password": "bench-password-1234"}).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    for slug in ("hooked", "plain"):
        assert client.post("/api/v1/tenants", json={"slug": slug, "name": slug}, headers=auth).status_code == 201
    for i in range(ENDPOINTS):
        r = client.post("/api/v1/tenants/hooked/webhooks", headers=auth,
                        json={"url": f"{url}/{i}", "events": ["employee.created"]})
        assert r.status_code == 201, r.get_json()
    counter = iter(range(10 ** 9))

    def timed(slug, n):
        out = []
        for _ in range(n):
            k = next(counter)
            start = time.perf_counter()
            r = client.post(f"/api/v1/tenants/{slug}/employees", headers=auth, json={
                "first_name": "New", "last_name": f"Hire{k}", "email": f"hire{k}@{slug}.test",
                "hire_date": time.strftime("%Y-%m-%d")})
            out.append(time.perf_counter() - start)
            assert r.status_code == 201, r.get_json()
        return out

    timed("hooked", 20), timed("plain", 20)  # warm both paths
    samples, per = {"hooked": [], "plain": []}, max(10, requests // 12)
    for i in range(6):
        for slug in (("hooked", "plain") if i % 2 == 0 else ("plain", "hooked")):
            samples[slug] += timed(slug, per)
    p99 = {k: _p99(v) for k, v in samples.items()}
    median = {k: statistics.median(v) for k, v in samples.items()}
    return {"id": "S11", "p99_ratio": round(p99["hooked"] / p99["plain"], 3),
            "median_ratio": round(median["hooked"] / median["plain"], 3),
            "p99_ms": {k: round(v * 1000, 2) for k, v in p99.items()}, "requests_each": len(samples["plain"])}


def s12(app, url: str, events: int, server) -> dict:

    tenant = create_tenant("bench-fanout", "Bench Fan-out")
    with tenancy.tenant_context(tenant):
        for i in range(ENDPOINTS):
            services.create_endpoint({"url": f"{url}/fan/{i}", "events": ["*"]})
        db.session.commit()
        started = time.perf_counter()
        for i in range(events):
            emit("employee.updated", {"id": f"bench-{i}", "changed": ["job_title"]}, resource=f"employee:{i % 500}")
        db.session.commit()
        written = time.perf_counter() - started
    expected = events * ENDPOINTS
    env = {k: v for k, v in os.environ.items() if k.startswith("HRBPO_")}
    with worker(env, threads=4):
        deadline = time.monotonic() + 1800
        while server.count < expected and time.monotonic() < deadline:
            time.sleep(0.2)
    delivered = server.count
    elapsed = server.last - server.first if delivered > 1 else None
    with tenancy.tenant_context(tenant):
        states = dict(db.session.execute(sa.select(WebhookDelivery.status, sa.func.count())
                                         .group_by(WebhookDelivery.status)).all())
        retried = db.session.scalar(sa.select(sa.func.count()).where(WebhookDelivery.attempts > 1))
        db.session.rollback()
    return {"id": "S12", "events": events, "endpoints": ENDPOINTS, "requests": delivered, "states": states,
            "retried": retried,
            "deliveries_per_s": round(delivered / elapsed, 1) if elapsed else None,
            "emit_us_per_event": round(written / events * 1e6, 1)}


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.bench_webhooks")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--postgresql", action="store_true", help="PostgreSQL and Redis instead of SQLite files")
    args = parser.parse_args()
    os.environ["HRBPO_WEBHOOKS_ALLOW_PRIVATE"] = "1"  # the receiver is on this machine
    with production_like() if args.postgresql else nullcontext(), scratch_app("webhooks") as app, \
            receiver() as server:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        print(json.dumps(s11(app, url, args.requests)), flush=True)
        print(json.dumps(s12(app, url, args.events, server)), flush=True)
        queue.huey().storage.flush_all()  # this run's keys only


if __name__ == "__main__":
    main()
