"""Tickets in a session: load one as the rules see it, add a new one, save a changed one, with its
timeline events and call-backs. Called by services inside their unit of work; never commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.clock import CHINA
from core.complaints import repeats
from core.complaints.model import (Callback, Category, Channel, ClockPauseReason, ClosedAs, Complaint, Escalation,
                                   Event, RedLine, Stage, Want)
from core.complaints.repeats import Earlier
from core.errors import ConflictError, NotFound
from db.models import ComplaintCallbackRow, ComplaintEventRow, ComplaintRow, Project, Unit

_SCALARS = ("number", "received_at", "complainant", "phone", "unit_id", "place", "content", "receiver",
            "relayed_by", "subject", "valid", "invalid_reason", "invalid_proposed_by", "signoff_by", "reply",
            "cause", "department", "handler", "agreed_steps", "agreed_at", "implementation", "customer_confirmed",
            "callback_attempts", "root_cause", "prevention", "escalation_acknowledged_by", "repeat_of",
            "repeat_count", "reopened", "stage_started_at", "stage_deadline", "due_at", "paused_since",
            "closed_at", "calendar_version", "version")


@dataclass(frozen=True)
class Place:
    """Where a new ticket belongs: a unit's project and building, or a project alone."""
    project_id: int | None
    building_id: int | None


def to_domain(row: ComplaintRow, callbacks: list[ComplaintCallbackRow]) -> Complaint:
    values = {name: getattr(row, name) for name in _SCALARS}
    return Complaint(
        channel=Channel(row.channel), category=Category(row.category), stage=Stage(row.stage),
        wants=tuple(Want(w) for w in row.wants or ()), options=tuple(row.options or ()),
        red_lines=tuple(RedLine(r) for r in row.red_lines or ()), escalation=Escalation(row.escalation),
        pause_reason=ClockPauseReason(row.pause_reason) if row.pause_reason else None,
        closed_as=ClosedAs(row.closed_as) if row.closed_as else None,
        callbacks=tuple(Callback(cb.by, cb.at, cb.reached, cb.satisfaction, cb.comment) for cb in callbacks),
        **values)


def write_row(row: ComplaintRow, c: Complaint) -> None:
    """Copy the ticket onto its row (demo seeding writes rows this way too)."""
    for name in _SCALARS:
        if name != "version":  # SQLAlchemy's version counter owns it
            setattr(row, name, getattr(c, name))
    row.channel, row.category, row.stage = c.channel.value, c.category.value, c.stage.value
    row.wants = [w.value for w in c.wants]
    row.options = list(c.options)
    row.red_lines = [r.value for r in c.red_lines]
    row.escalation = c.escalation.value
    row.pause_reason = c.pause_reason.value if c.pause_reason else None
    row.closed_as = c.closed_as.value if c.closed_as else None
    reached = [cb for cb in c.callbacks if cb.reached]
    row.satisfaction = reached[-1].satisfaction if reached else None


def add_events(session: Session, complaint_id: int, events: list[Event]) -> None:
    for e in events:
        session.add(ComplaintEventRow(complaint_id=complaint_id, at=e.at, actor=e.actor, action=e.action,
                                      stage_from=e.stage_from.value if e.stage_from else None,
                                      stage_to=e.stage_to.value if e.stage_to else None, detail=e.detail))


def add_callbacks(session: Session, complaint_id: int, callbacks) -> None:
    for cb in callbacks:
        session.add(ComplaintCallbackRow(complaint_id=complaint_id, by=cb.by, at=cb.at, reached=cb.reached,
                                         satisfaction=cb.satisfaction, comment=cb.comment))


def next_number(session: Session, received_at: datetime) -> str:
    day = received_at.astimezone(CHINA).strftime("%Y%m%d")
    if session.get_bind().dialect.name == "postgresql":
        # Desks registering at the same moment take the day's numbers one after the other, until
        # commit (SQLite gets the same from BEGIN IMMEDIATE). 0x5453 = "TS".
        session.execute(select(func.pg_advisory_xact_lock(0x5453, int(day))))
    prefix = f"TS-{day}-"
    last = session.scalar(select(func.max(ComplaintRow.number)).where(ComplaintRow.number.like(prefix + "%")))
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def earlier_on_unit(session: Session, unit_id: int, before: datetime) -> list[Earlier]:
    """The unit's tickets a new one may repeat: those received within the repeat window."""
    t = ComplaintRow
    rows = session.execute(select(t.number, t.category, t.received_at, t.repeat_of, t.repeat_count, t.place,
                                  t.subject, t.content, t.stage)
                           .where(t.unit_id == unit_id, t.received_at >= before - repeats.REPEAT_WINDOW)
                           .order_by(t.received_at)).all()
    return [Earlier(r.number, Category(r.category), r.received_at, r.repeat_of,
                    repeats.matter_text(r.place, r.subject, r.content), r.repeat_count, Stage(r.stage))
            for r in rows]


def unit_place(session: Session, unit_id: int) -> Place | None:
    unit = session.get(Unit, unit_id)
    return None if unit is None else Place(unit.project_id, unit.building_id)


def project_exists(session: Session, project_id: int) -> bool:
    return session.get(Project, project_id) is not None


def add(session: Session, c: Complaint, place: Place, events: list[Event]) -> int:
    row = ComplaintRow(project_id=place.project_id, building_id=place.building_id)
    write_row(row, c)
    session.add(row)
    session.flush()
    add_events(session, row.id, events)
    return row.id


@dataclass
class Loaded:
    """A ticket read for a change: its row (to save into) and the ticket as the rules see it."""
    row: ComplaintRow
    complaint: Complaint

    @property
    def project_id(self) -> int | None:
        return self.row.project_id


def _row(session: Session, number: str, for_update: bool) -> ComplaintRow:
    stmt = select(ComplaintRow).where(ComplaintRow.number == number)
    if for_update:
        stmt = stmt.with_for_update()
    row = session.scalar(stmt)
    if row is None:
        raise NotFound("err.complaint_unknown", number=number)
    return row


def _callbacks(session: Session, complaint_id: int) -> list[ComplaintCallbackRow]:
    return list(session.scalars(select(ComplaintCallbackRow).where(ComplaintCallbackRow.complaint_id == complaint_id)
                                .order_by(ComplaintCallbackRow.at, ComplaintCallbackRow.id)))


def get(session: Session, number: str, for_update: bool = False) -> Loaded:
    row = _row(session, number, for_update)
    return Loaded(row, to_domain(row, _callbacks(session, row.id)))


def save(session: Session, loaded: Loaded, after: Complaint, events: list[Event]) -> int:
    """Write the changed ticket, its new call-backs and events; returns the ticket's new version
    (the version counter refuses the save if someone else saved it in between)."""
    before = loaded.complaint
    write_row(loaded.row, after)
    add_callbacks(session, loaded.row.id, after.callbacks[len(before.callbacks):])
    add_events(session, loaded.row.id, events)
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError() from None
    return loaded.row.version
