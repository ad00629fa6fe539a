"""hrbpo benchmarks: `python -m bench` (full) or `python -m bench --quick`.

Every scenario reports a ratio against a reference measured in the same run,
because absolute numbers on a shared machine vary by 2×. See docs/benchmarks.md.
"""
