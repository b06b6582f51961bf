"""Opening hours per weekday: an office week, a seven-day centre, a Saturday morning, or windows
an admin types ('08:30-12:00, 13:30-17:30')."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Sequence

from core.errors import ValidationError, ValidationErrors

Window = tuple[time, time]
WEEKDAYS = range(7)   # Monday = 0
END_OF_DAY = time(23, 59, 59, 999999)   # '24:00': open until midnight
WEEKDAY_FIELDS = ("hours_mon", "hours_tue", "hours_wed", "hours_thu", "hours_fri", "hours_sat", "hours_sun")


@dataclass(frozen=True)
class OpeningHours:
    """`week[d]`: the working windows of weekday d (empty: closed). A make-up working day (调休)
    keeps the hours of `makeup_like`, an ordinary working weekday. `open_on_holidays`: the centre
    keeps its weekday hours on public holidays too (many residential centres never close)."""
    week: tuple[tuple[Window, ...], ...]
    makeup_like: int = 0
    open_on_holidays: bool = False

    def __post_init__(self):
        if len(self.week) != 7:
            raise ValidationError("err.hours_week", field="hours")
        for windows in self.week:
            for opens, closes in windows:
                if not opens < closes:
                    raise ValidationError("err.hours_order", field="hours")

    def windows(self, weekday: int) -> tuple[Window, ...]:
        return self.week[weekday]

    @property
    def weekly_minutes(self) -> int:
        return sum(_minutes(c) - _minutes(o) for day in self.week for o, c in day)


def _minutes(moment: time) -> int:
    return 24 * 60 if moment == END_OF_DAY else moment.hour * 60 + moment.minute


def _day(opens: time, closes: time) -> tuple[Window, ...]:
    return ((opens, closes),)


_OFFICE_DAY = _day(time(8, 30), time(17, 30))

OFFICE_WEEK = OpeningHours(week=(_OFFICE_DAY,) * 5 + ((), ()))
SATURDAY_MORNING = OpeningHours(week=(_OFFICE_DAY,) * 5 + (_day(time(8, 30), time(12, 0)), ()))
SEVEN_DAYS = OpeningHours(week=(_OFFICE_DAY,) * 7, open_on_holidays=True)

PRESETS = {"office_week": OFFICE_WEEK, "saturday_morning": SATURDAY_MORNING, "seven_days": SEVEN_DAYS}
CUSTOM = "custom"
CHOICES = (*PRESETS, CUSTOM)

# ---------------------------------------------------------------- typed windows

_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–~至到]\s*(\d{1,2}):(\d{2})$")
_CLOSED = {"", "-", "—", "休", "休息", "closed"}


def _clock(hh: str, mm: str) -> time:
    h, m = int(hh), int(mm)
    if (h, m) == (24, 0):
        return END_OF_DAY
    return time(h, m)   # ValueError beyond 23:59


def parse_windows(text: str, field: str) -> tuple[Window, ...]:
    """'08:30-12:00, 13:30-17:30' as typed for one weekday; blank or '-' means closed. Windows are
    kept in time order and may not overlap (a double-counted hour would shorten every deadline)."""
    cleaned = (text or "").strip().replace("：", ":").replace("，", ",").replace("；", ",").replace(";", ",")
    if cleaned.lower() in _CLOSED:
        return ()
    windows = []
    for part in (p.strip() for p in cleaned.split(",")):
        found = _WINDOW.match(part)
        try:
            if not found:
                raise ValueError
            opens, closes = _clock(*found.group(1, 2)), _clock(*found.group(3, 4))
        except ValueError:
            raise ValidationError("err.hours_format", field=field, value=part[:20]) from None
        if not opens < closes:
            raise ValidationError("err.hours_order", field=field)
        windows.append((opens, closes))
    windows.sort()
    for (_, closes), (opens, _) in zip(windows, windows[1:]):
        if opens < closes:
            raise ValidationError("err.hours_overlap", field=field)
    return tuple(windows)


def _fmt(moment: time) -> str:
    return "24:00" if moment == END_OF_DAY else moment.strftime("%H:%M")


def describe_windows(windows: tuple[Window, ...]) -> str:
    """The typed form of a day's windows, as parse_windows reads it back ('' when closed)."""
    return ", ".join(f"{_fmt(o)}-{_fmt(c)}" for o, c in windows)


def opening_hours(choice: str, day_texts: Sequence[str], open_on_holidays: bool) -> OpeningHours:
    """The hours a form describes: a preset, or seven typed days (every wrong day named at once)."""
    if choice in PRESETS:
        week = PRESETS[choice].week
    elif choice == CUSTOM:
        texts = list(day_texts) + [""] * (7 - len(day_texts))
        week = tuple(ValidationErrors.collect(
            *(lambda d=d: parse_windows(texts[d], WEEKDAY_FIELDS[d]) for d in WEEKDAYS)))
        if not any(week):
            raise ValidationError("err.hours_none", field="hours")
    else:
        raise ValidationError("err.required", field="preset")
    return OpeningHours(week=week, open_on_holidays=bool(open_on_holidays))


def preset_of(hours: OpeningHours) -> str:
    """The preset these weekly windows are, else 'custom' (the holiday flag is set apart)."""
    return next((name for name, p in PRESETS.items() if p.week == hours.week), CUSTOM)


def to_plain(hours: OpeningHours) -> list[list[list[str]]]:
    """JSON-able weekly windows, for the store."""
    return [[[_fmt(o), _fmt(c)] for o, c in day] for day in hours.week]


def from_plain(week: list, open_on_holidays: bool) -> OpeningHours:
    return OpeningHours(week=tuple(tuple((_clock(*o.split(":")), _clock(*c.split(":"))) for o, c in day)
                                   for day in week), open_on_holidays=bool(open_on_holidays))
