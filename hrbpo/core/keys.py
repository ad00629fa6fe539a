"""Key rotation for encrypted columns: decrypt with any known key, encrypt with the newest."""
import sqlalchemy as sa
from flask import current_app

from hrbpo.core import tenancy
from hrbpo.core.db import Encrypted, db


def encrypted_columns():
    for table in db.metadata.sorted_tables:
        for column in table.c:
            if isinstance(column.type, Encrypted):
                yield table, column


def rotate_all() -> int:
    crypto = current_app.extensions["hrbpo_crypto"]
    count = 0
    with tenancy.all_tenants():
        for table, column in encrypted_columns():
            key = list(table.primary_key.columns)
            raw = sa.type_coerce(column, sa.Text)
            rows = db.session.execute(sa.select(*key, raw.label("value")).where(column.isnot(None))).all()
            for row in rows:
                rotated = crypto.rotate(row.value.encode()).decode()
                where = sa.and_(*(c == row._mapping[c.name] for c in key))
                db.session.execute(sa.update(table).where(where).values({column.name: sa.type_coerce(rotated, sa.Text)}))
                count += 1
        db.session.commit()
    return count
