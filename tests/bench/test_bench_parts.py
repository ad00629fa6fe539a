"""The bench's own parts that decide its figures: deterministic data and
reading wrk's report."""
import random

from bench import data
from bench.load import alternating, parse_wrk

WRK = """Running 4s test @ http://127.0.0.1:5000/healthz
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.20ms  30.00ms   90.00%
  Latency Distribution
     50%  850.00us
     75%    1.50ms
     90%    3.00ms
     99%    1.20s
  6471 requests in 4.03s, 1.20MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1606.08
Transfer/sec:    300.00KB
"""


def test_wrk_report_is_read_with_units_and_errors():
    result = parse_wrk(WRK)
    assert (result.requests, result.seconds, result.rps, result.errors) == (6471, 4.03, 1606.08, 3)
    assert result.p50_ms == 0.85 and result.p99_ms == 1200.0


def test_data_is_deterministic_and_unique():
    first = list(data.people(random.Random(7), 500, "x.example"))
    assert first == list(data.people(random.Random(7), 500, "x.example"))
    assert len({p["email"] for p in first}) == 500
    ids = data.Ids(random.Random(7))
    a, b = ids(), ids()
    assert a.version == 7 and a < b
    assert data.csv_bytes(first[:2]).decode().splitlines()[0] == ",".join(data.COLUMNS)


def test_alternating_rounds_reverse_the_order_every_other_round():
    ran = []
    rounds = alternating({"a": lambda: ran.append("a") or 1, "b": lambda: ran.append("b") or 2}, 3)
    assert ran == ["a", "b", "b", "a", "a", "b"]
    assert rounds == [{"a": 1, "b": 2}] * 3
