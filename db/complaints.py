"""Complaints in the store: register, act (with a version check), read for the board and history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core.complaints import workflow
from core.clock import CHINA
from core.complaints.model import (Callback, Category, Channel, Complaint, Escalation, Event, PauseReason,
                                   RedLine, Stage, Want)
from core.complaints.workflow import Actor, Earlier
from core.errors import ConflictError, NotFound, ValidationError
from db.models import (ComplaintCallbackRow, ComplaintEventRow, ComplaintRow, Project, Unit, utcnow)
from db.uow import UnitOfWork

_SCALARS = ("number", "received_at", "complainant", "phone", "unit_id", "place", "content", "receiver",
            "relayed_by", "subject", "valid", "invalid_reason", "invalid_proposed_by", "signoff_by", "reply",
            "cause", "department", "handler", "agreed_steps", "agreed_at", "implementation", "customer_confirmed",
            "callback_attempts", "root_cause", "prevention", "escalation_acknowledged_by", "repeat_of",
            "repeat_count", "reopened", "stage_started_at", "stage_deadline", "due_at", "paused_since",
            "closed_at", "version")


def _to_domain(row: ComplaintRow, callbacks: list[ComplaintCallbackRow]) -> Complaint:
    values = {name: getattr(row, name) for name in _SCALARS}
    return Complaint(
        channel=Channel(row.channel), category=Category(row.category), stage=Stage(row.stage),
        wants=tuple(Want(w) for w in row.wants or ()), options=tuple(row.options or ()),
        red_lines=tuple(RedLine(r) for r in row.red_lines or ()), escalation=Escalation(row.escalation),
        pause_reason=PauseReason(row.pause_reason) if row.pause_reason else None,
        callbacks=tuple(Callback(cb.by, cb.at, cb.reached, cb.satisfaction, cb.comment) for cb in callbacks),
        **values)


def _write(row: ComplaintRow, c: Complaint) -> None:
    for name in _SCALARS:
        if name != "version":  # SQLAlchemy's version counter owns it
            setattr(row, name, getattr(c, name))
    row.channel, row.category, row.stage = c.channel.value, c.category.value, c.stage.value
    row.wants = [w.value for w in c.wants]
    row.options = list(c.options)
    row.red_lines = [r.value for r in c.red_lines]
    row.escalation = c.escalation.value
    row.pause_reason = c.pause_reason.value if c.pause_reason else None
    reached = [cb for cb in c.callbacks if cb.reached]
    row.satisfaction = reached[-1].satisfaction if reached else None


def _add_events(uow: UnitOfWork, complaint_id: int, events: list[Event]) -> None:
    for e in events:
        uow.session.add(ComplaintEventRow(complaint_id=complaint_id, at=e.at, actor=e.actor, action=e.action,
                                          stage_from=e.stage_from.value if e.stage_from else None,
                                          stage_to=e.stage_to.value if e.stage_to else None, detail=e.detail))


def _next_number(session, received_at: datetime) -> str:
    day = received_at.astimezone(CHINA).strftime("%Y%m%d")
    if session.get_bind().dialect.name == "postgresql":
        # Desks registering at the same moment take the day's numbers one after the other, until
        # commit (SQLite gets the same from BEGIN IMMEDIATE). 0x5453 = "TS".
        session.execute(select(func.pg_advisory_xact_lock(0x5453, int(day))))
    prefix = f"TS-{day}-"
    last = session.scalar(select(func.max(ComplaintRow.number)).where(ComplaintRow.number.like(prefix + "%")))
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def earlier_on_unit(session, unit_id: int, before: datetime) -> list[Earlier]:
    rows = session.execute(select(ComplaintRow.number, ComplaintRow.category, ComplaintRow.received_at,
                                  ComplaintRow.repeat_of)
                           .where(ComplaintRow.unit_id == unit_id,
                                  ComplaintRow.received_at >= before - workflow.REPEAT_WINDOW)).all()
    return [Earlier(r.number, Category(r.category), r.received_at, r.repeat_of) for r in rows]


def register(engine: Engine, actor: Actor, now: datetime | None = None, unit_id: int | None = None,
             project_id: int | None = None, **fields) -> str:
    """Register a complaint; returns its number, which never changes afterwards. A complaint about
    no unit (the garden, the car park) still belongs to the project chosen on the form."""
    now = now or utcnow()
    received_at = fields.pop("received_at", None) or now   # outside the loop: a retry must keep it
    workflow.check_received_at(received_at, now)           # before it is used to number and look back
    for attempt in range(3):
        try:
            with UnitOfWork(engine, actor=actor.username) as uow:
                s = uow.session
                unit = s.get(Unit, unit_id) if unit_id is not None else None
                if unit_id is not None and unit is None:
                    raise ValidationError("err.unit_unknown", field="unit")
                if unit is None and project_id is not None and s.get(Project, project_id) is None:
                    raise ValidationError("err.required", field="project")
                number = _next_number(s, received_at)
                earlier = earlier_on_unit(s, unit_id, received_at) if unit is not None else []
                c, events = workflow.register(number, now, actor, unit_id=unit_id, earlier=earlier,
                                              received_at=received_at, **fields)
                row = ComplaintRow(project_id=unit.project_id if unit else project_id,
                                   building_id=unit.building_id if unit else None)
                _write(row, c)
                s.add(row)
                s.flush()
                _add_events(uow, row.id, events)
                uow.audit("register", "complaint", number, after={"category": c.category.value,
                                                                  "channel": c.channel.value})
                uow.commit()
                return number
        except IntegrityError:
            # Two desks took the same number at the same moment (PostgreSQL): take the next one.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _load(session, number: str, for_update: bool = False) -> ComplaintRow:
    stmt = select(ComplaintRow).where(ComplaintRow.number == number)
    if for_update:
        stmt = stmt.with_for_update()
    row = session.scalar(stmt)
    if row is None:
        raise NotFound("err.complaint_unknown", number=number)
    return row


def _callbacks(session, complaint_id: int) -> list[ComplaintCallbackRow]:
    return list(session.scalars(select(ComplaintCallbackRow).where(ComplaintCallbackRow.complaint_id == complaint_id)
                                .order_by(ComplaintCallbackRow.at, ComplaintCallbackRow.id)))


def load(engine: Engine, number: str) -> Complaint:
    with UnitOfWork(engine) as uow:
        row = _load(uow.session, number)
        return _to_domain(row, _callbacks(uow.session, row.id))


def act(engine: Engine, number: str, expected_version: int, actor: Actor, action: str,
        now: datetime | None = None, **data) -> Complaint:
    """One step of the method, refused if someone else saved the ticket since the user loaded it."""
    now = now or utcnow()
    with UnitOfWork(engine, actor=actor.username) as uow:
        s = uow.session
        row = _load(s, number, for_update=True)
        if row.version != expected_version:
            raise ConflictError()
        old_callbacks = _callbacks(s, row.id)
        before = _to_domain(row, old_callbacks)
        after, event = workflow.apply(before, action, actor, now, **data)
        _write(row, after)
        for cb in after.callbacks[len(before.callbacks):]:
            s.add(ComplaintCallbackRow(complaint_id=row.id, by=cb.by, at=cb.at, reached=cb.reached,
                                       satisfaction=cb.satisfaction, comment=cb.comment))
        _add_events(uow, row.id, [event])
        uow.audit(action, "complaint", number, before={"stage": before.stage.value, "version": before.version},
                  after={"stage": after.stage.value})
        uow.commit()
        return after.with_(version=row.version)
