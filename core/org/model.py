"""Domain data of the shared core."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class UnitStatus(str, Enum):
    UNSOLD = "unsold"
    SOLD = "sold"
    HANDED_OVER = "handed_over"
    OCCUPIED = "occupied"


@dataclass(frozen=True)
class UnitRow:
    """One validated row of a unit/owner import."""

    building: str
    room_no: str
    floor: int
    area_m2: Decimal
    status: UnitStatus
    owner_name: str | None
    owner_phone: str | None
    special_needs: str | None
