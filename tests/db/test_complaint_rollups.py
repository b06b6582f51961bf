"""The complaint month rollups of migration 0026 are the tickets, summed (issue 18, item 5).

After any mix of writes straight to `complaints` (tickets registered one or several per statement,
closed, reopened, called back, moved to another category, department, building or month, deleted),
each rollup table holds what a GROUP BY over the tickets gives; and the analysis read from them
(whole months from the rollups, partial months live) shows what summing the tickets of the range
directly shows, for any range, any "now" and every grouping. On SQLite and PostgreSQL."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from core.clock import CHINA
from db import complaint_queries, complaint_rollups
from db.complaint_rollup_models import ComplaintMonthBuilding, ComplaintMonthCategory, ComplaintMonthDepartment
from db.models import Building, ComplaintRow, Project

# Around the China-time turn of January to February 2025 (16:00 UTC is midnight in Shanghai):
# tickets fall on both sides of month boundaries, and on them.
FEB = datetime(2025, 1, 31, 16, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)
moments = st.one_of(st.integers(-60 * 24 * 45, 60 * 24 * 75).map(lambda m: FEB + m * MINUTE),
                    st.sampled_from([FEB, FEB - timedelta(microseconds=1), FEB + timedelta(days=28)]))
CATEGORIES = ("repairs", "cleaning", "security")
DEPARTMENTS = ("", "工程部", "环境部")

ticket = st.fixed_dictionaries({
    "received_at": moments,
    "place": st.integers(0, 3),          # 0: no project; 1-2: project 1 with building 0/1; 3: project 2
    "category": st.sampled_from(CATEGORIES),
    "department": st.sampled_from(DEPARTMENTS),
    "closed_h": st.one_of(st.none(), st.integers(0, 24 * 20)),
    "due_h": st.one_of(st.none(), st.integers(-24, 24 * 10)),
    "satisfaction": st.one_of(st.none(), st.integers(1, 5)),
    "unreachable": st.booleans(),
})
# One write to the tickets: ("insert", [tickets]) in one statement, ("set", index, field, ticket)
# for one ticket, ("set_all", category, department) for many, ("touch", index) of an uncounted
# column, ("delete", index), ("delete_category", category).
writes = st.lists(st.one_of(
    st.tuples(st.just("insert"), st.lists(ticket, min_size=1, max_size=4)),
    st.tuples(st.just("set"), st.integers(0, 20), st.sampled_from(
        ["received_at", "place", "category", "department", "closed_h", "due_h", "satisfaction", "unreachable"]),
        ticket),
    st.tuples(st.just("set_all"), st.sampled_from(CATEGORIES), st.sampled_from(DEPARTMENTS)),
    st.tuples(st.just("touch"), st.integers(0, 20)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("delete_category"), st.sampled_from(CATEGORIES)),
), min_size=1, max_size=10)


@pytest.fixture
def places(engine):
    """Project 1 with buildings 1 and 2, project 2 with building 3: (project_id, building_id) by place."""
    with engine.begin() as conn:
        conn.execute(insert(Project), [dict(id=1, code="SZ1", name="深圳·翠湖园", city="深圳", version=1),
                                       dict(id=2, code="GZ1", name="广州·云山", city="广州", version=1)])
        conn.execute(insert(Building), [dict(id=1, project_id=1, name="3", floors=30),
                                        dict(id=2, project_id=1, name="5", floors=30),
                                        dict(id=3, project_id=2, name="1", floors=18)])
    return {0: (None, None), 1: (1, 1), 2: (1, 2), 3: (2, 3)}


_numbers = iter(range(1, 10**9))


def _columns(t: dict, places: dict) -> dict:
    project_id, building_id = places[t["place"]]
    closed = None if t["closed_h"] is None else t["received_at"] + timedelta(hours=t["closed_h"], seconds=7)
    return dict(received_at=t["received_at"], project_id=project_id, building_id=building_id,
                category=t["category"], department=t["department"], closed_at=closed,
                due_at=None if t["due_h"] is None else t["received_at"] + timedelta(hours=t["due_h"]),
                satisfaction=t["satisfaction"],
                closed_as="unreachable" if closed and t["unreachable"] else None,
                stage="closed" if closed else "investigate")


def _row(t: dict, places: dict) -> dict:
    return dict(number=f"TS-R-{next(_numbers):08d}", channel="phone", complainant="王伟", content="渗水",
                receiver="chen", **_columns(t, places))


def _apply(engine, write, places) -> None:
    kind = write[0]
    with engine.begin() as conn:
        ids = list(conn.scalars(select(ComplaintRow.id).order_by(ComplaintRow.id)))
        pick = (lambda i: ids[i % len(ids)]) if ids else None
        if kind == "insert":
            conn.execute(insert(ComplaintRow), [_row(t, places) for t in write[1]])
        elif kind == "set" and ids:
            _, i, field, t = write
            wanted = _columns(t, places)
            names = {"place": ("project_id", "building_id"), "closed_h": ("closed_at", "closed_as", "stage"),
                     "due_h": ("due_at",), "unreachable": ("closed_as",)}.get(field, (field,))
            values = {n: wanted[n] for n in names}
            if field == "received_at":   # the ticket moves to another month; its own durations with it
                values.update(closed_at=wanted["closed_at"], due_at=wanted["due_at"])
            conn.execute(update(ComplaintRow).where(ComplaintRow.id == pick(i)).values(**values))
        elif kind == "set_all":
            conn.execute(update(ComplaintRow).where(ComplaintRow.category == write[1]).values(department=write[2]))
        elif kind == "touch" and ids:
            conn.execute(update(ComplaintRow).where(ComplaintRow.id == pick(write[1])).values(reply="已回复"))
        elif kind == "delete" and ids:
            conn.execute(delete(ComplaintRow).where(ComplaintRow.id == pick(write[1])))
        elif kind == "delete_category":
            conn.execute(delete(ComplaintRow).where(ComplaintRow.category == write[1]))


def _tickets(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(ComplaintRow)).all()


def _adds(r) -> tuple:
    closed = r.closed_at is not None
    hours = (r.closed_at - r.received_at).total_seconds() / 3600 if closed else 0.0
    return (1, int(closed), hours, int(closed and r.due_at is not None and r.closed_at > r.due_at),
            int(r.satisfaction is not None), r.satisfaction or 0, int(r.closed_as == "unreachable"))


def _expected(rows, key) -> dict:
    out: dict = defaultdict(lambda: [0, 0, 0.0, 0, 0, 0, 0])
    for r in rows:
        for i, v in enumerate(_adds(r)):
            out[key(r)][i] += v
    return {k: tuple(v) for k, v in out.items()}


TABLES = {"category": (ComplaintMonthCategory, "category", lambda r: r.category),
          "building": (ComplaintMonthBuilding, "building_id", lambda r: r.building_id or 0),
          "department": (ComplaintMonthDepartment, "department", lambda r: r.department)}


def _stored(engine, table, column) -> dict:
    with engine.connect() as conn:
        rows = conn.execute(select(table.month, table.project_id, getattr(table, column),
                                   *(getattr(table, c) for c in complaint_rollups.SUMS))).all()
    out = {}
    for month, project, group, *sums in rows:
        if sums[0] == 0:   # every ticket of the row gone: nothing else may be left in it
            assert sums[1:2] + sums[3:] == [0] * 5 and sums[2] == pytest.approx(0, abs=1e-6)
            continue
        out[(month, project, group)] = tuple(sums)
    return out


def _assert_same(got: dict, want: dict) -> None:
    assert set(got) == set(want)
    for k, w in want.items():
        g = got[k]
        assert g[:2] + g[3:] == w[:2] + w[3:], k
        assert g[2] == pytest.approx(w[2], abs=1e-4), k


def _china_month(moment: datetime) -> str:
    return f"{moment.astimezone(CHINA):%Y-%m}"


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=writes)
def test_the_rollups_are_the_tickets_grouped(engine, places, steps):
    with engine.begin() as conn:   # each example starts from no ticket (the rollups follow)
        conn.execute(delete(ComplaintRow))
    for write in steps:
        _apply(engine, write, places)
    rows = _tickets(engine)
    for dim, (table, column, group) in TABLES.items():
        want = _expected(rows, lambda r: (_china_month(r.received_at), r.project_id or 0, group(r)))
        _assert_same(_stored(engine, table, column), want)


# ---------------------------------------------------------------- the analysis read from them

def _direct(rows, since, until, now, project_ids, by) -> dict:
    """What the analysis page shows, summed from the tickets of the range in Python."""
    names = {None: None, 1: "深圳·翠湖园 3", 2: "深圳·翠湖园 5", 3: "广州·云山 1"}
    key = {"category": lambda r: r.category, "department": lambda r: r.department,
           "month": lambda r: _china_month(r.received_at), "building": lambda r: names[r.building_id] or "-"}[by]
    groups: dict = defaultdict(list)
    for r in rows:
        if since <= r.received_at < until and (project_ids is None or r.project_id in project_ids):
            groups[key(r)].append(r)
    out = {}
    for k, members in groups.items():
        closed = [r for r in members if r.closed_at is not None]
        scored = [r.satisfaction for r in members if r.satisfaction is not None]
        breaches = sum(1 for r in members if r.due_at is not None and (
            r.closed_at > r.due_at if r.closed_at is not None else r.due_at < now))
        hours = [(r.closed_at - r.received_at).total_seconds() / 3600 for r in closed]
        out[k] = (len(members), len(closed), sum(hours) / len(hours) if hours else None, breaches,
                  len(scored), sum(scored) / len(scored) if scored else None,
                  sum(1 for r in members if r.closed_as == "unreachable"))
    return out


def _shown(frame) -> dict:
    mean = lambda v: None if v != v else v          # NaN: no closed (no scored) ticket in the group
    return {r.key: (r.received, r.closed, mean(r.hours_to_close), r.breaches, r.called_back, mean(r.satisfaction),
                    r.unreachable) for r in frame.itertuples()}


def _same_figures(got: dict, want: dict) -> bool:
    """Counts exactly; the two means to well under what the page shows (one decimal, two)."""
    if set(got) != set(want):
        return False
    return all(g == w if not isinstance(w, float) else g == pytest.approx(w, abs=1e-6)
               for k in want for g, w in zip(got[k], want[k]))


edges = st.one_of(moments, st.integers(-50, 80).map(lambda d: FEB + timedelta(days=d)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=st.lists(ticket, max_size=25), since=edges, length=st.integers(0, 60 * 24 * 120),
       now=moments, scope=st.sampled_from([None, (1,), (2, 1)]), later=writes)
def test_the_analysis_shows_what_the_tickets_of_the_range_add_up_to(engine, places, generated, since, length,
                                                                     now, scope, later):
    with engine.begin() as conn:
        conn.execute(delete(ComplaintRow))
        if generated:
            conn.execute(insert(ComplaintRow), [_row(t, places) for t in generated])
    for write in later:
        _apply(engine, write, places)
    rows = _tickets(engine)
    until = since + length * MINUTE
    for by in complaint_rollups.GROUPINGS:
        frame = complaint_queries.analysis(engine, since, until, now, scope, by)
        assert list(frame.columns) == complaint_rollups.COLUMNS
        shown, direct = _shown(frame), _direct(rows, since, until, now, scope, by)
        assert _same_figures(shown, direct), (by, shown, direct)
        assert frame["key"].tolist() == sorted(frame["key"].tolist())


@pytest.mark.parametrize("since, until, rollup_months, live", [
    # a year from a China-time midnight to the next: whole months from the rollups, the edges live
    (datetime(2025, 1, 2, tzinfo=CHINA), datetime(2026, 1, 3, tzinfo=CHINA), ("2025-01", "2025-12"),
     [(-1, datetime(2025, 1, 1, tzinfo=CHINA), datetime(2025, 1, 2, tzinfo=CHINA)),
      (1, datetime(2026, 1, 1, tzinfo=CHINA), datetime(2026, 1, 3, tzinfo=CHINA))]),
    (datetime(2025, 1, 1, tzinfo=CHINA), datetime(2025, 3, 1, tzinfo=CHINA), ("2025-01", "2025-02"), []),
    (datetime(2025, 1, 5, tzinfo=CHINA), datetime(2025, 1, 9, tzinfo=CHINA), (None, None),
     [(1, datetime(2025, 1, 5, tzinfo=CHINA), datetime(2025, 1, 9, tzinfo=CHINA))]),
])
def test_a_range_is_read_from_whole_months_and_short_edges(since, until, rollup_months, live):
    """The default range of the page (a year to today) reads two days of tickets, not a year."""
    how = complaint_rollups.plan(since, until)
    assert (how.first, how.last) == rollup_months
    assert list(how.live) == live


def test_the_demo_company_and_the_front_desk_keep_them(demo_engine):
    """The demo loader's tickets (every stage, closed ones with call-backs) and tickets registered
    and moved on through the service: the rollups follow without the writers knowing of them."""
    from core.auth.actor import Actor
    from core.auth.roles import Role
    from services import complaints

    manager = Actor("manager", Role.MANAGER)
    with demo_engine.connect() as conn:
        project = conn.scalar(select(Project.id).order_by(Project.id))
    numbers = [complaints.register(demo_engine, manager, channel="phone", complainant="王伟", content="楼道灯不亮",
                                   category=category, project_id=project, phone="13800138000", place="花园")
               for category in ("repairs", "repairs", "cleaning")]
    ticket = complaints.load(demo_engine, manager, numbers[0])
    # judged to be another category: the ticket moves rows (and its overall deadline changes)
    complaints.act(demo_engine, manager, numbers[0], ticket.version, "judge_valid", category="cleaning")
    assert complaints.load(demo_engine, manager, numbers[0]).category.value == "cleaning"
    rows = _tickets(demo_engine)
    assert len(rows) > 3
    for dim, (table, column, group) in TABLES.items():
        want = _expected(rows, lambda r: (_china_month(r.received_at), r.project_id or 0, group(r)))
        _assert_same(_stored(demo_engine, table, column), want)
