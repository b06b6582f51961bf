"""Demo data: a realistic company so a newcomer sees a living system on first start.
`python -m db.demo` fills an empty store; it refuses a store that holds real (non-demo) users.
Names and phone numbers are generated at random; none comes from a real list."""
from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from db import users
from db.engine import make_engine
from db.models import Building, Owner, Project, Unit
from core.clock import local_today

DEMO_PASSWORD = "Demo-2026!"
CITIES = ["长春", "东莞", "广州", "深圳", "成都", "中山", "南昌", "上海", "武汉", "北京", "鞍山", "沈阳", "天津", "大连"]
_PROJECT_NAMES = ["翠湖园", "金域蓝湾", "四季花城", "城市花园", "东方尊峪", "水晶城", "魅力之城",
                  "兰乔圣菲", "星河苑", "云湾花园", "桂语山居", "海悦府", "锦绣江南", "清林径"]
BATCH_CITY = "深圳"
BATCH_SIZE = 799
BATCH_BUILDINGS = ["1", "2", "3", "5", "6"]  # no building 4, as many developers skip it

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鑫斌宇浩凯健俊帆帅旭宁婷雪琳晨辰嘉怡欣悦佳子轩睿博文昊然泽宏志诚建国海燕春兰"
_NEEDS = ["行动不便，需轮椅通道", "听力较弱，请当面沟通", "独居老人，紧急联系其子女", "孕期，验房请安排陪同"]

DEMO_ACCOUNTS = [  # username, display name, role
    ("admin", "系统管理员", "admin"),
    ("manager", "周经理", "manager"),
    ("supervisor", "林主管", "supervisor"),
    ("frontdesk", "陈客服", "frontdesk"),
    ("trainer", "苏培训", "trainer"),
]


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
    owners, units = [], []
    statuses, weights = zip(*status_weights)
    for bname, floor, room_no in rooms:
        status = rng.choices(statuses, weights)[0]
        if status != "unsold":
            owners.append({"name": fake_name(rng), "phone": fake_phone(rng),
                           "special_needs": rng.choice(_NEEDS) if rng.random() < 0.02 else None, "version": 1})
        area = Decimal(rng.choice((68, 89, 98, 118, 128, 143, 168))) + Decimal(rng.randint(0, 99)) / 100
        units.append({"project_id": project_id, "building_id": buildings[bname], "room_no": room_no,
                      "floor": floor, "area_m2": area, "status": status, "owner_id": None, "version": 1})
    # Let the database number the owners (explicit ids would leave PostgreSQL's sequence behind).
    owner_ids = []
    for chunk in range(0, len(owners), 5000):
        owner_ids += conn.scalars(insert(Owner).returning(Owner.id, sort_by_parameter_order=True),
                                  owners[chunk:chunk + 5000]).all()
    ids = iter(owner_ids)
    for unit in units:
        if unit["status"] != "unsold":
            unit["owner_id"] = next(ids)
    for chunk in range(0, len(units), 5000):
        conn.execute(insert(Unit), units[chunk:chunk + 5000])


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
    """Fill an empty store. Returns False when it already holds a company."""
    if users.has_non_demo_users(engine):
        raise DemoRefused("the store holds non-demo users; demo data is never written over real data")
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(Project)):
            return False
    generate_company(engine, size or CompanySize())
    with engine.connect() as conn:
        batch_project = conn.scalar(select(Project.id).where(Project.city == BATCH_CITY).order_by(Project.id))
        if batch_project is None:  # a small company without the batch city: use its first project
            batch_project = conn.scalar(select(func.min(Project.id)))
    for username, display, role in DEMO_ACCOUNTS:
        projects = [batch_project] if role in ("supervisor", "frontdesk") and batch_project else []
        users.create_user(engine, "demo", username, display, role, DEMO_PASSWORD, projects,
                          is_demo=True, hash_rounds=hash_rounds)
    for username, display, project_id in collector_accounts(engine, batch_project):
        users.create_user(engine, "demo", username, display, "frontdesk", DEMO_PASSWORD, [project_id],
                          is_demo=True, hash_rounds=hash_rounds)
    from db.demo_complaints import seed_complaints  # modules add their demo data here
    from db.demo_movein import seed_movein
    from db.cases import seed_library
    from db.demo_collections import seed_collections
    seed_complaints(engine)
    seed_movein(engine)
    seed_library(engine)
    _demo_training(engine)
    seed_collections(engine)
    return True


def _demo_training(engine: Engine) -> None:
    """One past session, so the training page shows what a record looks like."""
    from datetime import timedelta

    from db.case_models import CaseRow
    from db.cases import create_session

    with engine.connect() as conn:
        ids = list(conn.scalars(select(CaseRow.id).where(CaseRow.slug.in_(
            ["power-cut-front-back-office", "hair-salon-prepaid-cards", "lost-parents-1am"]))))
    if ids:
        create_session(engine, "trainer", "投诉处理：谁受理谁跟进", local_today() - timedelta(days=14), "trainer",
                       ids, ["frontdesk", "supervisor"], "结合本月两宗重复投诉讨论。")


def main() -> int:
    from db.migrate import upgrade

    upgrade()
    try:
        created = seed_demo(make_engine())
    except DemoRefused as e:
        print(f"demo data not written: {e}", file=sys.stderr)
        return 2
    print("demo data created" if created else "store already holds a company; demo data left as it is")
    return 0


if __name__ == "__main__":
    sys.exit(main())
