"""Words people read for the codes benefits stores (kinds, tiers, periods,
statuses, relationships, life events), translated when shown."""
from flask_babel import lazy_gettext as _l

LABELS = {
    "employee": _l("Employee only"), "employee_spouse": _l("Employee + spouse/partner"),
    "employee_children": _l("Employee + children"), "family": _l("Family"),
    "medical": _l("Medical"), "dental": _l("Dental"), "vision": _l("Vision"), "life": _l("Life"),
    "disability": _l("Disability"), "hsa": _l("HSA"), "fsa": _l("FSA"), "other": _l("Other"),
    "month": _l("month"), "paycheck": _l("paycheck"),
    "weekly": _l("weekly"), "biweekly": _l("every two weeks"), "semimonthly": _l("twice a month"),
    "monthly": _l("monthly"),
    "open": _l("Open enrolment"), "new_hire": _l("New hire"), "life_event": _l("Life event"),
    "active": _l("active"), "archived": _l("archived"),
    "spouse": _l("Spouse"), "partner": _l("Partner"), "child": _l("Child"),
    "submitted": _l("Submitted"), "replaced": _l("Replaced"), "terminated": _l("Terminated"),
    "marriage": _l("Marriage"), "birth": _l("Birth"), "adoption": _l("Adoption"),
    "loss_of_coverage": _l("Loss of other coverage"), "divorce": _l("Divorce"),
    "pending": _l("Pending"), "approved": _l("Approved"), "rejected": _l("Rejected"),
    "gained": _l("Eligible"), "lost": _l("No longer eligible"),
    "new": _l("new"), "changed": _l("changed"), "unchanged": _l("unchanged"), "stopped": _l("stopped"),
}


def label(code) -> str:
    """The word for a stored code in the current language (the code itself if unknown)."""
    return str(LABELS.get(code, code))
