"""China's official schedule of public holidays and make-up working days, year by year.

The `chinese-calendar` package carries the State Council's schedules for the years it was released
for (2004-2026 in 1.11.0). Each autumn the next year's schedule is published; until a new release of
the package has it, an admin enters it, and an entered year always wins over the package's."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.errors import ValidationError, ValidationErrors

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_NOTE = 200


@dataclass(frozen=True)
class OfficialYear:
    year: int
    holidays: frozenset[date]          # days off, weekends inside a holiday period included
    makeup_workdays: frozenset[date]   # weekend days worked in exchange (调休)
    source: str = "package"            # "package" or "entered"

    def __post_init__(self):
        for d in self.holidays | self.makeup_workdays:
            if d.year != self.year:
                raise ValidationError("err.schedule_year", field="days", day=d.isoformat(), year=self.year)
        both = self.holidays & self.makeup_workdays
        if both:
            raise ValidationError("err.schedule_both", field="days", day=min(both).isoformat())


def _package_tables() -> tuple[dict, dict]:
    try:
        from chinese_calendar.constants import holidays, workdays
    except ImportError:    # the package is missing: every year must be entered
        return {}, {}
    return holidays, workdays


def package_year(year: int) -> OfficialYear | None:
    """The package's schedule for a year, or None when it does not know the year."""
    holidays, workdays = _package_tables()
    off = frozenset(d for d in holidays if d.year == year)
    on = frozenset(d for d in workdays if d.year == year)
    if not off:   # every known year has Spring Festival and National Day
        return None
    return OfficialYear(year, off, on)


def parse_days(text: str, year: int | None, field: str) -> frozenset[date]:
    """'2027-02-05, 2027-02-06 ...' or one date a line, as an admin pastes them from the notice;
    ranges as '2027-10-01..2027-10-07'. Without a year (it was mistyped) only the dates are checked."""
    days: set[date] = set()
    for token in text.replace("，", ",").replace("\n", ",").replace(" ", ",").split(","):
        token = token.strip()
        if not token:
            continue
        try:
            if ".." in token:
                first, last = (date.fromisoformat(p.strip()) for p in token.split("..", 1))
                if last < first or (last - first).days > 31:
                    raise ValueError
                days.update(date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1))
            else:
                days.add(date.fromisoformat(token))
        except ValueError:
            raise ValidationError("err.schedule_day", field=field, value=token[:20]) from None
    outside = sorted(d for d in days if year is not None and d.year != year)
    if outside:
        raise ValidationError("err.schedule_year", field=field, day=outside[0].isoformat(), year=year)
    return frozenset(days)


def check_year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError("err.schedule_year_range", field="year", first=FIRST_YEAR, last=LAST_YEAR) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError("err.schedule_year_range", field="year", first=FIRST_YEAR, last=LAST_YEAR)
    return year


def check_note(note: str | None) -> str:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationError("err.too_long", field="schedule_note", max=MAX_NOTE)
    return text


def _year_or_none(value) -> int | None:
    try:
        return check_year(value)
    except ValidationError:
        return None


def entered_year(year, holidays_text: str, makeup_text: str) -> OfficialYear:
    """A year's schedule as the admin types it from the State Council's notice: every wrong field
    at once. Days off are required (every year has Spring Festival and National Day); make-up
    working days may be none."""
    known = _year_or_none(year)

    def days_off() -> frozenset[date]:
        days = parse_days(holidays_text, known, "holidays")
        if not days:
            raise ValidationError("err.schedule_no_holidays", field="holidays")
        return days

    y, off, on = ValidationErrors.collect(lambda: check_year(year), days_off,
                                          lambda: parse_days(makeup_text, known, "makeup"))
    both = off & on
    if both:
        raise ValidationError("err.schedule_both", field="makeup", day=min(both).isoformat())
    return OfficialYear(y, off, on, source="entered")


def describe_days(days) -> str:
    """Days as an admin would type them, runs of consecutive days as ranges; parse_days reads it back."""
    out, run = [], []
    for d in sorted(days):
        if run and d.toordinal() != run[-1].toordinal() + 1:
            out.append(_run(run))
            run = []
        run.append(d)
    if run:
        out.append(_run(run))
    return ", ".join(out)


def _run(run: list[date]) -> str:
    return run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()}..{run[-1].isoformat()}"
