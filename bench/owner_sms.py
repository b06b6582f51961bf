"""What telling the owner adds to a complaint registration (issue 17): a complaint about a unit
by its owner, with the SMS channel on and the 'received' template approved, registered with the
owner's SMS queued in the same transaction, against the same registration with the owner hook
switched off. Also the scheduled checks' time on a store of that size.

    .venv/bin/python -m bench.owner_sms                  # SQLite in a temporary directory
    .venv/bin/python -m bench.owner_sms --url postgresql+psycopg://ci@127.0.0.1:5432/bench --writes 100

Prints numbers, asserts nothing."""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

from sqlalchemy import select

from bench.outbox import ADMIN, _store
from core.auth.actor import Actor
from core.auth.roles import Role
from db.base import utcnow
from db.models import Owner, Unit
from services import complaints, notification_schedule, notifications


def _units(engine, pid, n: int) -> list[int]:
    with engine.begin() as c:
        building = c.execute(select(Unit.__table__.c.building_id).limit(1)).scalar()
        if building is None:
            from db.models import Building
            building = c.execute(select(Building.id).where(Building.project_id == pid)).scalar()
        ids = []
        for i in range(n):
            owner = c.execute(Owner.__table__.insert().values(name=f"业主{i}", phone=f"139{i:08d}")).inserted_primary_key[0]
            ids.append(c.execute(Unit.__table__.insert().values(
                project_id=pid, building_id=building, room_no=f"1-{i:04d}", floor=1, area_m2=90, status="occupied",
                owner_id=owner)).inserted_primary_key[0])
    return ids


def _register(engine, pid, unit_id: int, i: int) -> float:
    desk = Actor("desk", Role.FRONTDESK, (pid,))
    start = time.perf_counter()
    complaints.register(engine, desk, channel="phone", complainant=f"业主{i}", phone=f"139{i:08d}", unit_id=unit_id,
                        content=f"楼上漏水 {i}", category="repairs")
    return (time.perf_counter() - start) * 1000


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=None)
    ap.add_argument("--writes", type=int, default=200)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'owner_sms.db'}"
        engine, pid = _store(url)
        notifications.save_channel(engine, ADMIN, None, "sms", "短信", {"endpoint": "http://127.0.0.1:9/",
                                   "access_key_id": "id", "access_key_secret": "s", "sign_name": "基准物业"}, [], True)
        notifications.save_template(engine, ADMIN, "complaint_received", "{owner}您好，您的投诉{number}已受理。", "SMS_1")
        notifications.approve_template(engine, ADMIN, "complaint_received")
        units = _units(engine, pid, 2 * args.writes + 10)
        for i in range(10):
            _register(engine, pid, units[i], i)
        told, silent = [], []
        for i in range(args.writes):
            a, b = 10 + 2 * i, 11 + 2 * i
            told.append(_register(engine, pid, units[a], a))
            with mock.patch.object(notifications, "_tell_complainant", lambda *x, **k: False):
                silent.append(_register(engine, pid, units[b], b))
        start = time.perf_counter()
        for job in (notification_schedule.limitation_warnings, notification_schedule.missed_instalments,
                    notification_schedule.hall_queues, notification_schedule.overdue_defects,
                    notification_schedule.daily_digest):
            job(engine, utcnow())
        jobs_ms = (time.perf_counter() - start) * 1000
        print(json.dumps({"store": engine.dialect.name, "writes": args.writes,
                          "median_ms_owner_told": round(statistics.median(told), 2),
                          "median_ms_hook_off": round(statistics.median(silent), 2),
                          "added_ms": round(statistics.median(told) - statistics.median(silent), 2),
                          "scheduled_checks_ms": round(jobs_ms, 1)}, ensure_ascii=False))
        engine.dispose()


if __name__ == "__main__":
    main()
