"""The handover hall: the seed's zones with their areas, which must fit the hall, and a waiting
area checked against the simulated peak."""
from __future__ import annotations

import math
from dataclasses import dataclass

from core.errors import ValidationError


@dataclass(frozen=True)
class Zone:
    code: str
    m2: float


def default_zones(station_codes: list[str]) -> list[Zone]:
    """Reception, signage, boards, waiting, one area per station, escort waiting, storage, disputes."""
    per_station = {"notice": 6, "documents": 10, "inspection": 8, "signing": 10, "payment": 10, "keys": 6}
    zones = [Zone("reception", 10), Zone("signage", 2), Zone("boards", 8), Zone("waiting", 48)]
    zones += [Zone(f"station:{c}", per_station.get(c, 8)) for c in station_codes]
    zones += [Zone("escort_waiting", 8), Zone("storage", 6), Zone("disputes", 8)]
    return zones


@dataclass(frozen=True)
class HallCheck:
    total_m2: float
    hall_m2: float
    waiting_capacity: int
    peak_waiting: int | None

    @property
    def fits(self) -> bool:
        return self.total_m2 <= self.hall_m2

    @property
    def waiting_ok(self) -> bool:
        return self.peak_waiting is None or self.peak_waiting <= self.waiting_capacity


def people_fitting(waiting_m2: float, m2_per_person: float) -> int:
    """Whole people a waiting area holds. Rounded before flooring: 13.2 m² at 1.2 m² a person is
    11 people, though in floating point 13.2 // 1.2 gives 10."""
    return math.floor(round(waiting_m2 / m2_per_person, 6))


def check_hall(zones: list[Zone], hall_m2: float, m2_per_person: float,
               peak_waiting: int | None = None) -> HallCheck:
    for z in zones:
        if z.m2 < 0:
            raise ValidationError("err.hall_area", field="m2")
    waiting = sum(z.m2 for z in zones if z.code == "waiting")
    return HallCheck(sum(z.m2 for z in zones), hall_m2, people_fitting(waiting, m2_per_person), peak_waiting)


def require_fit(check: HallCheck) -> None:
    """Saving a layout that does not fit the hall is refused."""
    if not check.fits:
        raise ValidationError("err.hall_too_small", field="m2", total=round(check.total_m2, 1),
                              hall=round(check.hall_m2, 1))


def floor_plan(zones: list[Zone], hall_width_m: float, hall_m2: float) -> list[dict]:
    """Rectangles for a sketch: zones in flow order, in about three rows across the hall. Each row
    spans the hall's width and is as deep as its zones' area needs, so every rectangle has its
    zone's area, nothing sticks out sideways, and the rows are together total m² / width deep:
    within the hall whenever the zones fit it. Returns x, y, x2, y2 in metres."""
    total = sum(z.m2 for z in zones)
    per_row = total / 3
    rows, row, filled = [], [], 0.0
    for z in zones:
        row.append(z)
        filled += z.m2
        if filled >= per_row > 0:
            rows.append(row)
            row, filled = [], 0.0
    if row:
        rows.append(row)
    out, y = [], 0.0
    for row in rows:
        row_m2 = sum(z.m2 for z in row)
        h = row_m2 / hall_width_m
        x = 0.0
        for z in row:
            w = hall_width_m * z.m2 / row_m2 if row_m2 else 0.0
            out.append({"zone": z.code, "x": x, "y": y, "x2": min(x + w, hall_width_m), "y2": y + h, "m2": z.m2})
            x += w
        y += h
    return out


def route(zones: list[Zone], station_codes: list[str]) -> list[str]:
    """The zones a household walks through, in order: reception, the waiting area, then each
    station of the batch in its flow order (zones the layout leaves out are skipped)."""
    present = {z.code for z in zones}
    walk = ["reception", "waiting"] + [f"station:{c}" for c in station_codes]
    return [code for code in walk if code in present]
