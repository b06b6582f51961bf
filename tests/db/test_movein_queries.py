"""The move-in read queries against core's definitions, on SQLite and PostgreSQL: the live board
counts households by stage and station in SQL; on generated households (every state reachable
through core's own rules) it must count exactly what core.movein.flow.tally counts, and the board
the service builds from it must be the one core builds."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, select, update

from core.auth.actor import Actor
from core.auth.roles import Role
from core.movein import flow
from core.movein.model import DEFAULT_STATIONS, BatchSettings
from db import movein_queries
from db.movein_models import MoveinAppointment as A
from db.movein_models import MoveinBatch
from services import movein, org
from store_helpers import add_project, row

FRIDAY = date(2026, 5, 8)
OTHER_DAY = FRIDAY + timedelta(days=1)
T0 = datetime(2026, 5, 8, 1, 0, tzinfo=timezone.utc)
CODES = [s.code for s in DEFAULT_STATIONS]
DEFAULT_SETTINGS = BatchSettings(start=FRIDAY)
HOUSEHOLDS = 24
ADMIN = Actor("admin", Role.ADMIN)
PINNED = settings(max_examples=30, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def batch(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    org.import_units(engine, ADMIN, pid, [row(f"3-{f}{r:02d}", f"业主{f}{r}", f"138{f:04d}{r:04d}")
                                          for f in range(2, 8) for r in range(1, 5)])
    batch_id = movein.create_batch(engine, ADMIN, pid, "第一批", BatchSettings(start=FRIDAY, days=3))
    with engine.connect() as conn:
        ids = list(conn.scalars(select(A.id).where(A.batch_id == batch_id).order_by(A.id)))
    assert len(ids) == HOUSEHOLDS
    return engine, batch_id, ids


def _through_core(kind: str, steps: int) -> flow.Progress:
    """A household's state reached by core's transitions only, as the tablets reach it."""
    p = flow.Progress("h", 0)
    if kind == "no_show":
        return flow.mark_no_show(p)
    if kind == "checked_in":
        p = flow.check_in(p)
    elif kind == "expected":
        return p
    for code in CODES[:steps]:
        p = flow.advance(p, CODES, code)
    return p


household = st.one_of(
    st.tuples(st.just("expected"), st.just(0)), st.tuples(st.just("no_show"), st.just(0)),
    st.tuples(st.just("checked_in"), st.integers(0, len(CODES))),
    st.tuples(st.just("tapped"), st.integers(1, len(CODES))))   # first station tapped without a check-in
day_of_households = st.lists(st.tuples(household, st.integers(0, 240)), min_size=0, max_size=HOUSEHOLDS)
staff = st.fixed_dictionaries({c: st.integers(1, 3) for c in CODES})


def _store(engine, batch_id, ids, households, staffing) -> list[tuple[flow.Progress, timedelta]]:
    states = [(_through_core(kind, steps), timedelta(minutes=minutes)) for (kind, steps), minutes in households]
    rows = []
    for i, appt_id in enumerate(ids):
        if i < len(states):
            p, span = states[i]
            done = flow.stage(p, CODES) is flow.Stage.HANDED_OVER
            rows.append({"aid": appt_id, "day": FRIDAY, "stations_done": p.done, "no_show": p.no_show,
                         "arrived_at": T0 if p.arrived else None, "finished_at": T0 + span if done else None})
        else:   # the rest are booked for another day, arriving or not
            rows.append({"aid": appt_id, "day": OTHER_DAY, "stations_done": i % len(CODES), "no_show": False,
                         "arrived_at": T0, "finished_at": None})
    with engine.begin() as conn:
        conn.execute(update(A).where(A.id == bindparam("aid")), rows)
        conn.execute(update(MoveinBatch).where(MoveinBatch.id == batch_id)
                     .values(staffing={FRIDAY.isoformat(): staffing}))
    return states


@PINNED
@given(households=day_of_households, staffing=staff)
def test_the_board_query_counts_what_core_counts(batch, households, staffing):
    engine, batch_id, ids = batch
    states = _store(engine, batch_id, ids, households, staffing)
    progresses = [p for p, _ in states]
    expected = flow.tally(progresses, CODES)
    spans = [(T0, T0 + span) for p, span in states if flow.stage(p, CODES) is flow.Stage.HANDED_OVER]
    expected_mean = flow.average_flow_minutes(spans)

    tally, mean = movein_queries.day_tally(engine, batch_id, FRIDAY, len(CODES))
    assert tally == expected
    assert (mean is None) == (expected_mean is None)
    if mean is not None:
        assert mean == pytest.approx(expected_mean, abs=1e-6)

    # Everyone in the hall checked in at T0 (these households have no station taps stored), so
    # each has been at its station since then.
    now = T0 + timedelta(minutes=40)
    reached = [(p.done, T0, False) for p in progresses if flow.stage(p, CODES) is flow.Stage.IN_HALL]
    assert sorted(movein_queries.reached_stations(engine, batch_id, FRIDAY, len(CODES))) == sorted(reached)
    board = movein.live_board(engine, ADMIN, batch_id, FRIDAY, now=now)
    loads = flow.station_loads(expected.at_station, CODES, staffing, flow.longest_waits(reached, CODES, staffing, now))
    assert board["stations"] == [vars(x) for x in loads]
    assert board["bottleneck"] == flow.bottleneck(loads, DEFAULT_SETTINGS.target_p90_wait_min)
    assert (board["planned"], board["finished"], board["no_shows"], board["not_arrived"]) == (
        len(progresses), expected.handed_over, expected.no_shows, expected.expected)


def test_the_other_queries_read_the_batch(batch):
    engine, batch_id, ids = batch
    project_id, settings, zones, staffing, version = movein_queries.load_batch(engine, batch_id)
    assert movein_queries.batch_project(engine, batch_id) == project_id
    assert list(settings.stations) == list(DEFAULT_STATIONS) and staffing == {} and version == 1
    assert int(movein_queries.plan_per_day(engine, batch_id)["households"].sum()) == HOUSEHOLDS
    assert movein_queries.list_batches(engine, project_ids=(project_id + 1,)).empty
    assert movein_queries.overdue_checklist(engine, FRIDAY, project_ids=()).empty
    assert movein_queries.household(engine, batch_id, "9-901") is None
    stations, steps = movein_queries.station_steps(engine, batch_id)
    assert [s["code"] for s in stations] == CODES and steps.empty
    assert movein_queries.board_plan(engine, batch_id)[3] == 15.0


def test_a_household_has_been_at_its_station_since_the_last_tap(batch):
    """reached_stations: the check-in for the first station, the previous station's tap after it."""
    engine, batch_id, ids = batch
    movein.check_in(engine, ADMIN, batch_id, ids[0], now=T0)
    movein.check_in(engine, ADMIN, batch_id, ids[1], now=T0)
    movein.advance(engine, ADMIN, batch_id, ids[1], CODES[0], now=T0 + timedelta(minutes=3))
    movein.advance(engine, ADMIN, batch_id, ids[1], CODES[1], now=T0 + timedelta(minutes=9))
    reached = movein_queries.reached_stations(engine, batch_id, FRIDAY, len(CODES))
    assert sorted(reached) == [(0, T0, False), (2, T0 + timedelta(minutes=9), False)]
    # Taken by a desk (station mode): still there since then, now in service.
    movein.take_next(engine, ADMIN, batch_id, CODES[2], FRIDAY, now=T0 + timedelta(minutes=10))
    reached = movein_queries.reached_stations(engine, batch_id, FRIDAY, len(CODES))
    assert sorted(reached) == [(0, T0, False), (2, T0 + timedelta(minutes=9), True)]
