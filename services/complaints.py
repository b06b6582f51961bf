"""Complaint use cases: register, one step of the method, the ticket, the live board and its counts,
a unit's history and the analyses. Writes check the capability and the ticket's project; reads are
narrowed to the actor's projects."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core.auth.privacy import may_see_full_phone, phone_as_seen
from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.complaints import deadlines, repeats, workflow
from core.complaints.model import Category, Complaint, Stage
from core.errors import ConflictError, NotFound, PermissionDenied, ValidationError, ValidationErrors
from core.org.rules import parse_room_no
from db import calendar_queries, calendar_repository
from db import complaint_queries as queries
from db import complaint_repository as repository
from db import org_queries
from db.base import utcnow
from db.uow import UnitOfWork
from services import notifications

_NUMBER_ATTEMPTS = 3


# ---------------------------------------------------------------- writes

def register(engine: Engine, actor: Actor, *, channel: str, complainant: str, content: str, category: str,
             phone: str | None = None, place: str = "", unit_id: int | None = None, project_id: int | None = None,
             wants: tuple = (), subject: str = "", relayed_by: str | None = None, red_lines: tuple = (),
             received_at: datetime | None = None, now: datetime | None = None, same_as: str | None = None,
             request_key: str | None = None) -> str:
    """Register a complaint; returns its number, which never changes afterwards. A complaint about
    no unit (the garden, the car park) still belongs to the project chosen on the form.
    `same_as`: the receiver's answer to "the same problem as TS-…?" (see repeat_candidates): a
    number links and escalates, '' records another matter (history only), None lets the words decide."""
    actor.require(Capability.REGISTER_COMPLAINT)
    now = now or utcnow()
    form = dict(channel=channel, complainant=complainant, phone=phone, place=place, content=content,
                category=category, wants=tuple(wants), subject=subject, relayed_by=relayed_by,
                red_lines=tuple(red_lines), received_at=received_at or now)  # kept across retries
    workflow.validate_registration(now, unit_id=unit_id, **form)         # every wrong field, before any SQL
    for attempt in range(_NUMBER_ATTEMPTS):
        try:
            return _register_once(engine, actor, now, unit_id, project_id, form, same_as, request_key)
        except IntegrityError:
            # Two desks took the same number at the same moment (PostgreSQL): take the next one.
            if attempt == _NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _clocks(session, project_id: int | None) -> deadlines.ClockConfig:
    """The limits counted on the project's calendar as it stands now (hours, holidays)."""
    return deadlines.with_calendar(calendar_repository.working_calendar(session, project_id))


def _register_once(engine, actor, now, unit_id, project_id, form, same_as, request_key) -> str:
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        place = _place(s, unit_id, project_id)
        actor.require_project(place.project_id)
        number = repository.next_number(s, form["received_at"])
        earlier = repository.earlier_on_unit(s, unit_id, form["received_at"]) if unit_id is not None else []
        c, events = workflow.register(number, now, actor, unit_id=unit_id, earlier=earlier, same_as=same_as,
                                      config=_clocks(s, place.project_id), **form)
        repository.add(s, c, place, events)
        notifications.complaint_changed(uow, None, c, "register", place.project_id, now)
        uow.audit("register", "complaint", number, after={"category": c.category.value, "channel": c.channel.value,
                                                          "repeat_of": c.repeat_of})
        return uow.commit(number)


def _place(session, unit_id: int | None, project_id: int | None) -> repository.Place:
    if unit_id is not None:
        place = repository.unit_place(session, unit_id)
        if place is None:
            raise ValidationError("err.unit_unknown", field="unit")
        return place
    if project_id is not None and not repository.project_exists(session, project_id):
        raise ValidationError("err.required", field="project")
    return repository.Place(project_id, None)


def act(engine: Engine, actor: Actor, number: str, expected_version: int, action: str,
        now: datetime | None = None, request_key: str | None = None, **data) -> Complaint:
    """One step of the method, refused if someone else saved the ticket since the user loaded it.
    The same submission again (a double tap) answers with the ticket as it is now."""
    workflow.require_right(actor, action)
    now = now or utcnow()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        s = uow.session
        if uow.done_before() is not None:
            return repository.get(s, number).complaint
        loaded = repository.get(s, number, for_update=True)
        actor.require_project(loaded.project_id)
        if loaded.complaint.version != expected_version:
            raise ConflictError()
        before = loaded.complaint
        if action in ("assign", "reassign"):
            _require_staff(s, loaded.project_id, data.get("handler"))
        after, event = workflow.apply(before, action, actor, now, config=_clocks(s, loaded.project_id), **data)
        version = repository.save(s, loaded, after, [event])
        notifications.complaint_changed(uow, before, after, action, loaded.project_id, now)
        uow.audit(action, "complaint", number,
                  before={"stage": before.stage.value, "version": before.version, "handler": before.handler},
                  after={"stage": after.stage.value, "handler": after.handler})
        return after.with_(version=uow.commit(version))


def _require_staff(session, project_id: int | None, handler) -> None:
    """A handler is a person of the ticket's project (its staff or all-projects staff), by login."""
    if handler and str(handler).strip() not in queries.project_staff(session, project_id):
        raise ValidationErrors([ValidationError("err.not_project_staff", field="handler")])


def handler_candidates(engine: Engine, actor: Actor, number: str) -> dict[str, str]:
    """username -> display name of who may handle this ticket: the active staff of its project."""
    place = _visible_place(engine, actor, number)
    with engine.connect() as conn:
        return queries.project_staff(conn, place["project_id"])


# ---------------------------------------------------------------- one ticket

@dataclass(frozen=True)
class Ticket:
    complaint: Complaint
    place: dict              # project_id, project, building, room_no: for headings
    timeline: pd.DataFrame   # every event, oldest first
    calendar_changed: bool = False   # its deadlines were set on a calendar since corrected: they stand


def _visible_place(engine: Engine, actor: Actor, number: str) -> dict:
    """A ticket of another project is 'unknown' to a scoped actor: its existence is not told."""
    actor.require(Capability.HANDLE_COMPLAINT)
    place = queries.ticket_place(engine, number)
    if not place or not actor.sees(place["project_id"]):
        raise NotFound("err.complaint_unknown", number=number)
    return place


def _complaint(engine: Engine, number: str) -> Complaint:
    with UnitOfWork(engine) as uow:
        return repository.get(uow.session, number).complaint


def _calendar_changed(engine: Engine, c: Complaint, project_id: int | None) -> bool:
    """Tickets timed before the calendar was stored (no version) are not flagged."""
    if c.calendar_version is None or c.stage == Stage.CLOSED:
        return False
    config = deadlines.with_calendar(calendar_queries.working_calendar(engine, project_id))
    return c.calendar_version != deadlines.timed_on(c.category, config)


def ticket(engine: Engine, actor: Actor, number: str) -> Ticket:
    """Everything the ticket page shows."""
    place = _visible_place(engine, actor, number)
    c = _complaint(engine, number)
    shown = replace(c, phone=phone_as_seen(actor, c.phone) or None)   # the complainant's number, as this role may see it
    return Ticket(shown, place, queries.timeline(engine, number), _calendar_changed(engine, c, place["project_id"]))


def load(engine: Engine, actor: Actor, number: str) -> Complaint:
    _visible_place(engine, actor, number)
    return _complaint(engine, number)


def timeline(engine: Engine, actor: Actor, number: str) -> pd.DataFrame:
    _visible_place(engine, actor, number)
    return queries.timeline(engine, number)


# ---------------------------------------------------------------- registration helpers

def find_unit(engine: Engine, actor: Actor, project_id: int, room_text: str) -> int:
    """The unit a desk types for a new complaint ('3-1906'), in a project of the actor's."""
    actor.require(Capability.REGISTER_COMPLAINT)
    actor.require_project(project_id)
    room_no, _ = parse_room_no(room_text)
    unit_id = org_queries.find_unit(engine, project_id, room_no)
    if unit_id is None:
        raise ValidationError("err.unit_unknown", field="unit")
    return unit_id


def unit_caller(engine: Engine, actor: Actor, unit_id: int) -> tuple[str, str]:
    """(name, phone) of the unit's first current owner, to prefill a registration: the phone only
    for roles that see numbers in full (a masked number could not be saved back); ('', '') if none."""
    actor.require(Capability.REGISTER_COMPLAINT)
    project_id = org_queries.unit_project(engine, unit_id)
    if project_id is None:
        raise ValidationError("err.unit_unknown", field="unit")
    actor.require_project(project_id)
    owners = [o for o in org_queries.ownerships(engine, unit_id) if o.until is None]
    if not owners:
        return "", ""
    return owners[0].name or "", (owners[0].phone or "") if may_see_full_phone(actor) else ""


@dataclass(frozen=True)
class RepeatCandidate:
    """An earlier ticket of the unit the new one may repeat, shown beside it on the form."""
    number: str
    received_at: datetime
    stage: str
    matter: str
    repeat_count: int
    similarity: float
    similar: bool            # the words alone would make it a repeat


def repeat_candidates(engine: Engine, actor: Actor, unit_id: int, category: str, place: str = "",
                      subject: str = "", content: str = "", now: datetime | None = None) -> list[RepeatCandidate]:
    """The unit's open or recent tickets of the same category, most alike first: the form asks
    "is this the same problem as TS-…?" about them before anything is registered."""
    actor.require(Capability.REGISTER_COMPLAINT)
    try:
        kind = Category(category)
    except ValueError:   # nothing chosen yet: nothing to compare with
        return []
    now = now or utcnow()
    history = queries.repeat_history(engine, unit_id, now)
    if history is None:
        raise ValidationError("err.unit_unknown", field="unit")
    project_id, earlier = history
    actor.require_project(project_id)
    found = repeats.candidates(kind, now, repeats.matter_text(place, subject, content), earlier)
    return [RepeatCandidate(c.number, c.earlier.received_at, c.earlier.stage.value, c.earlier.matter,
                            c.earlier.repeat_count, round(c.similarity, 2), c.similar) for c in found]


def unit_history(engine: Engine, actor: Actor, unit_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(complaints, call-backs) of one unit, newest first, within the actor's projects."""
    if not (actor.can(Capability.VIEW_UNITS) or actor.can(Capability.REGISTER_COMPLAINT)):
        raise PermissionDenied("err.not_allowed")
    return queries.unit_history(engine, unit_id, actor.scope())


# ---------------------------------------------------------------- the live board

@dataclass(frozen=True)
class LiveBoard:
    now: datetime
    counts: dict                 # open, overdue, at_risk, red_line, repeat
    tickets: pd.DataFrame        # open tickets, most urgent first within each stage
    escalations: pd.DataFrame    # unacknowledged escalations, for those who acknowledge them


def counts(engine: Engine, actor: Actor, now: datetime | None = None) -> dict:
    """Overdue = stage clock red, at risk = amber, as core.complaints.deadlines.light() colours them."""
    actor.require(Capability.HANDLE_COMPLAINT)
    return queries.board_counts(engine, now or utcnow(), actor.scope())


def board(engine: Engine, actor: Actor, now: datetime | None = None, building_id: int | None = None,
          category: str | None = None, handler: str | None = None,
          per_stage: int = queries.BOARD_LIMIT_PER_STAGE) -> pd.DataFrame:
    actor.require(Capability.HANDLE_COMPLAINT)
    return queries.board(engine, now or utcnow(), actor.scope(), building_id, category, handler, per_stage)


def escalations(engine: Engine, actor: Actor) -> pd.DataFrame:
    actor.require(Capability.HANDLE_COMPLAINT)
    return queries.escalations(engine, actor.scope())


def live_board(engine: Engine, actor: Actor, building_id: int | None = None, category: str | None = None,
               handler: str | None = None, now: datetime | None = None) -> LiveBoard:
    """Counts, cards and escalations at one moment. Escalations only for those who acknowledge them."""
    now = now or utcnow()
    shown = (escalations(engine, actor) if actor.can(Capability.ACKNOWLEDGE_RED_LINE)
             else pd.DataFrame(columns=["number", "escalation", "category"]))
    return LiveBoard(now, counts(engine, actor, now), board(engine, actor, now, building_id, category, handler),
                     shown)


# ---------------------------------------------------------------- analysis

def analysis(engine: Engine, actor: Actor, since: datetime, until: datetime, by: str = "category",
             now: datetime | None = None) -> pd.DataFrame:
    actor.require(Capability.MANAGE_COMPLAINTS)
    return queries.analysis(engine, since, until, now or utcnow(), actor.scope(), by)


def frequent_complainants(engine: Engine, actor: Actor, since: datetime, at_least: int = 3,
                          limit: int = 20) -> pd.DataFrame:
    actor.require(Capability.MANAGE_COMPLAINTS)
    return queries.frequent_complainants(engine, since, actor.scope(), at_least, limit)


def root_causes(engine: Engine, actor: Actor, since: datetime, limit: int = 15) -> pd.DataFrame:
    actor.require(Capability.MANAGE_COMPLAINTS)
    return queries.recurring_root_causes(engine, since, actor.scope(), limit)
