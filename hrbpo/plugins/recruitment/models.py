"""Recruitment tables: pipeline stages, jobs, candidates, applications and
their history, interviews with scorecards, offers."""
import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrbpo.plugin_api import Conflict, TenantScoped, Timestamped, TZDateTime, db, tenant_fk, tenant_relationship, utcnow

STAGE_KINDS = ("screen", "interview", "offer", "hired", "rejected")
FINAL_KINDS = ("hired", "rejected")
JOB_STATUSES = ("draft", "open", "on_hold", "closed")
SOURCES = ("careers", "referral", "agency", "manual")
RECOMMENDATIONS = ("strong_yes", "yes", "no", "strong_no")
OFFER_STATUSES = ("draft", "sent", "accepted", "declined")


class Stage(TenantScoped, db.Model):
    """One step of the tenant's hiring pipeline, in `position` order."""

    __tablename__ = "recruitment_stages"

    name: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(20))
    position: Mapped[int] = mapped_column(sa.Integer)

    @property
    def is_final(self) -> bool:
        return self.kind in FINAL_KINDS


class RejectionReason(TenantScoped, db.Model):
    __tablename__ = "recruitment_rejection_reasons"

    label: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(sa.Integer)


class Job(TenantScoped, Timestamped, db.Model):
    """A requisition: draft → open ⇄ on_hold → closed."""

    __tablename__ = "recruitment_jobs"
    __table_args__ = (
        tenant_fk("hiring_manager_id", "employees"),
        sa.Index("ix_recruitment_jobs_status", "tenant_id", "status"),
        sa.Index("ix_recruitment_jobs_hiring_manager", "tenant_id", "hiring_manager_id"),
    )

    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    department: Mapped[str | None] = mapped_column(sa.String(100))
    location: Mapped[str | None] = mapped_column(sa.String(200))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    remote: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    employment_type: Mapped[str] = mapped_column(sa.String(20), default="full_time")
    openings: Mapped[int] = mapped_column(sa.Integer, default=1)
    hiring_manager_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    salary_min: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    salary_max: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    valid_through: Mapped[date | None] = mapped_column(sa.Date)

    # Allowed status changes: action → (from states, to state).
    TRANSITIONS = {
        "publish": (("draft", "on_hold"), "open"),
        "hold": (("open",), "on_hold"),
        "close": (("draft", "open", "on_hold"), "closed"),
    }

    def transition(self, action: str) -> str:
        sources, target = self.TRANSITIONS[action]
        if self.status not in sources:
            raise Conflict(f"A job that is {self.status} cannot {action} (allowed from: {', '.join(sources)}).")
        before, self.status = self.status, target
        if target == "open" and self.published_at is None:
            self.published_at = utcnow()
        if target == "closed":
            self.closed_at = utcnow()
        return before


class Candidate(TenantScoped, Timestamped, db.Model):
    """A person who applied; one per email per tenant."""

    __tablename__ = "recruitment_candidates"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "email"),
        tenant_fk("resume_file_id", "stored_files"),
        sa.Index("ix_recruitment_candidates_resume", "tenant_id", "resume_file_id"),
    )

    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    resume_file_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    consent_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    consent_version: Mapped[str | None] = mapped_column(sa.String(40))
    anonymised_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class Application(TenantScoped, Timestamped, db.Model):
    """A candidate in one job's pipeline."""

    __tablename__ = "recruitment_applications"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "job_id", "candidate_id"),
        tenant_fk("job_id", "recruitment_jobs", ondelete="CASCADE"),
        tenant_fk("candidate_id", "recruitment_candidates", ondelete="CASCADE"),
        tenant_fk("stage_id", "recruitment_stages"),
        tenant_fk("employee_id", "employees"),
        sa.Index("ix_recruitment_applications_job_stage", "tenant_id", "job_id", "stage_id", "id"),
        sa.Index("ix_recruitment_applications_candidate", "tenant_id", "candidate_id"),
        sa.Index("ix_recruitment_applications_stage", "tenant_id", "stage_id"),
        sa.Index("ix_recruitment_applications_employee", "tenant_id", "employee_id"),
    )

    job_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    candidate_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    stage_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    source: Mapped[str] = mapped_column(sa.String(20), default="manual")
    stage_entered_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    rejection_reason: Mapped[str | None] = mapped_column(sa.String(200))
    hired_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    employee_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)

    job: Mapped[Job] = tenant_relationship("Application", "Job", "job_id")
    candidate: Mapped[Candidate] = tenant_relationship("Application", "Candidate", "candidate_id")
    stage: Mapped[Stage] = tenant_relationship("Application", "Stage", "stage_id", lazy="joined")
    history: Mapped[list["StageChange"]] = relationship(
        "StageChange", order_by="StageChange.at", viewonly=True,
        primaryjoin="and_(Application.tenant_id == StageChange.tenant_id, "
                    "Application.id == foreign(StageChange.application_id))",
    )
    interviews: Mapped[list["Interview"]] = relationship(
        "Interview", order_by="Interview.scheduled_at", viewonly=True,
        primaryjoin="and_(Application.tenant_id == Interview.tenant_id, "
                    "Application.id == foreign(Interview.application_id))",
    )
    offers: Mapped[list["Offer"]] = relationship(
        "Offer", order_by="Offer.created_at", viewonly=True,
        primaryjoin="and_(Application.tenant_id == Offer.tenant_id, Application.id == foreign(Offer.application_id))",
    )

    @property
    def status(self) -> str:
        return self.stage.kind if self.stage.is_final else "active"

    @property
    def days_in_stage(self) -> int:
        return (utcnow() - self.stage_entered_at).days

    def ensure_movable(self):
        if self.stage.is_final:
            raise Conflict(f"The application is {self.stage.kind}; it cannot move any more.")

    def move_to(self, stage: Stage, actor=None, note=None) -> "StageChange":
        """Put the application in `stage`, keeping the step in its history."""
        self.ensure_movable()
        change = StageChange(application_id=self.id, from_stage_id=self.stage_id, from_stage=self.stage.name,
                             to_stage_id=stage.id, to_stage=stage.name, note=note,
                             actor_id=getattr(actor, "id", None), actor_email=getattr(actor, "email", None))
        self.stage, self.stage_id, self.stage_entered_at = stage, stage.id, utcnow()
        return change


class StageChange(TenantScoped, db.Model):
    """One move of an application. Stage names are kept as they were, so the
    history survives renaming or deleting a stage."""

    __tablename__ = "recruitment_stage_changes"
    __table_args__ = (
        tenant_fk("application_id", "recruitment_applications", ondelete="CASCADE"),
        sa.Index("ix_recruitment_stage_changes_application", "tenant_id", "application_id", "at"),
    )

    application_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    from_stage_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    from_stage: Mapped[str | None] = mapped_column(sa.String(80))
    to_stage_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    to_stage: Mapped[str] = mapped_column(sa.String(80))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    actor_email: Mapped[str | None] = mapped_column(sa.String(254))
    note: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class Interview(TenantScoped, Timestamped, db.Model):
    __tablename__ = "recruitment_interviews"
    __table_args__ = (tenant_fk("application_id", "recruitment_applications", ondelete="CASCADE"),
                      sa.Index("ix_recruitment_interviews_application", "tenant_id", "application_id"))

    application_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    scheduled_at: Mapped[datetime] = mapped_column(TZDateTime)
    duration_minutes: Mapped[int] = mapped_column(sa.Integer, default=60)
    location: Mapped[str | None] = mapped_column(sa.String(200))
    # Sent with every invite update so calendars replace, not duplicate.
    sequence: Mapped[int] = mapped_column(sa.Integer, default=0)

    application: Mapped[Application] = tenant_relationship("Interview", "Application", "application_id")
    panel: Mapped[list["Panelist"]] = relationship(
        "Panelist", lazy="selectin", viewonly=True,
        primaryjoin="and_(Interview.tenant_id == Panelist.tenant_id, Interview.id == foreign(Panelist.interview_id))",
    )

    @property
    def interviewer_ids(self) -> list[uuid.UUID]:
        return [p.user_id for p in self.panel]

    def has_interviewer(self, user) -> bool:
        return user is not None and user.id in self.interviewer_ids


class Panelist(TenantScoped, db.Model):
    """A tenant user who interviews at one interview."""

    __tablename__ = "recruitment_panelists"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "interview_id", "user_id"),
        tenant_fk("interview_id", "recruitment_interviews", ondelete="CASCADE"),
        sa.Index("ix_recruitment_panelists_user", "tenant_id", "user_id"),
    )

    interview_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"))


class Scorecard(TenantScoped, Timestamped, db.Model):
    """One interviewer's ratings (criterion → 1–5) and recommendation; only
    its author sees a draft, and nobody edits it once submitted."""

    __tablename__ = "recruitment_scorecards"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "interview_id", "interviewer_id"),
        tenant_fk("interview_id", "recruitment_interviews", ondelete="CASCADE"),
        sa.Index("ix_recruitment_scorecards_interviewer", "tenant_id", "interviewer_id"),
    )

    interview_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    interviewer_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"))
    ratings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    recommendation: Mapped[str] = mapped_column(sa.String(20))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class Offer(TenantScoped, Timestamped, db.Model):
    """Terms offered to a candidate: draft → sent → accepted | declined."""

    __tablename__ = "recruitment_offers"
    __table_args__ = (tenant_fk("application_id", "recruitment_applications", ondelete="CASCADE"),
                      sa.Index("ix_recruitment_offers_application", "tenant_id", "application_id"))

    application_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    salary: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    terms: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    sent_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    TRANSITIONS = {"send": (("draft",), "sent"), "accept": (("sent",), "accepted"), "decline": (("sent",), "declined")}

    def transition(self, action: str) -> str:
        sources, target = self.TRANSITIONS[action]
        if self.status not in sources:
            raise Conflict(f"An offer that is {self.status} cannot be {target}.")
        before, self.status = self.status, target
        if target == "sent":
            self.sent_at = utcnow()
        else:
            self.decided_at = utcnow()
        return before
