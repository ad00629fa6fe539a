"""`flask hrbpo new-plugin`: names are checked, and what it writes installs,
migrates and passes its own tests (CI proves the whole path here)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import hrbpo
from hrbpo.core.plugins.scaffold import ScaffoldError, check_name, scaffold

HRBPO_ROOT = str(Path(hrbpo.__file__).resolve().parents[1])


@pytest.mark.parametrize("name, message", [
    ("Timeoff", "not a valid module name"),
    ("time-off", "not a valid module name"),
    ("9lives", "not a valid module name"),
    ("x", "not a valid module name"),
    ("class", "Python keyword"),
    ("employees", "a name hrbpo uses itself"),
    ("recruitment", "already installed"),
])
def test_bad_names_are_refused_with_a_reason(name, message):
    with pytest.raises(ScaffoldError, match=message):
        check_name(name, installed={"recruitment"})


def test_good_name_passes():
    check_name("payroll_export", installed={"recruitment"})


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ScaffoldError, match="not empty"):
        scaffold("payroll_export", tmp_path, "abc", installed=set())


def test_writes_a_complete_package(tmp_path):
    files = {str(p.relative_to(tmp_path)) for p in scaffold("payroll_export", tmp_path / "p", "c0re", set())}
    revision = next(f for f in files if "/migrations/" in f)
    assert {"p/pyproject.toml", "p/hrbpo_payroll_export/__init__.py", "p/hrbpo_payroll_export/models.py",
            "p/hrbpo_payroll_export/api.py", "p/hrbpo_payroll_export/templates/payroll_export/index.html",
            "p/hrbpo_payroll_export/translations/messages.pot", "p/tests/test_items.py"} <= files
    text = (tmp_path / revision).read_text()
    assert "branch_labels = ('payroll_export',)" in text and "depends_on = ('c0re',)" in text
    assert 'payroll_export = "hrbpo_payroll_export"' in (tmp_path / "p/pyproject.toml").read_text()


def _run(args, env, cwd, timeout=300):
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_scaffolded_plugin_installs_migrates_and_passes_its_tests(tmp_path):
    """Scaffold, pip install -e into a throwaway venv that sees this
    environment's packages (so other test processes never load it), migrate a
    fresh SQLite and run the generated tests on it."""
    env = dict(os.environ, PYTHONPATH=HRBPO_ROOT, HRBPO_DATABASE_URL=f"sqlite:///{tmp_path / 'devkit.db'}",
               HRBPO_INSTANCE_PATH=str(tmp_path / "instance"), HRBPO_TEST_BACKENDS="sqlite",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTEST_XDIST_WORKER", None)
    flask = ["-m", "flask", "--app", "hrbpo:create_app", "hrbpo"]
    project = tmp_path / "hrbpo-devkit_probe"
    _run([sys.executable, *flask, "new-plugin", "devkit_probe", "--path", project], env, tmp_path)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv], env, tmp_path)
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "-q", "-e", project], env, tmp_path)
    _run([python, *flask, "db", "upgrade"], env, tmp_path)
    assert "devkit_probe     0.1.0      loaded" in _run([python, *flask, "plugins"], env, tmp_path)
    out = _run([python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "no:randomly", "tests"],
               env, project, timeout=600)
    assert " passed" in out and "failed" not in out
