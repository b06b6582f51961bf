"""Small, readable store contents for the db integration tests (on SQLite and PostgreSQL)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.org.model import UnitStatus
from db import org
from integration_helpers import add_project, row


@dataclass
class OrgData:
    engine: object
    shenzhen: int
    guangzhou: int


@pytest.fixture
def org_data(engine) -> OrgData:
    """Two projects; the same room number 3-1906 exists in both."""
    sz = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    gz = add_project(engine, "P002", "广州·星河苑", "广州", buildings=("3",))
    org.import_units(engine, "admin", sz, [
        row("3-1906", "王伟", "13812345678", UnitStatus.SOLD, "89.50"),
        row("3-1907", "李娜", "13912345678", UnitStatus.OCCUPIED, "98.00", "行动不便，需轮椅通道"),
        row("3-106", None, None, UnitStatus.UNSOLD, "128.25"),
        row("5-101", "张伟", "0755-12345678", UnitStatus.HANDED_OVER, "143.00"),
        row("5-2201", "王芳", "13700001111", UnitStatus.OCCUPIED, "68.10"),
    ])
    org.import_units(engine, "admin", gz, [
        row("3-1906", "赵敏", "13600002222", UnitStatus.OCCUPIED, "118.00"),
        row("3-1901", "孙丽", "13500003333", UnitStatus.OCCUPIED, "118.00"),
    ])
    return OrgData(engine, sz, gz)
