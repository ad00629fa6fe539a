"""`flask hrbpo new-plugin NAME`: write a new, installable hrbpo module.

The files under `template/` are `string.Template`s (`${name}`, `${title}`,
...; `$$` for a literal dollar). In paths, the folder `package` becomes
`hrbpo_<name>` and `module` becomes `<name>`; the `.txt` suffix is dropped so
the templates are neither imported nor collected as tests here.
"""
import keyword
import re
import uuid
from datetime import datetime, timezone
from importlib.util import find_spec
from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).parent / "template"
NAME = re.compile(r"[a-z][a-z0-9_]{1,29}\Z")
# Names core already uses in URLs, permissions or blueprints.
RESERVED = {"api", "audit", "auth", "core", "employees", "files", "hrbpo", "modules", "ops", "people", "portal",
            "settings", "static", "tenant", "tenants", "users"}


class ScaffoldError(Exception):
    pass


def check_name(name: str, installed: set[str]) -> None:
    """Refuse a name that cannot be a module name, saying what to use instead."""
    if not NAME.match(name):
        raise ScaffoldError(
            f"{name!r} is not a valid module name: use 2-30 lowercase letters, digits or underscores, starting "
            "with a letter (it becomes the Python package hrbpo_<name>, the URL segment and the table prefix), "
            "e.g. timeoff or payroll_export.")
    if keyword.iskeyword(name) or name in RESERVED:
        raise ScaffoldError(f"{name!r} is a Python keyword or a name hrbpo uses itself; choose another name.")
    if name in installed:
        raise ScaffoldError(f"A module named {name!r} is already installed (see `flask hrbpo plugins`); "
                            "choose another name.")
    if find_spec(f"hrbpo_{name}") is not None:
        raise ScaffoldError(f"A Python package hrbpo_{name} is already installed; choose another name.")


def scaffold(name: str, target: Path, core_revision: str, installed: set[str]) -> list[Path]:
    """Write the plugin project for `name` into `target`; return the files written."""
    check_name(name, installed)
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"{target} exists and is not empty; pass --path with a new folder.")
    revision = uuid.uuid4().hex[:12]
    values = {
        "name": name,
        "title": name.replace("_", " ").title(),
        "revision": revision,
        "core_revision": core_revision,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
    }
    written = []
    for source in sorted(p for p in TEMPLATE.rglob("*.txt") if p.is_file()):
        relative = source.relative_to(TEMPLATE).with_suffix("")
        parts = [f"hrbpo_{name}" if part == "package" else name if part == "module" else part
                 for part in relative.parts]
        if parts[-1] == "first_revision.py":
            parts[-1] = f"{revision}_{name}_tables.py"
        out = target.joinpath(*parts)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(Template(source.read_text()).substitute(values))
        written.append(out)
    return written
