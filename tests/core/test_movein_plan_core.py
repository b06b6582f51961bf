"""The plan as the supervisor reads it: current against recommended staff per day and station,
the target verdict of each staffing on the same re-simulated days, and the forecast drawn for
either staffing without simulating again."""
from datetime import date

import pytest

from core.movein.forecast import (
    CURRENT,
    RECOMMENDED,
    drawn,
    forecast,
    recommend_batch,
    staff_changes,
)
from core.movein.model import DEFAULT_STATIONS, BatchSettings
from core.movein.staffing import GOAL, waiting_capacity

SATURDAY = date(2026, 5, 9)
SUNDAY = date(2026, 5, 10)
SETTINGS = BatchSettings(start=SATURDAY, days=2)
SEATS = waiting_capacity(SETTINGS, 48)
# The seed's two busy days: 155 households each, on the default staffing (eight escorts).
PER_DAY = [(SATURDAY, 155), (SUNDAY, 40)]
CODES = [s.code for s in DEFAULT_STATIONS]


@pytest.fixture(scope="module")
def rec():
    return recommend_batch(SETTINGS, PER_DAY, SEATS, seed=1)


def test_busy_day_misses_the_target_now_and_meets_it_recommended(rec):
    (_, busy), _ = rec.days
    assert not busy.current_meets_target and busy.checked_current.met_share < GOAL
    assert busy.meets_target and busy.checked.met_share >= GOAL
    # the fix costs people where the queue is, and nowhere fewer than it needs
    changes = {c.code: c for c in staff_changes(rec) if c.day == SATURDAY}
    assert sum(c.change for c in changes.values()) > 0
    assert changes["inspection"].recommended > changes["inspection"].now
    assert changes["inspection"].p90_recommended < changes["inspection"].p90_now


def test_quiet_day_meets_the_target_with_both(rec):
    _, (_, quiet) = rec.days
    assert quiet.current_meets_target and quiet.meets_target
    # the least staff that holds: the quiet day never needs more than the busy one
    busy = {c.code: c.recommended for c in staff_changes(rec) if c.day == SATURDAY}
    assert all(c.recommended <= busy[c.code] for c in staff_changes(rec) if c.day == SUNDAY)


def test_every_day_and_station_is_listed_in_flow_order(rec):
    rows = staff_changes(rec)
    assert [(c.day, c.code) for c in rows] == [(d, code) for d, _ in PER_DAY for code in CODES]
    assert all(c.now == s.staff for c, s in zip(rows, DEFAULT_STATIONS * 2))
    assert all(c.recommended >= 1 for c in rows)


@pytest.mark.parametrize("which", [CURRENT, RECOMMENDED])
def test_drawn_forecast_is_the_forecast_of_that_staffing(rec, which):
    """What the page draws from a recommendation is what forecast() simulates for the staffing:
    the recommended one (the plan it would store) or the one planned now."""
    staffing = rec.plan if which == RECOMMENDED else {}
    simulated = forecast(SETTINGS, PER_DAY, staffing, seed=1, seats=SEATS)
    shown = drawn(rec, which)
    assert [(f.day, f.households, f.stations, f.erlang) for f in shown] == \
           [(f.day, f.households, f.stations, f.erlang) for f in simulated]
    assert [f.result for f in shown] == [f.result for f in simulated]


def test_drawn_current_runs_past_closing_where_the_recommendation_does_not(rec):
    now, new = drawn(rec, CURRENT)[0], drawn(rec, RECOMMENDED)[0]
    assert now.result.overtime_p90 > new.result.overtime_p90
    assert now.result.met < new.result.met


def test_drawn_refuses_an_unknown_staffing(rec):
    with pytest.raises(ValueError):
        drawn(rec, "yesterday")


def test_route_walks_reception_waiting_then_the_stations_in_flow_order():
    from core.movein.hall import Zone, default_zones, route
    zones = default_zones(CODES)
    assert route(zones, CODES) == ["reception", "waiting"] + [f"station:{c}" for c in CODES]
    # a batch whose stations run in another order walks them in that order; missing zones are skipped
    assert route([Zone("station:keys", 6), Zone("waiting", 20), Zone("station:notice", 6)], ["keys", "notice"]) == \
           ["waiting", "station:keys", "station:notice"]
