"""Modules import only `hrbpo.plugin_api` from hrbpo (and their own package):
everything else in core is private, so a core refactor cannot break them."""
import ast
import re
from pathlib import Path

import pytest

import hrbpo.plugin_api

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = sorted(p for p in (ROOT / "hrbpo" / "plugins").iterdir() if (p / "__init__.py").exists())
SCAFFOLD = ROOT / "hrbpo" / "core" / "plugins" / "scaffold" / "template"
PACKAGES = [(p, f"hrbpo.plugins.{p.name}") for p in PLUGINS] + [
    (ROOT / "examples" / "hrbpo-timeoff", "hrbpo_timeoff"), (SCAFFOLD, "hrbpo_${name}")]


def _imports(path: Path):
    source = path.read_text()
    if path.suffix == ".txt":
        source = re.sub(r"\$\{(\w+)\}", r"__\1__", source)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)


def _foreign(module: str, own: str) -> bool:
    own = own.replace("${name}", "__name__")
    top = module.split(".")[0]
    if not (top == "hrbpo" or top.startswith("hrbpo_")):
        return False
    return not (module == "hrbpo.plugin_api" or module.startswith("hrbpo.plugin_api.")
                or module == own or module.startswith(own + "."))


@pytest.mark.parametrize("folder, own", PACKAGES, ids=[own for _, own in PACKAGES])
def test_a_module_imports_only_the_plugin_api_from_hrbpo(folder, own):
    files = [p for p in folder.rglob("*") if p.suffix == ".py" or p.name.endswith(".py.txt")]
    assert files
    reaching = [f"{path.relative_to(ROOT)}:{line} imports {module}"
                for path in files for line, module in _imports(path) if _foreign(module, own)]
    assert not reaching, "import these from hrbpo.plugin_api instead:\n" + "\n".join(reaching)


def test_every_public_name_exists_and_is_listed_once():
    names = hrbpo.plugin_api.__all__
    assert len(names) == len(set(names))
    assert all(hasattr(hrbpo.plugin_api, name) for name in names)
    assert hrbpo.plugin_api.CORE_API_VERSION
