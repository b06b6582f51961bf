"""Read side of the working calendar: what the calendar page shows and the calendar a project's
tickets are timed on, read without taking SQLite's write lock (a unit of work would)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core.working_time.calendar import WorkingCalendar
from core.working_time.hours import OpeningHours
from db import calendar_repository as repository


@dataclass(frozen=True)
class Setup:
    own: repository.StoredHours | None         # hours saved for exactly this scope
    in_force: OpeningHours                     # those, else the company's, else the office week
    entered: dict[int, repository.StoredYear]
    calendar: WorkingCalendar


def working_calendar(engine: Engine, project_id: int | None) -> WorkingCalendar:
    with Session(engine) as s:
        return repository.working_calendar(s, project_id)


def setup(engine: Engine, project_id: int | None) -> Setup:
    with Session(engine) as s:
        return Setup(repository.hours(s, project_id), repository.hours_in_force(s, project_id),
                     repository.entered_years(s), repository.working_calendar(s, project_id))
