"""Move-in batches in the store: plan, live day, after the day."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

import pandas as pd
from sqlalchemy import case, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core.errors import ConflictError, DomainError, NotFound, ValidationError
from core.movein import flow
from core.movein.checklist import default_checklist
from core.movein.defects import validate_defect, validate_dispute
from core.movein.hall import Zone, check_hall, default_zones, require_fit
from core.movein.model import BatchSettings, Station, households_per_day
from core.org.rules import normalise_text, parse_room_no
from db.models import Building, Owner, Unit, utcnow
from db.movein_models import (MoveinAppointment, MoveinBatch, MoveinChecklistItem, MoveinDefect,
                              MoveinDispute, MoveinStep)
from db.uow import UnitOfWork


def _settings(b: MoveinBatch) -> BatchSettings:
    return BatchSettings(start=b.start, days=b.days, households=0, opens=b.opens, closes=b.closes,
                         weekend_factor=b.weekend_factor, hall_m2=b.hall_m2, m2_per_waiting_person=b.m2_per_person,
                         target_p90_wait_min=b.target_p90_min, no_show_rate=b.no_show_rate,
                         stations=tuple(Station(**s) for s in b.stations))


def create_batch(engine: Engine, actor: str, project_id: int, name: str, settings: BatchSettings,
                 building_names: list[str] | None = None, owner: str = "") -> int:
    """A batch with its households (the project's sold, not yet handed-over units), spread over
    the days with the weekend surge and over the hourly slots, plus the checklist and default zones."""
    name = normalise_text(name)
    if not name:
        raise ValidationError("err.required", field="name")
    with UnitOfWork(engine, actor=actor) as uow:
        s = uow.session
        stmt = (select(Unit.id).join(Building, Building.id == Unit.building_id)
                .where(Unit.project_id == project_id, Unit.status == "sold").order_by(Unit.room_no))
        if building_names:
            stmt = stmt.where(Building.name.in_(building_names))
        unit_ids = list(s.scalars(stmt))
        if not unit_ids:
            raise ValidationError("err.batch_no_units", field="households")
        settings = BatchSettings(**{**asdict(settings), "households": len(unit_ids),
                                    "stations": settings.stations}).validate()
        zones = default_zones([st.code for st in settings.stations])
        require_fit(check_hall(zones, settings.hall_m2, settings.m2_per_waiting_person))
        batch = MoveinBatch(project_id=project_id, name=name, start=settings.start, days=settings.days,
                            opens=settings.opens, closes=settings.closes, hall_m2=settings.hall_m2,
                            m2_per_person=settings.m2_per_waiting_person, target_p90_min=settings.target_p90_wait_min,
                            weekend_factor=settings.weekend_factor, no_show_rate=settings.no_show_rate,
                            stations=[asdict(st) for st in settings.stations], staffing={},
                            zones=[asdict(z) for z in zones])
        s.add(batch)
        s.flush()
        slots = max(1, settings.open_minutes // 60 - 1)
        queue = iter(unit_ids)
        rows = []
        for day, count in households_per_day(settings):
            for i in range(count):
                rows.append({"batch_id": batch.id, "unit_id": next(queue), "day": day,
                             "slot_hour": settings.opens.hour + i % slots, "stations_done": 0,
                             "no_show": False, "version": 1})
        s.execute(MoveinAppointment.__table__.insert(), rows)
        for item in default_checklist(settings.start, owner or actor):
            s.add(MoveinChecklistItem(batch_id=batch.id, code=item.code, owner=item.owner, due=item.due))
        uow.audit("create", "movein_batch", batch.id, after={"households": len(rows), "days": settings.days})
        uow.commit()
        return batch.id


def list_batches(engine: Engine, project_ids=None) -> pd.DataFrame:
    stmt = select(MoveinBatch.id, MoveinBatch.name, MoveinBatch.project_id, MoveinBatch.start, MoveinBatch.days,
                  func.count(MoveinAppointment.id).label("households")) \
        .outerjoin(MoveinAppointment, MoveinAppointment.batch_id == MoveinBatch.id) \
        .group_by(MoveinBatch.id).order_by(MoveinBatch.start.desc())
    if project_ids is not None:
        stmt = stmt.where(MoveinBatch.project_id.in_(project_ids))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(),
                            columns=["id", "name", "project_id", "start", "days", "households"])


def load_batch(engine: Engine, batch_id: int) -> tuple[BatchSettings, list[Zone], dict, int]:
    """(settings, zones, staffing by day, version)."""
    with UnitOfWork(engine) as uow:
        b = uow.session.get(MoveinBatch, batch_id)
        if b is None:
            raise NotFound("err.batch_unknown")
        return _settings(b), [Zone(**z) for z in b.zones], dict(b.staffing or {}), b.version


def plan_per_day(engine: Engine, batch_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(
            select(MoveinAppointment.day, MoveinAppointment.slot_hour, func.count().label("households"))
            .where(MoveinAppointment.batch_id == batch_id)
            .group_by(MoveinAppointment.day, MoveinAppointment.slot_hour)
            .order_by(MoveinAppointment.day, MoveinAppointment.slot_hour)).mappings().all(),
            columns=["day", "slot_hour", "households"])


def save_plan(engine: Engine, actor: str, batch_id: int, expected_version: int, stations: list[Station],
              zones: list[Zone], staffing: dict) -> int:
    """Stations, hall zones and staffing in one save; refused if the zones do not fit the hall or
    someone else saved the plan meanwhile."""
    stations = [st.validate() for st in stations]
    if not stations or len({st.code for st in stations}) != len(stations):
        raise ValidationError("err.station_duplicate", field="station")
    for day, per_station in staffing.items():
        for code, n in per_station.items():
            if not isinstance(n, int) or not 1 <= n <= 100:
                raise ValidationError("err.staff_count", field="station", station=code)
    with UnitOfWork(engine, actor=actor) as uow:
        b = uow.session.get(MoveinBatch, batch_id)
        if b is None:
            raise NotFound("err.batch_unknown")
        if b.version != expected_version:
            raise ConflictError()
        require_fit(check_hall(zones, b.hall_m2, b.m2_per_person))
        before = {"stations": b.stations, "zones": b.zones}
        b.stations = [asdict(st) for st in stations]
        b.zones = [asdict(z) for z in zones]
        b.staffing = staffing
        uow.audit("save_plan", "movein_batch", batch_id, before=before, after={"stations": b.stations, "zones": b.zones})
        uow.commit()
        return b.version


# ---------------------------------------------------------------- checklist

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
    if project_ids is not None:
        stmt = stmt.where(MoveinBatch.project_id.in_(project_ids))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=["name", "code", "owner", "due"])


def set_checklist_item(engine: Engine, actor: str, item_id: int, expected_version: int, done: bool,
                       owner: str, due: date) -> None:
    owner = normalise_text(owner)
    if not owner:
        raise ValidationError("err.required", field="owner")
    with UnitOfWork(engine, actor=actor) as uow:
        item = uow.session.get(MoveinChecklistItem, item_id)
        if item is None:
            raise NotFound("err.batch_unknown")
        if item.version != expected_version:
            raise ConflictError()
        before = {"done": item.done, "owner": item.owner, "due": item.due.isoformat()}
        item.done, item.owner, item.due = done, owner, due
        uow.audit("checklist", "movein_checklist", item_id, before, {"done": done, "owner": owner, "due": due.isoformat()})
        uow.commit()


# ---------------------------------------------------------------- live day

def find_household(engine: Engine, batch_id: int, room_text: str) -> dict:
    room_no, _ = parse_room_no(room_text)
    with engine.connect() as conn:
        row = conn.execute(
            select(MoveinAppointment.id, MoveinAppointment.day, MoveinAppointment.slot_hour,
                   MoveinAppointment.stations_done, MoveinAppointment.no_show, MoveinAppointment.version,
                   MoveinAppointment.arrived_at,
                   Unit.id.label("unit_id"), Unit.room_no, Owner.name.label("owner"), Owner.special_needs)
            .join(Unit, Unit.id == MoveinAppointment.unit_id).outerjoin(Owner, Owner.id == Unit.owner_id)
            .where(MoveinAppointment.batch_id == batch_id, Unit.room_no == room_no)).mappings().first()
    if row is None:
        raise DomainError("err.household_not_in_batch", room=room_no)
    return dict(row)


def advance(engine: Engine, actor: str, batch_id: int, appointment_id: int, station: str,
            now: datetime | None = None) -> int:
    """Finish one station for a household; returns the number of stations now done. Two tablets
    tapping the same household at once: the store serialises them and the second is refused."""
    now = now or utcnow()
    try:
        with UnitOfWork(engine, actor=actor) as uow:
            s = uow.session
            appt = s.scalar(select(MoveinAppointment).where(MoveinAppointment.id == appointment_id,
                                                            MoveinAppointment.batch_id == batch_id).with_for_update())
            if appt is None:
                raise DomainError("err.household_not_in_batch", room="")
            order = [st["code"] for st in s.get(MoveinBatch, batch_id).stations]
            progress = flow.advance(flow.Progress(str(appt.id), appt.stations_done, appt.no_show), order, station)
            s.add(MoveinStep(appointment_id=appt.id, station=station, seq=progress.done, finished_at=now, staff=actor))
            if appt.arrived_at is None:
                appt.arrived_at = now  # finishing the first station counts as arriving
            appt.stations_done = progress.done
            if progress.done == len(order):
                appt.finished_at = now
                s.execute(update(Unit).where(Unit.id == appt.unit_id).values(status="handed_over",
                                                                            version=Unit.version + 1))
            uow.audit("advance", "movein_appointment", appt.id, after={"station": station, "done": progress.done})
            uow.commit()
            return progress.done
    except IntegrityError:
        raise DomainError("err.station_done_twice", station=station) from None


def check_in(engine: Engine, actor: str, batch_id: int, appointment_id: int, now: datetime | None = None) -> None:
    """The household is in the hall: it joins the queue of the first station."""
    now = now or utcnow()
    with UnitOfWork(engine, actor=actor) as uow:
        appt = uow.session.scalar(select(MoveinAppointment).where(MoveinAppointment.id == appointment_id,
                                                                  MoveinAppointment.batch_id == batch_id).with_for_update())
        if appt is None:
            raise DomainError("err.household_not_in_batch", room="")
        if appt.no_show:
            raise DomainError("err.household_no_show")
        if appt.arrived_at is not None:
            raise DomainError("err.household_checked_in")
        appt.arrived_at = now
        uow.audit("check_in", "movein_appointment", appt.id)
        uow.commit()


def mark_no_show(engine: Engine, actor: str, batch_id: int, appointment_id: int) -> None:
    with UnitOfWork(engine, actor=actor) as uow:
        appt = uow.session.scalar(select(MoveinAppointment).where(MoveinAppointment.id == appointment_id,
                                                                  MoveinAppointment.batch_id == batch_id).with_for_update())
        if appt is None:
            raise DomainError("err.household_not_in_batch", room="")
        if appt.arrived_at is not None:
            raise DomainError("err.household_started")
        flow.mark_no_show(flow.Progress(str(appt.id), appt.stations_done, appt.no_show))
        appt.no_show = True
        uow.audit("no_show", "movein_appointment", appt.id)
        uow.commit()


def log_defect(engine: Engine, actor: str, batch_id: int, unit_id: int, **fields) -> int:
    d = validate_defect(**fields)
    with UnitOfWork(engine, actor=actor) as uow:
        row = MoveinDefect(batch_id=batch_id, unit_id=unit_id, location=d.location, kind=d.kind,
                           severity=d.severity, responsible=d.responsible, note=d.note, photo=d.photo,
                           created_by=actor)
        uow.session.add(row)
        uow.session.flush()
        uow.audit("defect", "movein_defect", row.id, after={"unit": unit_id, "kind": d.kind, "severity": d.severity})
        uow.commit()
        return row.id


def fix_defect(engine: Engine, actor: str, defect_id: int, expected_version: int) -> None:
    with UnitOfWork(engine, actor=actor) as uow:
        row = uow.session.get(MoveinDefect, defect_id)
        if row is None:
            raise NotFound("err.batch_unknown")
        if row.version != expected_version:
            raise ConflictError()
        row.status, row.fixed_at = "fixed", utcnow()
        uow.audit("fix", "movein_defect", defect_id, {"status": "open"}, {"status": "fixed"})
        uow.commit()


def log_dispute(engine: Engine, actor: str, batch_id: int, unit_id: int, note: str) -> int:
    note = validate_dispute(note)
    with UnitOfWork(engine, actor=actor) as uow:
        row = MoveinDispute(batch_id=batch_id, unit_id=unit_id, note=note, created_by=actor)
        uow.session.add(row)
        uow.session.flush()
        uow.audit("dispute", "movein_dispute", row.id, after={"unit": unit_id})
        uow.commit()
        return row.id


def live_board(engine: Engine, batch_id: int, day: date) -> dict:
    """Per station: households at it (waiting or in service), done today against plan, no-shows,
    mean time through the flow. The queue is counted in SQL; the split between waiting and served
    assumes each station serves up to its staff at once, earliest arrivals first."""
    with engine.connect() as conn:
        b = conn.execute(select(MoveinBatch.stations, MoveinBatch.staffing).where(MoveinBatch.id == batch_id)).one()
        at_station = dict(conn.execute(
            select(MoveinAppointment.stations_done, func.count())
            .where(MoveinAppointment.batch_id == batch_id, MoveinAppointment.day == day,
                   MoveinAppointment.arrived_at.is_not(None), MoveinAppointment.finished_at.is_(None))
            .group_by(MoveinAppointment.stations_done)).all())
        planned, finished, no_shows, flow_minutes = conn.execute(
            select(func.count(),
                   func.count(MoveinAppointment.finished_at),
                   func.sum(case((MoveinAppointment.no_show.is_(True), 1), else_=0)),
                   func.avg(_minutes(engine, MoveinAppointment.arrived_at, MoveinAppointment.finished_at)))
            .where(MoveinAppointment.batch_id == batch_id, MoveinAppointment.day == day)).one()
        not_arrived = conn.scalar(select(func.count()).where(
            MoveinAppointment.batch_id == batch_id, MoveinAppointment.day == day,
            MoveinAppointment.arrived_at.is_(None), MoveinAppointment.no_show.is_(False)))
    staffing = (b.staffing or {}).get(day.isoformat(), {})
    stations = []
    for i, st in enumerate(b.stations):
        # A household that has arrived with i stations done stands at station i.
        present = int(at_station.get(i, 0))
        staff = int(staffing.get(st["code"], st["staff"]))
        stations.append({"code": st["code"], "present": present, "served": min(present, staff),
                         "waiting": max(0, present - staff), "staff": staff})
    bottleneck = max(stations, key=lambda s: (s["waiting"], s["present"]))["code"] if stations else None
    return {"planned": int(planned or 0), "finished": int(finished or 0), "no_shows": int(no_shows or 0),
            "not_arrived": int(not_arrived or 0), "mean_flow_min": float(flow_minutes) if flow_minutes else None,
            "stations": stations, "bottleneck": bottleneck if any(s["present"] for s in stations) else None}


def _minutes(engine: Engine, start, end):
    if engine.dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 60.0
    return (func.julianday(end) - func.julianday(start)) * 1440.0


def open_defects(engine: Engine, unit_id: int | None = None, batch_id: int | None = None) -> pd.DataFrame:
    stmt = (select(MoveinDefect.id, Unit.room_no, MoveinDefect.location, MoveinDefect.kind, MoveinDefect.severity,
                   MoveinDefect.responsible, MoveinDefect.note, MoveinDefect.status, MoveinDefect.created_at,
                   MoveinDefect.version)
            .join(Unit, Unit.id == MoveinDefect.unit_id).order_by(MoveinDefect.created_at.desc()))
    if unit_id is not None:
        stmt = stmt.where(MoveinDefect.unit_id == unit_id)
    if batch_id is not None:
        stmt = stmt.where(MoveinDefect.batch_id == batch_id, MoveinDefect.status == "open")
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(),
                            columns=["id", "room_no", "location", "kind", "severity", "responsible", "note",
                                     "status", "created_at", "version"])


def actual_vs_plan(engine: Engine, batch_id: int) -> pd.DataFrame:
    """Per station: households through it and the mean minutes since the previous tap (the
    station's actual time, queue included) against its planned service time."""
    with engine.connect() as conn:
        b = conn.execute(select(MoveinBatch.stations).where(MoveinBatch.id == batch_id)).scalar_one()
        steps = pd.DataFrame(conn.execute(
            select(MoveinStep.appointment_id, MoveinStep.station, MoveinStep.seq, MoveinStep.finished_at,
                   MoveinAppointment.arrived_at)
            .join(MoveinAppointment, MoveinAppointment.id == MoveinStep.appointment_id)
            .where(MoveinAppointment.batch_id == batch_id)).mappings().all(),
            columns=["appointment_id", "station", "seq", "finished_at", "arrived_at"])
    rows = []
    if not steps.empty:
        steps = steps.sort_values(["appointment_id", "seq"])
        previous = steps.groupby("appointment_id")["finished_at"].shift()
        # The first station is timed from check-in; the others from the previous station's tap.
        steps["minutes"] = (steps["finished_at"] - previous.fillna(steps["arrived_at"])).dt.total_seconds() / 60
    for st in b:
        mine = steps[steps["station"] == st["code"]] if not steps.empty else steps
        rows.append({"station": st["code"], "households": int(len(mine)), "planned_min": st["mean_min"],
                     "actual_min": float(mine["minutes"].mean()) if len(mine) and mine["minutes"].notna().any() else None})
    return pd.DataFrame(rows, columns=["station", "households", "planned_min", "actual_min"])
