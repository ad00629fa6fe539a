"""ANSI X12 834 (005010X220A1) benefit enrolment files for carriers.

One interchange (ISA…IEA) per carrier, its control number taken from a
per-tenant counter. A full file lists everyone covered in the window
(maintenance 030, "audit or compare"); a change file lists what happened
since the carrier's previous file: adds (021), changes (001) and
terminations (024).
"""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hrbpo.plugin_api import Conflict, audit, current_tenant, db
from hrbpo.plugins.benefits.models import CarrierExport, ControlCounter, Dependent, Election, Enrollment, Plan

# X12 insurance line (HD03) per plan kind; kinds without one are not sent on an 834.
INSURANCE_LINE = {"medical": "HLT", "dental": "DEN", "vision": "VIS", "disability": "LTD"}
COVERAGE_LEVEL = {"employee": "EMP", "employee_spouse": "ESP", "employee_children": "ECH", "family": "FAM"}
RELATIONSHIP_CODE = {"spouse": "01", "partner": "53", "child": "19"}
NO_CARRIER = "Unnamed carrier"
ADD, CHANGE, CANCEL, AUDIT = "021", "001", "024", "030"
# X12's basic character set, less our delimiters (* ~ : ^).
_UNSAFE = re.compile(r"[^A-Z0-9 &'()+,\-./;?=%@#$!]")
_LATIN = str.maketrans({"Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Å": "A", "å": "a", "ß": "ss", "Đ": "D",
                        "đ": "d", "Ł": "L", "ł": "l", "Þ": "TH", "þ": "th", "Œ": "OE", "œ": "oe"})


def clean(value, length=60, fallback="UNKNOWN") -> str:
    """An element value carriers can read: Latin letters without accents, upper
    case, no delimiters, bounded; names in other scripts become `fallback`."""
    text = unicodedata.normalize("NFKD", str(value or "").translate(_LATIN)).encode("ascii", "ignore").decode()
    text = " ".join(_UNSAFE.sub(" ", text.upper()).split())[:length].strip()
    return text or fallback


def d8(day: date) -> str:
    return day.strftime("%Y%m%d")


@dataclass
class Member:
    """A subscriber line: the enrolment, what to say about it and its plans."""

    enrollment: Enrollment
    maintenance: str
    elections: list = field(default_factory=list)
    dropped: list = field(default_factory=list)  # (election, end date) for plans no longer elected


def next_control_number(name="x12_interchange") -> int:
    """The tenant's next number; the UPDATE's row lock serialises concurrent exports."""
    bump = sa.update(ControlCounter).where(ControlCounter.name == name).values(value=ControlCounter.value + 1)
    if db.session.execute(bump.execution_options(synchronize_session=False)).rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(ControlCounter(name=name, value=1))
            return 1
        except sa.exc.IntegrityError:  # created concurrently: bump that row instead
            db.session.execute(bump.execution_options(synchronize_session=False))
    return db.session.scalar(sa.select(ControlCounter.value).where(ControlCounter.name == name))


def _carrier(plan: Plan) -> str:
    return plan.carrier or NO_CARRIER


def _mine(elections, carrier: str, starts: date) -> list[Election]:
    """The elections a carrier is told about: its plans, not waived, with an
    insurance line, not cancelled before coverage started."""
    return [e for e in elections
            if not e.waived and e.plan.kind in INSURANCE_LINE and _carrier(e.plan) == carrier
            and (e.coverage_ends_on is None or e.coverage_ends_on >= starts)]


def _enrollments(*criteria):
    return db.session.scalars(sa.select(Enrollment).where(*criteria).options(selectinload(Enrollment.elections))
                              .order_by(Enrollment.created_at, Enrollment.id)).unique().all()


def carriers(window) -> list[str]:
    return sorted({_carrier(p) for p in window.plans if p.kind in INSURANCE_LINE})


def carrier_members(window, kind: str, carrier: str) -> list[Member]:
    """What `carrier` must be told about this window."""
    in_window, starts = Enrollment.window_id == window.id, window.coverage_starts_on
    if kind == "full":
        members = (Member(e, AUDIT, _mine(e.elections, carrier, starts))
                   for e in _enrollments(in_window, Enrollment.status == "submitted"))
        return [m for m in members if m.elections]
    last = db.session.scalars(sa.select(CarrierExport).where(CarrierExport.window_id == window.id,
                                                             CarrierExport.carrier == carrier)
                              .order_by(CarrierExport.created_at.desc())).first()
    since = last.created_at if last else None
    sent = {}  # employee id → the enrolment the carrier last heard about
    if since is not None:
        for e in _enrollments(in_window, Enrollment.created_at <= since):
            sent[e.employee_id] = e
    out = []
    fresh = [Enrollment.status == "submitted"] + ([Enrollment.created_at > since] if since else [])
    for enrollment in _enrollments(in_window, *fresh):
        elections = _mine(enrollment.elections, carrier, starts)
        before = _mine(sent[enrollment.employee_id].elections, carrier, starts) \
            if enrollment.employee_id in sent else []
        kept = {e.plan_id for e in elections}
        dropped = [(e, starts - timedelta(days=1)) for e in before if e.plan_id not in kept]
        member = Member(enrollment, CHANGE if before else ADD, elections, dropped)
        if member.elections or member.dropped:
            out.append(member)
    if since is not None:
        for enrollment in _enrollments(in_window, Enrollment.status == "terminated", Enrollment.ended_at > since,
                                       Enrollment.created_at <= since):
            ends = enrollment.coverage_ends_on or enrollment.ended_at.date()
            unsent = [e for e in enrollment.elections if e.ended_at is None or e.ended_at > since]
            dropped = [(e, min(ends, e.coverage_ends_on or ends)) for e in _mine(unsent, carrier, starts)]
            if dropped:
                out.append(Member(enrollment, CANCEL, [], dropped))
        # Plans that ended on their own (eligibility lost) since the last file.
        ended = sa.select(Election.id).where(Election.tenant_id == Enrollment.tenant_id,
                                             Election.enrollment_id == Enrollment.id, Election.ended_at > since)
        for enrollment in _enrollments(in_window, Enrollment.status == "submitted", Enrollment.created_at <= since,
                                       ended.exists()):
            mine = [e for e in enrollment.elections if not e.waived and e.plan.kind in INSURANCE_LINE
                    and _carrier(e.plan) == carrier]
            dropped = [(e, e.coverage_ends_on) for e in mine if e.ended_at is not None and e.ended_at > since]
            if dropped:
                out.append(Member(enrollment, CHANGE, [e for e in mine if e.ended_at is None], dropped))
    return out


def export_834(window, kind="full", carrier=None, now: datetime | None = None) -> str:
    """The 834 text for a window (one interchange per carrier), recorded so the
    next change file starts from here."""
    tenant = current_tenant()
    now = now or datetime.now()
    grouped = {name: members for name in ([carrier] if carrier else carriers(window))
               if (members := carrier_members(window, kind, name))}
    if not grouped:
        raise Conflict("Nothing to send: no covered members" + (" changed since the last file." if kind == "change"
                                                                  else " in this window for that carrier."))
    employee_ids = {m.enrollment.employee_id for ms in grouped.values() for m in ms}
    dependents = {str(d.id): d for d in db.session.scalars(
        sa.select(Dependent).where(Dependent.employee_id.in_(employee_ids)))}
    parts = []
    for name, members in grouped.items():
        first = members[0]
        plan = (first.elections or [e for e, _ in first.dropped])[0].plan
        control = next_control_number()
        parts.append(Interchange(tenant, plan, control, now, kind).render(members, dependents))
        db.session.add(CarrierExport(window_id=window.id, carrier=name, kind=kind, control_number=control,
                                     members=len(members)))
        audit.record("benefits.export_834", window, {"carrier": name, "kind": kind, "control_number": control,
                                                     "members": len(members)})
    db.session.flush()
    return "".join(parts)


class Interchange:
    """ISA/GS/ST … SE/GE/IEA around one carrier's members."""

    def __init__(self, tenant, plan: Plan, control: int, now: datetime, kind: str):
        self.tenant, self.plan, self.control, self.now, self.kind = tenant, plan, control, now, kind
        self.segments: list[str] = []

    def seg(self, *elements):
        while elements and elements[-1] in ("", None):
            elements = elements[:-1]
        self.segments.append("*".join("" if e is None else str(e) for e in elements) + "~")

    def render(self, members: list[Member], dependents: dict) -> str:
        sender = clean(self.tenant.slug, 15)
        receiver = clean(self.plan.carrier_id or self.plan.carrier or "CARRIER", 15)
        control = f"{self.control:09d}"
        head = [
            f"ISA*00*{' ' * 10}*00*{' ' * 10}*ZZ*{sender:<15}*ZZ*{receiver:<15}*{self.now:%y%m%d}*{self.now:%H%M}"
            f"*^*00501*{control}*0*P*:~",
            f"GS*BE*{sender}*{receiver}*{self.now:%Y%m%d}*{self.now:%H%M}*{self.control}*X*005010X220A1~",
        ]
        self.seg("ST", "834", "0001", "005010X220A1")
        self.seg("BGN", "00", control, f"{self.now:%Y%m%d}", f"{self.now:%H%M}", "", "", "",
                 "4" if self.kind == "full" else "2")
        if self.plan.group_number:
            self.seg("REF", "38", clean(self.plan.group_number, 50))
        self.seg("N1", "P5", clean(self.tenant.name), "94", clean(self.tenant.slug, 80))
        carrier_id = re.sub(r"\D", "", self.plan.carrier_id or "")
        if len(carrier_id) == 9:
            self.seg("N1", "IN", clean(self.plan.carrier or NO_CARRIER), "FI", carrier_id)
        else:
            self.seg("N1", "IN", clean(self.plan.carrier or NO_CARRIER), "94",
                     clean(self.plan.carrier_id or self.plan.carrier or NO_CARRIER, 80))
        for member in members:
            self.member(member, dependents)
        self.seg("SE", len(self.segments) + 1, "0001")  # ST through SE
        tail = [f"GE*1*{self.control}~", f"IEA*1*{control}~"]
        return "\n".join(head + self.segments + tail) + "\n"

    def member(self, member: Member, dependents: dict):
        enrollment = member.enrollment
        employee = enrollment.employee
        reason = {ADD: "28", CHANGE: "AI", CANCEL: "07", AUDIT: "XN"}[member.maintenance]
        status = "PT" if employee.employment_type == "part_time" else "FT"
        if member.maintenance == CANCEL:
            status = "TE"
        subscriber_id = str(employee.id)
        self._person("Y", "18", member.maintenance, reason, status, subscriber_id, employee.last_name,
                     employee.first_name, _ssn(employee.national_id), employee.date_of_birth)
        self._coverage(member, None)
        covered = []
        for election in member.elections + [e for e, _ in member.dropped]:
            covered += [d for d in election.dependent_ids if d not in covered]
        for dep_id in covered:
            dependent = dependents.get(dep_id)
            if dependent is None:
                continue
            self._person("N", RELATIONSHIP_CODE[dependent.relationship], member.maintenance, reason, None,
                         subscriber_id, dependent.last_name, dependent.first_name, _ssn(dependent.national_id),
                         dependent.date_of_birth)
            self._coverage(member, dep_id)

    def _person(self, subscriber, relation, maintenance, reason, status, subscriber_id, last, first, ssn, dob):
        self.seg("INS", subscriber, relation, maintenance, reason, "A", "", "", status)
        self.seg("REF", "0F", clean(subscriber_id, 50))
        if ssn:
            self.seg("NM1", "IL", "1", clean(last), clean(first, 35), "", "", "", "34", ssn)
        else:
            self.seg("NM1", "IL", "1", clean(last), clean(first, 35))
        if dob:
            self.seg("DMG", "D8", d8(dob), "U")

    def _coverage(self, member: Member, dependent_id):
        start = member.enrollment.window.coverage_starts_on
        for election in member.elections:
            if dependent_id is not None and dependent_id not in election.dependent_ids:
                continue
            self._hd(member.maintenance, election, start)
        for election, ends in member.dropped:
            if dependent_id is not None and dependent_id not in election.dependent_ids:
                continue
            self._hd(CANCEL, election, start, max(ends, start))

    def _hd(self, maintenance, election, starts: date, ends: date | None = None):
        plan = election.plan
        ends = ends or election.coverage_ends_on
        self.seg("HD", maintenance, "", INSURANCE_LINE[plan.kind], clean(plan.name, 50), COVERAGE_LEVEL[election.tier])
        self.seg("DTP", "348", "D8", d8(starts))
        if ends is not None:
            self.seg("DTP", "349", "D8", d8(ends))
        if plan.group_number:
            self.seg("REF", "1L", clean(plan.group_number, 50))


def _ssn(national_id) -> str | None:
    digits = re.sub(r"\D", "", national_id or "")
    return digits if len(digits) == 9 else None

