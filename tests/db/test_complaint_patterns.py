"""The analysis page's patterns from migration 0027's tables (issue 18, item 5).

After any mix of writes straight to `complaints` (tickets registered one or several per statement,
moved to another caller, phone, project, category, month or root cause, deleted), each of the four
tables holds what a GROUP BY over the tickets gives; and "frequent complainants" and "recurring root
causes" read from them show what the plain GROUP BY over a year of tickets showed. SQLite and
PostgreSQL."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select, update

from core.clock import CHINA
from db import complaint_queries, complaint_rollups
from db.complaint_rollup_models import ComplaintCaller, ComplaintCallerProject, ComplaintCause, ComplaintCauseProject
from db.models import ComplaintRow, Project

# Around the China-time turn of January to February 2025 (16:00 UTC is midnight in Shanghai).
FEB = datetime(2025, 1, 31, 16, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)
moments = st.one_of(st.integers(-60 * 24 * 45, 60 * 24 * 75).map(lambda m: FEB + m * MINUTE),
                    st.sampled_from([FEB, FEB - timedelta(microseconds=1), FEB + timedelta(days=28)]))
CALLERS = (("王伟", "13800138000"), ("王伟", "13900139000"), ("李娜", "13800138000"), ("李娜", None),
           ("张敏", ""))
CATEGORIES = ("repairs", "cleaning")
CAUSES = ("", "", "水管老化", "保洁排班不足")

ticket = st.fixed_dictionaries({
    "received_at": moments,
    "caller": st.integers(0, len(CALLERS) - 1),
    "project": st.sampled_from([None, 1, 2]),
    "category": st.sampled_from(CATEGORIES),
    "root_cause": st.sampled_from(CAUSES),
})
FIELDS = {"received_at": ("received_at",), "caller": ("complainant", "phone"), "project": ("project_id",),
          "category": ("category",), "root_cause": ("root_cause",)}
writes = st.lists(st.one_of(
    st.tuples(st.just("insert"), st.lists(ticket, min_size=1, max_size=5)),
    st.tuples(st.just("set"), st.integers(0, 30), st.sampled_from(sorted(FIELDS)), ticket),
    st.tuples(st.just("set_all"), st.sampled_from(CATEGORIES), st.sampled_from(CAUSES)),
    st.tuples(st.just("touch"), st.integers(0, 30)),
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(st.just("delete_category"), st.sampled_from(CATEGORIES)),
), min_size=1, max_size=10)


@pytest.fixture
def projects(engine):
    with engine.begin() as conn:
        conn.execute(insert(Project), [dict(id=1, code="SZ1", name="深圳·翠湖园", city="深圳", version=1),
                                       dict(id=2, code="GZ1", name="广州·云山", city="广州", version=1)])


_numbers = iter(range(1, 10**9))


def _columns(t: dict) -> dict:
    complainant, phone = CALLERS[t["caller"]]
    return dict(received_at=t["received_at"], complainant=complainant, phone=phone, project_id=t["project"],
                category=t["category"], root_cause=t["root_cause"])


def _row(t: dict) -> dict:
    return dict(number=f"TS-P-{next(_numbers):08d}", channel="phone", content="渗水", receiver="chen",
                department="", stage="investigate", **_columns(t))


def _apply(engine, write) -> None:
    kind = write[0]
    with engine.begin() as conn:
        ids = list(conn.scalars(select(ComplaintRow.id).order_by(ComplaintRow.id)))
        pick = (lambda i: ids[i % len(ids)]) if ids else None
        if kind == "insert":
            conn.execute(insert(ComplaintRow), [_row(t) for t in write[1]])
        elif kind == "set" and ids:
            _, i, field, t = write
            wanted = _columns(t)
            conn.execute(update(ComplaintRow).where(ComplaintRow.id == pick(i))
                         .values(**{n: wanted[n] for n in FIELDS[field]}))
        elif kind == "set_all":
            conn.execute(update(ComplaintRow).where(ComplaintRow.category == write[1]).values(root_cause=write[2]))
        elif kind == "touch" and ids:
            conn.execute(update(ComplaintRow).where(ComplaintRow.id == pick(write[1])).values(reply="已回复"))
        elif kind == "delete" and ids:
            conn.execute(delete(ComplaintRow).where(ComplaintRow.id == pick(write[1])))
        elif kind == "delete_category":
            conn.execute(delete(ComplaintRow).where(ComplaintRow.category == write[1]))


def _tickets(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(ComplaintRow)).all()


def _month(moment: datetime) -> str:
    return f"{moment.astimezone(CHINA):%Y-%m}"


KEYS = {
    ComplaintCaller: (("complainant", "phone"), lambda r: (r.complainant, r.phone or ""), lambda r: True),
    ComplaintCallerProject: (("project_id", "complainant", "phone"),
                             lambda r: (r.project_id or 0, r.complainant, r.phone or ""), lambda r: True),
    ComplaintCause: (("month", "category", "root_cause"),
                     lambda r: (_month(r.received_at), r.category, r.root_cause), lambda r: r.root_cause != ""),
    ComplaintCauseProject: (("project_id", "month", "category", "root_cause"),
                            lambda r: (r.project_id or 0, _month(r.received_at), r.category, r.root_cause),
                            lambda r: r.root_cause != ""),
}


def _stored(engine, table) -> Counter:
    columns = [getattr(table, c) for c in KEYS[table][0]]
    with engine.connect() as conn:
        rows = conn.execute(select(*columns, table.n)).all()
    assert all(r[-1] >= 0 for r in rows), "a count below zero"
    return Counter({tuple(r[:-1]): r[-1] for r in rows if r[-1]})


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=writes)
def test_the_pattern_tables_are_the_tickets_grouped(engine, projects, steps):
    with engine.begin() as conn:
        conn.execute(delete(ComplaintRow))
    for write in steps:
        _apply(engine, write)
    rows = _tickets(engine)
    for table, (_names, key, counted) in KEYS.items():
        assert _stored(engine, table) == Counter(key(r) for r in rows if counted(r)), table.__tablename__


# ---------------------------------------------------------------- the reads against the plain GROUP BY

def _plain_frequent(engine, since, project_ids, at_least, limit) -> list:
    """The query the page had (a year of tickets grouped), in frequent_order."""
    t = ComplaintRow
    stmt = (select(t.complainant, t.phone, func.count(), func.max(t.received_at)).where(t.received_at >= since)
            .group_by(t.complainant, t.phone).having(func.count() >= at_least))
    if project_ids is not None:
        stmt = stmt.where(t.project_id.in_(project_ids))
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(stmt)]
    return sorted(rows, key=complaint_rollups.frequent_order)[:limit]


def _plain_causes(engine, since, project_ids, limit) -> list:
    t = ComplaintRow
    stmt = (select(t.category, t.root_cause, func.count()).where(t.received_at >= since, t.root_cause != "")
            .group_by(t.root_cause, t.category))
    if project_ids is not None:
        stmt = stmt.where(t.project_id.in_(project_ids))
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(stmt)]
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))[:limit]


def _same(frame, rows) -> None:
    """The frame shows these rows, in this order (made into a frame as the page's old query did)."""
    import pandas as pd
    pd.testing.assert_frame_equal(frame, pd.DataFrame(rows, columns=list(frame.columns)), check_dtype=False)


edges = st.one_of(moments, st.integers(-50, 80).map(lambda d: FEB + timedelta(days=d)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=st.lists(ticket, max_size=30), since=edges, scope=st.sampled_from([None, (1,), (2, 1)]),
       at_least=st.integers(1, 4), limit=st.integers(1, 4), later=writes)
def test_the_patterns_show_what_the_plain_group_by_showed(engine, projects, generated, since, scope, at_least,
                                                         limit, later):
    with engine.begin() as conn:
        conn.execute(delete(ComplaintRow))
        if generated:
            conn.execute(insert(ComplaintRow), [_row(t) for t in generated])
    for write in later:
        _apply(engine, write)
    frequent = complaint_queries.frequent_complainants(engine, since, scope, at_least, limit)
    assert list(frequent.columns) == ["complainant", "phone", "complaints", "last"]
    _same(frequent, _plain_frequent(engine, since, scope, at_least, limit))
    causes = complaint_queries.recurring_root_causes(engine, since, scope, limit)
    assert list(causes.columns) == ["category", "root_cause", "times"]
    _same(causes, _plain_causes(engine, since, scope, limit))


def test_callers_past_the_first_few_hundred_are_found(engine, projects):
    """More callers than the first floor takes in (200), most with an old history only: the callers
    shown are the year's, found below that floor, ties in a stable order."""
    old, recent = FEB - timedelta(days=400), FEB + timedelta(days=1)
    rows = []
    for i in range(450):             # busy long ago: bounds 5, none shown
        rows += [_row(dict(received_at=old, caller=0, project=1, category="repairs", root_cause=""))
                 | dict(complainant=f"老客户{i}", phone=f"1380000{i:04d}") for _ in range(5)]
    for i in range(30):              # 3 this year (bound 3, after every old caller)
        rows += [_row(dict(received_at=recent + timedelta(hours=i), caller=0, project=2, category="repairs",
                           root_cause="水管老化")) | dict(complainant=f"新客户{i}", phone=f"1390000{i:04d}")
                 for _ in range(3)]
    with engine.begin() as conn:
        conn.execute(insert(ComplaintRow), rows)
    frequent = complaint_queries.frequent_complainants(engine, FEB, None, 3, 20)
    assert len(frequent) == 20
    assert set(frequent["complaints"]) == {3}
    # the latest last ticket first among equals
    assert frequent["complainant"].tolist() == [f"新客户{i}" for i in range(29, 9, -1)]
    _same(frequent, _plain_frequent(engine, FEB, None, 3, 20))
    assert complaint_queries.frequent_complainants(engine, FEB, (1,), 3, 20).empty
    causes = complaint_queries.recurring_root_causes(engine, FEB, (2,))
    assert causes.values.tolist() == [["repairs", "水管老化", 90]]
    # once each this year, the old callers too: the 20 shown found in a second pass down to 1
    with engine.begin() as conn:
        conn.execute(insert(ComplaintRow), [
            _row(dict(received_at=recent - timedelta(minutes=i), caller=0, project=1, category="repairs",
                      root_cause="")) | dict(complainant=f"老客户{i}", phone=f"1380000{i:04d}") for i in range(450)])
    once = complaint_queries.frequent_complainants(engine, FEB, None, 1, 20)
    assert once["complainant"].tolist()[:5] == [f"新客户{i}" for i in range(29, 24, -1)]
    _same(once, _plain_frequent(engine, FEB, None, 1, 20))
    _same(complaint_queries.frequent_complainants(engine, FEB, (1,), 1, 20), _plain_frequent(engine, FEB, (1,), 1, 20))


def test_a_root_cause_as_long_as_the_form_allows_is_counted(engine, projects):
    """The form takes 1,000 characters of root cause; the cause is part of the rollups' key, and
    a key that long must still be stored (PostgreSQL limits a btree entry to ~2,700 bytes)."""
    import random
    rng = random.Random(7)
    cause = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(1000))
    with engine.begin() as conn:
        conn.execute(insert(ComplaintRow), [_row(dict(received_at=FEB, caller=0, project=1, category="repairs",
                                                      root_cause=""))])
        conn.execute(update(ComplaintRow).values(root_cause=cause))
    causes = complaint_queries.recurring_root_causes(engine, FEB - timedelta(days=40), (1,))
    assert causes.values.tolist() == [["repairs", cause, 1]]
