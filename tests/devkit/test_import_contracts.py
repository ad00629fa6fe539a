"""The core's structure holds: the import-linter contracts in .importlinter
(layers without cycles, plugins through the facade) are kept, and imports
inside functions (the usual patch over a cycle) stay rare."""
import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_FUNCTION_LEVEL_IMPORTS = 10


def test_import_contracts_are_kept():
    """As `lint-imports` (the command import-linter installs) in a process of its own."""
    run = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                          "sys.exit(lint_imports(config_filename='.importlinter', no_cache=True, no_logo=True))"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr  # names each import that breaks a contract


def _function_level_imports(path: Path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.level or (inner.module or "").startswith("hrbpo")):
                    yield f"{path.relative_to(ROOT)}:{inner.lineno}"
                elif isinstance(inner, ast.Import) and any(a.name.startswith("hrbpo") for a in inner.names):
                    yield f"{path.relative_to(ROOT)}:{inner.lineno}"


def test_core_imports_at_module_level():
    found = sorted({place for path in (ROOT / "hrbpo" / "core").rglob("*.py")
                    for place in _function_level_imports(path)})
    assert len(found) <= MAX_FUNCTION_LEVEL_IMPORTS, os.linesep.join(found)
