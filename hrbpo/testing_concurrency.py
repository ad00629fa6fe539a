"""Test kit for races (fixtures re-exported by hrbpo.testing).

- `live_server`: the test app served over HTTP on a free localhost port by a
  threaded werkzeug server, so concurrent requests really overlap (each one
  its own thread, app context, session and database connection).
  `live_server.request(method, path, token=…, json=…, headers=…)` →
  `LiveResponse(status, headers, json)`.
- `at_once(*calls)`: runs the calls in threads released together by a barrier;
  returns their results in order (an exception in a call is raised).
"""
import json as jsonlib
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server


@dataclass
class LiveResponse:
    status: int
    headers: dict
    json: object


class LiveServer:
    def __init__(self, base_url):
        self.base_url = base_url

    def request(self, method, path, token=None, json=None, headers=None) -> LiveResponse:
        sent = {"Authorization": f"Bearer {token}"} if token else {}
        data = None
        if json is not None:
            data, sent["Content-Type"] = jsonlib.dumps(json).encode(), "application/json"
        sent.update(headers or {})
        call = urllib.request.Request(self.base_url + path, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(call, timeout=60) as response:
                return _read(response, response.status)
        except urllib.error.HTTPError as error:
            return _read(error, error.code)


def _read(response, status) -> LiveResponse:
    body = response.read()
    return LiveResponse(status, dict(response.headers), jsonlib.loads(body) if body else None)


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(5)
    server.server_close()


def at_once(*calls) -> list:
    """Run `calls` in threads started together; their results, in order."""
    barrier, results, errors = threading.Barrier(len(calls)), [None] * len(calls), []

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except BaseException as exc:  # handed to the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
