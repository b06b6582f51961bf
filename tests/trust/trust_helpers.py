"""Helpers of the trust tests: small stores, unit rows, counts and sums of a whole store, the
figures the tests report, and the modest hypothesis settings they share."""
from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from sqlalchemy import Float, Integer, MetaData, Numeric, String, func, insert, select
from sqlalchemy.engine import Engine

from core.org.model import UnitRow, UnitStatus
from db.models import Building, Project

ROOT = Path(__file__).resolve().parents[2]

# Property tests: enough examples to find the odd character, few enough that the folder stays fast.
# No example database: nothing is written into the working tree.
PROPERTY = settings(max_examples=150, deadline=None, database=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])

# Figures the tests report at the end of the run: printed with a mark, and gathered from the
# captured output of each test by tests/conftest.py (so they also come back from xdist workers).
FIGURE_MARK = "trust figure: "


def report(line: str) -> None:
    print(FIGURE_MARK + line)


def add_project(engine: Engine, code: str, name: str, city: str, buildings=("1", "2", "3")) -> int:
    with engine.begin() as conn:
        pid = conn.execute(insert(Project).values(code=code, name=name, city=city)).inserted_primary_key[0]
        for b in buildings:
            conn.execute(insert(Building).values(project_id=pid, name=b, floors=40))
    return pid


def unit_rows(building: str, n: int, status: UnitStatus = UnitStatus.SOLD, owners: bool = True,
              per_floor: int = 20) -> list[UnitRow]:
    """n rooms of one building, `per_floor` to a floor, each with an owner (made-up names)."""
    rows = []
    for i in range(n):
        floor, room = i // per_floor + 1, i % per_floor + 1
        rows.append(UnitRow(building, f"{building}-{floor}{room:02d}", floor, Decimal("89.50"), status,
                            f"测试业主{building}{i}" if owners else None,
                            f"139{i % 100000000:08d}" if owners else None, None))
    return rows


def snapshot(engine: Engine, tables: set[str] | None = None) -> dict[str, dict[str, object]]:
    """Per table of the store as it is (reflected: works at any revision): the row count, the sum
    of every number column and the total length of every text column."""
    meta = MetaData()
    meta.reflect(bind=engine)
    out: dict[str, dict[str, object]] = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name == "alembic_version" or (tables is not None and name not in tables):
                continue
            measures = [func.count().label("rows")]
            for col in table.columns:
                if isinstance(col.type, (Integer, Numeric, Float)):
                    measures.append(func.coalesce(func.sum(col), 0).label(f"sum:{col.name}"))
                elif isinstance(col.type, String):
                    measures.append(func.coalesce(func.sum(func.length(col)), 0).label(f"len:{col.name}"))
            row = conn.execute(select(*measures).select_from(table)).mappings().one()
            out[name] = {k: _plain(v) for k, v in row.items()}
    return out


def _plain(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, Decimal):
        return value.normalize() if value == value.to_integral_value() else value
    return value


def child_env() -> dict[str, str]:
    """Environment of a writer subprocess: the app's import path, nothing else changed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


PYTHON = sys.executable
