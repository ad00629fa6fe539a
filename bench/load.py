"""Bounded HTTP load: wrk when present (installed with apt-get when missing
and possible), else a keep-alive client on Python threads. Both run for a
fixed duration over a fixed number of connections against 127.0.0.1."""
import http.client
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import asdict, dataclass

from bench.server import Server, database_cpu

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_wrk = None


@dataclass
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    app_cpu_ms: float = 0.0  # gunicorn CPU per request
    db_cpu_ms: float = 0.0   # PostgreSQL backend CPU per request

    @property
    def cpu_ms(self):
        return self.app_cpu_ms + self.db_cpu_ms

    def as_dict(self):
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()} | {
            "cpu_ms": round(self.cpu_ms, 3)}


def wrk_path() -> str | None:
    global _wrk
    if _wrk is None:
        _wrk = shutil.which("wrk") or ""
        if not _wrk and shutil.which("apt-get") and os.geteuid() == 0 and not os.environ.get("HRBPO_BENCH_NO_APT"):
            print("bench: installing wrk with apt-get …", flush=True)
            if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True).returncode:
                subprocess.run(["apt-get", "update", "-q"], capture_output=True)
                subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True)
            _wrk = shutil.which("wrk") or ""
    return _wrk or None


_warm = set()


def measure(server: Server, path: str, duration: float, connections: int, token: str | None = None,
            warmup: float = 0.0) -> LoadResult:
    """Load `path` for `duration` seconds; CPU is what the server and the
    database spent during that window, per request."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if warmup and (server.name, server.port, path) not in _warm:  # once per server and path: later rounds find it warm
        _run(server, path, headers, warmup, connections)
        _warm.add((server.name, server.port, path))
    app0, db0 = server.cpu(), database_cpu()
    result = _run(server, path, headers, duration, connections)
    if result.errors:
        raise RuntimeError(f"{server.name} answered {result.errors} of {result.requests} requests to {path} with errors")
    if result.requests:
        result.app_cpu_ms = (server.cpu() - app0) * 1000 / result.requests
        result.db_cpu_ms = (database_cpu() - db0) * 1000 / result.requests
    return result


def alternating(loads: dict, rounds: int) -> list[dict]:
    """Run every load (name -> a callable returning a LoadResult) once per
    round, in reverse order every other round (A B, B A, A B, …), and return
    each round's results by name. The machine's speed drifts; short rounds
    in alternating order make a slow spell fall on both sides of a
    comparison, and a median of the rounds' ratios drops the rounds it split."""
    names, out = list(loads), []
    for n in range(rounds):
        out.append({name: loads[name]() for name in (names if n % 2 == 0 else names[::-1])})
    return out


def _run(server, path, headers, duration, connections) -> LoadResult:
    wrk = wrk_path()
    if wrk:
        return _wrk_run(wrk, server.url(path), headers, duration, connections)
    return _python_run(server.port, path, headers, duration, connections)


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()
    return float(number) * _UNITS[unit]


def _wrk_run(wrk, url, headers, duration, connections) -> LoadResult:
    cmd = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "30s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    return parse_wrk(subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout)


def parse_wrk(out: str) -> LoadResult:
    """wrk's report (run with --latency) as a LoadResult."""
    requests, seconds = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).groups()[:2]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return LoadResult(
        requests=int(requests), seconds=float(seconds), rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        p99_ms=_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        errors=(int(errors.group(1)) if errors else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    )


def _python_run(port, path, headers, duration, connections) -> LoadResult:
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + duration

    def client():
        conn, mine, bad = http.client.HTTPConnection("127.0.0.1", port, timeout=30), [], 0
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                bad += response.status >= 400
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0  # noqa: E731
    return LoadResult(len(latencies), elapsed, len(latencies) / elapsed, pick(0.50), pick(0.99), errors[0])
