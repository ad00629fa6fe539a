"""`flask hrbpo worker` as a separate process for the benchmarks, and its memory."""
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench.database import ROOT


@contextmanager
def worker(env: dict, threads: int = 2):
    """A worker process with `env` (the app's environment); stopped on exit."""
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "hrbpo", "worker", "--threads",
                                str(threads)], cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)  # its app is built and its first sweep done
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssSampler:
    """Samples a process's resident memory in the background (`peak`, `samples`)."""

    def __init__(self, pid: int, every: float = 0.2):
        import threading

        self.pid, self.every, self.samples = pid, every, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.samples.append((time.monotonic(), rss_mb(self.pid)))
            except OSError:
                return
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> float:
        return max((mb for _, mb in self.samples), default=0.0)
