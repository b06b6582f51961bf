"""The working calendar in a session: the hours of a scope (the company, a project) and the entered
official years, as core.working_time sees them, and their saving under a version check. Called by
services inside their unit of work; never commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.errors import ConflictError
from core.working_time.calendar import WorkingCalendar
from core.working_time.hours import OFFICE_WEEK, OpeningHours, from_plain, preset_of, to_plain
from core.working_time.official import OfficialYear
from db.base import utcnow
from db.calendar_models import COMPANY, OfficialYearRow, WorkingHoursRow
from db.models import Project


def scope_of(project_id: int | None) -> int:
    return COMPANY if project_id is None else project_id


@dataclass(frozen=True)
class StoredHours:
    """The hours of one scope; `version` 0 when nothing was ever saved for it."""
    hours: OpeningHours
    version: int


@dataclass(frozen=True)
class StoredYear:
    official: OfficialYear
    note: str
    entered_by: str
    version: int


def project_exists(session: Session, project_id: int) -> bool:
    return session.get(Project, project_id) is not None


def _hours_row(session: Session, project_id: int | None, for_update: bool = False) -> WorkingHoursRow | None:
    stmt = select(WorkingHoursRow).where(WorkingHoursRow.scope == scope_of(project_id))
    return session.scalar(stmt.with_for_update() if for_update else stmt)


def hours(session: Session, project_id: int | None) -> StoredHours | None:
    """The hours saved for exactly this scope, or None (a project then keeps the company's)."""
    row = _hours_row(session, project_id)
    return None if row is None else StoredHours(from_plain(row.week, row.open_on_holidays), row.version)


def hours_in_force(session: Session, project_id: int | None) -> OpeningHours:
    """A project's own hours, else the company's, else the office week."""
    scopes = [COMPANY] if project_id is None else [COMPANY, project_id]
    rows = {r.scope: r for r in session.scalars(select(WorkingHoursRow).where(WorkingHoursRow.scope.in_(scopes)))}
    row = rows.get(scope_of(project_id)) or rows.get(COMPANY)
    return OFFICE_WEEK if row is None else from_plain(row.week, row.open_on_holidays)


def _to_official(row: OfficialYearRow) -> OfficialYear:
    return OfficialYear(row.year, frozenset(date.fromisoformat(d) for d in row.holidays),
                        frozenset(date.fromisoformat(d) for d in row.makeup_workdays), source="entered")


def entered_years(session: Session) -> dict[int, StoredYear]:
    rows = session.scalars(select(OfficialYearRow).order_by(OfficialYearRow.year))
    return {r.year: StoredYear(_to_official(r), r.note, r.entered_by, r.version) for r in rows}


def working_calendar(session: Session, project_id: int | None) -> WorkingCalendar:
    """The calendar a ticket of this project is timed on."""
    years = {y: s.official for y, s in entered_years(session).items()}
    return WorkingCalendar(hours=hours_in_force(session, project_id), entered=years)


def _flush(session: Session) -> None:
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        # Another admin saved the same scope or year in between (or created it first).
        raise ConflictError() from None


def _check(row, expected_version: int) -> None:
    if (row.version if row is not None else 0) != expected_version:
        raise ConflictError()


def save_hours(session: Session, project_id: int | None, new: OpeningHours, by: str, expected_version: int) -> int:
    row = _hours_row(session, project_id, for_update=True)
    _check(row, expected_version)
    if row is None:
        row = WorkingHoursRow(scope=scope_of(project_id), project_id=project_id)
        session.add(row)
    row.preset, row.week, row.open_on_holidays = preset_of(new), to_plain(new), new.open_on_holidays
    row.updated_by, row.updated_at = by, utcnow()   # every save is a new version, even an unchanged one
    _flush(session)
    return row.version


def drop_hours(session: Session, project_id: int, expected_version: int) -> None:
    """The project keeps the company's hours again."""
    row = _hours_row(session, project_id, for_update=True)
    _check(row, expected_version)
    if row is not None:
        session.delete(row)
        _flush(session)


def save_year(session: Session, official: OfficialYear, note: str, by: str, expected_version: int) -> int:
    row = session.scalar(select(OfficialYearRow).where(OfficialYearRow.year == official.year).with_for_update())
    _check(row, expected_version)
    if row is None:
        row = OfficialYearRow(year=official.year)
        session.add(row)
    row.holidays = sorted(d.isoformat() for d in official.holidays)
    row.makeup_workdays = sorted(d.isoformat() for d in official.makeup_workdays)
    row.note, row.entered_by, row.entered_at = note, by, utcnow()
    _flush(session)
    return row.version


def drop_year(session: Session, year: int, expected_version: int) -> None:
    """The package's schedule for the year is used again (or none, where it has none)."""
    row = session.scalar(select(OfficialYearRow).where(OfficialYearRow.year == year).with_for_update())
    _check(row, expected_version)
    if row is not None:
        session.delete(row)
        _flush(session)
