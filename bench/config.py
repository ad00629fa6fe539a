"""Sizes and load settings for the quick and the full run (all overridable)."""
from dataclasses import dataclass, field


@dataclass
class Config:
    quick: bool
    # Tenant counts the database grows through; S2 is measured at each stage.
    stages: list = field(default_factory=lambda: [10])
    big_employees: int = 20_000        # the skewed tenant (S4, S8)
    small_employees: int = 500         # the typical tenant (S2, S4, S5, S8)
    filler_employees: int = 100        # every other tenant
    max_employees: int = 1_000_000     # total cap: filler tenants shrink to fit
    import_rows: int = 20_000          # S6 and the import in S5
    export_rows: int = 500             # S7 (its scripts seed row by row)
    duration: float = 3.0              # seconds of load per measurement (wrk: whole seconds)
    warmup: float = 0.5
    connections: int = 4
    workers: int = 2                   # gunicorn --workers
    threads: int = 2                   # gunicorn --threads (gthread)
    rounds: int = 4                    # alternating rounds (S1, S2, S4, S8: bench.load.alternating)
    per_page: int = 50
    seed: int = 20240601
    only: set = field(default_factory=set)

    @classmethod
    def make(cls, quick: bool, **overrides):
        if quick:
            base = cls(quick=True)
        else:
            base = cls(quick=False, stages=[10, 1_000, 10_000], big_employees=100_000, import_rows=100_000,
                       export_rows=10_000, duration=6.0, warmup=1.0, rounds=8)
        for key, value in overrides.items():
            if value is not None:
                setattr(base, key, value)
        return base
