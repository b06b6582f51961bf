"""An owner who cannot be reached: after call-back attempts on enough different days (China dates),
a manager may close the ticket as "unreachable" instead of leaving it open for ever. It is a closing
reason of its own: counted apart in the call-back coverage, never as a satisfied call-back.

Only the attempts since the last call-back that reached the owner count: a dissatisfied owner sends
the ticket back to be handled again, and the next round of call-backs starts from nothing."""
from __future__ import annotations

from datetime import date, datetime

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.clock import CHINA
from core.complaints.model import ClosedAs, Complaint, Event, Stage
from core.errors import DomainError, PermissionDenied, ValidationError

ATTEMPT_DAYS = 3          # call-back attempts on this many different China days
MAX_NOTE = 500


def attempt_days(c: Complaint) -> list[date]:
    """The China dates of the unanswered call-back attempts of the current round, in order."""
    days: list[date] = []
    for cb in c.callbacks:
        if cb.reached:
            days = []
            continue
        day = cb.at.astimezone(CHINA).date()
        if day not in days:
            days.append(day)
    return days


def unreachable_blockers(c: Complaint, needed: int = ATTEMPT_DAYS) -> list[str]:
    """What still stands between this ticket and closing it as unreachable, as catalogue keys.
    It replaces the satisfied call-back only: the rest of the method still has to be done."""
    blockers = []
    if c.stage != Stage.CALLBACK:
        blockers.append("close.need_callback_stage")
    if len(attempt_days(c)) < needed:
        blockers.append("unreachable.need_days")
    if not (c.root_cause and c.prevention):
        blockers.append("close.need_root_cause")
    if c.paused_since is not None:
        blockers.append("close.paused")
    return blockers


def close_unreachable(c: Complaint, actor: Actor, now: datetime, note: str = "", needed: int = ATTEMPT_DAYS,
                      config=None) -> tuple[Complaint, Event]:
    """A manager closes the ticket as unreachable; the attempts' days go into the timeline."""
    if not actor.can(Capability.MANAGE_COMPLAINTS):
        raise PermissionDenied("err.unreachable_role")
    if c.stage == Stage.CLOSED:
        raise DomainError("err.wrong_stage", stage=c.stage.value)
    note = ("" if note is None else str(note)).strip()
    if len(note) > MAX_NOTE:
        raise ValidationError("err.too_long", field="note", max=MAX_NOTE)
    blockers = unreachable_blockers(c, needed)
    if blockers:
        raise DomainError("err.cannot_close_unreachable", reasons=blockers, n=needed)
    days = attempt_days(c)
    before = c.stage
    c = c.with_(stage=Stage.CLOSED, closed_at=now, stage_started_at=now, stage_deadline=None,
                closed_as=ClosedAs.UNREACHABLE)
    return c, Event(now, actor.username, "close_unreachable", before, Stage.CLOSED,
                    {"days": [d.isoformat() for d in days], "attempts": c.callback_attempts, "note": note})
