"""Proof for clients and auditors: completion per template and employee (CSV,
JSON) and the audit pack, a ZIP readable without the system."""
import csv
import hashlib
import io
import json
import zipfile
from datetime import date

import sqlalchemy as sa

from hrbpo.plugin_api import AuditEvent, Employee, csv_cell, db, files, tenancy, utcnow
from hrbpo.plugins.compliance.models import Checklist, ChecklistItem, ChecklistTemplate

COLUMNS = ("template_id", "template_name", "employee_id", "employee_name", "checklists", "checklists_completed",
           "items_total", "items_done", "items_waived", "items_overdue", "progress")


def completion(today: date, template_id=None, employee_id=None, assigned_from=None, assigned_to=None,
               checklist_ids=None) -> list[dict]:
    """One row per template and employee, in one aggregate query."""
    unresolved_late = sa.and_(ChecklistItem.status.in_(("open", "overdue")), ChecklistItem.due_on < today)
    count = lambda cond: sa.func.sum(sa.case((cond, 1), else_=0))  # noqa: E731
    query = (
        sa.select(ChecklistTemplate.id, ChecklistTemplate.name, Employee.id, Employee.first_name, Employee.last_name,
                  sa.func.count(sa.distinct(Checklist.id)),
                  sa.func.count(sa.distinct(sa.case((Checklist.completed_at.is_not(None), Checklist.id)))),
                  sa.func.count(ChecklistItem.id), count(ChecklistItem.status == "done"),
                  count(ChecklistItem.status == "waived"), count(unresolved_late))
        .select_from(Checklist)
        .join(ChecklistTemplate, sa.and_(ChecklistTemplate.id == Checklist.template_id,
                                         ChecklistTemplate.tenant_id == Checklist.tenant_id))
        .join(Employee, sa.and_(Employee.id == Checklist.employee_id, Employee.tenant_id == Checklist.tenant_id))
        .join(ChecklistItem, sa.and_(ChecklistItem.checklist_id == Checklist.id,
                                     ChecklistItem.tenant_id == Checklist.tenant_id))
        .group_by(ChecklistTemplate.id, ChecklistTemplate.name, Employee.id, Employee.first_name, Employee.last_name)
        .order_by(ChecklistTemplate.name, Employee.last_name, Employee.first_name, Employee.id)
    )
    if template_id:
        query = query.where(Checklist.template_id == template_id)
    if employee_id:
        query = query.where(Checklist.employee_id == employee_id)
    if assigned_from:
        query = query.where(Checklist.occurrence_on >= assigned_from)
    if assigned_to:
        query = query.where(Checklist.occurrence_on <= assigned_to)
    if checklist_ids is not None:
        query = query.where(Checklist.id.in_(checklist_ids))
    rows = []
    for t_id, t_name, e_id, first, last, lists, lists_done, total, done, waived, late in db.session.execute(query):
        rows.append({"template_id": str(t_id), "template_name": t_name, "employee_id": str(e_id),
                     "employee_name": f"{first} {last}", "checklists": lists, "checklists_completed": lists_done,
                     "items_total": total, "items_done": done or 0, "items_waived": waived or 0,
                     "items_overdue": late or 0,
                     "progress": round(100 * ((done or 0) + (waived or 0)) / total) if total else 100})
    return rows


def by_template(today: date) -> list[dict]:
    """Completion per template (the HR dashboard's chart)."""
    totals = {}
    for row in completion(today):
        t = totals.setdefault(row["template_id"], {"template_id": row["template_id"], "name": row["template_name"],
                                                   "total": 0, "resolved": 0, "overdue": 0, "employees": 0})
        t["total"] += row["items_total"]
        t["resolved"] += row["items_done"] + row["items_waived"]
        t["overdue"] += row["items_overdue"]
        t["employees"] += 1
    for t in totals.values():
        t["progress"] = round(100 * t["resolved"] / t["total"]) if t["total"] else 100
    return sorted(totals.values(), key=lambda t: t["name"])


def to_csv(rows: list[dict], columns=COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row[c]) for c in columns])
    return out.getvalue()


ITEM_COLUMNS = ("checklist_id", "checklist", "employee", "item_id", "item", "due_on", "status", "completed_at",
                "review", "review_comment", "waive_reason", "evidence_file", "attestation_statement",
                "attested_by", "attested_at", "attested_from")

README = """Compliance audit pack
=====================

Tenant:     {tenant}
Generated:  {generated} (UTC)
Checklists: {count}

Files
-----
report.csv / report.json   completion per template and employee for these checklists
items.csv                  every item: due date, status, review, waiver, evidence file, attestation
checklists/<id>.json       each checklist in full, including the exact attestation statements
evidence/<checklist>/...   the evidence files, named <item id>-<original name>
audit.csv                  the audit trail of these checklists, their items and evidence, oldest first;
                           each row carries its hash and the previous row's hash (a per-tenant chain)
SHA256SUMS                 checksums of every file above

Statuses: open, overdue (past its due date), done, waived (with reason).
Review: pending (awaiting HR), approved, returned (sent back with a comment).
"""


def audit_pack(tenant, checklists: list[Checklist], today: date) -> bytes:
    buffer = io.BytesIO()
    sums = []

    def put(name, data):
        data = data.encode() if isinstance(data, str) else data
        sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
        archive.writestr(name, data)

    ids = [c.id for c in checklists]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        rows = completion(today, checklist_ids=ids)
        put("report.csv", to_csv(rows))
        put("report.json", json.dumps(rows, indent=2))
        item_rows, targets = [], {str(i) for i in ids}
        for checklist in checklists:
            put(f"checklists/{checklist.id}.json", json.dumps(_checklist_record(checklist, today), indent=2))
            for item in checklist.items:
                targets.add(str(item.id))
                evidence_name = ""
                if item.evidence_file_id:
                    stored = files.get(item.evidence_file_id)
                    targets.add(str(stored.id))
                    evidence_name = f"evidence/{checklist.id}/{item.id}.{files.extension(stored)}"
                    put(evidence_name, files.read(stored))
                signed = item.attestations[-1] if item.attestations else None
                item_rows.append({
                    "checklist_id": checklist.id, "checklist": checklist.name,
                    "employee": checklist.employee.full_name, "item_id": item.id, "item": item.title,
                    "due_on": item.due_on, "status": item.status_on(today), "completed_at": item.completed_at,
                    "review": item.review, "review_comment": item.review_comment, "waive_reason": item.waive_reason,
                    "evidence_file": evidence_name, "attestation_statement": signed.statement if signed else "",
                    "attested_by": signed.user_email if signed else "", "attested_at": signed.signed_at if signed else "",
                    "attested_from": signed.client_address if signed else ""})
        put("items.csv", to_csv(item_rows, ITEM_COLUMNS))
        put("audit.csv", _audit_trail(targets))
        put("README.txt", README.format(tenant=f"{tenant.name} ({tenant.slug})", generated=utcnow().isoformat(),
                                        count=len(checklists)))
        archive.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    return buffer.getvalue()


def _checklist_record(checklist: Checklist, today: date) -> dict:
    return {
        "id": str(checklist.id), "name": checklist.name, "template_id": str(checklist.template_id),
        "template_version": checklist.template_version, "employee": checklist.employee.full_name,
        "employee_id": str(checklist.employee_id), "reason": checklist.reason,
        "assigned_on": checklist.occurrence_on.isoformat(), "status": checklist.status_on(today),
        "completed_at": checklist.completed_at.isoformat() if checklist.completed_at else None,
        "items": [{
            "id": str(i.id), "title": i.title, "instructions": i.instructions, "owner": i.owner,
            "due_on": i.due_on.isoformat(), "status": i.status_on(today), "review": i.review,
            "review_comment": i.review_comment, "waive_reason": i.waive_reason,
            "completed_at": i.completed_at.isoformat() if i.completed_at else None,
            "evidence_file_id": str(i.evidence_file_id) if i.evidence_file_id else None,
            "attestations": [{"statement": a.statement, "by": a.user_email, "at": a.signed_at.isoformat(),
                              "from": a.client_address, "user_agent": a.user_agent} for a in i.attestations],
        } for i in checklist.items],
    }


def _audit_trail(target_ids: set[str]) -> str:
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.tenant_id == tenancy.require_tenant_id(), AuditEvent.target_id.in_(target_ids))
        .order_by(AuditEvent.seq)).all()
    columns = ("seq", "at", "actor_email", "acting_as", "reason", "action", "target_type", "target_id", "changes",
               "request_id", "prev_hash", "hash")
    rows = [{c: (json.dumps(e.changes, sort_keys=True) if c == "changes" else getattr(e, c)) for c in columns}
            for e in events]
    return to_csv(rows, columns)
