"""The service-level microbenchmark's case and its run (a smoke test: the figure is not judged)."""
from bench import bench_sla


def test_the_benchmarked_history_is_a_year_of_stops_and_restarts_in_order():
    changes = bench_sla.history(300)
    assert changes == bench_sla.history(300) and len(changes) == 600
    assert [status == "open" for _, status in changes] == [False, True] * 300
    assert [at for at, _ in changes] == sorted(at for at, _ in changes)
    assert 300 < (changes[-1][0] - bench_sla.OPENED).days < 430


def test_the_benchmark_runs_and_reports(capsys):
    assert bench_sla.main(["--intervals", "5", "--repeat", "1"]) > 0
    assert "service levels from the whole history" in capsys.readouterr().out
