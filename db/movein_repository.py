"""Loading and saving move-in aggregates inside a unit of work: batches with their households,
the checklist, station steps, defects and disputes. The services decide; this only stores."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from core.errors import DomainError, NotFound
from core.movein.appointments import Booking
from core.movein.checklist import ChecklistItem
from core.movein.flow import Progress, handed_over
from core.movein.hall import Zone
from core.movein.model import BatchSettings, Station
from db.models import Building, Unit
from db.movein_models import (
    MoveinAppointment,
    MoveinBatch,
    MoveinChecklistItem,
    MoveinDefect,
    MoveinDispute,
    MoveinEvent,
    MoveinStep,
)


def to_settings(b: MoveinBatch) -> BatchSettings:
    return BatchSettings(start=b.start, days=b.days, households=0, opens=b.opens, closes=b.closes,
                         weekend_factor=b.weekend_factor, hall_m2=b.hall_m2, m2_per_waiting_person=b.m2_per_person,
                         target_p90_wait_min=b.target_p90_min, no_show_rate=b.no_show_rate,
                         stations=tuple(Station(**s) for s in b.stations), overflow=b.overflow)


def to_zones(b: MoveinBatch) -> list[Zone]:
    return [Zone(**z) for z in b.zones]


def station_codes(b: MoveinBatch) -> list[str]:
    return [s["code"] for s in b.stations]


def progress(a: MoveinAppointment) -> Progress:
    return Progress(str(a.id), a.stations_done, a.no_show, a.arrived_at is not None, a.serving_by is not None)


# ---------------------------------------------------------------- batches

def sold_units(s: Session, project_id: int, building_names: list[str] | None = None) -> list[int]:
    """The project's sold units not yet handed over, in room order."""
    stmt = (select(Unit.id).join(Building, Building.id == Unit.building_id)
            .where(Unit.project_id == project_id, Unit.status == "sold").order_by(Unit.room_no))
    if building_names:
        stmt = stmt.where(Building.name.in_(building_names))
    return list(s.scalars(stmt))


def add_batch(s: Session, project_id: int, name: str, settings: BatchSettings, zones: list[Zone]) -> MoveinBatch:
    batch = MoveinBatch(project_id=project_id, name=name, start=settings.start, days=settings.days,
                        opens=settings.opens, closes=settings.closes, hall_m2=settings.hall_m2,
                        m2_per_person=settings.m2_per_waiting_person, target_p90_min=settings.target_p90_wait_min,
                        weekend_factor=settings.weekend_factor, no_show_rate=settings.no_show_rate,
                        overflow=settings.overflow, stations=[asdict(st) for st in settings.stations], staffing={},
                        zones=[asdict(z) for z in zones])
    s.add(batch)
    s.flush()
    return batch


def add_appointments(s: Session, batch_id: int, bookings: list[tuple[int, object, int]]) -> int:
    """(unit id, day, slot hour) per household, in one insert."""
    rows = [{"batch_id": batch_id, "unit_id": unit_id, "day": day, "slot_hour": hour, "stations_done": 0,
             "no_show": False, "version": 1} for unit_id, day, hour in bookings]
    if rows:
        s.execute(MoveinAppointment.__table__.insert(), rows)
    return len(rows)


def add_checklist(s: Session, batch_id: int, items: list[ChecklistItem]) -> None:
    for item in items:
        s.add(MoveinChecklistItem(batch_id=batch_id, code=item.code, owner=item.owner, due=item.due))


def find_batch(s: Session, batch_id: int) -> MoveinBatch | None:
    return s.get(MoveinBatch, batch_id)


def get_batch(s: Session, batch_id: int, lock: bool = False) -> MoveinBatch:
    """`lock`: held until commit, so a concurrent save waits and then meets the new version."""
    b = s.get(MoveinBatch, batch_id, with_for_update=lock or None)
    if b is None:
        raise NotFound("err.batch_unknown")
    return b


def save_plan(b: MoveinBatch, stations: list[Station], zones: list[Zone], staffing: dict,
              overflow: str | None = None) -> None:
    b.stations = [asdict(st) for st in stations]
    b.zones = [asdict(z) for z in zones]
    b.staffing = staffing
    if overflow is not None:
        b.overflow = overflow


def touch(b: MoveinBatch) -> None:
    """The batch's bookings changed: a new version, so a screen holding the old one is refused."""
    flag_modified(b, "staffing")


# ---------------------------------------------------------------- appointments

def bookings(s: Session, batch_id: int) -> list[Booking]:
    """Every household's booking, locked until commit: a tablet checking one in waits for the
    rebooking (and then finds it where it now is), never the other way round."""
    rows = s.execute(select(MoveinAppointment.id, MoveinAppointment.day, MoveinAppointment.slot_hour,
                            MoveinAppointment.stations_done, MoveinAppointment.no_show, MoveinAppointment.arrived_at)
                     .where(MoveinAppointment.batch_id == batch_id).order_by(MoveinAppointment.id)
                     .with_for_update()).all()
    return [Booking(r.id, r.day, r.slot_hour, bool(r.no_show or r.arrived_at is not None or r.stations_done))
            for r in rows]


def rooms(s: Session, batch_id: int) -> dict[str, int]:
    """Room number -> appointment id of the batch's households."""
    return dict(s.execute(select(Unit.room_no, MoveinAppointment.id).join(Unit, Unit.id == MoveinAppointment.unit_id)
                          .where(MoveinAppointment.batch_id == batch_id)).all())


def move_bookings(s: Session, moves: list[tuple[int, object, int]]) -> None:
    """(appointment, day, slot hour) for each household moved, in one statement."""
    if moves:
        table = MoveinAppointment.__table__
        s.connection().execute(
            update(table).where(table.c.id == bindparam("appt")).values(day=bindparam("new_day"),
                                                                         slot_hour=bindparam("new_hour"),
                                                                         version=table.c.version + 1),
            [{"appt": a, "new_day": d, "new_hour": h} for a, d, h in moves])


# ---------------------------------------------------------------- households

def lock_appointment(s: Session, batch_id: int, appointment_id: int) -> MoveinAppointment:
    """The household, locked until commit: two tablets tapping it at once are served one by one."""
    a = s.scalar(select(MoveinAppointment).where(MoveinAppointment.id == appointment_id,
                                                 MoveinAppointment.batch_id == batch_id).with_for_update())
    if a is None:
        raise DomainError("err.household_not_in_batch", room="")
    return a


def appointment(s: Session, appointment_id: int) -> MoveinAppointment:
    """Read again from the store (after a conditional update made elsewhere in the transaction)."""
    return s.get(MoveinAppointment, appointment_id, populate_existing=True)


def has_household(s: Session, batch_id: int, unit_id: int) -> bool:
    return s.scalar(select(MoveinAppointment.id).where(MoveinAppointment.batch_id == batch_id,
                                                       MoveinAppointment.unit_id == unit_id)) is not None


def save_progress(s: Session, a: MoveinAppointment, p: Progress, station_count: int, now: datetime,
                  by: str | None = None) -> None:
    """The household's new place in the flow; the unit is handed over with the last station."""
    if p.arrived and a.arrived_at is None:
        a.arrived_at = now
    a.stations_done, a.no_show = p.done, p.no_show
    if p.serving and a.serving_by is None:
        a.serving_by, a.serving_since = by, now
    elif not p.serving:
        a.serving_by = a.serving_since = None
    if handed_over(p.done, station_count) and a.finished_at is None:
        a.finished_at = now
        s.execute(update(Unit).where(Unit.id == a.unit_id).values(status="handed_over", version=Unit.version + 1))


def move_to_day(a: MoveinAppointment, day: date) -> None:
    """A household that came on another day than booked counts on the day it came."""
    if a.booked_day is None:
        a.booked_day = a.day
    a.day = day


# ---------------------------------------------------------------- taps, their timeline, undo

def _iso(v) -> str | None:
    return None if v is None else v.isoformat()


def _when(v: str | None):
    return None if v is None else datetime.fromisoformat(v)


def snapshot(s: Session, a: MoveinAppointment) -> dict:
    """Everything a tap may change, as it is before the tap."""
    return {"stations_done": a.stations_done, "no_show": bool(a.no_show), "arrived_at": _iso(a.arrived_at),
            "finished_at": _iso(a.finished_at), "serving_by": a.serving_by, "serving_since": _iso(a.serving_since),
            "day": a.day.isoformat(), "booked_day": _iso(a.booked_day),
            "unit_status": s.scalar(select(Unit.status).where(Unit.id == a.unit_id))}


def add_event(s: Session, a: MoveinAppointment, kind: str, station: str | None, now: datetime, by: str,
              before: dict) -> None:
    s.add(MoveinEvent(appointment_id=a.id, kind=kind, station=station, at=now, by=by, before=before))


def last_event(s: Session, appointment_id: int) -> MoveinEvent | None:
    """The household's latest tap not yet taken back."""
    return s.scalar(select(MoveinEvent).where(MoveinEvent.appointment_id == appointment_id,
                                              MoveinEvent.undone_at.is_(None))
                    .order_by(MoveinEvent.at.desc(), MoveinEvent.id.desc()).limit(1))


def restore(s: Session, a: MoveinAppointment, before: dict) -> None:
    """The household back where the snapshot has it: its later station steps go, and a unit
    handed over by the tap is no longer."""
    a.stations_done, a.no_show = before["stations_done"], before["no_show"]
    a.arrived_at, a.finished_at = _when(before["arrived_at"]), _when(before["finished_at"])
    a.serving_by, a.serving_since = before["serving_by"], _when(before["serving_since"])
    a.day = date.fromisoformat(before["day"])
    a.booked_day = None if before["booked_day"] is None else date.fromisoformat(before["booked_day"])
    s.execute(delete(MoveinStep).where(MoveinStep.appointment_id == a.id, MoveinStep.seq > a.stations_done))
    status = s.scalar(select(Unit.status).where(Unit.id == a.unit_id))
    if before.get("unit_status") and status != before["unit_status"]:
        s.execute(update(Unit).where(Unit.id == a.unit_id).values(status=before["unit_status"],
                                                                    version=Unit.version + 1))


def waiting_at(s: Session, batch_id: int, day: date, index: int) -> list[tuple[int, int]]:
    """(appointment id, version) of the households waiting for station `index` on `day`, not
    taken by a desk, the longest waiting first (its previous station's tap, or its check-in)."""
    previous = (select(MoveinStep.finished_at)
                .where(MoveinStep.appointment_id == MoveinAppointment.id, MoveinStep.seq == MoveinAppointment.stations_done)
                .correlate(MoveinAppointment).scalar_subquery())
    reached = previous if index > 0 else MoveinAppointment.arrived_at
    rows = s.execute(select(MoveinAppointment.id, MoveinAppointment.version)
                     .where(MoveinAppointment.batch_id == batch_id, MoveinAppointment.day == day,
                            MoveinAppointment.stations_done == index, MoveinAppointment.no_show.is_(False),
                            MoveinAppointment.arrived_at.is_not(None), MoveinAppointment.serving_by.is_(None))
                     .order_by(reached, MoveinAppointment.id)).all()
    return [(r.id, r.version) for r in rows]


def claim(s: Session, appointment_id: int, version: int, index: int, by: str, now: datetime) -> bool:
    """Take the household for a desk if it is still as seen: still waiting there, untaken, at the
    same version. Two desks claiming one household: the store lets one update through, the other
    updates nothing and goes on to the next household."""
    table = MoveinAppointment.__table__
    done = s.connection().execute(
        update(table).where(table.c.id == appointment_id, table.c.version == version,
                            table.c.stations_done == index, table.c.serving_by.is_(None),
                            table.c.no_show.is_(False))
        .values(serving_by=by, serving_since=now, version=table.c.version + 1))
    return done.rowcount == 1


def add_step(s: Session, appointment_id: int, station: str, seq: int, now: datetime, staff: str) -> None:
    s.add(MoveinStep(appointment_id=appointment_id, station=station, seq=seq, finished_at=now, staff=staff))


# ---------------------------------------------------------------- checklist, defects, disputes

def get_checklist_item(s: Session, item_id: int) -> MoveinChecklistItem:
    """Locked until commit (see get_batch)."""
    item = s.get(MoveinChecklistItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound("err.batch_unknown")
    return item


def get_defect(s: Session, defect_id: int) -> MoveinDefect:
    """Locked until commit (see get_batch)."""
    row = s.get(MoveinDefect, defect_id, with_for_update=True)
    if row is None:
        raise NotFound("err.batch_unknown")
    return row


def add_defect(s: Session, batch_id: int, unit_id: int, d, created_by: str) -> int:
    row = MoveinDefect(batch_id=batch_id, unit_id=unit_id, location=d.location, kind=d.kind, severity=d.severity,
                       responsible=d.responsible, note=d.note, photo=d.photo, due=d.due, created_by=created_by)
    s.add(row)
    s.flush()
    return row.id


def add_dispute(s: Session, batch_id: int, unit_id: int, note: str, created_by: str) -> int:
    row = MoveinDispute(batch_id=batch_id, unit_id=unit_id, note=note, created_by=created_by)
    s.add(row)
    s.flush()
    return row.id
