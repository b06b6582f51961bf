"""Time limits per stage, counted in working time on the service centre's calendar (or round the
clock for safety and emergencies), paused while waiting on the customer or a third party.

The office calendar travels in the ClockConfig: services put the ticket's project calendar there
(its opening hours, China's public holidays and make-up working days), tests the default office
week. Nothing here reads a store."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum

from core.complaints.model import ROUND_THE_CLOCK as URGENT, Category, Stage
from core.working_time.calendar import ROUND_THE_CLOCK, WorkingCalendar


def _h(hours: float) -> timedelta:
    return timedelta(hours=hours)


@dataclass(frozen=True)
class ClockConfig:
    """All time limits in one place. Office categories count working time on `office_calendar`;
    urgent ones count every hour and get shorter limits."""
    office: dict[Stage, timedelta] = field(default_factory=lambda: {
        Stage.JUDGE: _h(2), Stage.INVESTIGATE: _h(9), Stage.ASSIGN: _h(2), Stage.PROPOSE: _h(9),
        Stage.AGREE: _h(9), Stage.IMPLEMENT: _h(27), Stage.FEEDBACK: _h(9), Stage.CALLBACK: _h(27)})
    urgent: dict[Stage, timedelta] = field(default_factory=lambda: {
        Stage.JUDGE: _h(0.5), Stage.INVESTIGATE: _h(2), Stage.ASSIGN: _h(0.5), Stage.PROPOSE: _h(2),
        Stage.AGREE: _h(2), Stage.IMPLEMENT: _h(12), Stage.FEEDBACK: _h(4), Stage.CALLBACK: _h(24)})
    overall_office: timedelta = _h(45)   # five working days from receipt to closing
    overall_urgent: timedelta = _h(48)
    at_risk: timedelta = _h(2)           # amber when the deadline is this close...
    amber_share: float = 0.75            # ...or this share of the allowed time is used
    office_calendar: WorkingCalendar = field(default_factory=WorkingCalendar)


DEFAULT_CLOCKS = ClockConfig()


def with_calendar(calendar: WorkingCalendar, config: ClockConfig = DEFAULT_CLOCKS) -> ClockConfig:
    """The same limits counted on another office calendar (a project's)."""
    return replace(config, office_calendar=calendar)


def calendar_for(category: Category, config: ClockConfig = DEFAULT_CLOCKS) -> WorkingCalendar:
    return ROUND_THE_CLOCK if category in URGENT else config.office_calendar


def timed_on(category: Category, config: ClockConfig = DEFAULT_CLOCKS) -> str:
    """The version of the calendar this category's clocks are counted on, recorded with the ticket."""
    return calendar_for(category, config).version


def stage_limit(category: Category, stage: Stage, config: ClockConfig = DEFAULT_CLOCKS) -> timedelta | None:
    table = config.urgent if category in URGENT else config.office
    return table.get(stage)


def stage_deadline(category: Category, stage: Stage, started: datetime, agreed_at: datetime | None = None,
                   config: ClockConfig = DEFAULT_CLOCKS) -> datetime | None:
    """The agreed time with the customer is the deadline of the implementation stage."""
    if stage == Stage.IMPLEMENT and agreed_at is not None:
        return agreed_at
    limit = stage_limit(category, stage, config)
    return None if limit is None else calendar_for(category, config).add(started, limit)


def overall_deadline(category: Category, received: datetime, config: ClockConfig = DEFAULT_CLOCKS) -> datetime:
    limit = config.overall_urgent if category in URGENT else config.overall_office
    return calendar_for(category, config).add(received, limit)


def extend_for_pause(category: Category, deadline: datetime | None, paused_from: datetime,
                     resumed_at: datetime, config: ClockConfig = DEFAULT_CLOCKS) -> datetime | None:
    """A pause moves the deadline by the working time it lasted."""
    if deadline is None:
        return None
    cal = calendar_for(category, config)
    return cal.add(deadline, cal.between(paused_from, resumed_at))


class Light(str, Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    PAUSED = "paused"


def light(started: datetime | None, deadline: datetime | None, now: datetime,
          paused_since: datetime | None = None, config: ClockConfig = DEFAULT_CLOCKS) -> Light:
    """Green, amber or red for one clock; a paused clock shows paused (its time stands still)."""
    if paused_since is not None:
        return Light.PAUSED
    if deadline is None:
        return Light.GREEN
    if now > deadline:
        return Light.RED
    if deadline - now <= config.at_risk:
        return Light.AMBER
    if started is not None and deadline > started and \
            (now - started) >= (deadline - started) * config.amber_share:
        return Light.AMBER
    return Light.GREEN
