"""Backup and restore (`flask hrbpo backup DIR`, `flask hrbpo restore DIR`):
every tenant's rows in one consistent snapshot, the uploaded files and a
manifest that a restore checks before it changes anything. Keys are never
written to a backup (they live in the secret store)."""
from hrbpo.core.backup.manifest import BackupError
from hrbpo.core.backup.restore import restore
from hrbpo.core.backup.snapshot import backup

__all__ = ["BackupError", "backup", "restore"]
