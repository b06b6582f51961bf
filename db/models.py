"""SQLAlchemy models of the shared core. Times are stored in UTC; money (later modules) in cents."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import NAMING, Base, UTCDateTime, utcnow  # noqa: F401  (re-exported)


class Company(Base):
    """The one row naming the company the store belongs to (0014). `is_demo`: written by the demo
    command, so a store set up for real is never mistaken for the demo's, and the other way round."""
    __tablename__ = "company"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    city: Mapped[str] = mapped_column(String(20), index=True)
    address: Mapped[str | None] = mapped_column(String(200))                 # 0014
    # 0014: the project's collection target in basis points (9500 = 95 %); None: the company's default.
    collection_target_bp: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)                  # 0014
    buildings: Mapped[list["Building"]] = relationship(back_populates="project")
    __mapper_args__ = {"version_id_col": version}


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(10))
    floors: Mapped[int] = mapped_column(Integer, default=1)
    project: Mapped[Project] = relationship(back_populates="buildings")


class Owner(Base):
    __tablename__ = "owners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    # Before 0014 the one free-text note on an owner; 0014 copied it into special_needs, the ledger,
    # which is where needs are written and read now. Kept only for readers not yet moved over.
    special_needs: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("project_id", "room_no"),
                      Index("ix_units_project_status", "project_id", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    room_no: Mapped[str] = mapped_column(String(12), index=True)
    floor: Mapped[int] = mapped_column(Integer)
    area_m2: Mapped[Decimal] = mapped_column(Numeric(9, 2))
    status: Mapped[str] = mapped_column(String(12), default="sold")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("owners.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class UnitOwner(Base):
    """Who owns a unit, and since and until when (0014). Several open rows: co-owners. A transfer
    ends the sellers' rows and opens the buyers', so the history stays; units.owner_id names the
    first current owner, the one the other modules show. Bills belong to the unit, never to an owner,
    so a transfer moves no debt."""
    __tablename__ = "unit_owners"
    __table_args__ = (Index("ix_unit_owners_unit_until", "unit_id", "until"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"), index=True)
    since: Mapped[date | None] = mapped_column(Date)      # None: owner before the records began
    until: Mapped[date | None] = mapped_column(Date)      # None: owns it now
    ended_by: Mapped[str | None] = mapped_column(String(12))   # "transfer" or "removed"


class SpecialNeedRow(Base):
    """The special-needs ledger (0014): one dated entry per need of a household or one of its
    owners (elderly living alone, disability, pregnancy, ...). An entry is ended, never deleted."""
    __tablename__ = "special_needs"
    __table_args__ = (Index("ix_special_needs_unit_ended", "unit_id", "ended_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("owners.id"))   # None: the household
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    noted_on: Mapped[date] = mapped_column(Date)
    entered_by: Mapped[str] = mapped_column(String(32))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_on: Mapped[date | None] = mapped_column(Date)
    ended_by: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class StaffUser(Base):
    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    all_projects: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(5), default="zh")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Login cookies issued before this moment are void: logout and deactivation revoke them
    # everywhere, not only in the browser that clicked.
    tokens_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class UserProject(Base):
    __tablename__ = "user_projects"
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)


class AuditLog(Base):
    __tablename__ = "audit_log"
    # 0014: the audit viewer filters by person, record and project, each over a date range.
    __table_args__ = (Index("ix_audit_log_actor_at", "actor", "at"),
                      Index("ix_audit_log_entity", "entity", "entity_id"),
                      Index("ix_audit_log_project_at", "project_id", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # 0014: the project of the record the row names, found when the row is written (db/audit_projects.py).
    # No foreign key: the trail outlives what it describes.
    project_id: Mapped[int | None] = mapped_column(Integer)


class RequestLog(Base):
    """One row per submitted form that wrote: its request key and what the write returned, so a
    double tap or a resent form is answered with the first result instead of writing twice."""
    __tablename__ = "request_log"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    actor: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    result: Mapped[dict | None] = mapped_column(JSON)


class ComplaintRow(Base):
    """One ticket. The domain object lives in core.complaints.model; this is its storage."""
    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_stage_deadline", "stage", "stage_deadline"),
                      Index("ix_complaints_unit_category", "unit_id", "category", "received_at"),
                      Index("ix_complaints_project_stage", "project_id", "stage"),
                      # 0003: analysis reads a date range from this index alone (no long text in it:
                      # a PostgreSQL b-tree entry must stay under ~2.7 kB)
                      Index("ix_complaints_received_cover", "received_at", "project_id", "building_id",
                            "category", "department", "closed_at", "due_at", "satisfaction",
                            "complainant", "phone", "closed_as"),   # 0025: closed_as
                      # 0003: the board filtered by category
                      Index("ix_complaints_stage_category", "stage", "category"),
                      # 0007: frequent complainants counted in index order, without a sort
                      Index("ix_complaints_complainant", "complainant", "phone", "received_at", "project_id"),
                      # 0026: the open tickets past their overall deadline, counted live by the
                      # analysis (db/complaint_rollups.py): only the unclosed few percent
                      Index("ix_complaints_unclosed_due", "due_at", "received_at", "project_id", "building_id",
                            "category", "department", "closed_at",
                            sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")))
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(12))
    relayed_by: Mapped[str | None] = mapped_column(String(100))
    complainant: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(20))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    place: Mapped[str] = mapped_column(String(100), default="")
    subject: Mapped[str] = mapped_column(String(100), default="")
    content: Mapped[str] = mapped_column(String(2000))
    wants: Mapped[list] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(12), index=True)
    receiver: Mapped[str] = mapped_column(String(32), index=True)
    stage: Mapped[str] = mapped_column(String(12))
    valid: Mapped[bool | None] = mapped_column(Boolean)
    invalid_reason: Mapped[str] = mapped_column(String(500), default="")
    invalid_proposed_by: Mapped[str | None] = mapped_column(String(32))
    signoff_by: Mapped[str | None] = mapped_column(String(32))
    reply: Mapped[str] = mapped_column(String(1000), default="")
    cause: Mapped[str] = mapped_column(String(2000), default="")
    department: Mapped[str] = mapped_column(String(100), default="")
    handler: Mapped[str | None] = mapped_column(String(40), index=True)
    options: Mapped[list] = mapped_column(JSON, default=list)
    agreed_steps: Mapped[str] = mapped_column(String(2000), default="")
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    implementation: Mapped[str] = mapped_column(String(2000), default="")
    customer_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    callback_attempts: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[int | None] = mapped_column(Integer)   # of the last reached callback
    root_cause: Mapped[str] = mapped_column(String(1000), default="")
    prevention: Mapped[str] = mapped_column(String(1000), default="")
    red_lines: Mapped[list] = mapped_column(JSON, default=list)
    escalation: Mapped[str] = mapped_column(String(10), default="none")
    escalation_acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    repeat_of: Mapped[str | None] = mapped_column(String(20))
    repeat_count: Mapped[int] = mapped_column(Integer, default=1)
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    stage_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stage_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pause_reason: Mapped[str | None] = mapped_column(String(12))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_as: Mapped[str | None] = mapped_column(String(12))   # 0025: "unreachable"; None: closed normally
    calendar_version: Mapped[str | None] = mapped_column(String(16))   # 0012: the calendar it was timed on
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ComplaintCallbackRow(Base):
    __tablename__ = "complaint_callbacks"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    by: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reached: Mapped[bool] = mapped_column(Boolean)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(1000), default="")


class ComplaintEventRow(Base):
    __tablename__ = "complaint_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(30))
    stage_from: Mapped[str | None] = mapped_column(String(12))
    stage_to: Mapped[str | None] = mapped_column(String(12))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


# Module tables live in their own files; importing them here registers them on Base.metadata
# for Alembic and for anyone who imports the models.
import db.movein_models  # noqa: E402,F401
import db.case_models  # noqa: E402,F401
import db.collection_models  # noqa: E402,F401
import db.calendar_models  # noqa: E402,F401
import db.complaint_attachment_models  # noqa: E402,F401
import db.complaint_incident_models  # noqa: E402,F401
import db.complaint_rollup_models  # noqa: E402,F401
import db.user_session_models  # noqa: E402,F401
import db.notification_models  # noqa: E402,F401
import db.document_models  # noqa: E402,F401
import db.canned_reply_models  # noqa: E402,F401
import db.search_models  # noqa: E402,F401
from db.audit_projects import register as _audit_projects  # noqa: E402

_audit_projects(AuditLog)   # every audit row finds its project when it is written
from db.search_index import register as _search_index  # noqa: E402

_search_index()   # every complaint and case written through the ORM updates the search index
