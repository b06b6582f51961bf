"""Time limits per stage, counted in working hours (or round the clock for safety and
emergencies), paused while waiting on the customer or a third party."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from enum import Enum

from core.clock import CHINA
from core.complaints.model import ROUND_THE_CLOCK, Category, Stage



@dataclass(frozen=True)
class Calendar:
    """Working time of the service centre. `always=True` counts every minute."""
    opens: time = time(8, 30)
    closes: time = time(17, 30)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday..Friday
    always: bool = False

    def _windows(self, day):
        """The working window of a local date, or None."""
        if day.weekday() not in self.workdays:
            return None
        return (datetime.combine(day, self.opens, CHINA), datetime.combine(day, self.closes, CHINA))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start`."""
        if self.always or duration <= timedelta(0):
            return (start + duration).astimezone(timezone.utc)
        left = duration
        cursor = start.astimezone(CHINA)
        for _ in range(3700):  # ten years of days: a bound, never reached with sane limits
            window = self._windows(cursor.date())
            if window is not None:
                begin = max(cursor, window[0])
                if begin < window[1]:
                    available = window[1] - begin
                    if left <= available:
                        return (begin + left).astimezone(timezone.utc)
                    left -= available
            cursor = datetime.combine(cursor.date() + timedelta(days=1), time(0), CHINA)
        raise ValueError("duration too long for the working calendar")

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from a to b (zero if b is before a)."""
        if b <= a:
            return timedelta(0)
        if self.always:
            return b - a
        a, b = a.astimezone(CHINA), b.astimezone(CHINA)
        total = timedelta(0)
        day = a.date()
        while day <= b.date():
            window = self._windows(day)
            if window is not None:
                lo, hi = max(a, window[0]), min(b, window[1])
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total


OFFICE = Calendar()
ALWAYS = Calendar(always=True)


def calendar_for(category: Category) -> Calendar:
    return ALWAYS if category in ROUND_THE_CLOCK else OFFICE


def _h(hours: float) -> timedelta:
    return timedelta(hours=hours)


@dataclass(frozen=True)
class ClockConfig:
    """All time limits in one place. Office categories count working hours; urgent ones count
    every hour and get shorter limits."""
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


DEFAULT_CLOCKS = ClockConfig()


def stage_limit(category: Category, stage: Stage, config: ClockConfig = DEFAULT_CLOCKS) -> timedelta | None:
    table = config.urgent if category in ROUND_THE_CLOCK else config.office
    return table.get(stage)


def stage_deadline(category: Category, stage: Stage, started: datetime, agreed_at: datetime | None = None,
                   config: ClockConfig = DEFAULT_CLOCKS) -> datetime | None:
    """The agreed time with the customer is the deadline of the implementation stage."""
    if stage == Stage.IMPLEMENT and agreed_at is not None:
        return agreed_at
    limit = stage_limit(category, stage, config)
    return None if limit is None else calendar_for(category).add(started, limit)


def overall_deadline(category: Category, received: datetime, config: ClockConfig = DEFAULT_CLOCKS) -> datetime:
    limit = config.overall_urgent if category in ROUND_THE_CLOCK else config.overall_office
    return calendar_for(category).add(received, limit)


def extend_for_pause(category: Category, deadline: datetime | None, paused_from: datetime,
                     resumed_at: datetime) -> datetime | None:
    """A pause moves the deadline by the working time it lasted."""
    if deadline is None:
        return None
    cal = calendar_for(category)
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
