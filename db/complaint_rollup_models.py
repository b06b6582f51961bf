"""Storage of the complaint months (0026): per China-time month of receipt and project, the sums the
analysis page shows, one table per grouping it offers. Written only by the database's triggers on
`complaints`, so every writer (the services, the demo and bench loaders, a hand-made SQL fix) keeps
them right; read by db.complaint_rollups."""
from __future__ import annotations

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class _MonthSums:
    """What one ticket adds to its row (0 or 1, or its hours and its satisfaction score)."""
    received: Mapped[int] = mapped_column(Integer)
    closed: Mapped[int] = mapped_column(Integer)
    hours: Mapped[float] = mapped_column(Float)             # received to closed, of the closed ones
    closed_late: Mapped[int] = mapped_column(Integer)       # closed after the overall deadline
    called_back: Mapped[int] = mapped_column(Integer)       # a satisfaction score was given
    satisfaction_sum: Mapped[int] = mapped_column(Integer)
    unreachable: Mapped[int] = mapped_column(Integer)       # closed as unreachable


class ComplaintMonthCategory(_MonthSums, Base):
    __tablename__ = "complaint_months_category"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)        # 'YYYY-MM', China time
    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)     # 0: a ticket of no project
    category: Mapped[str] = mapped_column(String(12), primary_key=True)


class ComplaintMonthBuilding(_MonthSums, Base):
    __tablename__ = "complaint_months_building"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    building_id: Mapped[int] = mapped_column(Integer, primary_key=True)    # 0: no building


class ComplaintMonthDepartment(_MonthSums, Base):
    __tablename__ = "complaint_months_department"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department: Mapped[str] = mapped_column(String(100), primary_key=True)



# ---------------------------------------------------------------- 0027: the page's patterns
# (read by db/complaint_rollups.py; the same rule: written only by the triggers on `complaints`)

class ComplaintCaller(Base):
    """Every ticket ever of one caller, all projects: a bound on their count in any period."""
    __tablename__ = "complaint_callers"
    __table_args__ = (Index("ix_complaint_callers_n", "n", "complainant", "phone"),)
    complainant: Mapped[str] = mapped_column(String(40), primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), primary_key=True)        # '': no phone
    n: Mapped[int] = mapped_column(Integer)


class ComplaintCallerProject(Base):
    __tablename__ = "complaint_callers_project"
    __table_args__ = (Index("ix_complaint_callers_project_n", "project_id", "n"),)
    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)     # 0: a ticket of no project
    complainant: Mapped[str] = mapped_column(String(40), primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class ComplaintCause(Base):
    """Tickets with a root cause per China-time month of receipt, category and cause, all projects."""
    __tablename__ = "complaint_causes"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    category: Mapped[str] = mapped_column(String(12), primary_key=True)
    # PostgreSQL: md5 of the cause (a btree entry takes ~2,700 bytes, a cause up to 3,000); SQLite: the cause
    cause_key: Mapped[str] = mapped_column(String(1000), primary_key=True)
    root_cause: Mapped[str] = mapped_column(String(1000))
    n: Mapped[int] = mapped_column(Integer)


class ComplaintCauseProject(Base):
    __tablename__ = "complaint_causes_project"
    project_id: Mapped[int] = mapped_column(Integer, primary_key=True)    # first: a reader's projects only
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    category: Mapped[str] = mapped_column(String(12), primary_key=True)
    # PostgreSQL: md5 of the cause (a btree entry takes ~2,700 bytes, a cause up to 3,000); SQLite: the cause
    cause_key: Mapped[str] = mapped_column(String(1000), primary_key=True)
    root_cause: Mapped[str] = mapped_column(String(1000))
    n: Mapped[int] = mapped_column(Integer)
