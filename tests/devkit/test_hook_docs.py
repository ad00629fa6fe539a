"""The hook reference: complete docstrings, rendered into docs/plugins.md."""
import importlib.util
import inspect
from pathlib import Path

import pytest

from hrbpo.core.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("render_hook_docs", ROOT / "scripts" / "render_hook_docs.py")
render_hook_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(render_hook_docs)
HOOKS = [fn for _, fn in render_hook_docs.hooks()]


def test_every_hookspec_is_found_in_its_group():
    declared = {name for name, fn in vars(hookspecs).items() if hasattr(fn, "hrbpo_spec")}
    assert {fn.__name__ for fn in HOOKS} == declared
    assert all(group for group, _ in render_hook_docs.hooks())


@pytest.mark.parametrize("hook", HOOKS, ids=lambda fn: fn.__name__)
def test_hook_docstring_is_complete(hook):
    summary, fields = render_hook_docs.fields(hook.__doc__ or "")
    assert summary, "a one-line summary first"
    wanted = {"When", "Returns", "Per tenant"} | ({"Arguments"} if inspect.signature(hook).parameters else set())
    assert wanted <= set(fields), f"{hook.__name__} lacks {wanted - set(fields)}"
    for name in inspect.signature(hook).parameters:
        assert f"`{name}`" in fields.get("Arguments", ""), f"{hook.__name__}: argument {name} is not described"


def test_docs_plugins_md_is_up_to_date():
    text = render_hook_docs.DOC.read_text()
    assert render_hook_docs.updated(text) == text, "run: python scripts/render_hook_docs.py"
    for hook in HOOKS:
        assert f"#### `{hook.__name__}(" in text
