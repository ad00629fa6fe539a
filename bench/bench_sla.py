"""Time the service-level engine: the due time of a case with a year of history.

    python -m bench.bench_sla [--intervals 300] [--repeat 7]

Pure Python, no database: a Europe/Oslo calendar (Monday to Friday 08:00–11:30 and 12:00–16:00,
Norway's public holidays and two of the tenant's own), a case opened on 5 January 2026 and
`--intervals` stop/start pairs of its resolution clock spread over the following year (pending or
resolved, then open again; fixed seed). Reports the median of `--repeat` rounds, each the mean
CPU time per call over a batch, for:

- the case's service levels from its whole history (`sla.service_levels`), with the calendar
  already in use, and with the calendar parsed from its JSON first (as a request that loads the
  tenant's calendar does: its yearly tables are built on first use);
- one restart of a stopped clock (`sla.restarted_due`), what the plugin calls on reopening;
- one due time 8,760 business hours out (`sla.add`), the longest target the contract allows.

The goal (issue 21) is ≤ 1 ms for the first figure. Reported, never asserted: the machine's speed
drifts (docs/benchmarks.md).
"""
import argparse
import random
import statistics
import time
from datetime import datetime, timedelta, timezone

from hrbpo.plugins.servicedesk import sla
from hrbpo.plugins.servicedesk.business_calendar import parse_calendar

CALENDAR = {
    "business_hours": {day: [["08:00", "11:30"], ["12:00", "16:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holidays_country": "NO", "holidays": ["2026-12-24", "2026-12-31"]}
ZONE = "Europe/Oslo"
OPENED = datetime(2026, 1, 5, 8, 30, tzinfo=timezone.utc)
GOAL_MS = 1.0


def history(intervals: int, seed: int = 21) -> list[tuple[datetime, str]]:
    """`intervals` stop/start pairs over a year, at random instants (in and out of hours)."""
    rng, step = random.Random(seed), timedelta(days=365) / (2 * intervals)
    changes, at = [], OPENED
    for _ in range(intervals):
        at += step * rng.uniform(0.2, 1.8)
        changes.append((at, rng.choice(("pending", "pending", "resolved"))))
        at += step * rng.uniform(0.2, 1.8)
        changes.append((at, "open"))
    return changes


def timed(work, batch: int, repeat: int) -> float:
    """Median over `repeat` rounds of the mean CPU milliseconds per call in a batch (CPU time, so
    that other processes on the machine's cores count less)."""
    rounds = []
    for _ in range(repeat):
        began = time.process_time()
        for _ in range(batch):
            work()
        rounds.append((time.process_time() - began) / batch * 1000)
    return statistics.median(rounds)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.bench_sla")
    parser.add_argument("--intervals", type=int, default=300, help="stop/start pairs in the case's year")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    changes = history(args.intervals)
    now = changes[-1][0] + timedelta(hours=1)
    first, resolution = sla.target(4), sla.target(200)
    calendar = parse_calendar(CALENDAR, ZONE)

    def levels(cal=calendar):
        return sla.service_levels(cal, OPENED, first, resolution, changes, now)

    found = levels()  # warms the process-wide zone table and holiday cache, as a running worker has them
    warm = timed(levels, 50, args.repeat)
    fresh = timed(lambda: levels(parse_calendar(CALENDAR, ZONE)), 50, args.repeat)
    restart = timed(lambda: sla.restarted_due(calendar, found.resolution_due_at, changes[-2][0], changes[-1][0]),
                    500, args.repeat)
    longest = timed(lambda: sla.add(calendar, OPENED, sla.target(8760)), 500, args.repeat)

    print(f"case opened {OPENED:%Y-%m-%d}, {args.intervals} stop/start intervals until {changes[-1][0]:%Y-%m-%d}; "
          f"resolution due {found.resolution_due_at:%Y-%m-%d %H:%M}Z")
    print(f"service levels from the whole history: {warm:.3f} ms (calendar in use), "
          f"{fresh:.3f} ms (calendar parsed first); goal ≤ {GOAL_MS} ms: {'met' if warm <= GOAL_MS else 'missed'}")
    print(f"restart of a stopped clock: {restart * 1000:.1f} µs; due time 8,760 business hours out: {longest * 1000:.1f} µs")
    return warm


if __name__ == "__main__":
    main()
