"""The README's test command is what CI runs, and a fresh clone collects tests with it."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_verbatim():
    test_commands = [c for c in _readme_commands() if "pytest" in c and "pip install" in c]
    assert len(test_commands) == 1, test_commands
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert test_commands[0] in ci


def test_no_conftest_skips_at_import():
    """A Skipped raised while a conftest loads ends pytest's whole collection:
    the README's command would then run 0 tests (it did, for the example module)."""
    offenders = []
    for conftest in ROOT.glob("**/conftest.py"):
        if any(part in {".git", "build", "node_modules"} or part.startswith(".venv") for part in conftest.parts):
            continue
        for node in ast.parse(conftest.read_text(encoding="utf-8")).body:
            call = node.value if isinstance(node, ast.Expr) else getattr(node, "value", None)
            if isinstance(call, ast.Call) and getattr(call.func, "attr", "") in ("importorskip", "skip"):
                offenders.append(f"{conftest.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders
