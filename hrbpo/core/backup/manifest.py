"""DIR/manifest.json: what a backup holds (operations.md), and the check a
restore makes before it touches anything: every listed file there, unchanged,
and nothing else beside them."""
import hashlib
import json
from pathlib import Path

from hrbpo.core.db import utcnow

FORMAT_VERSION = 1
NAME = "manifest.json"
DATABASE = "database.sqlite3"  # SQLite: the online backup's copy
TABLES = "tables"              # PostgreSQL: one CSV (with a header) per table
FILES = "files"                # the upload folder, as it was


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def contents(folder: Path) -> list[dict]:
    """Every file in the backup but the manifest itself."""
    return [{"path": path.relative_to(folder).as_posix(), "size": path.stat().st_size, "sha256": sha256(path)}
            for path in sorted(folder.rglob("*")) if path.is_file() and path.relative_to(folder).as_posix() != NAME]


def write(folder: Path, dialect: str, heads, tenants: list[dict]) -> dict:
    manifest = {"format_version": FORMAT_VERSION, "created_at": utcnow().isoformat(), "dialect": dialect,
                "migration_heads": sorted(heads), "tenants": tenants, "files": contents(folder)}
    (folder / NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read(folder: Path) -> dict:
    """The manifest, once the files match it."""
    path = folder / NAME
    if not path.is_file():
        raise BackupError(f"{folder} holds no {NAME}: it is not a backup.")
    try:
        manifest = json.loads(path.read_text())
        listed = {f["path"]: (f["size"], f["sha256"]) for f in manifest["files"]}
        version, heads = manifest["format_version"], manifest["migration_heads"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{NAME} is not a backup manifest ({exc}).") from exc
    if version != FORMAT_VERSION or not isinstance(heads, list):
        raise BackupError(f"{NAME} has format_version {version!r}; this code reads {FORMAT_VERSION}.")
    found = {f["path"]: (f["size"], f["sha256"]) for f in contents(folder)}
    problems = [f"{p} is missing" for p in listed.keys() - found.keys()]
    problems += [f"{p} is not in the manifest" for p in found.keys() - listed.keys()]
    problems += [f"{p} does not match its checksum" for p in listed.keys() & found.keys() if listed[p] != found[p]]
    if problems:
        raise BackupError("The backup does not match its manifest: " + "; ".join(sorted(problems)) + ".")
    return manifest
