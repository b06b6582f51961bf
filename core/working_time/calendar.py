"""Working time over opening hours and the official schedule.

A date in a year nobody has entered and the package does not know is timed on the weekly hours
alone, and the calendar says so (`unknown_years`), so screens can warn instead of crashing or
pretending a holiday is a working day without telling anyone."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping

from core.clock import CHINA
from core.working_time.hours import END_OF_DAY, OFFICE_WEEK, OpeningHours, Window
from core.working_time.official import OfficialYear, package_year

_MAX_DAYS = 3700   # ten years of days: a bound no sane time limit reaches


@dataclass(frozen=True)
class WorkingCalendar:
    hours: OpeningHours = OFFICE_WEEK
    entered: Mapping[int, OfficialYear] = field(default_factory=dict)   # the admin's years, by year
    always: bool = False    # round the clock: safety and emergencies count every minute

    def __hash__(self):
        return hash(self.version)

    def year(self, year: int) -> OfficialYear | None:
        return self.entered.get(year) or _package_year(year)

    def source(self, year: int) -> str | None:
        """'entered', 'package', or None when nobody knows the year's schedule yet."""
        official = self.year(year)
        return None if official is None else official.source

    def years_to_enter(self, today: date) -> list[int]:
        """This year and next, where unknown: the State Council's schedule is due to be entered."""
        return self.unknown_years(today, date(today.year + 1, 1, 1))

    def unknown_years(self, first: date, last: date) -> list[int]:
        return [y for y in range(first.year, last.year + 1) if self.year(y) is None]

    def kind_of(self, day: date) -> str:
        """'holiday', 'makeup' (a weekend day worked), 'workday' or 'rest'."""
        official = self.year(day.year)
        if official is not None and day in official.holidays:
            return "holiday"
        if official is not None and day in official.makeup_workdays:
            return "makeup"
        return "workday" if self.hours.windows(day.weekday()) else "rest"

    def windows(self, day: date) -> tuple[Window, ...]:
        if self.always:
            return ((time(0), END_OF_DAY),)
        kind = self.kind_of(day)
        if kind == "holiday" and not self.hours.open_on_holidays:
            return ()
        if kind == "makeup":
            return self.hours.windows(day.weekday()) or self.hours.windows(self.hours.makeup_like)
        return self.hours.windows(day.weekday())

    def is_working_day(self, day: date) -> bool:
        return bool(self.windows(day))

    def _spans(self, day: date):
        for opens, closes in self.windows(day):
            end = (datetime.combine(day + timedelta(days=1), time(0), CHINA) if closes == END_OF_DAY
                   else datetime.combine(day, closes, CHINA))
            yield datetime.combine(day, opens, CHINA), end

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start`."""
        if self.always or duration <= timedelta(0):
            return (start + duration).astimezone(timezone.utc)
        left = duration
        cursor = start.astimezone(CHINA)
        for _ in range(_MAX_DAYS):
            for lo, hi in self._spans(cursor.date()):
                begin = max(cursor, lo)
                if begin < hi:
                    if left <= hi - begin:
                        return (begin + left).astimezone(timezone.utc)
                    left -= hi - begin
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
            for lo, hi in self._spans(day):
                lo, hi = max(a, lo), min(b, hi)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    @property
    def version(self) -> str:
        """A short fingerprint of the hours and the entered years: recorded with a ticket's
        deadlines, so a later correction is seen as such rather than moving old deadlines."""
        if self.always:
            return "always"
        parts = [repr(self.hours)] + [f"{y}:{sorted(o.holidays)}:{sorted(o.makeup_workdays)}"
                                      for y, o in sorted(self.entered.items())]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


_CACHE: dict[int, OfficialYear | None] = {}


def _package_year(year: int) -> OfficialYear | None:
    if year not in _CACHE:
        _CACHE[year] = package_year(year)
    return _CACHE[year]


ROUND_THE_CLOCK = WorkingCalendar(always=True)
