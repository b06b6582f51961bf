"""Move-in planning figures (a script printing numbers, not a timed test):

    .venv/bin/python -m bench.movein_plan

one simulated day of 150 households (goal < 100 ms), the same day over the replications a
recommendation is judged on, the 10-day forecast, and the staffing recommendation for the seed's
10-day batch with the replications (goal < 20 s), each the median of a few runs; then what the
recommendation is and how it holds on seeds it was not chosen on."""
from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.movein.appointments import batch_days, fill_evenly, grid_from_days  # noqa: E402
from core.movein.forecast import forecast, recommend_batch  # noqa: E402
from core.movein.model import BatchSettings, booking_hours  # noqa: E402
from core.movein.simulation import draw, replication_seeds, simulate_day, slot_offsets  # noqa: E402
from core.movein.staffing import REPLICATIONS, judge, waiting_capacity  # noqa: E402

SETTINGS = BatchSettings(start=date(2026, 12, 4)).validate()
SEATS = waiting_capacity(SETTINGS, 48)


def seed_batch() -> list[tuple[date, dict[int, int]]]:
    """The seed's batch: 799 households, 155 on days 2 and 3, the rest shared evenly."""
    days = batch_days(SETTINGS.start, SETTINGS.days)
    grid = grid_from_days(days, fill_evenly(799, len(days), {1: 155, 2: 155}), booking_hours(SETTINGS))
    return sorted(grid.items())


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def main() -> None:
    per_day = seed_batch()
    simulate_day(150, SETTINGS, seed=0)       # imports and numpy warmed up
    rows = []
    one, _ = timed(lambda: simulate_day(150, SETTINGS, seed=1, seats=SEATS), 20)
    rows.append(("one simulated day, 150 households", one, 100))
    draws = draw(slot_offsets(SETTINGS, 155), SETTINGS, SETTINGS.stations, replication_seeds(1, 2, REPLICATIONS))
    many, _ = timed(lambda: judge(draws, SETTINGS, SETTINGS.stations, SEATS), 5)
    rows.append((f"one day x {REPLICATIONS} replications, 155 households", many, 2000))
    fc, _ = timed(lambda: forecast(SETTINGS, per_day, {}, seats=SEATS), 3)
    rows.append((f"forecast, 10 days x {REPLICATIONS} replications", fc, 5000))
    rec_ms, rec = timed(lambda: recommend_batch(SETTINGS, per_day, SEATS), 3)
    rows.append((f"recommendation, 10-day batch ({REPLICATIONS} + {REPLICATIONS} replications a day)", rec_ms, 20000))
    print(f"{'what':66} {'ms':>10} {'goal ms':>9}")
    for what, ms, goal in rows:
        print(f"{what:66} {ms:10.1f} {goal:9d}{'' if ms <= goal else '  <-- over'}")
    print(f"\n{'day':12} {'booked':>6}  {'staff (notice..keys)':24} {'chosen':>7} {'checked':>8} {'fresh':>6}")
    for day, r in rec.days:
        fresh = draw(slot_offsets(SETTINGS, dict(per_day)[day]), SETTINGS, r.stations,
                     replication_seeds(99, day.toordinal(), REPLICATIONS))
        met = judge(fresh, SETTINGS, r.stations, SEATS)[0].met
        print(f"{day.isoformat():12} {r.booked:6d}  {str([s.staff for s in r.stations]):24} "
              f"{r.chosen.met:4d}/{REPLICATIONS} {r.checked.met:5d}/{REPLICATIONS} {met:3d}/{REPLICATIONS}")


if __name__ == "__main__":
    main()
