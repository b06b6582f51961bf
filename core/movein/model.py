"""Stations, batch settings and the seed's defaults."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from core.errors import ValidationError, ValidationErrors
from core.movein.hall import check_hall, default_zones, require_fit
from core.org.rules import normalise_text

MAX_STAFF = 30               # the most people a station can be given unless the plan says otherwise
OUTSIDE, COME_BACK = "outside", "come_back"     # what the hall does with those it cannot seat
OVERFLOWS = (OUTSIDE, COME_BACK)


@dataclass(frozen=True)
class Station:
    code: str
    mean_min: float          # mean service time, minutes
    sd_min: float            # spread of the service time
    staff: int               # people serving at once
    max_staff: int = MAX_STAFF   # the most the station can be given (desks, escorts to hand)

    def validate(self) -> Station:
        if not self.code:
            raise ValidationError("err.required", field="station")
        if not (0 < self.mean_min <= 480) or not (0 <= self.sd_min <= 480):
            raise ValidationError("err.service_time", field="station", station=self.code)
        if not (1 <= self.staff <= 100) or not (1 <= self.max_staff <= 100):
            raise ValidationError("err.staff_count", field="station", station=self.code)
        if self.staff > self.max_staff:
            raise ValidationError("err.staff_above_limit", field="station", station=self.code, max=self.max_staff)
        return self


# The seed's flow, in order; the walk-through with an escort is the long one.
DEFAULT_STATIONS = (
    Station("notice", 2.0, 0.5, 1),      # 查验入住通知书
    Station("documents", 5.0, 1.5, 2),   # 查验业主资料
    Station("inspection", 40.0, 12.0, 8),  # 验房 (escort + owner walk through the flat)
    Station("signing", 6.0, 2.0, 2),     # 签收资料
    Station("payment", 5.0, 1.5, 2),     # 收费
    Station("keys", 3.0, 1.0, 1),        # 发放钥匙
)


@dataclass(frozen=True)
class DayPlan:
    day: date
    households: int
    stations: tuple[Station, ...]


@dataclass(frozen=True)
class BatchSettings:
    start: date
    days: int = 10
    households: int = 799
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    weekend_factor: float = 1.9          # a weekend day brings this many times a weekday's load
    hall_m2: float = 150.0
    m2_per_waiting_person: float = 1.2
    target_p90_wait_min: float = 15.0
    no_show_rate: float = 0.05
    lateness_sd_min: float = 12.0
    stations: tuple[Station, ...] = field(default_factory=lambda: DEFAULT_STATIONS)
    overflow: str = OUTSIDE              # beyond the waiting seats: wait outside, or asked to come back

    def validate(self) -> BatchSettings:
        """Every wrong setting at once."""
        ValidationErrors.collect(*self._checks())
        return self

    def _checks(self, households: bool = True) -> list:
        def days():
            if not 1 <= self.days <= 60:
                raise ValidationError("err.batch_days", field="days")

        def count():
            if not 1 <= self.households <= 20000:
                raise ValidationError("err.batch_households", field="households")

        def hours():
            if self.closes <= self.opens:
                raise ValidationError("err.opening_hours", field="closes")

        def area():
            if self.hall_m2 <= 0 or self.m2_per_waiting_person <= 0:
                raise ValidationError("err.hall_area", field="hall_m2")

        def stations():
            validate_stations(self.stations, empty_key="err.required")

        def overflow():
            if self.overflow not in OVERFLOWS:
                raise ValidationError("err.required", field="overflow")
        return [days] + ([count] if households else []) + [hours, area, stations, overflow]

    @property
    def open_minutes(self) -> int:
        return (self.closes.hour * 60 + self.closes.minute) - (self.opens.hour * 60 + self.opens.minute)


def booking_hours(settings: BatchSettings) -> list[int]:
    """The hours households can be booked in: from opening, every hour but the last, so the day
    can finish."""
    return [settings.opens.hour + i for i in range(max(1, settings.open_minutes // 60 - 1))]


def households_per_day(settings: BatchSettings) -> list[tuple[date, int]]:
    """Spread the batch over its days, weekend days carrying `weekend_factor` times a weekday."""
    from datetime import timedelta

    days = [settings.start + timedelta(days=i) for i in range(settings.days)]
    weights = [settings.weekend_factor if d.weekday() >= 5 else 1.0 for d in days]
    total = sum(weights)
    exact = [settings.households * w / total for w in weights]
    counts = [int(x) for x in exact]
    # Largest remainders get the households the rounding left over.
    for i in sorted(range(len(days)), key=lambda i: exact[i] - counts[i], reverse=True)[:settings.households - sum(counts)]:
        counts[i] += 1
    return list(zip(days, counts))


def validate_stations(stations, empty_key: str = "err.station_duplicate") -> list[Station]:
    """The stations of a batch in their order: each valid, none twice."""
    stations = list(stations)
    if not stations:
        raise ValidationError(empty_key, field="station")
    checked = [s.validate() for s in stations]
    if len({s.code for s in checked}) != len(checked):
        raise ValidationError("err.station_duplicate", field="station")
    return checked


def validate_staffing(staffing: dict) -> dict:
    """{day: {station: people}}: whole numbers of 1 to 100."""
    for per_station in staffing.values():
        for code, n in per_station.items():
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 100:
                raise ValidationError("err.staff_count", field="station", station=code)
    return staffing


def validate_plan(stations, staffing: dict) -> tuple[list[Station], dict]:
    """A saved plan: stations and staffing checked together, every error at once."""
    return tuple(ValidationErrors.collect(lambda: validate_stations(stations), lambda: validate_staffing(staffing)))


def validate_new_batch(name: str, settings: BatchSettings) -> tuple[str, BatchSettings]:
    """The new-batch form, every wrong field at once; the households are counted later, from the
    project's sold units. The seed's zones for these stations must fit the hall."""
    name = normalise_text(name)

    def named():
        if not name:
            raise ValidationError("err.required", field="batch_name")

    def layout():
        ValidationErrors.collect(*settings._checks(households=False))
        # Only settings that hold can be laid out in the hall.
        require_fit(check_hall(default_zones([s.code for s in settings.stations]), settings.hall_m2,
                               settings.m2_per_waiting_person))

    ValidationErrors.collect(named, layout)
    return name, settings


def runs_on(start: date, days: int, day: date) -> bool:
    """Whether `day` is one of a batch's handover days."""
    from datetime import timedelta

    return start <= day < start + timedelta(days=int(days))
