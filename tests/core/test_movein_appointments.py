"""Appointments: the seed's batch entered as counts per day with the rest shared evenly, quotas
per day and slot checked cell by cell, rebooking that moves as few households as it can, and a
list of households with their day and slot."""
from datetime import date, timedelta

import pytest

from core.errors import ValidationError, ValidationErrors
from core.movein.appointments import (Booking, batch_days, fill_evenly, grid_from_days, parse_bookings, rebook,
                                      split_slots, validate_quotas)
from core.movein.model import BatchSettings, booking_hours

START = date(2026, 5, 8)                        # a Friday: days 2 and 3 are the weekend
DAYS = batch_days(START, 10)
HOURS = booking_hours(BatchSettings(start=START))


def refused(func, *args) -> list[ValidationError]:
    with pytest.raises(ValidationError) as info:
        func(*args)
    return info.value.errors if isinstance(info.value, ValidationErrors) else [info.value]


def test_the_seed_batch_is_two_numbers_and_a_fill():
    """799 households over 10 days, 155 on days 2 and 3: type those two, share the rest."""
    counts = fill_evenly(799, 10, {1: 155, 2: 155})
    assert counts[1:3] == [155, 155] and sum(counts) == 799
    rest = counts[:1] + counts[3:]
    assert max(rest) - min(rest) <= 1 and rest == [62] + [61] * 7
    assert HOURS == list(range(9, 16))
    grid = grid_from_days(DAYS, counts, HOURS)
    assert grid[DAYS[1]] == {9: 23, 10: 22, 11: 22, 12: 22, 13: 22, 14: 22, 15: 22}
    assert sum(sum(v.values()) for v in grid.values()) == 799


def test_fill_evenly_refuses_what_cannot_add_up():
    assert [e.key for e in refused(fill_evenly, 100, 3, {0: 60, 1: 50})] == ["err.quota_over_total"]
    assert [e.key for e in refused(fill_evenly, 100, 2, {0: 60, 1: 30})] == ["err.quota_total"]
    errors = refused(fill_evenly, 100, 3, {0: -1, 1: 2.5})
    assert [e.key for e in errors] == ["err.quota_count"] and errors[0].params["day"] == 1
    assert fill_evenly(10, 3, {}) == [4, 3, 3] and fill_evenly(10, 2, {0: 10, 1: 0}) == [10, 0]


def test_a_day_under_way_keeps_those_already_in_the_hall_when_the_rest_is_shared():
    # today (index 2) has 67 checked in; an even share would give it 55 and the save would refuse
    counts = fill_evenly(799, 10, {0: 155, 1: 155, 3: 100}, least={2: 67})
    assert counts[2] == 67 and sum(counts) == 799
    rest = counts[4:]
    assert max(rest) - min(rest) <= 1
    assert fill_evenly(799, 10, {0: 155, 1: 155, 3: 100}, least={2: 40}) == fill_evenly(799, 10, {0: 155, 1: 155, 3: 100})


def test_slots_share_a_day_evenly():
    assert split_slots(22, HOURS) == {9: 4, 10: 3, 11: 3, 12: 3, 13: 3, 14: 3, 15: 3}
    assert split_slots(0, HOURS) == {h: 0 for h in HOURS}
    # an hour with more households already in the hall than its share keeps them
    assert split_slots(10, HOURS, {9: 5}) == {9: 5, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 0}
    assert split_slots(22, HOURS, {9: 4, 10: 1}) == split_slots(22, HOURS)
    assert split_slots(3, HOURS, {9: 5}) == split_slots(3, HOURS)       # cannot: even, refused when saved


def test_quotas_are_checked_cell_by_cell_all_at_once():
    two = DAYS[:2]
    ok = validate_quotas({two[0]: {9: 3, 10: 2}, two[1]: {9: 5}}, two, HOURS, 10, {})
    assert ok[two[0]] == {h: (3 if h == 9 else 2 if h == 10 else 0) for h in HOURS}
    errors = refused(validate_quotas, {two[0]: {9: -1, 10: 1.5, 20: 4}, date(2027, 1, 1): {9: 1}}, two, HOURS, 10, {})
    assert [e.key for e in errors] == ["err.quota_count", "err.quota_count", "err.quota_slot", "err.quota_day"]
    assert [e.key for e in refused(validate_quotas, {two[0]: {9: 4}}, two, HOURS, 10, {})] == ["err.quota_total"]
    started = {(two[0], 9): 3}
    errors = refused(validate_quotas, {two[0]: {9: 2, 10: 3}, two[1]: {9: 5}}, two, HOURS, 10, started)
    assert [(e.key, e.params["n"]) for e in errors] == [("err.quota_started", 3)]
    assert validate_quotas({two[0]: {9: 3, 10: 2}, two[1]: {9: 5}}, two, HOURS, 10, started)[two[0]][9] == 3
    assert validate_quotas({two[0]: {9: 10.0}}, two, HOURS, 10, {})[two[0]][9] == 10      # 10.0 from an editor


def test_rebooking_moves_as_few_as_it_can_and_never_a_started_household():
    d1, d2 = DAYS[0], DAYS[1]
    bookings = [Booking(1, d1, 9, True), Booking(2, d1, 9, False), Booking(3, d1, 9, False),
                Booking(4, d1, 10, False), Booking(5, d2, 9, False), Booking(6, d2, 9, True)]
    grid = {d1: {9: 1, 10: 1}, d2: {9: 4}}
    moves = rebook(bookings, grid)
    assert moves == [(2, d2, 9), (3, d2, 9)]                # household 1 started: it stays
    assert rebook(bookings, {d1: {9: 3, 10: 1}, d2: {9: 2}}) == []      # nothing to do, nothing moved
    # booked in an hour the grid no longer has: moved into one it has
    assert rebook([Booking(9, d1, 16, False)], {d1: {9: 1}}) == [(9, d1, 9)]


def test_a_list_of_households_with_day_and_slot():
    lines = ["房号,日期,时段", "3-1906, 2026-05-09, 10", "3-1907\t2\t11:00", "", "5－101 10 15"]
    rows = parse_bookings(lines, DAYS, HOURS)
    assert [(r.row, r.room_no, r.day, r.hour) for r in rows] == [
        (2, "3-1906", date(2026, 5, 9), 10), (3, "3-1907", START + timedelta(days=1), 11), (5, "5-101", DAYS[9], 15)]
    errors = refused(parse_bookings, ["3-1906,2026-05-09", "x,1,9", "3-1906,2027-01-01,16", "3-1907,1,9",
                                      "3-1907,2,9"], DAYS, HOURS)
    assert [(e.key, e.params["row"]) for e in errors] == [
        ("err.booking_line", 1), ("err.booking_room", 2), ("err.booking_day", 3), ("err.booking_slot", 3),
        ("err.booking_twice", 5)]
    assert [e.key for e in refused(parse_bookings, ["", "  "], DAYS, HOURS)] == ["err.required"]
