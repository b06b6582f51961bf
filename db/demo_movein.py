"""Demo move-in: the 799-household batch, started two days ago, with finished days, a day in
progress, no-shows, defects and a checklist with one item overdue."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from core.clock import CHINA
from core.movein.model import BatchSettings
from db import movein
from db.demo import BATCH_BUILDINGS, BATCH_CITY
from db.models import Project, StaffUser, Unit, utcnow
from db.movein_models import MoveinAppointment, MoveinBatch, MoveinChecklistItem, MoveinDefect, MoveinStep


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
    batch_id = movein.create_batch(engine, "demo", project_id, "二期第一批交付", settings, BATCH_BUILDINGS, supervisor)
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
            if n_done == len(stations):
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
