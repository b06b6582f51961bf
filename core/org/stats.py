"""Figures of the shared core derived from unit counts."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PortfolioCounts:
    projects: int
    units: int
    occupied: int
    to_hand_over: int  # sold, keys not yet handed over


def occupancy_rate(occupied: int, units_sold: int) -> float | None:
    """Occupied units over units that have an owner (unsold stock is not a vacancy of ours)."""
    return None if units_sold == 0 else occupied / units_sold


def portfolio_counts(rows: list[tuple[str, str, int]]) -> PortfolioCounts:
    """rows: (project, status, units)."""
    projects = {p for p, _, _ in rows}
    by_status: dict[str, int] = {}
    for _, status, n in rows:
        by_status[status] = by_status.get(status, 0) + int(n)
    return PortfolioCounts(len(projects), sum(by_status.values()), by_status.get("occupied", 0),
                           by_status.get("sold", 0))
