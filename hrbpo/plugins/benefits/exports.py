"""Carrier files as background jobs: the worker writes a window's 834 and
keeps it as a tenant-private file the job's result points at."""
import uuid

from hrbpo.plugin_api import files, job_kind
from hrbpo.plugins.benefits import services, x12

KIND_834 = "benefits.834"


@job_kind(KIND_834, retries=1, permission="benefits.manage")
def run_834(run) -> dict:
    params = run.params
    window = services.window_for(uuid.UUID(params["window_id"]))
    text = x12.export_834(window, params["kind"], params.get("carrier"))
    name = f"834-{window.id}-{params['kind']}.x12"
    stored = files.keep_bytes(text.encode(), name, "application/edi-x12", purpose="export")
    return {"file_id": str(stored.id), "filename": name, "size": stored.size,
            "download": f"/api/v1/jobs/{run.id}/file"}
