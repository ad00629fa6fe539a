"""Every foreign key has an index leading with its columns (after tenant_id),
so lookups by parent and ON DELETE cascades never scan a tenant's table."""
import sqlalchemy as sa

from hrbpo.core.db import db


def _leads(columns, prefix):
    return columns[:len(prefix)] == prefix or columns[:len(prefix) + 1] == ["tenant_id", *prefix]


def unindexed_foreign_keys(metadata) -> list[str]:
    missing = []
    for table in metadata.sorted_tables:
        keys = [[c.name for c in table.primary_key.columns]]
        keys += [[c.name for c in index.columns] for index in table.indexes]
        keys += [[c.name for c in u.columns] for u in table.constraints if isinstance(u, sa.UniqueConstraint)]
        for fk in table.foreign_key_constraints:
            columns = [c.name for c in fk.columns]
            if not any(_leads(key, columns) for key in keys):
                missing.append(f"{table.name}({', '.join(columns)}) → {fk.referred_table.name}")
    return missing


def test_every_foreign_key_is_indexed(app):
    assert unindexed_foreign_keys(db.metadata) == []


def test_the_check_sees_a_missing_index():
    metadata = sa.MetaData()
    sa.Table("parents", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("children", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("parent_id", sa.ForeignKey("parents.id")))
    assert unindexed_foreign_keys(metadata) == ["children(parent_id) → parents"]
