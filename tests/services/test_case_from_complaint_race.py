"""“Turn into a case” clicked by several people at the same moment (issue 16): one draft, and every
one of them gets that draft back, never an error, on SQLite and on PostgreSQL (where two
transactions really do run side by side)."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, insert, select

from core.auth.actor import Actor
from core.auth.roles import Role
from db.case_models import CaseRow
from db.models import AuditLog, ComplaintRow
from services import cases as lib
from store_helpers import add_project

# Those who may turn a complaint into a case (managers and admins), four of them at once.
TRAINERS = [Actor("zhou", Role.MANAGER), Actor("qian", Role.MANAGER), Actor("admin", Role.ADMIN),
            Actor("admin2", Role.ADMIN)]
READER = Actor("trainer", Role.TRAINER)


def clicked_at_once(engine, number: str) -> list:
    """Every trainer's first click, released together; what each got back (an id or the exception)."""
    gate = threading.Barrier(len(TRAINERS))
    results: list = [None] * len(TRAINERS)

    def click(i: int, actor: Actor) -> None:
        gate.wait()
        try:
            results[i] = lib.case_from_complaint(engine, actor, number, request_key=f"{actor.username}-{number}")
        except Exception as e:   # noqa: BLE001 - the test reports whatever a trainer would have seen
            results[i] = e

    threads = [threading.Thread(target=click, args=(i, a)) for i, a in enumerate(TRAINERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.fixture
def closed(engine):
    """Three closed complaints of one project, as the complaint workflow leaves them (written
    directly: this test is about the click, not the method)."""
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    numbers = [f"TS-20250303-000{i}" for i in (1, 2, 3)]
    at = datetime(2025, 3, 3, 1, tzinfo=timezone.utc)
    with engine.begin() as conn:
        for n in numbers:
            conn.execute(insert(ComplaintRow).values(
                number=n, received_at=at, channel="phone", complainant="某业主", project_id=pid, category="repairs",
                receiver="chen", stage="closed", content="楼上漏水三天，维修工两天后才上门。", cause="交接班没有记录。",
                agreed_steps="重做防水层。", implementation="闭水试验48小时无渗漏。", root_cause="派单无人核对。",
                prevention="每日核对未结投诉。", closed_at=at, version=1))
    return engine, numbers


def test_simultaneous_first_clicks_make_one_draft_and_all_see_it(closed):
    engine, numbers = closed
    for number in numbers:
        results = clicked_at_once(engine, number)
        assert all(isinstance(r, int) for r in results), results
        assert len(set(results)) == 1, results
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(CaseRow)
                               .where(CaseRow.from_complaint == number)) == 1
            assert conn.scalar(select(func.count()).select_from(AuditLog)
                               .where(AuditLog.action == "from_complaint",
                                      AuditLog.entity_id == str(results[0]))) == 1
        assert lib.get(engine, READER, results[0])["status"] == "draft"
