"""Gunicorn on 127.0.0.1 for the app and the references, and the CPU time
its processes (and the database's backends) spend."""
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.database import NAME, ROOT

TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def cpu(self) -> float:
        """CPU seconds used so far by gunicorn (master and workers)."""
        return sum(_cpu(pid) for pid in _tree(self.process.pid))


@contextmanager
def gunicorn(name: str, target: str, env: dict, workers: int, threads: int, probe: str = "/healthz"):
    """Run `target` (module:callable) under gunicorn with gthread workers.

    Each worker takes at most threads + 1 connections: otherwise the first
    worker to wake accepts all of the load's few keep-alive connections, and a
    third of the measurements ran on one process, one core, at half the
    throughput (the + 1 leaves room for S5's import beside its load)."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT),
           "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
           "--worker-connections", str(threads + 1), "--timeout", "600", "--log-level", "warning", target]
    process = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=ROOT)
    server = Server(name, port, process)
    try:
        _wait_ready(server, probe)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(server: Server, probe: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn for {server.name} exited with {server.process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
            conn.request("GET", probe)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn for {server.name} did not answer {probe} in {timeout}s")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()  # fields from state onwards


def _cpu(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICK if fields else 0.0  # utime + stime


def _tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields:
                parents[int(entry)] = int(fields[1])
    pids, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        pids += frontier
    return pids


def database_cpu() -> float:
    """CPU seconds of the PostgreSQL backends connected to the bench database."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmdline.startswith("postgres: ") and f" {NAME} " in cmdline:
            total += _cpu(int(entry))
    return total
