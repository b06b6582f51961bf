"""The shared core's use cases on both databases: projects and unit counts per scope, the unit
lookup (owners' phones masked for the roles that do not call owners back), and the unit import."""
from decimal import Decimal

import pytest

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.auth.roles import Role
from core.errors import NotFound, PermissionDenied
from core.org.model import UnitStatus
from db.models import AuditLog, Owner, Unit
from services import org
from store_helpers import add_project, audit_rows, count, counts, row

ADMIN = Actor("admin", Role.ADMIN)


def scoped(*project_ids: int, role: Role = Role.FRONTDESK) -> Actor:
    return Actor("desk", role, tuple(project_ids))


def by_status(frame) -> dict[tuple[str, str], int]:
    return {(r.project, r.status): int(r.units) for r in frame.itertuples()}


def rooms(frame) -> list[tuple[str, str]]:
    return list(zip(frame["project"], frame["room_no"]))


def search(engine, text, actor=ADMIN, **kw):
    return org.search_units(engine, actor, text, **kw)


# --- aggregates ---------------------------------------------------------------------------

def test_units_by_status_counts_per_project(org_data):
    frame = org.units_by_status(org_data.engine, ADMIN)
    assert by_status(frame) == {
        ("深圳·翠湖园", "sold"): 1, ("深圳·翠湖园", "occupied"): 2, ("深圳·翠湖园", "unsold"): 1,
        ("深圳·翠湖园", "handed_over"): 1, ("广州·星河苑", "occupied"): 2}
    assert set(frame["city"]) == {"深圳", "广州"}
    assert frame["units"].sum() == 7


def test_units_by_status_is_scoped_to_the_users_projects(org_data):
    frame = org.units_by_status(org_data.engine, scoped(org_data.guangzhou))
    assert by_status(frame) == {("广州·星河苑", "occupied"): 2}
    assert org.units_by_status(org_data.engine, scoped()).empty  # a user with no projects sees nothing
    # asking for more than one's own projects gives one's own
    frame = org.units_by_status(org_data.engine, scoped(org_data.guangzhou), (org_data.shenzhen, org_data.guangzhou))
    assert by_status(frame) == {("广州·星河苑", "occupied"): 2}


def test_list_projects_scoped(org_data):
    assert org.list_projects(org_data.engine, ADMIN)["name"].tolist() == ["深圳·翠湖园", "广州·星河苑"]
    assert org.list_projects(org_data.engine, scoped(org_data.shenzhen))["code"].tolist() == ["P001"]
    assert org.list_projects(org_data.engine, ADMIN, (org_data.shenzhen,))["code"].tolist() == ["P001"]


def test_list_buildings_scoped(org_data):
    assert org.list_buildings(org_data.engine, ADMIN)["name"].tolist() == ["3", "5", "3"]
    assert org.list_buildings(org_data.engine, scoped(org_data.guangzhou))["project"].tolist() == ["广州·星河苑"]


def test_empty_store_has_no_counts(engine):
    assert org.units_by_status(engine, ADMIN).empty
    assert org.list_projects(engine, ADMIN).empty


# --- search -------------------------------------------------------------------------------

def test_search_by_room_prefix(org_data):
    found = search(org_data.engine, "3-19")
    assert rooms(found) == [("深圳·翠湖园", "3-1906"), ("深圳·翠湖园", "3-1907"),
                            ("广州·星河苑", "3-1901"), ("广州·星河苑", "3-1906")]


def test_search_full_room_number_gives_the_record(org_data):
    found = search(org_data.engine, " 3-1907 ", scoped(org_data.shenzhen, role=Role.MANAGER))
    assert len(found) == 1
    record = found.iloc[0]
    assert record["owner"] == "李娜"
    assert record["phone"] == "13912345678"          # a role that calls owners back sees it in full
    # the import's note is an entry of the special-needs ledger; the search row names its kind
    assert record["special_needs"] == ("other",)
    needs = org.special_needs(org_data.engine, ADMIN, int(record["unit_id"]))
    assert [n.note for n in needs] == ["行动不便，需轮椅通道"]
    assert record["status"] == "occupied" and record["floor"] == 19
    assert Decimal(str(record["area_m2"])) == Decimal("98.00")


def test_phones_are_masked_for_roles_that_do_not_call_owners_back(org_data):
    for role in Role:
        actor = Actor("someone", role)
        if not actor.can(Capability.VIEW_UNITS):
            with pytest.raises(PermissionDenied):
                search(org_data.engine, "3-1907", actor)
            continue
        phone = search(org_data.engine, "3-1907", actor).iloc[0]["phone"]
        full = actor.can(Capability.SEE_FULL_PHONE)
        assert phone == ("13912345678" if full else "139****5678"), role


def test_unit_detail_masks_the_phone_and_keeps_to_the_scope(org_data):
    unit = int(search(org_data.engine, "3-1907").iloc[0]["unit_id"])
    record = org.unit_detail(org_data.engine, ADMIN, unit)
    assert (record["owner"], record["phone"], record["phone_masked"]) == ("李娜", "13912345678", False)
    assert (record["project"], record["room_no"], record["status"]) == ("深圳·翠湖园", "3-1907", "occupied")
    supervisor = scoped(org_data.shenzhen, role=Role.SUPERVISOR)
    record = org.unit_detail(org_data.engine, supervisor, unit)
    assert (record["phone"], record["phone_masked"]) == ("139****5678", True)
    with pytest.raises(PermissionDenied) as info:
        org.unit_detail(org_data.engine, scoped(org_data.guangzhou), unit)
    assert info.value.key == "err.other_project"
    with pytest.raises(NotFound):
        org.unit_detail(org_data.engine, ADMIN, 987654)


def test_search_by_owner_name_part(org_data):
    assert rooms(search(org_data.engine, "伟")) == [("深圳·翠湖园", "3-1906"), ("深圳·翠湖园", "5-101")]
    assert rooms(search(org_data.engine, "王")) == [("深圳·翠湖园", "3-1906"), ("深圳·翠湖园", "5-2201")]


def test_search_is_scoped_by_project(org_data):
    found = search(org_data.engine, "3-1906", scoped(org_data.guangzhou))
    assert rooms(found) == [("广州·星河苑", "3-1906")]
    assert found.iloc[0]["owner"] == "赵敏"
    assert search(org_data.engine, "王伟", scoped(org_data.guangzhou)).empty
    assert search(org_data.engine, "3-19", scoped()).empty


def test_unit_without_owner_is_found_by_room(org_data):
    found = search(org_data.engine, "3-106")
    assert len(found) == 1 and found.iloc[0]["owner"] is None and found.iloc[0]["status"] == "unsold"


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "%%", "3-1_06", "\\", "9-9999", "' OR 1=1 --"])
def test_search_wildcards_and_odd_input_match_nothing(org_data, query):
    assert search(org_data.engine, query).empty


def test_search_limit(org_data):
    assert len(search(org_data.engine, "3-", limit=2)) == 2


def test_find_unit_rooms_and_buildings_keep_to_the_scope(org_data):
    engine, sz, gz = org_data.engine, org_data.shenzhen, org_data.guangzhou
    assert org.find_unit(engine, ADMIN, gz, "3-1906") != org.find_unit(engine, ADMIN, sz, "3-1906")
    assert org.find_unit(engine, ADMIN, gz, "5-101") is None
    assert org.rooms_of(engine, scoped(gz), gz) == {"3-1906", "3-1901"}
    assert org.buildings_of(engine, scoped(gz), gz) == {"3"}
    for read in (org.rooms_of, org.buildings_of):
        with pytest.raises(PermissionDenied):
            read(engine, scoped(gz), sz)
    with pytest.raises(PermissionDenied):
        org.find_unit(engine, scoped(gz), sz, "3-1906")


# --- import -------------------------------------------------------------------------------

def test_import_writes_every_row_and_one_audit_row(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    rows = [row(f"3-{f}0{r}", f"业主{f}{r}", "13812345678") for f in range(1, 11) for r in range(1, 5)]
    assert org.import_units(engine, ADMIN, pid, rows) == 40
    assert count(engine, Unit) == 40 and count(engine, Owner) == 40
    assert org.rooms_of(engine, ADMIN, pid) == {r.room_no for r in rows}
    assert org.buildings_of(engine, ADMIN, pid) == {"3", "5"}
    audit = audit_rows(engine)
    assert [(a.actor, a.action, a.entity, a.entity_id, a.after) for a in audit] == [
        ("admin", "import", "units", str(pid), {"rows": 40})]


def test_import_stores_status_area_and_owner(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    org.import_units(engine, ADMIN, pid, [row("5-2201", "王芳", "0755-12345678", UnitStatus.HANDED_OVER,
                                              "143.57", "独居老人")])
    record = search(engine, "5-2201").iloc[0]
    needs = org.special_needs(engine, ADMIN, int(record["unit_id"]))
    assert (record["status"], record["floor"], record["owner"], record["phone"], [n.note for n in needs]) == (
        "handed_over", 22, "王芳", "0755-12345678", ["独居老人"])
    assert record["special_needs"] == ("elderly_alone",)   # the note names a kind of the ledger
    assert Decimal(str(record["area_m2"])) == Decimal("143.57")


def test_import_failing_in_the_middle_writes_nothing(org_data):
    engine = org_data.engine
    before = counts(engine)
    bad = [row("3-2001", "甲"), row("3-2002", "乙"),
           row("9-2003", "丙"),   # building 9 is not in this project
           row("3-2004", "丁")]
    with pytest.raises(Exception):
        org.import_units(engine, ADMIN, org_data.shenzhen, bad)
    assert counts(engine) == before                 # no unit, no owner, no audit row
    assert search(engine, "3-200").empty
    assert search(engine, "甲").empty


def test_import_of_an_existing_room_writes_nothing(org_data):
    """A room imported by someone else between validation and import: the unique key refuses it."""
    engine = org_data.engine
    before = counts(engine)
    with pytest.raises(Exception):
        org.import_units(engine, ADMIN, org_data.shenzhen, [row("3-2001", "甲"), row("3-1906", "乙")])
    assert counts(engine) == before
    assert search(engine, "3-1906", scoped(org_data.shenzhen)).iloc[0]["owner"] == "王伟"


def test_same_room_number_in_two_projects_is_allowed(org_data):
    assert len(search(org_data.engine, "3-1906")) == 2
    assert count(org_data.engine, AuditLog) == 2


def test_the_same_import_sent_twice_writes_once(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    rows = [row("3-101", "甲"), row("3-102", "乙")]
    assert org.import_units(engine, ADMIN, pid, rows, request_key="import-1") == 2
    assert org.import_units(engine, ADMIN, pid, rows, request_key="import-1") == 2
    assert count(engine, Unit) == 2 and count(engine, AuditLog) == 1


def test_validate_unit_import_names_every_bad_row(org_data):
    raw = [{"楼栋": "3", "房号": "3-2001", "面积": "89.5", "状态": "已售", "业主姓名": "某业主", "电话": "13800001111"},
           {"楼栋": "9", "房号": "9-101", "面积": "89.5", "状态": "已售", "业主姓名": "", "电话": ""},
           {"楼栋": "3", "房号": "3-1906", "面积": "89.5", "状态": "已售", "业主姓名": "", "电话": ""}]
    result = org.validate_unit_import(org_data.engine, ADMIN, org_data.shenzhen, raw)
    assert [r.room_no for r in result.rows] == ["3-2001"]
    assert [(e.row, e.key) for e in result.errors] == [(3, "err.building_unknown"), (4, "err.room_exists")]
