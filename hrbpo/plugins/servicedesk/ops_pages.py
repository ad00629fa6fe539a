"""The operators' queue page in the console (/ops/servicedesk/): every
client's unsolved cases, nearest due first, breaches marked; the same query
as `GET /api/v1/servicedesk/queue`."""
from flask import Blueprint, render_template, request

from hrbpo.plugin_api import page_args
from hrbpo.plugins.servicedesk.queue_api import unsolved

ops_pages = Blueprint("servicedesk_ops", __name__, template_folder="templates")


@ops_pages.get("/")
def index():
    query = {"breached": True} if request.args.get("breached") == "1" else {}
    return render_template("servicedesk/ops_queue.html", result=unsolved(query, page_args()),
                           breached_only="breached" in query)
