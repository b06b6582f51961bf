"""SQLAlchemy models of the shared core. Times are stored in UTC; money (later modules) in cents."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, DateTime, ForeignKey, Index, Integer, MetaData, Numeric,
                        String, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Named constraints let Alembic's batch mode alter SQLite tables without losing data.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on the way out, on both SQLite (which keeps no zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    city: Mapped[str] = mapped_column(String(20), index=True)
    buildings: Mapped[list["Building"]] = relationship(back_populates="project")


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
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


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
                            "complainant", "phone"),
                      # 0003: the board filtered by category
                      Index("ix_complaints_stage_category", "stage", "category"),
                      # 0007: frequent complainants counted in index order, without a sort
                      Index("ix_complaints_complainant", "complainant", "phone", "received_at", "project_id"))
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
