"""Storage of incidents (0025): one burst pipe or power cut, the cause and the fix, and the tickets
it caused (one row per member ticket; a ticket belongs to one incident at most)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime


class ComplaintIncidentRow(Base):
    __tablename__ = "complaint_incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    title: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(12))
    cause: Mapped[str] = mapped_column(String(1000))
    fix: Mapped[str] = mapped_column(String(1000), default="")
    prevention: Mapped[str] = mapped_column(String(1000), default="")
    opened_by: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fixed_by: Mapped[str | None] = mapped_column(String(32))
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ComplaintIncidentMemberRow(Base):
    __tablename__ = "complaint_incident_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("complaint_incidents.id", ondelete="CASCADE"), index=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), unique=True)
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
