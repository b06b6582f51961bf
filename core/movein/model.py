"""Stations, batch settings and the seed's defaults."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from core.errors import ValidationError


@dataclass(frozen=True)
class Station:
    code: str
    mean_min: float          # mean service time, minutes
    sd_min: float            # spread of the service time
    staff: int               # people serving at once

    def validate(self) -> "Station":
        if not self.code:
            raise ValidationError("err.required", field="station")
        if not (0 < self.mean_min <= 480) or not (0 <= self.sd_min <= 480):
            raise ValidationError("err.service_time", field="station", station=self.code)
        if not (1 <= self.staff <= 100):
            raise ValidationError("err.staff_count", field="station", station=self.code)
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

    def validate(self) -> "BatchSettings":
        if not 1 <= self.days <= 60:
            raise ValidationError("err.batch_days", field="days")
        if not 1 <= self.households <= 20000:
            raise ValidationError("err.batch_households", field="households")
        if self.closes <= self.opens:
            raise ValidationError("err.opening_hours", field="closes")
        if self.hall_m2 <= 0 or self.m2_per_waiting_person <= 0:
            raise ValidationError("err.hall_area", field="hall_m2")
        if not self.stations:
            raise ValidationError("err.required", field="station")
        codes = [s.validate().code for s in self.stations]
        if len(set(codes)) != len(codes):
            raise ValidationError("err.station_duplicate", field="station")
        return self

    @property
    def open_minutes(self) -> int:
        return (self.closes.hour * 60 + self.closes.minute) - (self.opens.hour * 60 + self.opens.minute)


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
