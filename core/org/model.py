"""Domain data of the shared core."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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


@dataclass(frozen=True)
class Company:
    name: str
    is_demo: bool
    version: int


@dataclass(frozen=True)
class ProjectEntry:
    """A validated project form."""

    code: str
    name: str
    city: str
    address: str
    target_bp: int | None


@dataclass(frozen=True)
class Ownership:
    """One owner of a unit over a period: `until` None means owns it now."""

    id: int
    owner_id: int
    name: str
    phone: str | None
    since: date | None
    until: date | None
    ended_by: str | None
    owner_version: int


@dataclass(frozen=True)
class OwnerEntry:
    """A validated owner (name and phone as stored)."""

    name: str
    phone: str | None
