"""Incidents: one cause (a burst pipe, a power cut), many tickets. Open one from the ticket of the
first caller; register each further caller against it in one step (category and cause from the
incident); record the fix, which sends every open ticket of it to its call-back; close it, which
closes each ticket only through that ticket's own satisfied call-back and lists the others.
Every call checks the capability and the incident's project; writes are audited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.complaints import incidents as rules
from core.complaints import workflow
from core.complaints.incidents import Incident
from core.errors import ConflictError, DomainError, NotFound, PermissionDenied
from db import complaint_incident_queries as queries
from db import complaint_incident_repository as repo
from db import complaint_repository
from db.base import utcnow
from db.uow import UnitOfWork
from services import complaints, notifications

_NUMBER_ATTEMPTS = 3
# A ticket sent to its call-back by the incident's fix alerts as one whose customer confirmed the result:
# the call-back is due (services.notifications names the alert by the step that led there).
_CALLBACK_DUE = "feedback_confirmed"


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    members: list[dict]          # number, room_no, stage, complainant, satisfaction, callback_attempts, closed_as
    may_run: bool                # record the fix, close
    may_add: bool                # register a caller against it


@dataclass(frozen=True)
class Closing:
    closed: list[str]            # tickets closed now, each through its own call-back
    left_open: list[str]         # still open: no satisfied call-back yet


def _incident(uow: UnitOfWork, actor: Actor, incident_id: int, for_update: bool = True):
    row = repo.get(uow.session, int(incident_id), for_update=for_update)
    if row is None or not actor.sees(row.project_id):
        raise NotFound("err.incident_unknown")
    return row, repo.to_domain(row)


# ---------------------------------------------------------------- writes

def open_incident(engine: Engine, actor: Actor, number: str, *, title: str, cause: str,
                  now: datetime | None = None, request_key: str | None = None) -> int:
    """An incident opened from the ticket of its first caller (its project, building and category);
    that ticket is its first child. Returns the incident's id."""
    if not rules.may_open(actor):
        raise PermissionDenied("err.not_allowed")
    now = now or utcnow()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        loaded = complaint_repository.get(s, number, for_update=True)
        if not actor.sees(loaded.project_id):
            raise NotFound("err.complaint_unknown", number=number)
        if loaded.project_id is None:
            raise DomainError("err.incident_other_project")
        if repo.incident_of(s, loaded.row.id) is not None:
            raise DomainError("err.incident_already")
        inc = rules.open_incident(actor, now, loaded.project_id, title, loaded.complaint.category.value, cause,
                                  loaded.row.building_id)
        row = repo.add(s, inc)
        inc = repo.to_domain(row)
        _join(uow, actor, inc, loaded, now)
        uow.audit("incident_open", "complaint_incident", row.id,
                  after={"title": inc.title, "first": number, "category": inc.category.value})
        return uow.commit(row.id)


def _join(uow: UnitOfWork, actor: Actor, inc: Incident, loaded, now: datetime) -> None:
    s = uow.session
    rules.can_join(inc, loaded.complaint, loaded.project_id)
    before = loaded.complaint
    after, events = rules.join(before, inc, actor, now, complaints._clocks(s, loaded.project_id))
    repo.link(s, inc.id, loaded.row.id, actor.username, now)
    complaint_repository.save(s, loaded, after, events)
    if after.stage != before.stage:
        notifications.complaint_changed(uow, before, after, _CALLBACK_DUE, loaded.project_id, now)


def add_child(engine: Engine, actor: Actor, incident_id: int, *, unit_id: int | None, channel: str,
              complainant: str, content: str, phone: str | None = None, place: str = "",
              now: datetime | None = None, request_key: str | None = None) -> str:
    """Register a caller against the incident in one step; returns the new ticket's number."""
    actor.require(Capability.REGISTER_COMPLAINT)
    now = now or utcnow()
    for attempt in range(_NUMBER_ATTEMPTS):
        try:
            return _add_child_once(engine, actor, incident_id, unit_id, channel, complainant, content, phone,
                                   place, now, request_key)
        except IntegrityError:
            if attempt == _NUMBER_ATTEMPTS - 1:     # two desks took the same number: take the next
                raise
    raise AssertionError("unreachable")


def _add_child_once(engine, actor, incident_id, unit_id, channel, complainant, content, phone, place, now,
                    request_key) -> str:
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        row, inc = _incident(uow, actor, incident_id)      # locked: a fix recorded meanwhile reaches this one too
        form = dict(channel=channel, complainant=complainant, phone=phone or None, place=place, content=content,
                    category=inc.category.value, wants=(), subject="", relayed_by=None, red_lines=(), received_at=now)
        workflow.validate_registration(now, unit_id=unit_id, **form)
        where = complaints._place(s, unit_id, inc.project_id)
        if where.project_id != inc.project_id:
            raise DomainError("err.incident_other_project")
        number = complaint_repository.next_number(s, now)
        earlier = complaint_repository.earlier_on_unit(s, unit_id, now) if unit_id is not None else []
        # another matter than the unit's earlier tickets: a burst pipe is no repeat of last month's noise
        c, events = workflow.register(number, now, actor, unit_id=unit_id, earlier=earlier, same_as="",
                                      config=complaints._clocks(s, inc.project_id), **form)
        complaint_repository.add(s, c, where, events)
        notifications.complaint_changed(uow, None, c, "register", inc.project_id, now)
        _join(uow, actor, inc, complaint_repository.get(s, number, for_update=True), now)
        uow.audit("register", "complaint", number, after={"category": c.category.value, "channel": c.channel.value,
                                                          "incident": inc.id})
        return uow.commit(number)


def record_fix(engine: Engine, actor: Actor, incident_id: int, expected_version: int, *, fix: str,
               prevention: str, now: datetime | None = None, request_key: str | None = None) -> int:
    """The fix and how to prevent it; every open ticket of the incident goes to its call-back.
    Returns the incident's new version."""
    actor.require(Capability.HANDLE_COMPLAINT)
    now = now or utcnow()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        row, inc = _incident(uow, actor, incident_id)
        if inc.version != expected_version:
            raise ConflictError()
        fixed = rules.record_fix(inc, actor, now, fix, prevention)
        version = repo.save(s, row, fixed)
        for loaded in repo.children(s, inc.id, for_update=True):
            before = loaded.complaint
            after, event = rules.advance(before, fixed, actor, now, complaints._clocks(s, loaded.project_id))
            complaint_repository.save(s, loaded, after, [event])
            if after.stage != before.stage:
                notifications.complaint_changed(uow, before, after, _CALLBACK_DUE, loaded.project_id, now)
        uow.audit("incident_fix", "complaint_incident", inc.id, after={"fix": fixed.fix})
        return uow.commit(version)


def close(engine: Engine, actor: Actor, incident_id: int, now: datetime | None = None,
          request_key: str | None = None) -> Closing:
    """Close the incident and each of its tickets whose owner was called back satisfied; the rest stay
    open and are listed. Run again later, it closes those called back since."""
    actor.require(Capability.HANDLE_COMPLAINT)
    now = now or utcnow()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return Closing(done["closed"], done["left_open"])
        s = uow.session
        row, inc = _incident(uow, actor, incident_id)
        closed_inc = rules.close_incident(inc, actor, now)
        repo.save(s, row, closed_inc)
        loaded = repo.children(s, inc.id, for_update=True)
        closing, staying = rules.close_plan([x.complaint for x in loaded])
        closing_numbers = {c.number for c in closing}
        for one in loaded:
            if one.complaint.number in closing_numbers:
                before = one.complaint
                after, event = rules.close_child(before, closed_inc, actor, now)
                complaint_repository.save(s, one, after, [event])
                notifications.complaint_changed(uow, before, after, "close", one.project_id, now)
        result = {"closed": sorted(closing_numbers), "left_open": [c.number for c in staying]}
        uow.audit("incident_close", "complaint_incident", inc.id, after=result)
        uow.commit(result)
        return Closing(result["closed"], result["left_open"])


# ---------------------------------------------------------------- reads

def for_ticket(engine: Engine, actor: Actor, number: str) -> IncidentView | None:
    """The incident the ticket belongs to, with its tickets; None when it belongs to none."""
    complaints.load(engine, actor, number)     # the ticket's own scope check
    inc = queries.incident_of_ticket(engine, number)
    if inc is None:
        return None
    return IncidentView(inc, queries.members(engine, inc.id), rules.may_run(inc, actor),
                        actor.can(Capability.REGISTER_COMPLAINT) and inc.closed_at is None)
