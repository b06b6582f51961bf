"""The move-in day simulation against an independent event-by-event SimPy model; the finite hall
(seats, waiting outside, asked to come back); overtime; the staffing recommendation on fresh
seeds; Erlang C and the waiting zone beside it; the bottleneck rule."""
from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from core.movein import flow
from core.movein.model import DEFAULT_STATIONS, BatchSettings, Station
from core.movein.simulation import (COME_BACK, OUTSIDE, Draws, draw, measure, replication_seeds, run,
                                    simulate_day, slot_offsets)
from core.movein.staffing import (GOAL, erlang_check, hall_check, judge, needed_successes, recommend,
                                  waiting_capacity, waiting_zone_for, wilson_lower)
from movein_simpy_day import peak_waiting as simpy_peak
from movein_simpy_day import simpy_day

SETTINGS = BatchSettings(start=date(2026, 5, 4))
STAFF = [s.staff for s in DEFAULT_STATIONS]
SEATS = waiting_capacity(SETTINGS, 48)           # the seed's waiting area: 40 seats


def hand_draws(arrivals, service) -> Draws:
    """One replication with the dice chosen by hand."""
    return Draws(np.array([arrivals], dtype=float), np.array([service], dtype=float))


# --- the same day as SimPy computes it ---------------------------------------------------------

@pytest.mark.parametrize("households, staff, seats, overflow", [
    (150, STAFF, SEATS, OUTSIDE),                    # the default weekend jam, people outside
    (150, STAFF, 20, COME_BACK),                     # ... some sent away
    (60, [1, 1, 3, 1, 1, 1], 5, COME_BACK),
    (150, [2, 3, 16, 3, 3, 2], 10, COME_BACK),       # staffed: nobody sent away
    (30, [1, 1, 1, 1, 1, 1], 3, OUTSIDE),
])
def test_the_day_is_the_one_simpy_simulates(households, staff, seats, overflow):
    draws = draw(slot_offsets(SETTINGS, households), SETTINGS, DEFAULT_STATIONS, replication_seeds(3, 5, 12))
    result = run(draws, staff, seats, overflow)
    for r in range(draws.replications):
        start, finish, turned = simpy_day(list(draws.arrivals[r]), draws.service[r].tolist(), staff, seats,
                                          come_back=overflow == COME_BACK)
        expected = np.array([[np.inf if x is None else x for x in row] for row in start])
        assert np.allclose(result.start_at[r], expected, equal_nan=True), r
        assert set(np.nonzero(result.turned_away[r])[0]) == turned, r
        assert result.hall.peak[r] == simpy_peak(list(draws.arrivals[r]), start, finish), r


def test_a_replication_does_not_depend_on_the_others():
    few = draw(slot_offsets(SETTINGS, 80), SETTINGS, DEFAULT_STATIONS, replication_seeds(1, 9, 3))
    many = draw(slot_offsets(SETTINGS, 80), SETTINGS, DEFAULT_STATIONS, replication_seeds(1, 9, 50))
    assert np.array_equal(few.arrivals, many.arrivals[:3]) and np.array_equal(few.service, many.service[:3])


def test_appointments_fill_their_own_slots():
    """155 booked into two morning hours come in those hours (give or take lateness), not spread
    over the day as a bare count is."""
    bunched = draw(slot_offsets(SETTINGS, {9: 80, 10: 75}), SETTINGS, DEFAULT_STATIONS, replication_seeds(1, 1, 20))
    spread = draw(slot_offsets(SETTINGS, 155), SETTINGS, DEFAULT_STATIONS, replication_seeds(1, 1, 20))
    came = np.isfinite(bunched.arrivals)
    assert np.quantile(bunched.arrivals[came], 0.95) < 2 * 60 + 30
    assert np.quantile(spread.arrivals[np.isfinite(spread.arrivals)], 0.95) > 5 * 60
    assert slot_offsets(SETTINGS, 15) == [(float(60 * i), 3 if i < 1 else 2) for i in range(7)]


# --- overtime ----------------------------------------------------------------------------------

def test_a_day_that_ends_on_time_has_no_overtime():
    """The first household has a long walk-through and leaves at 470 minutes, before closing at
    480; the second arrives at 100 and is through at 110. Pairing arrivals with flow times in
    finish order made the first one's arrival (0) meet the second's... and the second's arrival
    (100) meet the first one's 470 minutes: 90 minutes of overtime that never happened."""
    stations = (Station("notice", 1, 0, 2), Station("inspection", 1, 0, 2))
    draws = hand_draws([0.0, 100.0], [[10.0, 460.0], [5.0, 5.0]])
    m = measure(run(draws, [2, 2]), [2, 2], SETTINGS)
    assert m.overtime[0] == 0.0
    assert m.mean_flow[0] == pytest.approx((470 + 10) / 2)
    late = hand_draws([0.0, 100.0], [[10.0, 500.0], [5.0, 5.0]])
    assert measure(run(late, [2, 2]), [2, 2], SETTINGS).overtime[0] == pytest.approx(30.0)
    assert [s.code for s in stations] == ["notice", "inspection"]


def test_overtime_is_when_the_last_household_leaves():
    for seed in (1, 2, 3):
        r = simulate_day(150, SETTINGS, seed=seed)
        assert r.overtime_min > 60              # the default staff leaves people inside long after closing
        quiet = simulate_day(10, SETTINGS, seed=seed)
        assert quiet.overtime_min == 0.0


# --- the finite hall ---------------------------------------------------------------------------

def test_people_beyond_the_seats_wait_outside_and_are_counted():
    """One desk, two minutes each, four households at opening and one seat: the first is served
    at once, the second sits, the third and fourth find the seat taken. Minutes without a seat:
    from 0 to 2 two people (the third and fourth), from 2 to 4 one, then nobody: 6."""
    draws = hand_draws([0.0, 0.0, 0.0, 0.0], [[2.0], [2.0], [2.0], [2.0]])
    m = measure(run(draws, [1], seats=1), [1], SETTINGS)
    assert (m.peak_waiting[0], m.outside[0]) == (3, 2)
    assert m.outside_min[0] == pytest.approx(6.0)
    assert m.turned_away[0] == 0 and m.finished[0] == 4


def test_where_the_plan_says_so_they_are_asked_to_come_back():
    draws = hand_draws([0.0, 0.0, 0.0, 0.0, 7.0], [[2.0]] * 5)
    m = measure(run(draws, [1], seats=1, overflow=COME_BACK), [1], SETTINGS)
    assert m.turned_away[0] == 2                # the third and fourth; the fifth finds the seat free
    assert m.finished[0] == 3 and m.arrived[0] == 5 and m.peak_waiting[0] == 1
    assert m.outside[0] == 0


def test_the_seed_hall_overflows_with_the_default_staff():
    """48 m² at 1.2 m² a person seats 40; the default staff on a 150-household day leaves more
    waiting than that, and the simulation now says how many wait outside."""
    assert SEATS == 40
    r = simulate_day(150, SETTINGS, seed=1, seats=SEATS)
    assert r.peak_waiting > SEATS and r.outside > 0 and r.outside_min > 0
    sent = simulate_day(150, replace(SETTINGS, overflow=COME_BACK), seed=1, seats=SEATS)
    assert sent.turned_away > 0 and sent.peak_waiting < r.peak_waiting


def test_the_waiting_zone_is_sized_from_the_simulated_peak():
    rec = recommend(150, SETTINGS, SEATS, seed=1)
    peak = rec.checked.peak_waiting            # reached or passed on 1 simulated day in 20
    assert 0 < peak <= SEATS
    assert waiting_zone_for(peak, 1.2) == pytest.approx(math.ceil(peak * 12) / 10)
    assert waiting_zone_for(40, 1.2) == 48.0 and waiting_zone_for(11, 1.2) == 13.2
    assert waiting_capacity(SETTINGS, waiting_zone_for(peak, 1.2)) == peak


def test_mmck_cross_checks_the_station_with_a_finite_room():
    inspection = replace(DEFAULT_STATIONS[2], staff=8)
    check = hall_check({h: 150 // 7 for h in range(9, 16)}, SETTINGS, inspection, SEATS, simulated_outside=12.0)
    assert 0 < check.p_full < 1 and check.expected_outside > 0
    assert (check.staff, check.seats) == (8, 40)


# --- the recommendation holds on days it was not chosen on --------------------------------------

def test_the_recommended_staff_of_a_150_household_day_holds_on_fresh_seeds(capsys):
    """Issue 12's acceptance test: recommended on one set of simulated days, re-run on 200 days
    from seeds it never saw, the day meets the p90 target on at least 95 % of them."""
    rec = recommend(150, SETTINGS, SEATS, seed=1, day_key=date(2026, 5, 9).toordinal())
    fresh = draw(slot_offsets(SETTINGS, 150), SETTINGS, rec.stations, replication_seeds(20_260_509, 1, 200))
    outlook, m = judge(fresh, SETTINGS, rec.stations, SEATS)
    p90_met = (m.p90_wait <= SETTINGS.target_p90_wait_min + 1e-9).all(axis=1)
    worst = m.p90_wait.max(axis=1)
    with capsys.disabled():
        print(f"\n[150 households] recommended {[(s.code, s.staff) for s in rec.stations]}"
              f"\n  chosen on 200 days: target met on {rec.chosen.met}/200 (needed {rec.chosen.needed})"
              f"\n  fresh seeds: p90 target met on {int(p90_met.sum())}/200 ({p90_met.mean():.1%}),"
              f" whole target (hall, overtime too) on {outlook.met}/200;"
              f" worst station p90: median {np.median(worst):.1f} min, 95th pct {np.quantile(worst, 0.95):.1f},"
              f" max {worst.max():.1f}; peak waiting (1 day in 20) {outlook.peak_waiting} of {SEATS} seats"
              f"\n  the default staff on the same fresh days: met on {judge(fresh, SETTINGS, DEFAULT_STATIONS, SEATS)[0].met}/200"
              f"\n  Erlang C: " + "; ".join(f"{e.code} sim {e.simulated} / Erlang {e.steady} ({e.reason})"
                                           for e in rec.erlang))
    assert p90_met.mean() >= GOAL
    assert outlook.met_share >= GOAL


def test_the_recommendation_is_stable_from_run_to_run():
    first = recommend(150, SETTINGS, SEATS, seed=1)
    assert recommend(150, SETTINGS, SEATS, seed=1) == first               # the same dice, the same answer
    others = [recommend(150, SETTINGS, SEATS, seed=s) for s in (2, 3)]
    for other in others:                                                   # other dice: at most one person apart
        assert all(abs(a.staff - b.staff) <= 1 for a, b in zip(first.stations, other.stations))


def test_wilson_rule():
    assert wilson_lower(200, 200, 0.95) == pytest.approx(200 / (200 + 1.6449 ** 2), rel=1e-4)
    assert needed_successes(200) == 198 and needed_successes(200, confidence=0.95) == 196
    assert wilson_lower(198, 200) >= 0.95 > wilson_lower(197, 200)
    assert needed_successes(100, confidence=0.95) == 99
    assert needed_successes(50) == 51        # fifty days cannot make us that sure


# --- Erlang C beside the simulation ------------------------------------------------------------

def test_erlang_check_says_why_the_two_differ():
    inspection = DEFAULT_STATIONS[2]
    even = {h: 150 // 7 + (1 if i < 150 % 7 else 0) for i, h in enumerate(range(9, 16))}
    bunched = {9: 50, 10: 50, 11: 10, 12: 10, 13: 10, 14: 10, 15: 10}
    assert erlang_check(even, SETTINGS, inspection, 2, 17).reason == "agree"
    assert erlang_check(even, SETTINGS, inspection, 2, 15).reason == "finite"
    peaks = erlang_check(bunched, SETTINGS, inspection, 2, 25)
    assert peaks.peak_hour > peaks.steady and peaks.reason == "peaks"
    assert erlang_check(even, SETTINGS, inspection, 2, 30).reason == "series"
    assert erlang_check(even, SETTINGS, DEFAULT_STATIONS[0], 0, 5).reason == "rush"


def test_erlang_and_the_simulation_on_the_seed_weekend_day():
    """Steady-state Erlang C asks for 17 escorts for 150 households; the simulation, with
    lognormal walk-throughs (far less variable than exponential) and a day that starts empty,
    holds with fewer. The other stations mostly agree."""
    rec = recommend(150, SETTINGS, SEATS, seed=1)
    inspection = rec.erlang[2]
    assert inspection.steady == 17 and inspection.simulated < inspection.steady and inspection.reason == "finite"


# --- a bottleneck is where people wait ---------------------------------------------------------

CODES = [s.code for s in DEFAULT_STATIONS]


def test_no_bottleneck_when_nobody_waits():
    one_in_service = flow.station_loads((0, 0, 1, 0, 0, 0), CODES, {c: 1 for c in CODES})
    assert flow.bottleneck(one_in_service) is None
    assert flow.pick_bottleneck([("notice", 0, 0.0), ("keys", 0, 30.0)]) is None


def test_the_longest_queue_is_the_bottleneck():
    loads = flow.station_loads((3, 0, 9, 0, 0, 0), CODES, {**{c: 1 for c in CODES}, "inspection": 8},
                               {"notice": 4.0, "inspection": 3.0})
    assert [(x.waiting, x.longest_wait_min) for x in (loads[0], loads[2])] == [(2, 4.0), (1, 3.0)]
    assert flow.bottleneck(loads) == "notice"


def test_a_wait_beyond_the_threshold_names_its_station():
    """Three people at a two-minute desk matter less than one who has waited 25 minutes for a
    walk-through."""
    queues = [("notice", 3, 4.0), ("inspection", 1, 25.0), ("keys", 2, 16.0)]
    assert flow.pick_bottleneck(queues, threshold_min=15) == "inspection"
    assert flow.pick_bottleneck(queues, threshold_min=30) == "notice"
    assert flow.pick_bottleneck([("a", 2, 1.0), ("b", 2, 2.0)]) == "b"      # a tie goes to the longer wait


def test_longest_waits_follow_arrival_at_the_station():
    t0 = datetime(2026, 5, 9, 9, 0)
    reached = [(0, t0), (0, t0 + timedelta(minutes=5)), (0, t0 + timedelta(minutes=8)), (2, t0)]
    waits = flow.longest_waits(reached, CODES, {c: 1 for c in CODES}, t0 + timedelta(minutes=20))
    assert waits["notice"] == pytest.approx(15.0)     # the second to arrive: the first is being served
    assert waits["inspection"] == 0.0 and waits["keys"] == 0.0


def test_a_simulated_day_names_its_bottleneck_the_same_way():
    assert simulate_day(150, SETTINGS, seed=1).bottleneck == "inspection"
    quiet = simulate_day(1, replace(SETTINGS, no_show_rate=0.0), seed=1)
    assert all(s.longest_queue == 0 for s in quiet.stations) and quiet.bottleneck is None
