"""CSV imports as jobs (`Prefer: respond-async`, and the portal's import page):
the upload is kept as a tenant-private file and the worker streams it through
the importer, reporting progress; all rows or none, as the synchronous form."""
import uuid

from hrbpo.core import files, tenancy
from hrbpo.core.db import db
from hrbpo.core.errors import Invalid
from hrbpo.core.jobs import job_kind, submit
from hrbpo.core.people import importer

KIND = "employees.import"


def submit_import(upload, user_id=None):
    """Keep the uploaded CSV and queue its import in the current transaction."""
    stored = files.keep(upload, "text/csv", purpose="import", uploaded_by=user_id)
    if stored.size == 0:
        raise Invalid({"file": ["The file is empty."]})
    return submit(KIND, {"file_id": str(stored.id), "filename": stored.filename}, created_by=user_id)


@job_kind(KIND, retries=2, retry_delay=10, permission="people.write")
def run_import(run) -> dict:
    stored = db.session.get(files.StoredFile, (tenancy.require_tenant_id(), uuid.UUID(run.params["file_id"])))
    if stored is None:
        raise Invalid({"file": ["The uploaded file is gone."]}, "The uploaded file is gone.")
    with files.open_stored(stored) as csv_file:
        count = importer.import_employees(csv_file, progress=run.progress)
    run.after_commit.append(files.discard(stored))
    return {"imported": count}
