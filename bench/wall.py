"""The complaint wall's cost: how long one refresh's read takes, and how many SQL statements N wall
screens cost within one cache period (ui.complaint_cache.wall_board, ttl 10 s). Not a test: prints.

    .venv/bin/python -m bench.wall [extra_open_tickets] [screens]
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main(extra: int = 2000, screens: int = 20) -> None:
    from sqlalchemy import event, select

    from core.complaints.model import Category
    from db.engine import make_engine
    from db.migrate import upgrade
    from db.models import Unit, utcnow
    from demo.company import CompanySize, demo_actor, seed_demo
    from services import complaints
    from ui import complaint_cache, complaint_wall
    from ui.cache import _engine_for

    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'wall.db'}"
    upgrade(url)
    engine = make_engine(url)
    seed_demo(engine, CompanySize(projects=4, units_per_project=60, batch=True), hash_rounds=4)
    desk = demo_actor("frontdesk")
    with engine.connect() as conn:
        units = conn.execute(select(Unit.id).where(Unit.owner_id.is_not(None))).scalars().all()
    rng, now = random.Random(1), utcnow()
    for i in range(extra):
        complaints.register(engine, desk, channel="walk_in", complainant="业主", unit_id=rng.choice(units),
                            content=f"大屏压测 {i}", category=rng.choice([c.value for c in Category]), same_as="",
                            received_at=now - timedelta(hours=rng.uniform(0, 96)))
    engine.dispose()
    manager = demo_actor("manager")
    shared = _engine_for(url)
    statements = []
    event.listen(shared, "before_cursor_execute", lambda *a, **k: statements.append(1))
    started = time.perf_counter()
    _, counts, tickets = complaint_cache.wall_board(url, manager)
    cold = (time.perf_counter() - started) * 1000
    first = len(statements)
    started = time.perf_counter()
    for _ in range(screens):
        complaint_cache.wall_board(url, manager)
    warm = (time.perf_counter() - started) * 1000 / screens
    started = time.perf_counter()
    _, _, by_stage, ordered = complaint_wall.wall_data(url, manager)
    order_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    for _ in range(screens):
        complaint_wall.wall_data(url, manager)
    order_warm = (time.perf_counter() - started) * 1000 / screens
    print(f"open tickets {counts['open']:,}; one read {cold:.0f} ms, {first} SQL statements; "
          f"{screens} more screens in the same 10 s: {len(statements) - first} statements, {warm:.2f} ms each; "
          f"ordering {len(ordered):,} tickets {order_ms:.0f} ms once, then {order_warm:.2f} ms a screen; "
          f"{complaint_wall.pages(len(ordered))} pages of {complaint_wall.PER_PAGE}; stage counts {by_stage}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
