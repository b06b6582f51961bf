"""The shared core's reads and the unit import, on both databases."""
from decimal import Decimal

import pytest

from core.org.model import UnitStatus
from db import org
from db.models import AuditLog, Owner, Unit
from integration_helpers import add_project, audit_rows, count, counts, row


def by_status(frame) -> dict[tuple[str, str], int]:
    return {(r.project, r.status): int(r.units) for r in frame.itertuples()}


def rooms(frame) -> list[tuple[str, str]]:
    return list(zip(frame["project"], frame["room_no"]))


# --- aggregates ---------------------------------------------------------------------------

def test_units_by_status_counts_per_project(org_data):
    frame = org.units_by_status(org_data.engine)
    assert by_status(frame) == {
        ("深圳·翠湖园", "sold"): 1, ("深圳·翠湖园", "occupied"): 2, ("深圳·翠湖园", "unsold"): 1,
        ("深圳·翠湖园", "handed_over"): 1, ("广州·星河苑", "occupied"): 2}
    assert set(frame["city"]) == {"深圳", "广州"}
    assert frame["units"].sum() == 7


def test_units_by_status_is_scoped_to_the_users_projects(org_data):
    frame = org.units_by_status(org_data.engine, (org_data.guangzhou,))
    assert by_status(frame) == {("广州·星河苑", "occupied"): 2}
    assert org.units_by_status(org_data.engine, ()).empty  # a user with no projects sees nothing


def test_list_projects_scoped(org_data):
    assert org.list_projects(org_data.engine)["name"].tolist() == ["深圳·翠湖园", "广州·星河苑"]
    assert org.list_projects(org_data.engine, (org_data.shenzhen,))["code"].tolist() == ["P001"]


def test_empty_store_has_no_counts(engine):
    assert org.units_by_status(engine).empty
    assert org.list_projects(engine).empty


# --- search -------------------------------------------------------------------------------

def test_search_by_room_prefix(org_data):
    found = org.search_units(org_data.engine, "3-19")
    assert rooms(found) == [("深圳·翠湖园", "3-1906"), ("深圳·翠湖园", "3-1907"),
                            ("广州·星河苑", "3-1901"), ("广州·星河苑", "3-1906")]


def test_search_full_room_number_gives_the_record(org_data):
    found = org.search_units(org_data.engine, " 3-1907 ", (org_data.shenzhen,))
    assert len(found) == 1
    record = found.iloc[0]
    assert record["owner"] == "李娜"
    assert record["phone"] == "13912345678"          # masking is the page's job, by role
    assert record["special_needs"] == "行动不便，需轮椅通道"
    assert record["status"] == "occupied" and record["floor"] == 19
    assert Decimal(str(record["area_m2"])) == Decimal("98.00")


def test_search_by_owner_name_part(org_data):
    assert rooms(org.search_units(org_data.engine, "伟")) == [("深圳·翠湖园", "3-1906"), ("深圳·翠湖园", "5-101")]
    assert rooms(org.search_units(org_data.engine, "王")) == [("深圳·翠湖园", "3-1906"), ("深圳·翠湖园", "5-2201")]


def test_search_is_scoped_by_project(org_data):
    found = org.search_units(org_data.engine, "3-1906", (org_data.guangzhou,))
    assert rooms(found) == [("广州·星河苑", "3-1906")]
    assert found.iloc[0]["owner"] == "赵敏"
    assert org.search_units(org_data.engine, "王伟", (org_data.guangzhou,)).empty
    assert org.search_units(org_data.engine, "3-19", ()).empty


def test_unit_without_owner_is_found_by_room(org_data):
    found = org.search_units(org_data.engine, "3-106")
    assert len(found) == 1 and found.iloc[0]["owner"] is None and found.iloc[0]["status"] == "unsold"


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "%%", "3-1_06", "\\", "9-9999", "' OR 1=1 --"])
def test_search_wildcards_and_odd_input_match_nothing(org_data, query):
    assert org.search_units(org_data.engine, query).empty


def test_search_limit(org_data):
    assert len(org.search_units(org_data.engine, "3-", limit=2)) == 2


# --- import -------------------------------------------------------------------------------

def test_import_writes_every_row_and_one_audit_row(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    rows = [row(f"3-{f}0{r}", f"业主{f}{r}", "13812345678") for f in range(1, 11) for r in range(1, 5)]
    assert org.import_units(engine, "admin", pid, rows) == 40
    assert count(engine, Unit) == 40 and count(engine, Owner) == 40
    assert org.rooms_of(engine, pid) == {r.room_no for r in rows}
    assert org.buildings_of(engine, pid) == {"3", "5"}
    audit = audit_rows(engine)
    assert [(a.actor, a.action, a.entity, a.entity_id, a.after) for a in audit] == [
        ("admin", "import", "units", str(pid), {"rows": 40})]


def test_import_stores_status_area_and_owner(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    org.import_units(engine, "admin", pid, [row("5-2201", "王芳", "0755-12345678", UnitStatus.HANDED_OVER,
                                                "143.57", "独居老人")])
    record = org.search_units(engine, "5-2201").iloc[0]
    assert (record["status"], record["floor"], record["owner"], record["phone"], record["special_needs"]) == (
        "handed_over", 22, "王芳", "0755-12345678", "独居老人")
    assert Decimal(str(record["area_m2"])) == Decimal("143.57")


def test_import_failing_in_the_middle_writes_nothing(org_data):
    engine = org_data.engine
    before = counts(engine)
    bad = [row("3-2001", "甲"), row("3-2002", "乙"),
           row("9-2003", "丙"),   # building 9 is not in this project
           row("3-2004", "丁")]
    with pytest.raises(Exception):
        org.import_units(engine, "admin", org_data.shenzhen, bad)
    assert counts(engine) == before                 # no unit, no owner, no audit row
    assert org.search_units(engine, "3-200").empty
    assert org.search_units(engine, "甲").empty


def test_import_of_an_existing_room_writes_nothing(org_data):
    """A room imported by someone else between validation and import: the unique key refuses it."""
    engine = org_data.engine
    before = counts(engine)
    with pytest.raises(Exception):
        org.import_units(engine, "admin", org_data.shenzhen, [row("3-2001", "甲"), row("3-1906", "乙")])
    assert counts(engine) == before
    assert org.search_units(engine, "3-1906", (org_data.shenzhen,)).iloc[0]["owner"] == "王伟"


def test_same_room_number_in_two_projects_is_allowed(org_data):
    assert len(org.search_units(org_data.engine, "3-1906")) == 2
    assert count(org_data.engine, AuditLog) == 2
