"""Demo move-in: the seed's scenario as a batch. 799 households over 10 days, about 80 a day by
appointment but 155 on days 2 and 3 (the seed's weekend), entered as the supervisor would: the two
known days typed in, the rest shared evenly, each day's households over its slots in room order. The batch started two days ago, so day 1 is done,
day 2 (yesterday) is done and day 3, the second busy day, is in progress: no-shows, defects and a
checklist with one item overdue."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import CHINA
from core.movein.flow import handed_over
from core.movein.model import BatchSettings
from db.models import Project, StaffUser, Unit, utcnow
from db.movein_models import MoveinAppointment, MoveinBatch, MoveinChecklistItem, MoveinDefect, MoveinStep
from demo.company import BATCH_BUILDINGS, BATCH_CITY
from services import movein

# The demo sets the batch up as the system; the day's history below is written as it happened.
DEMO = Actor("demo", Role.ADMIN)
BUSY_DAYS = {1: 155, 2: 155}         # day index -> households: the seed's two weekend days


def seed_movein(engine: Engine, seed: int = 11, now: datetime | None = None) -> int | None:
    now = now or utcnow()
    rng = random.Random(seed)
    today = now.astimezone(CHINA).date()
    with engine.connect() as conn:
        if conn.scalar(select(MoveinBatch.id).limit(1)) is not None:
            return None
        project_id = conn.scalar(select(Project.id).where(Project.city == BATCH_CITY).order_by(Project.id))
        supervisor = conn.scalar(select(StaffUser.username).where(StaffUser.role == "supervisor")) or "supervisor"
    if project_id is None:
        return None
    settings = BatchSettings(start=today - timedelta(days=2))
    # The supervisor's entry: the two busy days typed in, the other eight sharing the rest.
    batch_id = movein.create_batch(engine, DEMO, project_id, "二期第一批交付", settings, BATCH_BUILDINGS, supervisor,
                                   day_counts=BUSY_DAYS)
    stations = [s.code for s in settings.stations]
    means = {s.code: s.mean_min for s in settings.stations}
    with engine.begin() as conn:
        appts = conn.execute(select(MoveinAppointment.id, MoveinAppointment.unit_id, MoveinAppointment.day,
                                    MoveinAppointment.slot_hour)
                             .where(MoveinAppointment.batch_id == batch_id, MoveinAppointment.day <= today)).all()
        steps, done_units, defects = [], [], []
        for a in appts:
            if rng.random() < 0.05:
                conn.execute(update(MoveinAppointment).where(MoveinAppointment.id == a.id).values(no_show=True))
                continue
            arrive = datetime.combine(a.day, time(a.slot_hour), CHINA) + timedelta(minutes=rng.uniform(0, 60))
            if arrive >= now:
                continue
            # Today's households are caught part-way through the flow.
            n_done = len(stations) if a.day < today else rng.randint(0, len(stations))
            moment = arrive
            for seq, code in enumerate(stations[:n_done], start=1):
                moment += timedelta(minutes=means[code] * rng.uniform(0.7, 1.6) + rng.uniform(0, 8))
                if moment >= now:
                    n_done = seq - 1
                    break
                steps.append({"appointment_id": a.id, "station": code, "seq": seq, "finished_at": moment,
                              "staff": supervisor})
            values = {"arrived_at": arrive, "stations_done": n_done}
            if handed_over(n_done, len(stations)):
                values["finished_at"] = moment
                done_units.append(a.unit_id)
            conn.execute(update(MoveinAppointment).where(MoveinAppointment.id == a.id).values(**values))
            if n_done >= 3 and rng.random() < 0.12:
                defects.append({"batch_id": batch_id, "unit_id": a.unit_id,
                                "location": rng.choice(["bathroom", "kitchen", "living", "windows"]),
                                "kind": rng.choice(["waterproofing", "wall", "door_window", "plumbing"]),
                                "severity": rng.choice(["minor", "minor", "major"]), "responsible": "developer",
                                "note": "验房时发现，已拍照", "status": "open" if rng.random() < 0.8 else "fixed",
                                "created_at": arrive + timedelta(minutes=50), "created_by": supervisor, "version": 1})
        if steps:
            conn.execute(MoveinStep.__table__.insert(), steps)
        if defects:
            conn.execute(MoveinDefect.__table__.insert(), defects)
        if done_units:
            conn.execute(update(Unit).where(Unit.id.in_(done_units)).values(status="handed_over"))
        # Preparation is done except the customer ambassadors, which slipped.
        conn.execute(update(MoveinChecklistItem).where(MoveinChecklistItem.batch_id == batch_id,
                                                       MoveinChecklistItem.code != "ambassadors").values(done=True))
    return batch_id
