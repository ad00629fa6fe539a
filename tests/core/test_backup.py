"""`hrbpo backup DIR` / `hrbpo restore DIR` (operations.md): a round trip into
an empty database on each backend, and the refusals that change nothing."""
import io
import json
import os
import uuid

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from hrbpo import create_app
from hrbpo.core import files, tenancy
from hrbpo.core.db import db
from hrbpo.core.people.models import Employee
from hrbpo.core.tenants.models import Tenant
from hrbpo.testing import PG_URL, _psycopg

PDF = b"%PDF-1.4\n% evidence\n" + os.urandom(64)
CARRIED = ("SECRET_KEY", "HRBPO_ENCRYPTION_KEYS", "HRBPO_MAIL_URL", "HRBPO_QUEUE_URL", "HRBPO_QUEUE_NAME",
           "HRBPO_APP_ROLE", "RATELIMIT_STORAGE_URI")


@pytest.fixture
def empty_app(app, tmp_path):
    """Another deployment with the same keys, an empty database and upload folder."""
    config = {key: app.config[key] for key in CARRIED}
    config.update(TESTING=True, HRBPO_CHECK_MIGRATIONS=False, HRBPO_UPLOAD_DIR=str(tmp_path / "restored-files"))
    admin, name = None, None
    if app.config["HRBPO_BACKEND"] == "postgresql":
        name = f"hrbpo_restore_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = sa.create_engine(_psycopg(PG_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        base = sa.engine.make_url(_psycopg(PG_URL)).set(database=name)
        config["HRBPO_MIGRATE_DATABASE_URL"] = base.render_as_string(False)
        config["SQLALCHEMY_DATABASE_URI"] = base.set(username=app.config["HRBPO_APP_ROLE"]).render_as_string(False)
    else:
        config["SQLALCHEMY_DATABASE_URI"] = config["HRBPO_MIGRATE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.db'}"
    only = os.environ.get("HRBPO_TEST_PLUGINS")
    restored = create_app(config, plugins=None if only is None else [p for p in only.split(",") if p])
    yield restored
    with restored.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _run(app, *args):
    with app.app_context():  # the command runs in this app, not in whichever the test has open
        return app.test_cli_runner().invoke(args=["hrbpo", *args])


@pytest.fixture
def backed_up(app, make_tenant, tmp_path):
    """Two tenants (one with recruitment's rows), an uploaded file, and a backup of it all."""
    a = make_tenant("tenant-a", modules=("recruitment",))
    make_tenant("tenant-b")
    with tenancy.tenant_context(uuid.UUID(a.id)):
        stored = files.store(FileStorage(io.BytesIO(PDF), filename="proof.pdf"))
        db.session.commit()
    folder = tmp_path / "backup"
    r = _run(app, "backup", str(folder))
    assert r.exit_code == 0, r.output
    return folder, a, stored.id


def test_backup_writes_a_manifest_of_every_file(backed_up, app):
    folder, a, file_id = backed_up
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format_version"] == 1 and manifest["dialect"] == app.config["HRBPO_BACKEND"]
    assert manifest["migration_heads"] and {t["slug"] for t in manifest["tenants"]} == {"tenant-a", "tenant-b"}
    assert all(t["rows"] > 0 for t in manifest["tenants"])
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == on_disk and f"files/{a.id}/{file_id}" in listed
    # No key ever goes into a backup.
    everything = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert app.config["HRBPO_ENCRYPTION_KEYS"].encode() not in everything
    assert app.config["SECRET_KEY"].encode() not in everything
    assert b"123-45-6789" not in everything  # encrypted fields stay encrypted


def test_round_trip_into_an_empty_database(backed_up, empty_app):
    folder, a, file_id = backed_up
    r = _run(empty_app, "restore", str(folder))
    assert r.exit_code == 0, r.output
    with empty_app.app_context():
        with tenancy.all_tenants():
            slugs = db.session.scalars(sa.select(Tenant.slug).order_by(Tenant.slug)).all()
        with tenancy.tenant_context(uuid.UUID(a.id)):
            national_id = db.session.scalars(sa.select(Employee)).one().national_id
            stages = db.session.execute(sa.text("SELECT count(*) FROM recruitment_stages")).scalar()
            proof = files.read(files.get(file_id))
        db.session.commit()
    assert slugs == ["tenant-a", "tenant-b"]
    assert national_id == "123-45-6789"  # decrypted with the same keys
    assert stages > 0 and proof == PDF
    r = _run(empty_app, "audit", "verify")
    assert r.exit_code == 0 and "intact" in r.output, r.output


def test_restore_refuses_a_database_that_is_not_empty(backed_up, app):
    folder, _, _ = backed_up
    r = _run(app, "restore", str(folder))
    assert r.exit_code != 0 and "not empty" in r.output


def test_restore_refuses_a_tampered_file_and_changes_nothing(backed_up, empty_app):
    folder, a, file_id = backed_up
    (folder / "files" / a.id / str(file_id)).write_bytes(b"%PDF-1.4 forged")
    r = _run(empty_app, "restore", str(folder))
    assert r.exit_code != 0 and "does not match its checksum" in r.output
    with empty_app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
    assert not os.path.exists(empty_app.config["HRBPO_UPLOAD_DIR"])


def test_restore_refuses_an_unlisted_file_and_unknown_heads(backed_up, empty_app):
    folder, _, _ = backed_up
    (folder / "extra.txt").write_text("x")
    r = _run(empty_app, "restore", str(folder))
    assert r.exit_code != 0 and "extra.txt is not in the manifest" in r.output
    (folder / "extra.txt").unlink()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["migration_heads"].append("ffffffffffff")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    r = _run(empty_app, "restore", str(folder))
    assert r.exit_code != 0 and "ffffffffffff" in r.output and "newer than this code knows" in r.output


def test_restore_refuses_a_tampered_audit_chain(app, backed_up, empty_app, tmp_path, owner_sql):
    """Checksums hold for a backup taken of a tampered database: the chains do not."""
    owner_sql("DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events WHERE tenant_id IS NOT NULL)")
    folder = tmp_path / "tampered"
    assert _run(app, "backup", str(folder)).exit_code == 0
    r = _run(empty_app, "restore", str(folder))
    assert r.exit_code != 0 and "does not verify" in r.output
    with empty_app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []


def test_backup_refuses_a_folder_that_is_not_empty(app, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    r = _run(app, "backup", str(tmp_path))
    assert r.exit_code != 0 and "not empty" in r.output


def test_restore_refuses_another_dialect(backed_up, empty_app):
    folder, _, _ = backed_up
    manifest = json.loads((folder / "manifest.json").read_text())
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[manifest["dialect"]]
    (folder / "manifest.json").write_text(json.dumps({**manifest, "dialect": other}))
    r = _run(empty_app, "restore", str(folder))
    assert r.exit_code != 0 and f"is of a {other} database" in r.output
