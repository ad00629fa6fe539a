"""One module per scenario, each with `run(bench)` adding result rows."""
