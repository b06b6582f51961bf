"""Read queries of the move-in module: engine in, DataFrames or plain values out."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.movein import flow
from core.movein.hall import Zone
from core.movein.model import BatchSettings, Station
from db.models import Building, Owner, Unit
from db.movein_models import MoveinAppointment as A
from db.movein_models import (
    MoveinBatch,
    MoveinChecklistItem,
    MoveinDefect,
    MoveinEvent,
    MoveinStep,
)
from db.movein_repository import to_settings, to_zones


def _scoped(stmt, column, project_ids):
    return stmt if project_ids is None else stmt.where(column.in_(project_ids))


def batch_project(engine: Engine, batch_id: int) -> int:
    with engine.connect() as conn:
        pid = conn.scalar(select(MoveinBatch.project_id).where(MoveinBatch.id == batch_id))
    if pid is None:
        raise NotFound("err.batch_unknown")
    return pid


def list_batches(engine: Engine, project_ids=None) -> pd.DataFrame:
    stmt = select(MoveinBatch.id, MoveinBatch.name, MoveinBatch.project_id, MoveinBatch.start, MoveinBatch.days,
                  func.count(A.id).label("households")) \
        .outerjoin(A, A.batch_id == MoveinBatch.id) \
        .group_by(MoveinBatch.id).order_by(MoveinBatch.start.desc())
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(_scoped(stmt, MoveinBatch.project_id, project_ids)).mappings().all(),
                            columns=["id", "name", "project_id", "start", "days", "households"])


def load_batch(engine: Engine, batch_id: int) -> tuple[int, BatchSettings, list[Zone], dict, int]:
    """(project id, settings, zones, staffing by day, version)."""
    with Session(engine) as s:
        b = s.get(MoveinBatch, batch_id)
        if b is None:
            raise NotFound("err.batch_unknown")
        return b.project_id, to_settings(b), to_zones(b), dict(b.staffing or {}), b.version


def plan_per_day(engine: Engine, batch_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(
            select(A.day, A.slot_hour, func.count().label("households"))
            .where(A.batch_id == batch_id).group_by(A.day, A.slot_hour).order_by(A.day, A.slot_hour)).mappings().all(),
            columns=["day", "slot_hour", "households"])


def started_per_slot(engine: Engine, batch_id: int) -> dict[tuple[date, int], int]:
    """Households per day and slot already in the hall, through a station or marked absent:
    those keep their booking (core.movein.appointments)."""
    started = (A.no_show.is_(True)) | A.arrived_at.is_not(None) | (A.stations_done > 0)
    with engine.connect() as conn:
        rows = conn.execute(select(A.day, A.slot_hour, func.count()).where(A.batch_id == batch_id, started)
                            .group_by(A.day, A.slot_hour)).all()
    return {(d, int(h)): int(n) for d, h, n in rows}


def checklist(engine: Engine, batch_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(
            select(MoveinChecklistItem.id, MoveinChecklistItem.code, MoveinChecklistItem.owner,
                   MoveinChecklistItem.due, MoveinChecklistItem.done, MoveinChecklistItem.version)
            .where(MoveinChecklistItem.batch_id == batch_id).order_by(MoveinChecklistItem.due)).mappings().all(),
            columns=["id", "code", "owner", "due", "done", "version"])


def overdue_checklist(engine: Engine, today: date, project_ids=None) -> pd.DataFrame:
    stmt = (select(MoveinBatch.name, MoveinChecklistItem.code, MoveinChecklistItem.owner, MoveinChecklistItem.due)
            .join(MoveinBatch, MoveinBatch.id == MoveinChecklistItem.batch_id)
            .where(MoveinChecklistItem.done.is_(False), MoveinChecklistItem.due < today)
            .order_by(MoveinChecklistItem.due))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(_scoped(stmt, MoveinBatch.project_id, project_ids)).mappings().all(),
                            columns=["name", "code", "owner", "due"])


_HOUSEHOLD = (A.id, A.day, A.slot_hour, A.stations_done, A.no_show, A.version, A.arrived_at, A.serving_by,
              A.serving_since, A.booked_day, Unit.id.label("unit_id"), Unit.room_no, Owner.name.label("owner"),
              Owner.phone, Owner.special_needs)


def household(engine: Engine, batch_id: int, room_no: str | None = None,
              appointment_id: int | None = None) -> dict | None:
    """One household of the batch, by room number or by appointment."""
    which = Unit.room_no == room_no if appointment_id is None else A.id == appointment_id
    with engine.connect() as conn:
        row = conn.execute(
            select(*_HOUSEHOLD)
            .join(Unit, Unit.id == A.unit_id).outerjoin(Owner, Owner.id == Unit.owner_id)
            .where(A.batch_id == batch_id, which)).mappings().first()
    return None if row is None else dict(row)


def day_households(engine: Engine, batch_id: int, day: date) -> list[dict]:
    """The households of `day`, by slot and room: those booked for it, those that came on it
    from another day, and those booked for it that came on another (`booked_day`)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(*_HOUSEHOLD, Unit.building_id)
            .join(Unit, Unit.id == A.unit_id).outerjoin(Owner, Owner.id == Unit.owner_id)
            .where(A.batch_id == batch_id, (A.day == day) | (A.booked_day == day))
            .order_by(A.slot_hour, Unit.room_no)).mappings().all()
    return [dict(r) for r in rows]


def at_station(engine: Engine, batch_id: int, day: date, index: int) -> list[dict]:
    """The households in the hall at station `index` on `day` (waiting, or taken by a desk), with
    when they got there: the previous station's tap, or the check-in for the first."""
    previous = (select(MoveinStep.finished_at).where(MoveinStep.appointment_id == A.id, MoveinStep.seq == A.stations_done)
                .correlate(A).scalar_subquery())
    with engine.connect() as conn:
        rows = conn.execute(
            select(A.id, A.version, A.serving_by, A.serving_since, A.booked_day, A.slot_hour, Unit.room_no,
                   Owner.name.label("owner"), func.coalesce(previous, A.arrived_at).label("reached"))
            .join(Unit, Unit.id == A.unit_id).outerjoin(Owner, Owner.id == Unit.owner_id)
            .where(A.batch_id == batch_id, A.day == day, A.stations_done == index, A.no_show.is_(False),
                   A.arrived_at.is_not(None))
            .order_by(func.coalesce(previous, A.arrived_at), A.id)).mappings().all()
    return [dict(r) for r in rows]


def events(engine: Engine, appointment_id: int) -> list[dict]:
    """The household's taps, oldest first, those taken back included."""
    with engine.connect() as conn:
        rows = conn.execute(select(MoveinEvent.id, MoveinEvent.kind, MoveinEvent.station, MoveinEvent.at,
                                   MoveinEvent.by, MoveinEvent.undone_at, MoveinEvent.undone_by,
                                   MoveinEvent.undo_reason)
                            .where(MoveinEvent.appointment_id == appointment_id)
                            .order_by(MoveinEvent.at, MoveinEvent.id)).mappings().all()
    return [dict(r) for r in rows]


def last_taps(engine: Engine, batch_id: int, username: str, since) -> list[dict]:
    """`username`'s taps in the batch since `since`, not taken back, the latest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(MoveinEvent.id, MoveinEvent.appointment_id, MoveinEvent.kind, MoveinEvent.station,
                                   MoveinEvent.at, Unit.room_no)
                            .join(A, A.id == MoveinEvent.appointment_id).join(Unit, Unit.id == A.unit_id)
                            .where(A.batch_id == batch_id, MoveinEvent.by == username, MoveinEvent.at >= since,
                                   MoveinEvent.undone_at.is_(None))
                            .order_by(MoveinEvent.at.desc(), MoveinEvent.id.desc())).mappings().all()
    return [dict(r) for r in rows]


def desk_stations(engine: Engine, batch_id: int, day: date) -> tuple[set[str], dict[int, int]]:
    """The stations run in station mode on `day` (a desk has taken a household there) and, per
    station index, how many households desks hold now."""
    with engine.connect() as conn:
        codes = set(conn.scalars(select(MoveinEvent.station).distinct()
                                 .join(A, A.id == MoveinEvent.appointment_id)
                                 .where(A.batch_id == batch_id, A.day == day, MoveinEvent.kind == "take",
                                        MoveinEvent.undone_at.is_(None))))
        held = dict(conn.execute(select(A.stations_done, func.count())
                                 .where(A.batch_id == batch_id, A.day == day, A.serving_by.is_not(None))
                                 .group_by(A.stations_done)).all())
    return codes, {int(k): int(v) for k, v in held.items()}


def came_other_day(engine: Engine, batch_id: int, day: date) -> tuple[int, int]:
    """(households that came on `day` though booked for another, households booked for `day`
    that came on another)."""
    with engine.connect() as conn:
        here = conn.scalar(select(func.count()).where(A.batch_id == batch_id, A.day == day, A.booked_day.is_not(None),
                                                      A.booked_day != day))
        away = conn.scalar(select(func.count()).where(A.batch_id == batch_id, A.booked_day == day, A.day != day))
    return int(here or 0), int(away or 0)


# ---------------------------------------------------------------- the live board

def board_plan(engine: Engine, batch_id: int) -> tuple[int, tuple[Station, ...], dict, float]:
    """(project id, stations in order, staffing by day, the wait target in minutes): what the
    board needs of the batch."""
    with engine.connect() as conn:
        b = conn.execute(select(MoveinBatch.project_id, MoveinBatch.stations, MoveinBatch.staffing,
                                MoveinBatch.target_p90_min)
                         .where(MoveinBatch.id == batch_id)).first()
    if b is None:
        raise NotFound("err.batch_unknown")
    return b.project_id, tuple(Station(**s) for s in b.stations), dict(b.staffing or {}), float(b.target_p90_min)


def _stage_conditions(station_count: int) -> dict:
    """core.movein.flow.stage in SQL, condition per stage, from the same station count."""
    no_show = A.no_show.is_(True)
    handed_over = and_(~no_show, A.stations_done >= station_count)
    arrived = A.arrived_at.is_not(None)
    return {flow.Stage.NO_SHOW: no_show, flow.Stage.HANDED_OVER: handed_over,
            flow.Stage.IN_HALL: and_(~no_show, A.stations_done < station_count, arrived),
            flow.Stage.EXPECTED: and_(~no_show, A.stations_done < station_count, ~arrived)}


def day_tally(engine: Engine, batch_id: int, day: date, station_count: int) -> tuple[flow.DayTally, float | None]:
    """The day's households counted by core's stages (flow.tally), and the mean minutes from
    arrival to keys of those handed over."""
    stage = _stage_conditions(station_count)
    of_day = (A.batch_id == batch_id, A.day == day)

    def n(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
    with engine.connect() as conn:
        planned, expected, done, no_shows, minutes = conn.execute(
            select(func.count(), n(stage[flow.Stage.EXPECTED]), n(stage[flow.Stage.HANDED_OVER]),
                   n(stage[flow.Stage.NO_SHOW]),
                   func.avg(case((stage[flow.Stage.HANDED_OVER], _minutes(engine, A.arrived_at, A.finished_at)))))
            .where(*of_day)).one()
        at = dict(conn.execute(select(A.stations_done, func.count())
                               .where(*of_day, stage[flow.Stage.IN_HALL]).group_by(A.stations_done)).all())
    tally = flow.DayTally(int(planned), int(expected), int(done), int(no_shows),
                          tuple(int(at.get(i, 0)) for i in range(station_count)))
    return tally, None if minutes is None else float(minutes)


def reached_stations(engine: Engine, batch_id: int, day: date, station_count: int) -> list[tuple[int, object]]:
    """(station index, when it got there) for each household in the hall on `day`: its check-in
    for the first station, the previous station's tap for the others (core.movein.flow turns
    these into who waits and for how long)."""
    in_hall = _stage_conditions(station_count)[flow.Stage.IN_HALL]
    previous = (select(MoveinStep.finished_at).where(MoveinStep.appointment_id == A.id, MoveinStep.seq == A.stations_done)
                .correlate(A).scalar_subquery())
    with engine.connect() as conn:
        rows = conn.execute(select(A.stations_done, func.coalesce(previous, A.arrived_at), A.serving_by)
                            .where(A.batch_id == batch_id, A.day == day, in_hall)).all()
    return [(int(done), at, by is not None) for done, at, by in rows if at is not None]


def _minutes(engine: Engine, start, end):
    if engine.dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 60.0
    return (func.julianday(end) - func.julianday(start)) * 1440.0


# ---------------------------------------------------------------- after the day

def open_defects(engine: Engine, unit_id: int | None = None, batch_id: int | None = None,
                 project_ids=None) -> pd.DataFrame:
    """A unit's defects (open and fixed, its history), or a batch's open ones."""
    stmt = (select(MoveinDefect.id, Unit.room_no, MoveinDefect.location, MoveinDefect.kind, MoveinDefect.severity,
                   MoveinDefect.responsible, MoveinDefect.note, MoveinDefect.status, MoveinDefect.created_at,
                   MoveinDefect.due, MoveinDefect.version)
            .join(Unit, Unit.id == MoveinDefect.unit_id).order_by(MoveinDefect.created_at.desc()))
    if unit_id is not None:
        stmt = stmt.where(MoveinDefect.unit_id == unit_id)
    if batch_id is not None:
        stmt = stmt.where(MoveinDefect.batch_id == batch_id, MoveinDefect.status == "open")
    if project_ids is not None:
        stmt = stmt.join(MoveinBatch, MoveinBatch.id == MoveinDefect.batch_id) \
            .where(MoveinBatch.project_id.in_(project_ids))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(),
                            columns=["id", "room_no", "location", "kind", "severity", "responsible", "note",
                                     "status", "created_at", "due", "version"])


def household_defects(engine: Engine, batch_id: int, unit_id: int) -> list[dict]:
    """The household's defects of this batch with their photos, the latest first (the card)."""
    with engine.connect() as conn:
        rows = conn.execute(select(MoveinDefect.id, MoveinDefect.location, MoveinDefect.kind, MoveinDefect.severity,
                                   MoveinDefect.responsible, MoveinDefect.note, MoveinDefect.status, MoveinDefect.due,
                                   MoveinDefect.photo, MoveinDefect.created_at, MoveinDefect.version)
                            .where(MoveinDefect.batch_id == batch_id, MoveinDefect.unit_id == unit_id)
                            .order_by(MoveinDefect.created_at.desc(), MoveinDefect.id.desc())).mappings().all()
    return [dict(r) for r in rows]


def station_steps(engine: Engine, batch_id: int) -> tuple[list[dict], pd.DataFrame]:
    """The batch's stations and every finished step with its household's arrival."""
    with engine.connect() as conn:
        stations = conn.execute(select(MoveinBatch.stations).where(MoveinBatch.id == batch_id)).scalar_one()
        steps = pd.DataFrame(conn.execute(
            select(MoveinStep.appointment_id, MoveinStep.station, MoveinStep.seq, MoveinStep.finished_at,
                   A.arrived_at)
            .join(A, A.id == MoveinStep.appointment_id)
            .where(A.batch_id == batch_id)).mappings().all(),
            columns=["appointment_id", "station", "seq", "finished_at", "arrived_at"])
    return stations, steps


def building_names(engine: Engine, building_ids) -> dict[int, str]:
    ids = list(building_ids)
    if not ids:
        return {}
    with engine.connect() as conn:
        return dict(conn.execute(select(Building.id, Building.name).where(Building.id.in_(ids))).all())
