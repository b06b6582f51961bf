"""Storage of the training case library and training sessions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class CaseRow(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    summary_en: Mapped[str] = mapped_column(String(1000), default="")
    story: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text, default="")
    lesson: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    topics: Mapped[str] = mapped_column(String(300), default="")        # ',a,b,'
    method_steps: Mapped[str] = mapped_column(String(300), default="")  # ',a,b,'
    source: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    # The complaint a draft was made from (0020): unique, so "turn into a case" twice makes one.
    from_complaint: Mapped[str | None] = mapped_column(String(20), index=True, unique=True)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class TrainingSession(Base):
    __tablename__ = "training_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    trainer: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SessionCase(Base):
    __tablename__ = "training_session_cases"
    __table_args__ = (UniqueConstraint("session_id", "case_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)


class SessionAttendee(Base):
    __tablename__ = "training_attendees"
    __table_args__ = (UniqueConstraint("session_id", "username"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(32), index=True)
