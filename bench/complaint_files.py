"""Attachments on a ticket and the unreachable count in the analysis (issue 14, items 4 and 7): what
an upload costs on the server (checks + thumbnail), what the ticket page reads per rerun (thumbnails
only, against the whole files), and the analysis with its new `unreachable` column.

    .venv/bin/python -m bench.complaint_files [--photos 30] [--tickets 20000]

Prints numbers; asserts nothing. A throwaway SQLite store under bench/data/."""
from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image
from sqlalchemy import insert, select


def _photo(seed: int, size=(4000, 3000)) -> bytes:
    """A phone-sized JPEG that does not compress to nothing (noise over a gradient)."""
    rnd = random.Random(seed)
    img = Image.effect_noise(size, 40 + seed % 20).convert("RGB")
    img.paste((rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)), (0, 0, size[0] // 3, size[1] // 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _ms(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv=None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--photos", type=int, default=30)
    p.add_argument("--tickets", type=int, default=20_000)
    args = p.parse_args(argv)

    from core.auth.actor import Actor
    from core.auth.roles import Role
    from core.org.model import UnitRow, UnitStatus
    from db import complaint_attachment_queries, complaint_queries
    from db.engine import make_engine
    from db.migrate import upgrade
    from db.models import Building, ComplaintRow, Project, Unit
    from services import complaint_attachments, complaints, org

    path = Path("bench/data/complaint_files.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        pid = conn.execute(insert(Project).values(code="B1", name="基准园", city="深圳")).inserted_primary_key[0]
        conn.execute(insert(Building).values(project_id=pid, name="3", floors=33))
    from decimal import Decimal
    org.import_units(engine, Actor("admin", Role.ADMIN), pid,
                     [UnitRow("3", "3-1906", 19, Decimal("89.50"), UnitStatus.SOLD, "王伟", "13812345678", None)])
    with engine.connect() as conn:
        unit_id = conn.scalar(select(Unit.id))
    desk = Actor("chen", Role.FRONTDESK)
    number = complaints.register(engine, desk, unit_id=unit_id, project_id=pid, channel="walk_in", complainant="王伟",
                                 phone=None, place="", content="卫生间天花板渗水", category="repairs")

    photos = [_photo(i) for i in range(args.photos)]
    total = sum(len(x) for x in photos)
    upload_ms = []
    for data in photos:
        start = time.perf_counter()
        complaint_attachments.upload(engine, desk, number, data, "photo.jpg")
        upload_ms.append((time.perf_counter() - start) * 1000)
    listed = complaint_attachments.for_ticket(engine, desk, number)
    thumbs = sum(len(a.thumb or b"") for a in listed)
    print(f"upload of a {statistics.mean(len(x) for x in photos) / 1e6:.1f} MB 4000x3000 photo "
          f"(checks + thumbnail + insert): median {statistics.median(upload_ms):,.0f} ms, "
          f"max {max(upload_ms):,.0f} ms")
    print(f"ticket page list, {len(listed)} attachments, thumbnails only: {_ms(lambda: complaint_attachments.for_ticket(engine, desk, number)):.1f} ms, "
          f"{thumbs / 1e3:,.0f} kB per rerun")

    def whole():
        for a in listed:
            complaint_attachments.open_file(engine, desk, a.id)
    print(f"the same with every whole file (what a list without thumbnails would read): {_ms(whole, 3):,.0f} ms, "
          f"{total / 1e6:,.1f} MB per rerun")
    print(f"one file opened large: {_ms(lambda: complaint_attachments.open_file(engine, desk, listed[0].id)):.1f} ms")
    print(f"unit record list: {_ms(lambda: complaint_attachment_queries.for_unit(engine, unit_id)):.1f} ms")

    # the analysis with its unreachable column, over many closed tickets
    rnd = random.Random(1)
    base = datetime(2025, 1, 1, tzinfo=timezone.utc)
    rows = []
    for i in range(args.tickets):
        received = base + timedelta(minutes=17 * i)
        closed = rnd.random() < 0.8
        rows.append(dict(number=f"BX-{i:07d}", received_at=received, channel="phone", complainant="业主",
                         project_id=pid, unit_id=unit_id, place="", subject="", content="x", wants=[],
                         category=rnd.choice(["repairs", "service", "cleaning", "fees"]), receiver="chen",
                         stage="closed" if closed else "callback", invalid_reason="", reply="", cause="",
                         department="工程部", options=[], agreed_steps="", implementation="",
                         customer_confirmed=closed, callback_attempts=1, root_cause="", prevention="",
                         red_lines=[], escalation="none", repeat_count=1, reopened=0,
                         closed_at=received + timedelta(hours=30) if closed else None,
                         due_at=received + timedelta(days=5), satisfaction=rnd.choice([None, 4, 5]) if closed else None,
                         closed_as="unreachable" if closed and rnd.random() < 0.05 else None, version=1))
    with engine.begin() as conn:
        conn.execute(insert(ComplaintRow), rows)
    since, until, now = base, base + timedelta(days=400), base + timedelta(days=400)
    frame = complaint_queries.analysis(engine, since, until, now, None, "category")
    ms = _ms(lambda: complaint_queries.analysis(engine, since, until, now, None, "category"))
    with engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT category, closed_as FROM complaints WHERE received_at >= '2025-01-01'"))
    print(f"analysis by category over {args.tickets:,} tickets: {ms:.1f} ms; unreachable counted: "
          f"{int(frame['unreachable'].sum()):,}; plan: {plan}")
    engine.dispose()


if __name__ == "__main__":
    main()
