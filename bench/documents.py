"""How long payment notices in bulk take: a project of N owing units (three unpaid months each)
in a throwaway SQLite store, made into one PDF by services.documents.payment_notices, timed from
the call to the bytes, with the layout's progress as the page would show it.

    .venv/bin/python -m bench.documents                # 800 and 5,000 notices
    .venv/bin/python -m bench.documents --units 800
"""
from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from core.auth.actor import SYSTEM
from core.collections.ledger import due_date
from db.collection_models import Bill
from db.engine import make_engine
from db.migrate import upgrade
from db.models import Building, Company, Owner, Project, Unit
from services import documents

PERIODS = ("2026-02", "2026-03", "2026-04")
FLOORS, PER_FLOOR = 33, 4


def _store(url: str, units: int) -> int:
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(Company).values(name="翠湖物业服务有限公司", is_demo=False, version=1))
        pid = conn.execute(insert(Project).values(code="BENCH", name="翠湖园", city="深圳")).inserted_primary_key[0]
        per_building = FLOORS * PER_FLOOR
        buildings = [conn.execute(insert(Building).values(project_id=pid, name=str(b + 1), floors=FLOORS))
                     .inserted_primary_key[0] for b in range((units + per_building - 1) // per_building)]
        for i in range(units):
            b, rest = divmod(i, per_building)
            floor, door = divmod(rest, PER_FLOOR)
            owner = conn.execute(insert(Owner).values(name=f"业主{i:05d}")).inserted_primary_key[0]
            uid = conn.execute(insert(Unit).values(
                project_id=pid, building_id=buildings[b], room_no=f"{b + 1}-{floor + 1}{door + 1:02d}",
                floor=floor + 1, area_m2=Decimal("89.50"), status="occupied", owner_id=owner)).inserted_primary_key[0]
            conn.execute(insert(Bill), [dict(project_id=pid, unit_id=uid, period=p, item="property",
                                             amount_cents=23270, paid_cents=0, waived_cents=0, due=due_date(p))
                                        for p in PERIODS])
    engine.dispose()
    return pid


def _cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def run(units: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        pid = _store(url, units)
        engine = make_engine(url)
        marks: list[tuple[float, int]] = []
        cpu0 = _cpu()
        start = time.perf_counter()
        issued = documents.payment_notices(engine, SYSTEM, pid, "2026-04",
                                           progress=lambda done, total: marks.append((time.perf_counter(), done)),
                                           today=date(2026, 5, 6))
        took = time.perf_counter() - start
        cpu = _cpu() - cpu0
        engine.dispose()
    first = marks[0][0] - start if marks else float("nan")
    load = os.getloadavg()[0]   # other work on the machine slows the layout: say how busy it was
    print(f"load {load:4.1f}  {units:>6,} notices  {took:7.1f} s  ({took / units * 1000:5.1f} ms each, first progress after "
          f"{first:4.1f} s, {len(marks)} progress steps, PDF {len(issued.pdf) / 1e6:5.1f} MB, {issued.count} pages)")
    # CPU seconds (this process and its layout workers) do not depend on what else the machine runs:
    # on two idle cores the wall time is about half of them.
    print(f"            CPU {cpu:7.1f} s  -> about {cpu / 2:5.1f} s on two idle cores")
    return took


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, action="append")
    args = parser.parse_args(argv)
    for n in args.units or [800, 5000]:
        run(n)


if __name__ == "__main__":
    main()
