"""Storage of move-in batches, appointments, station steps, defects, disputes and the checklist."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, Float, ForeignKey, Integer, LargeBinary, String, Time,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class MoveinBatch(Base):
    __tablename__ = "movein_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    start: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    opens: Mapped[datetime] = mapped_column(Time)
    closes: Mapped[datetime] = mapped_column(Time)
    hall_m2: Mapped[float] = mapped_column(Float)
    m2_per_person: Mapped[float] = mapped_column(Float, default=1.2)
    target_p90_min: Mapped[float] = mapped_column(Float, default=15.0)
    weekend_factor: Mapped[float] = mapped_column(Float, default=1.9)
    no_show_rate: Mapped[float] = mapped_column(Float, default=0.05)
    overflow: Mapped[str] = mapped_column(String(10), default="outside", server_default="outside")  # beyond the seats
    stations: Mapped[list] = mapped_column(JSON)          # [{code, mean_min, sd_min, staff, max_staff}] in order
    staffing: Mapped[dict] = mapped_column(JSON, default=dict)  # {"YYYY-MM-DD": {station: staff}}
    zones: Mapped[list] = mapped_column(JSON, default=list)     # [{code, m2}]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class MoveinAppointment(Base):
    __tablename__ = "movein_appointments"
    __table_args__ = (UniqueConstraint("batch_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("movein_batches.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    slot_hour: Mapped[int] = mapped_column(Integer)
    stations_done: Mapped[int] = mapped_column(Integer, default=0)
    no_show: Mapped[bool] = mapped_column(Boolean, default=False)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Station mode: the desk of the next station that has taken the household, and since when.
    serving_by: Mapped[str | None] = mapped_column(String(32))
    serving_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The day it was booked for, when it came on another one (and now counts on that day).
    booked_day: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class MoveinEvent(Base):
    """One tap on a household (check-in, take, finish, no-show, late arrival), with the
    household's state before it, so that it can be taken back; the household's timeline."""
    __tablename__ = "movein_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("movein_appointments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    station: Mapped[str | None] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict] = mapped_column(JSON)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by: Mapped[str | None] = mapped_column(String(32))
    undo_reason: Mapped[str | None] = mapped_column(String(200))


class MoveinStep(Base):
    """One finished station. The unique pair is the store's own guard against counting twice."""
    __tablename__ = "movein_steps"
    __table_args__ = (UniqueConstraint("appointment_id", "station"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("movein_appointments.id", ondelete="CASCADE"), index=True)
    station: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int] = mapped_column(Integer)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    staff: Mapped[str] = mapped_column(String(32))


class MoveinDefect(Base):
    __tablename__ = "movein_defects"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("movein_batches.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    location: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    responsible: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(32))
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due: Mapped[date | None] = mapped_column(Date)             # put right by
    fixed_by: Mapped[str | None] = mapped_column(String(32))
    closing_note: Mapped[str | None] = mapped_column(String(200))  # how the owner confirmed
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class MoveinDispute(Base):
    __tablename__ = "movein_disputes"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("movein_batches.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    note: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(32))


class MoveinChecklistItem(Base):
    __tablename__ = "movein_checklist"
    __table_args__ = (UniqueConstraint("batch_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("movein_batches.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str] = mapped_column(String(40))
    due: Mapped[date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
