"""The order a collector walks to put notices under doors: building by building, floor by floor
upwards, door by door along the corridor."""
from __future__ import annotations

import re

_PART = re.compile(r"(\d+)")


def natural(text: str) -> tuple:
    """'10' after '9', 'B2' after 'B1': digits compare as numbers, letters as letters."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _PART.split(str(text or "")) if p)


def round_key(building: str, floor: int, room_no: str) -> tuple:
    """Sort key of a unit on the round. The room number's own door part breaks ties on a floor
    (3-1906 before 3-1912)."""
    door = str(room_no or "").rsplit("-", 1)[-1]
    return natural(building), int(floor or 0), natural(door), str(room_no or "")


def in_round_order(rows: list, building=lambda r: r.building, floor=lambda r: r.floor,
                   room=lambda r: r.room_no) -> list:
    return sorted(rows, key=lambda r: round_key(building(r), floor(r), room(r)))
