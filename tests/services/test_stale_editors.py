"""Every editor of an existing record refuses a stale save (issue 16, item 7), on both databases.

Two people open the same record; the first saves; the second's save, made against the version (or
the time) they opened, is refused with "err.conflict_by", which names the first by display name
and the time in China; nothing of the second is written, and the first's change stands."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import CHINA
from core.errors import ConflictError
from db.collection_models import FeeRateRow
from db.models import StaffUser, Unit, UserProject
from services import calendar, collections, org, users
from store_helpers import FAST, add_project, row

ADMIN = Actor("admin", Role.ADMIN)          # the first to save, in every test
ADMIN2 = Actor("admin2", Role.ADMIN)        # opened the same record, saves second
MANAGER = Actor("zhou", Role.MANAGER)
MANAGER2 = Actor("qian", Role.MANAGER)
CN_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


@pytest.fixture
def people(engine):
    """The staff whose names the refusal shows."""
    for username, name, role in (("admin", "管理员老王", "admin"), ("admin2", "管理员小李", "admin"),
                                 ("zhou", "周经理", "manager"), ("qian", "钱经理", "manager"),
                                 ("wangwei", "王伟", "frontdesk")):
        users.create_user(engine, ADMIN, username, name, role, "Demo-2026!", hash_rounds=FAST)
    return engine


def refused_by(info, name: str) -> None:
    e = info.value
    assert e.key == "err.conflict_by", e.key
    assert e.params["by"] == name
    assert CN_TIME.match(e.params["at"]), e.params["at"]
    # China time: within a couple of minutes of now in UTC+8 (never the server's zone, never UTC)
    at = datetime.strptime(e.params["at"], "%Y-%m-%d %H:%M")
    assert abs((at - datetime.now(CHINA).replace(tzinfo=None)).total_seconds()) < 120


# --- company, projects, owners --------------------------------------------------------------

def test_a_stale_company_rename_is_refused_naming_who_renamed_it(people):
    engine = people
    v1 = org.name_company(engine, ADMIN, "翠湖物业")
    seen_by_both = org.company(engine).version
    assert seen_by_both == v1
    org.name_company(engine, ADMIN, "翠湖物业服务", expected_version=seen_by_both)
    with pytest.raises(ConflictError) as info:
        org.name_company(engine, ADMIN2, "翠湖物业有限公司", expected_version=seen_by_both)
    refused_by(info, "管理员老王")
    assert org.company(engine).name == "翠湖物业服务"


def test_a_stale_project_edit_is_refused_and_the_first_edit_stands(people):
    engine = people
    pid = org.create_project(engine, ADMIN, "p001", "翠湖园", "深圳", "", "95")
    seen = int(org.list_projects(engine, ADMIN).set_index("id").loc[pid, "version"])
    org.update_project(engine, ADMIN, pid, "p001", "翠湖园一期", "深圳", "南山区", "96", seen)
    with pytest.raises(ConflictError) as info:
        org.update_project(engine, ADMIN2, pid, "p001", "翠湖花园", "深圳", "福田区", "90", seen)
    refused_by(info, "管理员老王")
    now = org.list_projects(engine, ADMIN).set_index("id").loc[pid]
    assert (now["name"], now["address"], int(now["collection_target_bp"])) == ("翠湖园一期", "南山区", 9600)


@pytest.fixture
def unit(people):
    engine = people
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("3",))
    org.import_units(engine, ADMIN, pid, [row("3-1906", "赵敏华", "13600002222")])
    with engine.connect() as conn:
        unit_id = conn.scalar(select(Unit.id))
    return engine, unit_id


def test_a_stale_owner_correction_is_refused(unit):
    engine, unit_id = unit
    owner = org.owners(engine, ADMIN, unit_id)[0]
    org.update_owner(engine, ADMIN, unit_id, owner.owner_id, "赵敏华", "13600003333", owner.owner_version)
    with pytest.raises(ConflictError) as info:
        org.update_owner(engine, ADMIN2, unit_id, owner.owner_id, "赵敏", "13600004444", owner.owner_version)
    refused_by(info, "管理员老王")
    now = org.owners(engine, ADMIN, unit_id)[0]
    assert (now.name, now.phone) == ("赵敏华", "13600003333")


def test_a_transfer_against_owners_changed_since_is_refused(unit):
    engine, unit_id = unit
    seen = org.unit_detail(engine, ADMIN, unit_id)["version"]
    org.add_co_owner(engine, ADMIN, unit_id, "李娜", "")
    with pytest.raises(ConflictError) as info:
        org.transfer_ownership(engine, ADMIN2, unit_id, [("孙丽", "")], date.today(), seen)
    refused_by(info, "管理员老王")
    assert sorted(o.name for o in org.owners(engine, ADMIN, unit_id)) == ["李娜", "赵敏华"]


# --- the working calendar -------------------------------------------------------------------

def test_stale_opening_hours_and_official_year_are_refused(people):
    engine = people
    seen_hours = calendar.overview(engine, ADMIN, None).hours.version
    calendar.save_hours(engine, ADMIN, None, "saturday_morning", expected_version=seen_hours)
    with pytest.raises(ConflictError) as info:
        calendar.save_hours(engine, ADMIN2, None, "seven_days", expected_version=seen_hours)
    refused_by(info, "管理员老王")
    assert calendar.overview(engine, ADMIN, None).hours.preset == "saturday_morning"

    calendar.save_year(engine, ADMIN, 2027, "2027-02-05..2027-02-11", "", expected_version=0)
    with pytest.raises(ConflictError) as info:
        calendar.save_year(engine, ADMIN2, 2027, "2027-02-06..2027-02-12", "", expected_version=0)
    refused_by(info, "管理员老王")
    with pytest.raises(ConflictError):
        calendar.drop_year(engine, ADMIN2, 2027, expected_version=0)
    year = next(y for y in calendar.overview(engine, ADMIN, None, date(2026, 12, 2)).years if y.year == 2027)
    assert date(2027, 2, 5) in year.holidays and date(2027, 2, 12) not in year.holidays


# --- fee rates (the table has no version: the time it was last set) -------------------------

def test_a_fee_rate_set_after_the_schedule_was_opened_is_not_overwritten(people):
    engine = people
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("3",))
    today = date(2025, 3, 20)
    collections.set_fee_rate(engine, MANAGER, pid, "property", "area", "2.60", "2025-04", today=today)
    opened_by_both = datetime.now(timezone.utc)
    collections.set_fee_rate(engine, MANAGER, pid, "property", "area", "2.80", "2025-04", today=today,
                             opened_at=opened_by_both)
    with pytest.raises(ConflictError) as info:
        collections.set_fee_rate(engine, MANAGER2, pid, "property", "area", "2.50", "2025-04", "100", today=today,
                                 opened_at=opened_by_both)
    refused_by(info, "周经理")
    with engine.connect() as conn:
        assert conn.execute(select(FeeRateRow.cents, FeeRateRow.created_by)).all() == [(280, "zhou")]
    # another month, or the same one opened again after the save, goes through
    collections.set_fee_rate(engine, MANAGER2, pid, "property", "area", "2.50", "2025-05", today=today,
                             opened_at=opened_by_both)
    collections.set_fee_rate(engine, MANAGER2, pid, "property", "area", "2.50", "2025-04", today=today,
                             opened_at=datetime.now(timezone.utc))
    schedule = collections.fee_schedule(engine, MANAGER, pid)
    assert sorted(schedule["cents"].tolist()) == [250, 250]


# --- staff accounts -------------------------------------------------------------------------

def account_version(engine, username: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(StaffUser.version).where(StaffUser.username == username))


def test_stale_role_activation_and_projects_changes_are_refused(people):
    engine = people
    a = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    b = add_project(engine, "P002", "广州·星河苑", "广州")
    seen = account_version(engine, "wangwei")
    users.set_role(engine, ADMIN, "wangwei", "supervisor", seen)
    for stale in (lambda: users.set_role(engine, ADMIN2, "wangwei", "trainer", seen),
                  lambda: users.set_active(engine, ADMIN2, "wangwei", False, seen),
                  lambda: users.set_projects(engine, ADMIN2, "wangwei", [b], expected_version=seen)):
        with pytest.raises(ConflictError) as info:
            stale()
        refused_by(info, "管理员老王")
    account = users.get_account(engine, "wangwei")
    assert (account.role, account.active) == ("supervisor", True)

    seen = account_version(engine, "wangwei")
    users.set_projects(engine, ADMIN, "wangwei", [a], expected_version=seen)
    assert account_version(engine, "wangwei") > seen          # a projects change moves the version
    with pytest.raises(ConflictError) as info:
        users.set_projects(engine, ADMIN2, "wangwei", [b], expected_version=seen)
    refused_by(info, "管理员老王")
    assert _projects(engine, "wangwei") == [a]


def _projects(engine, username: str) -> list[int]:
    with engine.connect() as conn:
        uid = conn.scalar(select(StaffUser.id).where(StaffUser.username == username))
        return sorted(conn.scalars(select(UserProject.project_id).where(UserProject.user_id == uid)))
