"""Interviews, their iCalendar invites, and scorecards."""
from datetime import timedelta, timezone

import sqlalchemy as sa
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy.orm import joinedload

from hrbpo.plugin_api import (N_, Conflict, Forbidden, Invalid, Membership, NotFound, User, audit, current_tenant, db,
                              lock, utcnow)
from hrbpo.plugins.recruitment.models import Application, Interview, Panelist, Scorecard
from hrbpo.plugins.recruitment.services import uuid_or_404

MANAGE = "recruitment.manage"


def _tenant_user_ids(user_ids) -> set:
    found = db.session.scalars(sa.select(Membership.user_id).where(Membership.user_id.in_(list(user_ids)))).all()
    return set(found)


def schedule_interview(application: Application, data: dict) -> Interview:
    if lock(application, shared=True).stage.is_final:  # rejecting or hiring waits for this interview
        raise Conflict(f"The application is {application.stage.kind}; no more interviews.")
    if data["scheduled_at"] <= utcnow():
        raise Invalid({"scheduled_at": [N_("Choose a time in the future.")]})
    ids = list(dict.fromkeys(data["interviewer_ids"]))
    unknown = [str(i) for i in ids if i not in _tenant_user_ids(ids)]
    if unknown:
        raise Invalid({"interviewer_ids": [f"Not a user of this tenant: {', '.join(unknown)}."]})
    interview = Interview(application_id=application.id, scheduled_at=data["scheduled_at"].astimezone(timezone.utc),
                          duration_minutes=data.get("duration_minutes") or 60, location=data.get("location"))
    db.session.add(interview)
    db.session.flush()
    db.session.add_all([Panelist(interview_id=interview.id, user_id=user_id) for user_id in ids])
    db.session.flush()
    db.session.refresh(interview, ["panel"])
    audit.record("recruitment.interview.schedule", interview,
                 {"application_id": application.id, "scheduled_at": interview.scheduled_at,
                  "interviewer_ids": [str(i) for i in ids]})
    return interview


def interview_query(user=None, upcoming=False):
    query = (sa.select(Interview).options(joinedload(Interview.application).joinedload(Application.candidate),
                                          joinedload(Interview.application).joinedload(Application.job))
             .order_by(Interview.scheduled_at))
    if user is not None:
        query = query.where(Interview.id.in_(sa.select(Panelist.interview_id).where(Panelist.user_id == user.id)))
    if upcoming:
        query = query.where(Interview.scheduled_at >= utcnow() - timedelta(hours=12))
    return query


def get_interview(interview_id, access) -> Interview:
    """An interview the caller manages, or sits on the panel of (others 404)."""
    query = interview_query().where(Interview.id == uuid_or_404(interview_id)).options(joinedload(Interview.panel))
    interview = db.session.scalars(query).unique().first()
    if interview is None or not (access.can(MANAGE) or interview.has_interviewer(access.user)):
        raise NotFound("Interview not found.")
    return interview


def invite_ics(interview: Interview) -> bytes:
    """An iCalendar (RFC 5545) REQUEST for the interview, one per interview."""
    users = db.session.scalars(sa.select(User).where(User.id.in_(interview.interviewer_ids))).all()
    application = interview.application
    tenant = current_tenant()
    cal = Calendar()
    cal.add("prodid", "-//hrbpo//recruitment//EN")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"interview-{interview.id}@hrbpo")
    event.add("dtstamp", utcnow())
    event.add("dtstart", interview.scheduled_at)
    event.add("dtend", interview.scheduled_at + timedelta(minutes=interview.duration_minutes))
    event.add("sequence", interview.sequence)
    event.add("summary", f"Interview: {application.candidate.full_name} – {application.job.title}")
    event.add("description", f"{tenant.name}: interview for {application.job.title}.")
    if interview.location:
        event["location"] = vText(interview.location)
    organizer = vCalAddress(f"mailto:no-reply@{tenant.slug}.hrbpo.invalid")
    organizer.params["cn"] = vText(tenant.name)
    event["organizer"] = organizer
    for user in users:
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params.update({"role": vText("REQ-PARTICIPANT"), "rsvp": vText("TRUE")})
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def visible_scorecards(interview: Interview, access) -> list[Scorecard]:
    """HR sees submitted scorecards (and their own drafts); an interviewer
    sees only their own."""
    cards = db.session.scalars(sa.select(Scorecard).where(Scorecard.interview_id == interview.id)
                               .order_by(Scorecard.created_at)).all()
    mine = [c for c in cards if c.interviewer_id == access.user.id]
    if access.can(MANAGE):
        return [c for c in cards if c.submitted or c in mine]
    return mine


def save_scorecard(interview: Interview, user, data: dict) -> tuple[Scorecard, bool]:
    """Create or edit the caller's own scorecard; returns (card, created).
    Only panel members score, and a submitted card is final."""
    if not interview.has_interviewer(user):
        raise Forbidden("Only the interview's interviewers write scorecards.")
    card = db.session.scalars(sa.select(Scorecard).where(Scorecard.interview_id == interview.id,
                                                         Scorecard.interviewer_id == user.id)).first()
    created = card is None
    if created:
        card = Scorecard(interview_id=interview.id, interviewer_id=user.id)
        db.session.add(card)
    elif lock(card).submitted:
        raise Conflict("The scorecard was submitted; it can no longer change.")
    card.ratings, card.recommendation, card.notes = data["ratings"], data["recommendation"], data.get("notes")
    if data.get("submit", True):
        card.submitted_at = utcnow()
    db.session.flush()
    audit.record("recruitment.scorecard.submit" if card.submitted else "recruitment.scorecard.save", card,
                 {"recommendation": card.recommendation})
    return card, created
