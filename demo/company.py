"""Demo data: a realistic company so a newcomer sees a living system on first start.
`python -m demo.company` fills an empty store; it refuses a store that holds real (non-demo) users.
Names and phone numbers are generated at random; none comes from a real list. The lists it draws
from, and the demo accounts, are in company.toml."""
from __future__ import annotations

import os
import random
import sys
import tomllib
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from core.auth.actor import SYSTEM, Actor
from core.clock import local_today
from db import case_queries, user_queries
from db.engine import make_engine
from db.models import Building, Company, Owner, Project, SpecialNeedRow, Unit, UnitOwner, utcnow
from services import cases, training, users

with (Path(__file__).with_name("company.toml")).open("rb") as _f:
    _DATA = tomllib.load(_f)

DEMO_PASSWORD = "Demo-2026!"
CITIES: list[str] = _DATA["cities"]
_PROJECT_NAMES: list[str] = _DATA["project_names"]
BATCH_CITY = "深圳"
BATCH_SIZE = 799
BATCH_BUILDINGS = ["1", "2", "3", "5", "6"]  # no building 4, as many developers skip it

_SURNAMES: str = _DATA["surnames"]
_GIVEN: str = _DATA["given"]
_NEEDS: list[dict] = _DATA["special_needs"]
COMPANY_NAME: str = _DATA["company_name"]

DEMO_ACCOUNTS = [(a["username"], a["name"], a["role"]) for a in _DATA["accounts"]]  # username, name, role
_ON_BATCH = {a["username"] for a in _DATA["accounts"] if a.get("on_batch")}
# Who writes the demo's accounts and library: the system, named "demo" in the audit trail.
DEMO = replace(SYSTEM, username="demo")


def demo_actor(username: str) -> Actor:
    """A demo account as the services see it acting."""
    return Actor(username, dict((u, r) for u, _, r in DEMO_ACCOUNTS)[username])


def collector_accounts(engine: Engine, batch_project: int | None) -> list[tuple[str, str, int]]:
    """(username, display name, project) of the fee collectors: a front-desk member in every project
    besides the batch project's `frontdesk`, so the worklist is split per person and per building
    as a company runs it. The batch project has two (its buildings are shared between them)."""
    rng = random.Random(7)
    with engine.connect() as conn:
        projects = conn.scalars(select(Project.id).order_by(Project.id)).all()
    return [(f"desk{n:02d}", f"{fake_name(rng)}（收费）", pid) for n, pid in enumerate(projects, start=1)]


class DemoRefused(RuntimeError):
    pass


def fake_name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def fake_phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


@dataclass
class CompanySize:
    projects: int = len(CITIES)
    units_per_project: int = 240
    batch: bool = True


def _insert_units(conn, rng, project_id, buildings: dict[str, int], rooms, status_weights):
    owners, units, needs = [], [], []
    statuses, weights = zip(*status_weights)
    for bname, floor, room_no in rooms:
        status = rng.choices(statuses, weights)[0]
        if status != "unsold":
            owners.append({"name": fake_name(rng), "phone": fake_phone(rng), "special_needs": None, "version": 1})
            needs.append(rng.choice(_NEEDS) if rng.random() < 0.02 else None)
        area = Decimal(rng.choice((68, 89, 98, 118, 128, 143, 168))) + Decimal(rng.randint(0, 99)) / 100
        units.append({"project_id": project_id, "building_id": buildings[bname], "room_no": room_no,
                      "floor": floor, "area_m2": area, "status": status, "owner_id": None, "version": 1})
    # Let the database number the rows (explicit ids would leave PostgreSQL's sequence behind).
    owner_ids = _insert_returning(conn, Owner, owners)
    ids = iter(owner_ids)
    for unit in units:
        if unit["status"] != "unsold":
            unit["owner_id"] = next(ids)
    unit_ids = _insert_returning(conn, Unit, units)
    owned = [(u, unit["owner_id"]) for u, unit in zip(unit_ids, units) if unit["owner_id"] is not None]
    _bulk(conn, UnitOwner, [{"unit_id": u, "owner_id": o} for u, o in owned])
    today, now = local_today(), utcnow()
    _bulk(conn, SpecialNeedRow, [
        {"unit_id": u, "owner_id": o, "kind": need["kind"], "note": need["note"],
         "noted_on": today - timedelta(days=rng.randint(10, 400)), "entered_by": DEMO.username, "entered_at": now,
         "version": 1}
        for (u, o), need in zip(owned, needs) if need is not None])


def _insert_returning(conn, model, rows: list[dict]) -> list[int]:
    ids = []
    for chunk in range(0, len(rows), 5000):
        ids += conn.scalars(insert(model).returning(model.id, sort_by_parameter_order=True),
                            rows[chunk:chunk + 5000]).all()
    return ids


def _bulk(conn, model, rows: list[dict]) -> None:
    for chunk in range(0, len(rows), 5000):
        conn.execute(insert(model), rows[chunk:chunk + 5000])


def _rooms(building_names, floors, per_floor, limit):
    rooms = []
    for b in building_names:
        for f in range(1, floors + 1):
            for r in range(1, per_floor + 1):
                if len(rooms) == limit:
                    return rooms
                rooms.append((b, f, f"{b}-{f}{r:02d}"))
    return rooms


def generate_company(engine: Engine, size: CompanySize, seed: int = 2026) -> None:
    """Projects, buildings, units and owners, bulk-inserted in one transaction."""
    rng = random.Random(seed)
    with engine.begin() as conn:
        for p in range(size.projects):
            city = CITIES[p % len(CITIES)]
            name = f"{city}·{_PROJECT_NAMES[p % len(_PROJECT_NAMES)]}" + (f"{p // len(CITIES) + 1}期" if p >= len(CITIES) else "")
            pid = conn.execute(insert(Project).values(code=f"P{p + 1:03d}", name=name, city=city)).inserted_primary_key[0]
            per_floor, floors = 4, 18
            n_buildings = max(1, -(-size.units_per_project // (per_floor * floors)))
            is_batch = size.batch and city == BATCH_CITY and p < len(CITIES)
            # The batch project's older, occupied buildings are numbered after the new ones.
            first = 7 if is_batch else 1
            names = [str(i) for i in range(first, first + n_buildings)]
            buildings = {}
            for b in names:
                buildings[b] = conn.execute(insert(Building).values(project_id=pid, name=b, floors=floors)).inserted_primary_key[0]
            rooms = _rooms(names, floors, per_floor, size.units_per_project)
            _insert_units(conn, rng, pid, buildings, rooms,
                          [("occupied", 80), ("handed_over", 14), ("sold", 3), ("unsold", 3)])
            if is_batch:
                # The seed's new batch: 799 households about to be handed over, in new buildings.
                batch_buildings = {b: conn.execute(insert(Building).values(project_id=pid, name=b, floors=32))
                                   .inserted_primary_key[0] for b in BATCH_BUILDINGS}
                _insert_units(conn, rng, pid, batch_buildings, _rooms(BATCH_BUILDINGS, 32, 6, BATCH_SIZE),
                              [("sold", 1)])


def seed_demo(engine: Engine, size: CompanySize | None = None, hash_rounds: int = 12) -> bool:
    """Fill an empty store. Returns False when it already holds a company; refuses (DemoRefused)
    a store that is not the demo's: one with a real account, or set up as a real company."""
    if user_queries.has_non_demo_users(engine):
        raise DemoRefused("the store holds real (non-demo) accounts")
    with engine.begin() as conn:
        named = conn.execute(select(Company.is_demo)).scalars().all()
        if named and not all(named):
            raise DemoRefused("the store is set up as a real company")
        if conn.scalar(select(func.count()).select_from(Project)):
            return False
        if not named:
            conn.execute(insert(Company).values(name=COMPANY_NAME, is_demo=True, version=1))
    generate_company(engine, size or CompanySize())
    with engine.connect() as conn:
        batch_project = conn.scalar(select(Project.id).where(Project.city == BATCH_CITY).order_by(Project.id))
        if batch_project is None:  # a small company without the batch city: use its first project
            batch_project = conn.scalar(select(func.min(Project.id)))
    for username, display, role in DEMO_ACCOUNTS:
        projects = [batch_project] if username in _ON_BATCH and batch_project else []
        users.create_user(engine, DEMO, username, display, role, DEMO_PASSWORD, projects,
                          is_demo=True, hash_rounds=hash_rounds)
    for username, display, project_id in collector_accounts(engine, batch_project):
        users.create_user(engine, DEMO, username, display, "frontdesk", DEMO_PASSWORD, [project_id],
                          is_demo=True, hash_rounds=hash_rounds)
    from demo.complaints import seed_complaints  # modules add their demo data here
    from demo.movein import seed_movein
    from demo.collections import seed_collections
    from demo.replies import seed_replies
    seed_complaints(engine)
    seed_replies(engine)
    seed_movein(engine)
    cases.seed_library(engine, DEMO)
    _demo_training(engine)
    seed_collections(engine)
    return True


def _demo_training(engine: Engine) -> None:
    """One past session, so the training page shows what a record looks like."""
    session = _DATA["training"]
    ids = case_queries.slug_ids(engine, session["cases"])
    if ids:
        training.create_session(engine, demo_actor(session["trainer"]), session["title"],
                                local_today() - timedelta(days=session["days_ago"]), ids, session["attendees"],
                                session["notes"])


DEMO_ENV = "DEMO"   # DEMO=0 make run: a store set up without the demo


def demo_wanted(environ=os.environ) -> bool:
    return environ.get(DEMO_ENV, "1").strip().lower() not in ("0", "no", "off", "false")


def main() -> int:
    """`make run`'s demo step: it never stops the server from starting. A store that is not the
    demo's is left alone, saying so."""
    from db.migrate import upgrade

    if not demo_wanted():
        print(f"{DEMO_ENV}=0: no demo data; on an empty store the first page creates the administrator "
              "(or: python -m services.first_admin)")
        return 0
    upgrade()
    engine = make_engine()
    try:
        created = seed_demo(engine)
    except DemoRefused as e:
        print(f"demo data skipped: not a demo store ({e})")
        return 0
    finally:
        engine.dispose()
    print("demo data created" if created else "store already holds a company; demo data left as it is")
    return 0


if __name__ == "__main__":
    sys.exit(main())
