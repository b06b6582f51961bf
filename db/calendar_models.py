"""Storage of the working calendar: opening hours of the company and of projects that keep other
hours, and the official years (holidays, make-up working days) an admin entered."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow

COMPANY = 0   # the `scope` of the company's hours; a project's hours have its id


class WorkingHoursRow(Base):
    """One row per scope. `scope` is unique (0 = the company), so two admins saving the first
    hours of a project at once cannot make two rows: a NULL project_id would not be unique."""
    __tablename__ = "working_hours"
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[int] = mapped_column(Integer, unique=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    preset: Mapped[str] = mapped_column(String(20))
    week: Mapped[list] = mapped_column(JSON)                  # seven days of [["08:30", "17:30"], ...]
    open_on_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class OfficialYearRow(Base):
    """A year's State Council schedule as entered; it wins over the chinese-calendar package."""
    __tablename__ = "official_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holidays: Mapped[list] = mapped_column(JSON)              # ISO dates
    makeup_workdays: Mapped[list] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="")   # e.g. the notice's reference
    entered_by: Mapped[str] = mapped_column(String(32))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
