"""An incident (a burst pipe, a power cut to a building) and the tickets it causes.

The incident is the parent: it holds the cause and, once known, the fix and how to prevent it. Each
owner who calls about it gets a ticket of their own (a child), registered from the incident in one
tap: the caller's unit, channel and words; the category and the cause come from the parent. When the
fix is recorded every open child moves to its call-back, its handling being the incident's. Closing
the incident closes each child only through that child's own call-back: a child whose owner has said
they are satisfied closes; the others stay open and are listed, to be called back or closed later.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.complaints import deadlines
from core.complaints.model import Category, Complaint, Event, Stage
from core.errors import DomainError, PermissionDenied, ValidationError, ValidationErrors, checked_text

MAX_TITLE = 100
MAX_TEXT = 1000


@dataclass(frozen=True)
class Incident:
    id: int | None
    project_id: int
    building_id: int | None
    title: str
    category: Category
    cause: str
    opened_by: str
    opened_at: datetime
    fix: str = ""
    prevention: str = ""
    fixed_by: str | None = None
    fixed_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    version: int = 1

    @property
    def status(self) -> str:
        return "closed" if self.closed_at else "fixed" if self.fixed_at else "open"


def may_open(actor: Actor) -> bool:
    """Front desk and managers open incidents: whoever takes the first calls."""
    return actor.can(Capability.REGISTER_COMPLAINT)


def may_run(inc: Incident, actor: Actor) -> bool:
    """Record the fix and close: a manager, or whoever opened it."""
    return actor.can(Capability.MANAGE_COMPLAINTS) or (actor.username == inc.opened_by
                                                         and actor.can(Capability.HANDLE_COMPLAINT))


def open_incident(actor: Actor, now: datetime, project_id: int, title: str, category, cause: str,
                  building_id: int | None = None) -> Incident:
    if not may_open(actor):
        raise PermissionDenied("err.not_allowed")
    title, cause, category = ValidationErrors.collect(lambda: checked_text(title, "incident_title", MAX_TITLE),
                                                      lambda: checked_text(cause, "incident_cause", MAX_TEXT),
                                                      lambda: _category(category))
    return Incident(None, project_id, building_id, title, category, cause, actor.username, now)


def _category(value) -> Category:
    try:
        return Category(value)
    except ValueError:
        raise ValidationError("err.required", field="category") from None


def _require_open(inc: Incident) -> None:
    if inc.closed_at is not None:
        raise DomainError("err.incident_closed")


def can_join(inc: Incident, c: Complaint, project_id: int | None) -> None:
    """A ticket joins an incident of its own project, while both are open."""
    _require_open(inc)
    if project_id != inc.project_id:
        raise DomainError("err.incident_other_project")
    if c.stage == Stage.CLOSED:
        raise DomainError("err.wrong_stage", stage=c.stage.value)


def join(c: Complaint, inc: Incident, actor: Actor, now: datetime,
         config=deadlines.DEFAULT_CLOCKS) -> tuple[Complaint, list[Event]]:
    """The ticket takes the incident's cause; once the incident is fixed, it goes to its call-back."""
    changes = {} if c.cause else {"cause": inc.cause}
    c = c.with_(**changes)
    events = [Event(now, actor.username, "incident_join", c.stage, c.stage, {"incident": inc.id, "title": inc.title})]
    if inc.fixed_at is not None:
        c, event = advance(c, inc, actor, now, config)
        events.append(event)
    return c, events


def record_fix(inc: Incident, actor: Actor, now: datetime, fix: str, prevention: str) -> Incident:
    if not may_run(inc, actor):
        raise PermissionDenied("err.incident_role")
    _require_open(inc)
    fix, prevention = ValidationErrors.collect(lambda: checked_text(fix, "incident_fix", MAX_TEXT),
                                               lambda: checked_text(prevention, "prevention", MAX_TEXT))
    return replace(inc, fix=fix, prevention=prevention, fixed_by=actor.username, fixed_at=now)


def advance(c: Complaint, inc: Incident, actor: Actor, now: datetime,
            config=deadlines.DEFAULT_CLOCKS) -> tuple[Complaint, Event]:
    """An open child that has not reached its call-back gets the incident's handling and waits for it."""
    before = c.stage
    if c.stage in (Stage.CALLBACK, Stage.CLOSED):
        return c, Event(now, actor.username, "incident_fixed", before, before, {"incident": inc.id})
    deadline = deadlines.stage_deadline(c.category, Stage.CALLBACK, now, c.agreed_at, config)
    c = c.with_(valid=True, cause=c.cause or inc.cause, implementation=c.implementation or inc.fix,
                root_cause=c.root_cause or inc.cause, prevention=c.prevention or inc.prevention,
                stage=Stage.CALLBACK, stage_started_at=now, stage_deadline=deadline,
                calendar_version=deadlines.timed_on(c.category, config))
    return c, Event(now, actor.username, "incident_fixed", before, Stage.CALLBACK, {"incident": inc.id})


def closable(c: Complaint) -> bool:
    """A child closes with the incident only through its own satisfied call-back."""
    return c.stage == Stage.CALLBACK and c.satisfied_callback is not None and c.paused_since is None


def close_plan(children: list[Complaint]) -> tuple[list[Complaint], list[Complaint]]:
    """(the open children that close now, those that stay open): closed ones are neither."""
    open_ones = [c for c in children if c.stage != Stage.CLOSED]
    return [c for c in open_ones if closable(c)], [c for c in open_ones if not closable(c)]


def close_child(c: Complaint, inc: Incident, actor: Actor, now: datetime) -> tuple[Complaint, Event]:
    if not closable(c):
        raise DomainError("err.cannot_close", reasons=[])
    before = c.stage
    c = c.with_(stage=Stage.CLOSED, closed_at=now, stage_started_at=now, stage_deadline=None,
                customer_confirmed=True,   # the owner said so on their own call-back
                root_cause=c.root_cause or inc.cause, prevention=c.prevention or inc.prevention)
    return c, Event(now, actor.username, "incident_close", before, Stage.CLOSED, {"incident": inc.id})


def close_incident(inc: Incident, actor: Actor, now: datetime) -> Incident:
    """Closed once fixed; its children still open can be closed later, each by its call-back."""
    if not may_run(inc, actor):
        raise PermissionDenied("err.incident_role")
    if inc.fixed_at is None:
        raise DomainError("err.incident_not_fixed")
    if inc.closed_at is not None:
        return inc
    return replace(inc, closed_by=actor.username, closed_at=now)
