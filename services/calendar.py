"""Working calendar use cases: the company's opening hours and a project's own, and the official
years (holidays and make-up working days) an admin enters when the chinese-calendar package does not
know them, or corrects. Every complaint clock is counted on it (services.complaints loads it)."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.clock import local_today
from core.errors import ConflictError, ValidationError, ValidationErrors
from core.working_time.calendar import WorkingCalendar
from core.working_time.hours import OpeningHours, opening_hours, preset_of
from core.working_time.official import check_note, check_year, entered_year, package_year
from db import calendar_queries as queries
from db import calendar_repository as repository
from db.uow import UnitOfWork


# ---------------------------------------------------------------- reads

@dataclass(frozen=True)
class HoursView:
    project_id: int | None
    hours: OpeningHours      # in force for this scope
    preset: str              # office_week, saturday_morning, seven_days or custom
    own: bool                # saved for this scope; a project without keeps the company's
    version: int             # of this scope's saved hours, 0 when none: the edit form sends it back


@dataclass(frozen=True)
class YearView:
    year: int
    source: str | None       # "entered", "package", or None: nobody knows it yet
    holidays: tuple[date, ...]
    makeup_workdays: tuple[date, ...]
    note: str
    entered_by: str
    version: int             # of the entered year, 0 when none
    in_package: bool         # the package knows the year (so deleting an entry falls back to it)


@dataclass(frozen=True)
class Overview:
    """Everything the calendar page shows for one scope."""
    hours: HoursView
    years: list[YearView]
    to_enter: list[int]      # this year and next where unknown: "enter the State Council's schedule"
    calendar_version: str    # WorkingCalendar.version of this scope, as recorded on tickets


def _read(actor: Actor, project_id: int | None) -> None:
    actor.require(Capability.VIEW_CALENDAR)
    if project_id is not None:
        actor.require_project(project_id)


def _hours_view(project_id: int | None, setup: queries.Setup) -> HoursView:
    own = setup.own
    return HoursView(project_id, setup.in_force, preset_of(setup.in_force), own is not None, own.version if own else 0)


def _year_view(year: int, stored: repository.StoredYear | None) -> YearView:
    package = package_year(year)
    official = stored.official if stored else package
    return YearView(year, official.source if official else None,
                    tuple(sorted(official.holidays)) if official else (),
                    tuple(sorted(official.makeup_workdays)) if official else (),
                    stored.note if stored else "", stored.entered_by if stored else "",
                    stored.version if stored else 0, package is not None)


def _shown_years(today: date, entered: set[int]) -> list[int]:
    """Last year to next year, and every year entered."""
    return sorted(set(range(today.year - 1, today.year + 2)) | entered)


def overview(engine: Engine, actor: Actor, project_id: int | None = None, today: date | None = None) -> Overview:
    _read(actor, project_id)
    today = today or local_today()
    setup = queries.setup(engine, project_id)
    years = [_year_view(y, setup.entered.get(y)) for y in _shown_years(today, set(setup.entered))]
    return Overview(_hours_view(project_id, setup), years, setup.calendar.years_to_enter(today), setup.calendar.version)


def working_calendar(engine: Engine, actor: Actor, project_id: int | None = None) -> WorkingCalendar:
    """The calendar a project's tickets are timed on."""
    _read(actor, project_id)
    return queries.working_calendar(engine, project_id)


# ---------------------------------------------------------------- writes

@contextmanager
def _stale(uow: UnitOfWork, entity: str, entity_id: int):
    """A save refused as stale by the repository names who saved in between, and when."""
    try:
        yield
    except ConflictError:
        raise uow.conflict(entity, entity_id) from None


def _project(session, project_id: int | None) -> None:
    if project_id is not None and not repository.project_exists(session, project_id):
        raise ValidationError("err.required", field="project")


def save_hours(engine: Engine, actor: Actor, project_id: int | None, choice: str, day_texts: tuple = (),
               open_on_holidays: bool = False, expected_version: int = 0, request_key: str | None = None) -> int:
    """The opening hours of the company (project_id None) or of one project; returns their new
    version. Refused if someone saved them since the form was shown (expected_version)."""
    actor.require(Capability.MANAGE_CALENDAR)
    hours = opening_hours(choice, tuple(day_texts), open_on_holidays)    # every wrong day at once
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        _project(s, project_id)
        actor.require_project(project_id)
        before = repository.hours(s, project_id)
        with _stale(uow, "working_hours", repository.scope_of(project_id)):
            version = repository.save_hours(s, project_id, hours, actor.username, expected_version)
        uow.audit("save_hours", "working_hours", repository.scope_of(project_id),
                  before=None if before is None else {"preset": preset_of(before.hours), "version": before.version},
                  after={"preset": preset_of(hours), "open_on_holidays": hours.open_on_holidays,
                         "weekly_minutes": hours.weekly_minutes})
        return uow.commit(version)


def use_company_hours(engine: Engine, actor: Actor, project_id: int, expected_version: int,
                      request_key: str | None = None) -> bool:
    """A project drops its own hours and keeps the company's again."""
    actor.require(Capability.MANAGE_CALENDAR)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        _project(s, project_id)
        actor.require_project(project_id)
        with _stale(uow, "working_hours", project_id):
            repository.drop_hours(s, project_id, expected_version)
        uow.audit("use_company_hours", "working_hours", project_id, before={"version": expected_version})
        return uow.commit(True)


def save_year(engine: Engine, actor: Actor, year, holidays: str, makeup: str, note: str = "",
              expected_version: int = 0, request_key: str | None = None) -> int:
    """Enter or correct a year's official schedule, as pasted from the State Council's notice
    ('2027-02-05..2027-02-11'); it wins over the package from now on. Company-wide: a holiday is
    national, so only an actor of every project may change it."""
    actor.require(Capability.MANAGE_CALENDAR)
    official, note = ValidationErrors.collect(lambda: entered_year(year, holidays, makeup),
                                              lambda: check_note(note))
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        actor.require_project(None)
        s = uow.session
        with _stale(uow, "official_year", official.year):
            version = repository.save_year(s, official, note, actor.username, expected_version)
        uow.audit("save_official_year", "official_year", official.year, before={"version": expected_version},
                  after={"holidays": len(official.holidays), "makeup_workdays": len(official.makeup_workdays),
                         "note": note})
        return uow.commit(version)


def drop_year(engine: Engine, actor: Actor, year, expected_version: int, request_key: str | None = None) -> bool:
    """Remove an entered year: the package's schedule (if it has one) applies again."""
    actor.require(Capability.MANAGE_CALENDAR)
    year = check_year(year)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        actor.require_project(None)
        with _stale(uow, "official_year", year):
            repository.drop_year(uow.session, year, expected_version)
        uow.audit("drop_official_year", "official_year", year, before={"version": expected_version})
        return uow.commit(True)
