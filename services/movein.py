"""Move-in use cases: planning a handover batch (its appointments, its staffing over simulated
days, its hall), the live day in the hall, after the day.

Planning (batches, appointments, the plan, the checklist) needs PLAN_MOVEIN; the hall (check-in, station taps,
no-shows, defects, disputes) needs RUN_MOVEIN_HALL; every write is checked against the batch's
project. Where a household stands and what it may do next is core's rule (core/movein/flow.py)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import NamedTuple

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core.auth.privacy import phone_as_seen
from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.clock import CHINA, local_today
from core.errors import (
    ConflictError,
    DomainError,
    PermissionDenied,
    ValidationError,
    ValidationErrors,
)
from core.movein import flow
from core.movein.appointments import (
    batch_days,
    fill_evenly,
    grid_from_days,
    parse_bookings,
    rebook,
    validate_quotas,
)
from core.movein.checklist import default_checklist, validate_owner
from core.movein.defects import validate_closing, validate_defect, validate_dispute
from core.movein.forecast import (
    BatchRecommendation,
    DayForecast,
    recommend_batch,
    staffed,
)
from core.movein.forecast import forecast as forecast_days
from core.movein.hall import Zone, check_hall, default_zones, require_fit
from core.movein.model import (
    OVERFLOWS,
    BatchSettings,
    Station,
    booking_hours,
    households_per_day,
    runs_on,
    validate_new_batch,
    validate_plan,
)
from core.movein.staffing import waiting_capacity
from core.org.rules import normalise_text, parse_room_no
from db import movein_queries as q
from db import movein_repository as repo
from db.models import utcnow
from db.uow import UnitOfWork

PLAN, HALL, UNDO_ANY = Capability.PLAN_MOVEIN, Capability.RUN_MOVEIN_HALL, Capability.UNDO_MOVEIN_TAP


class BatchPlan(NamedTuple):
    settings: BatchSettings
    zones: list[Zone]
    staffing: dict          # {"YYYY-MM-DD": {station: staff}}
    version: int


@dataclass(frozen=True)
class Household:
    """A household as the tablet shows it, with where it stands and what comes next."""
    id: int
    unit_id: int
    room_no: str
    owner: str | None
    special_needs: str | None
    day: date
    slot_hour: int
    stations_done: int
    station_count: int
    no_show: bool
    arrived: bool
    version: int
    stage: flow.Stage
    next_station: str | None
    action: flow.Action
    phone: str = ""                 # masked unless the actor may see it in full
    serving_by: str | None = None   # the desk of the next station that has it (station mode)
    booked_day: date | None = None  # booked for this day, came on `day`
    chip: flow.Chip = flow.Chip.EXPECTED


@dataclass(frozen=True)
class ListRow:
    """A line of today's list."""
    id: int
    room_no: str
    owner: str
    phone: str
    building_id: int
    slot_hour: int
    chip: flow.Chip
    station: str | None      # the station it waits for or is at
    day: date                # the day it counts on
    booked_day: date | None
    version: int = 0


@dataclass(frozen=True)
class QueueEntry:
    id: int
    version: int
    room_no: str
    owner: str
    minutes: int             # waited, or in service, whole minutes
    by: str | None           # the desk that has it; None while waiting


@dataclass(frozen=True)
class StationQueue:
    """One station on `day`: who waits (longest first) and who is in service."""
    station: str
    index: int
    waiting: list[QueueEntry]
    serving: list[QueueEntry]


@dataclass(frozen=True)
class Tap:
    """A tap as the timeline and the undo button show it."""
    id: int
    appointment_id: int
    room_no: str
    kind: str
    station: str | None
    at: datetime


def _may_read(actor: Actor) -> None:
    """Move-in screens are for those who plan or run the hall."""
    if not (actor.can(PLAN) or actor.can(HALL)):
        raise PermissionDenied("err.not_allowed")


def _batch_in_scope(engine: Engine, actor: Actor, batch_id: int) -> None:
    _may_read(actor)
    actor.require_project(q.batch_project(engine, batch_id))


def _check_conflict(row, expected_version: int) -> None:
    if row.version != expected_version:
        raise ConflictError()


# ---------------------------------------------------------------- planning

def create_batch(engine: Engine, actor: Actor, project_id: int, name: str, settings: BatchSettings,
                 building_names: list[str] | None = None, owner: str = "", day_counts: dict[int, int] | None = None,
                 request_key: str | None = None) -> int:
    """A batch with its households (the project's sold, not yet handed-over units), spread over
    the days with the weekend surge (or, with `day_counts` {day index: households}, those days as
    given and the others sharing the rest evenly) and over the hourly slots, in room order: a starting point the supervisor then edits
    (save_quotas, import_bookings). Plus the checklist and the seed's zones. Returns the batch id."""
    actor.require(PLAN)
    actor.require_project(project_id)
    name, settings = validate_new_batch(name, settings)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        unit_ids = repo.sold_units(s, project_id, building_names)
        if not unit_ids:
            raise ValidationError("err.batch_no_units", field="households")
        settings = BatchSettings(**{**asdict(settings), "households": len(unit_ids),
                                    "stations": settings.stations}).validate()
        zones = default_zones([st.code for st in settings.stations])
        batch = repo.add_batch(s, project_id, name, settings, zones)
        per_day = households_per_day(settings)
        counts = [n for _, n in per_day] if day_counts is None else fill_evenly(len(unit_ids), settings.days, day_counts)
        grid = grid_from_days([d for d, _ in per_day], counts, booking_hours(settings))
        queue = iter(unit_ids)
        bookings = [(next(queue), day, hour) for day, slots in grid.items() for hour, n in slots.items()
                    for _ in range(n)]
        booked = repo.add_appointments(s, batch.id, bookings)
        repo.add_checklist(s, batch.id, default_checklist(settings.start, normalise_text(owner) or actor.username))
        uow.audit("create", "movein_batch", batch.id, after={"households": booked, "days": settings.days})
        return uow.commit(batch.id)


def save_plan(engine: Engine, actor: Actor, batch_id: int, expected_version: int, stations: list[Station],
              zones: list[Zone], staffing: dict, overflow: str | None = None, request_key: str | None = None) -> int:
    """Stations, hall zones, staffing (and what the hall does beyond its seats) in one save;
    refused if the zones do not fit the hall or someone else saved the plan meanwhile. Returns the
    plan's new version."""
    actor.require(PLAN)
    stations, staffing = validate_plan(stations, staffing)
    if overflow is not None and overflow not in OVERFLOWS:
        raise ValidationError("err.required", field="overflow")
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        b = repo.get_batch(uow.session, batch_id, lock=True)
        actor.require_project(b.project_id)
        _check_conflict(b, expected_version)
        require_fit(check_hall(zones, b.hall_m2, b.m2_per_person))
        before = {"stations": b.stations, "zones": b.zones, "overflow": b.overflow}
        repo.save_plan(b, stations, zones, staffing, overflow)
        uow.audit("save_plan", "movein_batch", batch_id, before=before,
                  after={"stations": b.stations, "zones": b.zones, "overflow": b.overflow})
        uow.session.flush()   # the new version, to return
        return uow.commit(b.version)


def _started_per_slot(bookings) -> dict:
    started: dict = {}
    for b in bookings:
        if b.started:
            started[(b.day, b.hour)] = started.get((b.day, b.hour), 0) + 1
    return started


def save_quotas(engine: Engine, actor: Actor, batch_id: int, expected_version: int, quotas: dict,
                request_key: str | None = None) -> int:
    """The appointments per day and slot ({"YYYY-MM-DD" or date: {slot hour: households}}),
    adding up to the batch. Households already in the hall or marked absent keep their slot;
    the others are moved as few as possible. Returns the plan's new version."""
    actor.require(PLAN)
    quotas = {date.fromisoformat(d) if isinstance(d, str) else d: {int(h): n for h, n in per.items()}
              for d, per in quotas.items()}
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        b = repo.get_batch(uow.session, batch_id, lock=True)
        actor.require_project(b.project_id)
        _check_conflict(b, expected_version)
        settings = repo.to_settings(b)
        bookings = repo.bookings(uow.session, batch_id)
        grid = validate_quotas(quotas, batch_days(b.start, b.days), booking_hours(settings), len(bookings),
                               _started_per_slot(bookings))
        moves = rebook(bookings, grid)
        repo.move_bookings(uow.session, moves)
        repo.touch(b)
        uow.audit("rebook", "movein_batch", batch_id,
                  after={"moved": len(moves), "per_day": {d.isoformat(): sum(v.values()) for d, v in grid.items()}})
        uow.session.flush()
        return uow.commit(b.version)


def import_bookings(engine: Engine, actor: Actor, batch_id: int, expected_version: int, lines: list[str],
                    request_key: str | None = None) -> int:
    """A list of households with their day and slot ("room, day, slot" a line): those listed are
    booked there, the others keep theirs. Every bad line is named and nothing is saved. Returns
    the number of households moved."""
    actor.require(PLAN)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        b = repo.get_batch(uow.session, batch_id, lock=True)
        actor.require_project(b.project_id)
        _check_conflict(b, expected_version)
        rows = parse_bookings(lines, batch_days(b.start, b.days), booking_hours(repo.to_settings(b)))
        by_id = {x.id: x for x in repo.bookings(uow.session, batch_id)}
        rooms = repo.rooms(uow.session, batch_id)
        errors, moves = [], []
        for r in rows:
            appt = rooms.get(r.room_no)
            if appt is None:
                errors.append(ValidationError("err.booking_unknown_room", field="bookings", row=r.row, room=r.room_no))
            elif (r.day, r.hour) != (by_id[appt].day, by_id[appt].hour):
                if by_id[appt].started:
                    errors.append(ValidationError("err.booking_started", field="bookings", row=r.row, room=r.room_no))
                moves.append((appt, r.day, r.hour))
        if errors:
            raise ValidationErrors(errors)
        repo.move_bookings(uow.session, moves)
        repo.touch(b)
        uow.audit("import_bookings", "movein_batch", batch_id, after={"lines": len(rows), "moved": len(moves)})
        return uow.commit(len(moves))


def set_checklist_item(engine: Engine, actor: Actor, item_id: int, expected_version: int, done: bool,
                       owner: str, due: date, request_key: str | None = None) -> int:
    """Tick, reassign or reschedule one preparation item. Returns the item's new version."""
    actor.require(PLAN)
    owner = validate_owner(owner)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (earlier := uow.done_before()) is not None:
            return earlier
        item = repo.get_checklist_item(uow.session, item_id)
        actor.require_project(repo.get_batch(uow.session, item.batch_id).project_id)
        _check_conflict(item, expected_version)
        before = {"done": item.done, "owner": item.owner, "due": item.due.isoformat()}
        item.done, item.owner, item.due = done, owner, due
        uow.audit("checklist", "movein_checklist", item_id, before,
                  {"done": done, "owner": owner, "due": due.isoformat()})
        uow.session.flush()
        return uow.commit(item.version)


# ---------------------------------------------------------------- the hall

def _household_write(uow: UnitOfWork, actor: Actor, batch_id: int, appointment_id: int):
    """The batch and the household, locked, once the actor may act in the batch's project."""
    appt = repo.lock_appointment(uow.session, batch_id, appointment_id)
    b = repo.get_batch(uow.session, batch_id)
    actor.require_project(b.project_id)
    return b, appt


def _local_day(now: datetime) -> date:
    return now.astimezone(CHINA).date()


def _tap(uow: UnitOfWork, actor: Actor, b, appt, kind: str, station: str | None, p, now: datetime,
         before: dict) -> None:
    repo.save_progress(uow.session, appt, p, len(repo.station_codes(b)), now, actor.username)
    repo.add_event(uow.session, appt, kind, station, now, actor.username, before)


def check_in(engine: Engine, actor: Actor, batch_id: int, appointment_id: int, now: datetime | None = None,
             request_key: str | None = None, *, hall_day: date | None = None, other_day: bool = False,
             late: bool = False) -> int:
    """The household is in the hall: it joins the queue of the first station. Returns the
    appointment id. `hall_day`: the day the hall runs (the tablet's today): a household booked
    for another day is refused unless `other_day` confirms it, and then counts on `hall_day`.
    A household marked absent checks in only as a confirmed late arrival (`late`)."""
    actor.require(HALL)
    now = now or utcnow()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        b, appt = _household_write(uow, actor, batch_id, appointment_id)
        if hall_day is not None and appt.day != hall_day and not other_day:
            raise DomainError("err.household_other_day", day=appt.day.isoformat())
        before = repo.snapshot(uow.session, appt)
        p = flow.check_in(repo.progress(appt), late=late)
        if hall_day is not None and appt.day != hall_day:
            repo.move_to_day(appt, hall_day)
        kind = "late_arrival" if appt.no_show else "check_in"
        _tap(uow, actor, b, appt, kind, None, p, now, before)
        uow.audit(kind, "movein_appointment", appt.id,
                  after={"day": appt.day.isoformat(), "booked_day": before["day"]} if appt.booked_day else None)
        return uow.commit(appt.id)


def advance(engine: Engine, actor: Actor, batch_id: int, appointment_id: int, station: str,
            now: datetime | None = None, request_key: str | None = None) -> int:
    """Finish one station for a household (taken by a desk or not); returns the number of
    stations now done. Two tablets tapping the same household at once: the store serialises them
    and the second is refused; the same tap sent twice (one request key) is counted once."""
    actor.require(HALL)
    now = now or utcnow()
    try:
        with UnitOfWork(engine, actor.username, request_key) as uow:
            if (done := uow.done_before()) is not None:
                return done
            b, appt = _household_write(uow, actor, batch_id, appointment_id)
            order = repo.station_codes(b)
            before = repo.snapshot(uow.session, appt)
            p = flow.advance(repo.progress(appt), order, station)
            repo.add_step(uow.session, appt.id, station, p.done, now, actor.username)
            _tap(uow, actor, b, appt, "finish", station, p, now, before)
            uow.audit("advance", "movein_appointment", appt.id, after={"station": station, "done": p.done})
            return uow.commit(p.done)
    except IntegrityError:
        raise DomainError("err.station_done_twice", station=station) from None


def take_next(engine: Engine, actor: Actor, batch_id: int, station: str, day: date, now: datetime | None = None,
              request_key: str | None = None) -> int:
    """Station mode: the desk takes the household that has waited longest for `station` on
    `day`. Returns its appointment id. Two desks tapping at once never take the same household:
    each claim is a conditional update on the household's version (repo.claim), and a desk that
    loses the race takes the next one."""
    actor.require(HALL)
    now = now or utcnow()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        b = repo.get_batch(uow.session, batch_id)
        actor.require_project(b.project_id)
        order = repo.station_codes(b)
        if station not in order:
            raise DomainError("err.station_unknown", station=station)
        index = order.index(station)
        for appt_id, version in repo.waiting_at(uow.session, batch_id, day, index):
            appt = repo.appointment(uow.session, appt_id)
            before = repo.snapshot(uow.session, appt)
            if repo.claim(uow.session, appt_id, version, index, actor.username, now):
                uow.session.refresh(appt)
                repo.add_event(uow.session, appt, "take", station, now, actor.username, before)
                uow.audit("take", "movein_appointment", appt_id, after={"station": station})
                return uow.commit(appt_id)
        raise DomainError("err.queue_empty", station=station)


def mark_no_show(engine: Engine, actor: Actor, batch_id: int, appointment_id: int,
                 request_key: str | None = None, now: datetime | None = None) -> int:
    """Returns the appointment id. Reversible: undo, or a late arrival's check-in."""
    actor.require(HALL)
    now = now or utcnow()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        b, appt = _household_write(uow, actor, batch_id, appointment_id)
        before = repo.snapshot(uow.session, appt)
        p = flow.mark_no_show(repo.progress(appt))
        _tap(uow, actor, b, appt, "no_show", None, p, now, before)
        uow.audit("no_show", "movein_appointment", appt.id)
        return uow.commit(appt.id)


def undo_last(engine: Engine, actor: Actor, batch_id: int, appointment_id: int, reason: str = "",
              now: datetime | None = None, request_key: str | None = None) -> str:
    """Take back the household's latest tap: one's own within flow.UNDO_WINDOW, anyone's later
    with UNDO_MOVEIN_TAP and a reason (core.movein.flow.may_undo). The household is put back as
    it was before the tap and the timeline keeps both, with the reason. Returns the kind of tap
    taken back."""
    actor.require(HALL)
    now = now or utcnow()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        _, appt = _household_write(uow, actor, batch_id, appointment_id)
        event = repo.last_event(uow.session, appt.id)
        if event is None:
            raise DomainError("err.nothing_to_undo")
        reason = flow.may_undo(event.by, event.at, actor.username, now, actor.can(UNDO_ANY), reason)
        repo.restore(uow.session, appt, event.before)
        event.undone_at, event.undone_by, event.undo_reason = now, actor.username, reason or None
        uow.session.flush()
        uow.audit("undo", "movein_appointment", appt.id, before={"tap": event.kind, "station": event.station},
                  after={"reason": reason} if reason else None)
        return uow.commit(event.kind)


def _unit_write(uow: UnitOfWork, actor: Actor, batch_id: int, unit_id: int) -> None:
    """A defect or dispute is about a household of the batch, in the actor's projects."""
    b = repo.find_batch(uow.session, batch_id)
    if b is None:
        raise DomainError("err.household_not_in_batch", room="")
    actor.require_project(b.project_id)
    if not repo.has_household(uow.session, batch_id, unit_id):
        raise DomainError("err.household_not_in_batch", room="")


def log_defect(engine: Engine, actor: Actor, batch_id: int, unit_id: int, *, location: str, kind: str,
               severity: str, responsible: str, note: str, photo: bytes | None = None, due: date | None = None,
               request_key: str | None = None) -> int:
    """A walk-through defect, with an optional photo and the date it is to be put right by
    (without one, its severity's: core.movein.defects.FIX_DAYS). Returns the defect id."""
    actor.require(HALL)
    d = validate_defect(location, kind, severity, responsible, note, photo, due, today=local_today())
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        _unit_write(uow, actor, batch_id, unit_id)
        defect_id = repo.add_defect(uow.session, batch_id, unit_id, d, actor.username)
        uow.audit("defect", "movein_defect", defect_id, after={"unit": unit_id, "kind": d.kind, "severity": d.severity})
        return uow.commit(defect_id)


def fix_defect(engine: Engine, actor: Actor, defect_id: int, expected_version: int, owner_confirmed: bool = False,
               note: str = "", request_key: str | None = None) -> int:
    """Close a defect once the owner has confirmed the repair (`note`: how). Returns the
    defect's new version."""
    actor.require(HALL)
    note = validate_closing(owner_confirmed, note)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        row = repo.get_defect(uow.session, defect_id)
        actor.require_project(repo.get_batch(uow.session, row.batch_id).project_id)
        _check_conflict(row, expected_version)
        if row.status != "open":
            raise ConflictError()
        row.status, row.fixed_at, row.fixed_by, row.closing_note = "fixed", utcnow(), actor.username, note or None
        uow.audit("fix", "movein_defect", defect_id, {"status": "open"},
                  {"status": "fixed", "owner_confirmed": True, "note": note})
        uow.session.flush()
        return uow.commit(row.version)


def log_dispute(engine: Engine, actor: Actor, batch_id: int, unit_id: int, note: str,
                request_key: str | None = None) -> int:
    """Returns the dispute id."""
    actor.require(HALL)
    note = validate_dispute(note)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        _unit_write(uow, actor, batch_id, unit_id)
        dispute_id = repo.add_dispute(uow.session, batch_id, unit_id, note, actor.username)
        uow.audit("dispute", "movein_dispute", dispute_id, after={"unit": unit_id})
        return uow.commit(dispute_id)


# ---------------------------------------------------------------- reads

def list_batches(engine: Engine, actor: Actor, project_ids=None) -> pd.DataFrame:
    _may_read(actor)
    return q.list_batches(engine, actor.scope(project_ids))


def load_batch(engine: Engine, actor: Actor, batch_id: int) -> BatchPlan:
    _may_read(actor)
    project_id, settings, zones, staffing, version = q.load_batch(engine, batch_id)
    actor.require_project(project_id)
    return BatchPlan(settings, zones, staffing, version)


def plan_per_day(engine: Engine, actor: Actor, batch_id: int) -> pd.DataFrame:
    """Bookings per day and hourly slot."""
    _batch_in_scope(engine, actor, batch_id)
    return q.plan_per_day(engine, batch_id)


def day_bookings(engine: Engine, actor: Actor, batch_id: int) -> list[tuple[date, dict[int, int]]]:
    """Every day of the batch with its households per booking hour (0 where none is booked)."""
    plan = load_batch(engine, actor, batch_id)
    hours = booking_hours(plan.settings)
    grid = {d: {h: 0 for h in hours} for d in batch_days(plan.settings.start, plan.settings.days)}
    for r in q.plan_per_day(engine, batch_id).itertuples():
        grid.setdefault(r.day, {h: 0 for h in hours})[int(r.slot_hour)] = int(r.households)
    return sorted(grid.items())


def started_per_slot(engine: Engine, actor: Actor, batch_id: int) -> dict[tuple[date, int], int]:
    """Households per (day, slot hour) that keep their booking whatever the counts say."""
    _batch_in_scope(engine, actor, batch_id)
    return q.started_per_slot(engine, batch_id)


def booked_days(engine: Engine, actor: Actor, batch_id: int) -> list[tuple[date, int]]:
    """(day, households booked) for each of the batch's days, in order."""
    return [(d, sum(slots.values())) for d, slots in day_bookings(engine, actor, batch_id)]


def _what_if(engine: Engine, actor: Actor, batch_id: int, stations, zones, staffing, overflow):
    """The batch as planned, or as the screen has it edited before saving."""
    plan = load_batch(engine, actor, batch_id)
    settings = replace(plan.settings, stations=tuple(stations or plan.settings.stations),
                       overflow=overflow or plan.settings.overflow)
    zones = plan.zones if zones is None else zones
    seats = waiting_capacity(settings, sum(z.m2 for z in zones if z.code == "waiting"))
    return settings, seats, plan.staffing if staffing is None else staffing, day_bookings(engine, actor, batch_id)


def forecast(engine: Engine, actor: Actor, batch_id: int, stations: list[Station] | None = None,
             zones: list[Zone] | None = None, staffing: dict | None = None, overflow: str | None = None,
             progress=None) -> list[DayForecast]:
    """Each day of the batch with its appointments and planned staff, over many simulated days."""
    settings, seats, staffing, per_day = _what_if(engine, actor, batch_id, stations, zones, staffing, overflow)
    return forecast_days(settings, per_day, staffing, seats=seats, progress=progress)


def recommend_staffing(engine: Engine, actor: Actor, batch_id: int, stations: list[Station] | None = None,
                       zones: list[Zone] | None = None, staffing: dict | None = None, overflow: str | None = None,
                       progress=None) -> BatchRecommendation:
    """The least staff per day and station that holds (core/movein/staffing.py), from the
    staffing planned now."""
    settings, seats, staffing, per_day = _what_if(engine, actor, batch_id, stations, zones, staffing, overflow)
    return recommend_batch(settings, per_day, seats, staffing=staffing, progress=progress)


def checklist(engine: Engine, actor: Actor, batch_id: int) -> pd.DataFrame:
    _batch_in_scope(engine, actor, batch_id)
    return q.checklist(engine, batch_id)


def overdue_checklist(engine: Engine, actor: Actor, today: date, project_ids=None) -> pd.DataFrame:
    _may_read(actor)
    return q.overdue_checklist(engine, today, actor.scope(project_ids))


def _phone(actor: Actor, phone: str | None) -> str:
    """PIPL: the full number only for those who call owners back."""
    return phone_as_seen(actor, phone)


def _household(actor: Actor, row: dict, codes: list[str]) -> Household:
    p = flow.Progress(str(row["id"]), row["stations_done"], row["no_show"], row["arrived_at"] is not None,
                      row["serving_by"] is not None)
    return Household(row["id"], row["unit_id"], row["room_no"], row["owner"], row["special_needs"], row["day"],
                     row["slot_hour"], p.done, len(codes), p.no_show, p.arrived, row["version"],
                     flow.stage(p, codes), flow.next_station(p, codes), flow.next_action(p, codes),
                     _phone(actor, row["phone"]), row["serving_by"], row["booked_day"], flow.chip(p, codes))


def find_household(engine: Engine, actor: Actor, batch_id: int, room_text: str) -> Household:
    _may_read(actor)
    project_id, settings, _, _, _ = q.load_batch(engine, batch_id)
    actor.require_project(project_id)
    room_no, _ = parse_room_no(room_text)
    row = q.household(engine, batch_id, room_no)
    if row is None:
        raise DomainError("err.household_not_in_batch", room=room_no)
    return _household(actor, row, [s.code for s in settings.stations])


def household(engine: Engine, actor: Actor, batch_id: int, appointment_id: int) -> Household:
    """A household as stored now (the card reads it fresh: its version must be the stored one)."""
    _may_read(actor)
    project_id, settings, _, _, _ = q.load_batch(engine, batch_id)
    actor.require_project(project_id)
    row = q.household(engine, batch_id, appointment_id=appointment_id)
    if row is None:
        raise DomainError("err.household_not_in_batch", room="")
    return _household(actor, row, [s.code for s in settings.stations])


def day_list(engine: Engine, actor: Actor, batch_id: int, day: date) -> list[ListRow]:
    """Today's list: the day's households by slot and room, each with its chip; those booked for
    `day` that came on another show as moved."""
    _may_read(actor)
    project_id, settings, _, _, _ = q.load_batch(engine, batch_id)
    actor.require_project(project_id)
    codes = [s.code for s in settings.stations]
    rows = []
    for r in q.day_households(engine, batch_id, day):
        p = flow.Progress(str(r["id"]), r["stations_done"], r["no_show"], r["arrived_at"] is not None,
                          r["serving_by"] is not None)
        moved = r["day"] != day
        rows.append(ListRow(r["id"], r["room_no"], r["owner"] or "", _phone(actor, r["phone"]), r["building_id"],
                            r["slot_hour"], flow.chip(p, codes, moved_away=moved),
                            None if moved else flow.next_station(p, codes), r["day"], r["booked_day"],
                            r["version"]))
    return rows


def building_names(engine: Engine, actor: Actor, building_ids) -> dict[int, str]:
    """The names of the buildings today's list filters by."""
    _may_read(actor)
    return q.building_names(engine, building_ids)


def search_list(rows: list[ListRow], query: str, phones: dict[int, str] | None = None) -> list[ListRow]:
    """The rows whose room, owner or phone's last digits match (flow.matches)."""
    return [r for r in rows if flow.matches(query, r.room_no, r.owner, (phones or {}).get(r.id, r.phone))]


def find_in_day(engine: Engine, actor: Actor, batch_id: int, day: date, query: str) -> list[ListRow]:
    """The search of the live page: by room, owner's name or the phone's last four digits. The
    phone is matched in full on the server, whatever the actor may see of it."""
    rows = day_list(engine, actor, batch_id, day)
    phones = {r["id"]: r["phone"] or "" for r in q.day_households(engine, batch_id, day)}
    return search_list(rows, query, phones)


def _minutes_since(at, now: datetime) -> int:
    return max(0, int((now - at).total_seconds() // 60)) if at is not None else 0


def station_queue(engine: Engine, actor: Actor, batch_id: int, day: date, station: str,
                  now: datetime | None = None) -> StationQueue:
    """Station mode: who waits for `station` on `day` (in arrival order, with the minutes
    waited) and who is in service there (with the desk that has them)."""
    _may_read(actor)
    project_id, settings, _, _, _ = q.load_batch(engine, batch_id)
    actor.require_project(project_id)
    codes = [s.code for s in settings.stations]
    if station not in codes:
        raise DomainError("err.station_unknown", station=station)
    now = now or utcnow()
    index = codes.index(station)
    waiting, serving = [], []
    for r in q.at_station(engine, batch_id, day, index):
        if r["serving_by"] is None:
            waiting.append(QueueEntry(r["id"], r["version"], r["room_no"], r["owner"] or "",
                                      _minutes_since(r["reached"], now), None))
        else:
            serving.append(QueueEntry(r["id"], r["version"], r["room_no"], r["owner"] or "",
                                      _minutes_since(r["serving_since"], now), r["serving_by"]))
    return StationQueue(station, index, waiting, serving)


def timeline(engine: Engine, actor: Actor, batch_id: int, appointment_id: int) -> list[dict]:
    """The household's taps, oldest first, with who took one back, when and why."""
    household(engine, actor, batch_id, appointment_id)
    return q.events(engine, appointment_id)


def last_tap(engine: Engine, actor: Actor, batch_id: int, now: datetime | None = None) -> Tap | None:
    """The actor's latest tap in the batch that they may still take back themselves, and only
    while it is the household's latest."""
    _batch_in_scope(engine, actor, batch_id)
    now = now or utcnow()
    for r in q.last_taps(engine, batch_id, actor.username, now - flow.UNDO_WINDOW)[:5]:
        latest = [e for e in q.events(engine, r["appointment_id"]) if e["undone_at"] is None]
        if latest and latest[-1]["id"] == r["id"]:
            return Tap(r["id"], r["appointment_id"], r["room_no"], r["kind"], r["station"], r["at"])
    return None


def household_defects(engine: Engine, actor: Actor, batch_id: int, unit_id: int) -> list[dict]:
    """The household's defects logged in this batch, with their photos (the card)."""
    _batch_in_scope(engine, actor, batch_id)
    return q.household_defects(engine, batch_id, unit_id)


def live_board(engine: Engine, actor: Actor, batch_id: int, day: date, now: datetime | None = None) -> dict:
    """The hall on `day`: households planned, handed over (`finished`), no-shows, not arrived,
    mean minutes from arrival to keys, those that came from another day (`other_day`) and those
    booked for it that came on another (`moved_away`), and per station the households at it
    (in service, the rest waiting, the longest wait) with the bottleneck (core's rule: where
    people wait; none when nobody does). On a day run in station mode (a desk has taken a
    household) each station counts as in service those its desks hold, as the tablets show; on a
    day run from the list, up to its staff."""
    _may_read(actor)
    project_id, planned, staffing, target = q.board_plan(engine, batch_id)
    actor.require_project(project_id)
    stations = staffed(planned, staffing, day)
    codes = [s.code for s in stations]
    staff = {s.code: s.staff for s in stations}
    tally, mean_flow = q.day_tally(engine, batch_id, day, len(codes))
    desks_used, held = q.desk_stations(engine, batch_id, day)
    # Once desks take households on a day, the hall runs on tablets per desk: every station then
    # counts in service what its desks hold, as the tablets show it (a desk with nobody taken yet
    # has everyone at it waiting).
    by_desk = set(codes) if desks_used else set()
    serving = {code: held.get(i, 0) for i, code in enumerate(codes)}
    waits = flow.longest_waits(q.reached_stations(engine, batch_id, day, len(codes)), codes, staff, now or utcnow(),
                               by_desk)
    loads = flow.station_loads(tally.at_station, codes, staff, waits, serving, by_desk)
    other_day, moved_away = q.came_other_day(engine, batch_id, day)
    return {"planned": tally.planned, "finished": tally.handed_over, "no_shows": tally.no_shows,
            "not_arrived": tally.expected, "mean_flow_min": mean_flow, "in_hall": sum(tally.at_station),
            "other_day": other_day, "moved_away": moved_away,
            "stations": [asdict(x) for x in loads], "bottleneck": flow.bottleneck(loads, target)}


def today_progress(engine: Engine, actor: Actor, today: date) -> tuple[list[tuple[str, dict]], pd.DataFrame]:
    """For home: the board of every batch in scope handing over today, and the overdue checklist."""
    batches = list_batches(engine, actor)
    boards = [(r.name, live_board(engine, actor, int(r.id), today)) for r in batches.itertuples()
              if runs_on(r.start, r.days, today)]
    return boards, overdue_checklist(engine, actor, today)


def open_defects(engine: Engine, actor: Actor, unit_id: int | None = None, batch_id: int | None = None) -> pd.DataFrame:
    """A unit's defects, open and fixed (the units page), or a batch's open ones (after the day)."""
    if batch_id is not None:
        _batch_in_scope(engine, actor, batch_id)
    else:
        actor.require(Capability.VIEW_UNITS)
    return q.open_defects(engine, unit_id=unit_id, batch_id=batch_id, project_ids=actor.scope())


def actual_vs_plan(engine: Engine, actor: Actor, batch_id: int) -> pd.DataFrame:
    """Per station: households through it and the mean minutes since the previous tap (the
    station's actual time, queue included) against its planned service time."""
    _batch_in_scope(engine, actor, batch_id)
    stations, steps = q.station_steps(engine, batch_id)
    if not steps.empty:
        steps = steps.sort_values(["appointment_id", "seq"])
        previous = steps.groupby("appointment_id")["finished_at"].shift()
        # The first station is timed from check-in; the others from the previous station's tap.
        steps["minutes"] = (steps["finished_at"] - previous.fillna(steps["arrived_at"])).dt.total_seconds() / 60
    rows = []
    for st in stations:
        mine = steps[steps["station"] == st["code"]] if not steps.empty else steps
        timed = len(mine) and mine["minutes"].notna().any()
        rows.append({"station": st["code"], "households": len(mine), "planned_min": st["mean_min"],
                     "actual_min": float(mine["minutes"].mean()) if timed else None})
    return pd.DataFrame(rows, columns=["station", "households", "planned_min", "actual_min"])
