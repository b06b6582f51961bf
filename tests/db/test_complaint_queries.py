"""The board's counts in SQL are the core's lights: on generated tickets (started, deadline,
paused or not, stage), "overdue" is the number of open tickets core.complaints.deadlines.light()
colours red and "at risk" the number it colours amber, on SQLite and PostgreSQL, for the default
clock rules and for others (the SQL is built from the ClockConfig, not from a copy of it)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from core.complaints.deadlines import DEFAULT_CLOCKS, ClockConfig, Light, light
from core.complaints.model import Stage
from db import complaint_queries as queries
from db.models import ComplaintRow

NOW = datetime(2025, 3, 5, 7, 0, tzinfo=timezone.utc)    # Wednesday 15:00 in Shanghai
STEP = timedelta(seconds=15)                              # coarse steps: exact boundaries come up often
CONFIGS = [DEFAULT_CLOCKS, ClockConfig(at_risk=timedelta(minutes=30), amber_share=0.5),
           ClockConfig(at_risk=timedelta(0), amber_share=0.9)]

tickets = st.lists(st.fixed_dictionaries({
    "stage": st.sampled_from(list(Stage)),
    "started": st.one_of(st.none(), st.integers(-4000, 40)),          # steps before (after) now
    "allowed": st.one_of(st.none(), st.integers(-40, 4000)),          # deadline - started, in steps
    "paused": st.booleans(),
}), max_size=12)


def _row(i: int, t: dict) -> dict:
    started = None if t["started"] is None else NOW + t["started"] * STEP
    deadline = None if t["allowed"] is None else (started or NOW) + t["allowed"] * STEP
    return dict(number=f"TS-20250305-{i:04d}", received_at=NOW - timedelta(days=1), channel="phone",
                complainant="王伟", content="渗水", category="repairs", receiver="chen", stage=t["stage"].value,
                stage_started_at=started, stage_deadline=deadline,
                paused_since=NOW - timedelta(hours=1) if t["paused"] else None)


def core_lights(rows: list[dict], config: ClockConfig) -> dict:
    open_rows = [r for r in rows if r["stage"] != Stage.CLOSED.value]
    lights = [light(r["stage_started_at"], r["stage_deadline"], NOW, r["paused_since"], config) for r in open_rows]
    return {"open": len(open_rows), "overdue": lights.count(Light.RED), "at_risk": lights.count(Light.AMBER)}


def sql_lights(engine, rows: list[dict], config: ClockConfig) -> dict:
    with engine.begin() as conn:
        conn.execute(delete(ComplaintRow))
        if rows:
            conn.execute(insert(ComplaintRow), rows)
    got = queries.board_counts(engine, NOW, config=config)
    return {k: got[k] for k in ("open", "overdue", "at_risk")}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=tickets, config=st.sampled_from(CONFIGS))
def test_overdue_and_at_risk_counts_are_the_core_lights(engine, generated, config):
    rows = [_row(i, t) for i, t in enumerate(generated, start=1)]
    assert sql_lights(engine, rows, config) == core_lights(rows, config)


@pytest.mark.parametrize("started_h, allowed_h, want", [
    (-7, 9, "at_risk"),      # 7 of 9 working hours used, 2 h left: amber by the share (78 % >= 75 %)
    (-21, 27, "at_risk"),    # 21 of 27 h used, 6 h left: amber by the share, not by the 2 h margin
    (-6, 9, None),           # 6 of 9 h used, 3 h left: green
    (-1, 2.5, "at_risk"),    # 1.5 h left: amber by the 2 h margin
    (-3, 2, "overdue"),
])
def test_a_ticket_amber_on_its_page_is_counted_at_risk(engine, started_h, allowed_h, want):
    """The bug of issue 10: the board counted "at risk" with a fixed 2 hours only."""
    started = NOW + timedelta(hours=started_h)
    row = _row(1, {"stage": Stage.IMPLEMENT, "started": None, "allowed": None, "paused": False})
    row.update(stage_started_at=started, stage_deadline=started + timedelta(hours=allowed_h))
    got = sql_lights(engine, [row], DEFAULT_CLOCKS)
    assert got == core_lights([row], DEFAULT_CLOCKS)
    assert {k for k in ("overdue", "at_risk") if got[k]} == ({want} if want else set())
