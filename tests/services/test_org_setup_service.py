"""A company set up through services.org on both databases (issue 11, item 2): the company's name,
projects, buildings, units by form; owners over time (edits, co-owners, transfers that keep the
history and move no debt); the special-needs ledger; and the "view" row left when owners' data is
shown in full. Every form names all its wrong fields at once and writes nothing when refused."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import local_today
from core.errors import ConflictError, NotFound, ValidationError, ValidationErrors
from db.collection_models import Bill
from db.models import AuditLog, Owner, Unit, UnitOwner
from services import org
from store_helpers import audit_rows, count, counts

ADMIN = Actor("admin", Role.ADMIN)
DESK = Actor("desk", Role.FRONTDESK)


def errors(info) -> list[tuple[str, str]]:
    return [(e.key, e.field) for e in info.value.errors]


@pytest.fixture
def project(engine):
    """One project with building 3 (20 floors), as the set-up page makes it."""
    pid = org.create_project(engine, ADMIN, "p001", "翠湖园", "深圳", "南山区科技路 1 号", "96.5")
    org.add_building(engine, ADMIN, pid, "3", "20")
    return pid


def building_id(engine, pid, name="3") -> int:
    frame = org.list_buildings(engine, ADMIN, (pid,))
    return int(frame.loc[frame["name"] == name, "id"].iloc[0])


def unit_of(engine, pid, room="3-1906", owner="王伟", phone="138-1234-5678") -> int:
    return org.add_unit(engine, ADMIN, building_id(engine, pid), room, "89.5", "sold", owner, phone)


# --- company and projects -------------------------------------------------------------------

def test_the_company_is_named_then_renamed_with_a_version_check(engine):
    assert org.company(engine) is None
    version = org.name_company(engine, ADMIN, " 翠湖物业 ")
    company = org.company(engine)
    assert (company.name, company.is_demo, company.version) == ("翠湖物业", False, version)
    with pytest.raises(ConflictError):
        org.name_company(engine, ADMIN, "别的名字", expected_version=None)       # someone named it first
    org.name_company(engine, ADMIN, "翠湖物业服务", expected_version=version)
    assert org.company(engine).name == "翠湖物业服务"
    with pytest.raises(ValidationError):
        org.name_company(engine, ADMIN, "  ", expected_version=org.company(engine).version)
    assert [(r.action, r.before, r.after) for r in audit_rows(engine)] == [
        ("name_company", None, {"name": "翠湖物业"}),
        ("name_company", {"name": "翠湖物业"}, {"name": "翠湖物业服务"})]


def test_a_project_with_every_field(engine, project):
    row = org.list_projects(engine, ADMIN).iloc[0]
    assert (row["code"], row["name"], row["city"], row["address"], row["collection_target_bp"]) == (
        "P001", "翠湖园", "深圳", "南山区科技路 1 号", 9650)
    audit = audit_rows(engine)[0]
    assert (audit.action, audit.entity, audit.entity_id) == ("create", "project", str(project))


def test_a_project_form_names_every_wrong_field(engine):
    with pytest.raises(ValidationErrors) as info:
        org.create_project(engine, ADMIN, "P 1", "", "", "x" * 201, "120")
    assert errors(info) == [("err.project_code_format", "project_code"), ("err.required", "project_name"),
                            ("err.required", "city"), ("err.too_long", "address"),
                            ("err.target_range", "collection_target")]
    assert counts(engine)["projects"] == 0 and counts(engine)["audit_log"] == 0


def test_project_codes_are_unique_whatever_the_case(engine, project):
    with pytest.raises(ValidationError) as info:
        org.create_project(engine, ADMIN, "P001", "另一个", "广州")
    assert info.value.key == "err.project_code_taken"
    other = org.create_project(engine, ADMIN, "P002", "星河苑", "广州")
    version = int(org.list_projects(engine, ADMIN, (other,))["version"].iloc[0])
    with pytest.raises(ValidationError):
        org.update_project(engine, ADMIN, other, "p001", "星河苑", "广州", "", "", version)


def test_a_project_is_edited_with_a_version_check(engine, project):
    version = int(org.list_projects(engine, ADMIN)["version"].iloc[0])
    org.update_project(engine, ADMIN, project, "P001", "翠湖园一期", "深圳", "", "", version)
    row = org.list_projects(engine, ADMIN).iloc[0]
    assert (row["name"], row["address"], row["collection_target_bp"]) == ("翠湖园一期", None, None)
    with pytest.raises(ConflictError):
        org.update_project(engine, ADMIN, project, "P001", "旧页面", "深圳", "", "", version)
    last = audit_rows(engine)[-1]
    assert last.before["name"] == "翠湖园" and last.after["name"] == "翠湖园一期"


def test_the_same_project_form_sent_twice_makes_one_project(engine):
    first = org.create_project(engine, ADMIN, "P001", "翠湖园", "深圳", request_key="np-1")
    assert org.create_project(engine, ADMIN, "P001", "翠湖园", "深圳", request_key="np-1") == first
    assert counts(engine)["projects"] == 1


# --- buildings and units by form ------------------------------------------------------------

def test_buildings(engine, project):
    with pytest.raises(ValidationErrors) as info:
        org.add_building(engine, ADMIN, project, "3-A", "0")
    assert errors(info) == [("err.building_format", "building"), ("err.floors_range", "floors")]
    with pytest.raises(ValidationError) as one:
        org.add_building(engine, ADMIN, project, "3", "18")
    assert one.value.key == "err.building_exists"
    with pytest.raises(NotFound):
        org.add_building(engine, ADMIN, 98765, "1", "18")
    frame = org.list_buildings(engine, ADMIN)
    assert (frame["name"].tolist(), frame["floors"].tolist(), frame["units"].tolist()) == (["3"], [20], [0])


def test_a_unit_by_form_with_its_owner(engine, project):
    unit_id = unit_of(engine, project)
    record = org.unit_detail(engine, ADMIN, unit_id)
    assert (record["room_no"], record["floor"], record["status"], record["owner"], record["phone"]) == (
        "3-1906", 19, "sold", "王伟", "13812345678")
    assert [(o.name, o.phone, o.until) for o in record["owners"]] == [("王伟", "13812345678", None)]
    assert org.list_buildings(engine, ADMIN)["units"].tolist() == [1]
    empty = org.add_unit(engine, ADMIN, building_id(engine, project), "3-101", "120", "unsold")
    assert org.unit_detail(engine, ADMIN, empty)["owners"] == []


def test_a_unit_form_names_every_wrong_field_and_writes_nothing(engine, project):
    before = counts(engine)
    with pytest.raises(ValidationErrors) as info:
        org.add_unit(engine, ADMIN, building_id(engine, project), "31906", "-1", "rented", "", "12345")
    assert errors(info) == [("err.room_format", "room_no"), ("err.area_range", "area_m2"),
                            ("err.status_unknown", "status"), ("err.required", "owner_name"),
                            ("err.phone_format", "phone")]
    assert counts(engine) == before


@pytest.mark.parametrize("room, key", [("5-101", "err.room_building_mismatch"), ("3-2101", "err.floor_above_building")])
def test_a_unit_must_fit_its_building(engine, project, room, key):
    with pytest.raises(ValidationError) as info:
        org.add_unit(engine, ADMIN, building_id(engine, project), room, "89")
    assert info.value.key == key


def test_a_room_is_added_once(engine, project):
    unit_of(engine, project)
    with pytest.raises(ValidationError) as info:
        unit_of(engine, project, owner="", phone="")
    assert info.value.key == "err.room_exists"


# --- owners over time -----------------------------------------------------------------------

def test_an_owners_phone_is_corrected_with_a_version_check(engine, project):
    unit_id = unit_of(engine, project)
    owner = org.owners(engine, ADMIN, unit_id)[0]
    org.update_owner(engine, DESK, unit_id, owner.owner_id, "王 伟", "+86 139 0000 1111", owner.owner_version)
    again = org.owners(engine, ADMIN, unit_id)[0]
    assert (again.name, again.phone) == ("王 伟", "13900001111")
    with pytest.raises(ConflictError):
        org.update_owner(engine, DESK, unit_id, owner.owner_id, "王伟", "", owner.owner_version)
    with pytest.raises(ValidationErrors) as info:
        org.update_owner(engine, DESK, unit_id, owner.owner_id, "", "abc", again.owner_version)
    assert errors(info) == [("err.required", "owner_name"), ("err.phone_format", "phone")]
    last = audit_rows(engine)[-1]
    assert (last.actor, last.action, last.entity, last.before, last.after) == (
        "desk", "edit", "owner", {"name": "王伟", "phone": "13812345678"},
        {"name": "王 伟", "phone": "13900001111", "unit": unit_id})


def test_several_owners_of_one_unit(engine, project):
    unit_id = unit_of(engine, project)
    first = org.owners(engine, ADMIN, unit_id)[0]
    org.add_co_owner(engine, DESK, unit_id, "李娜", "0755 1234 5678", local_today() - timedelta(days=3))
    current = org.owners(engine, ADMIN, unit_id)
    assert [(o.name, o.phone) for o in current] == [("王伟", "13812345678"), ("李娜", "0755-12345678")]
    assert org.unit_detail(engine, ADMIN, unit_id)["owner"] == "王伟"     # the first owner stays the one shown
    org.remove_owner(engine, DESK, unit_id, first.id)
    assert [o.name for o in org.owners(engine, ADMIN, unit_id)] == ["李娜"]
    assert org.unit_detail(engine, ADMIN, unit_id)["owner"] == "李娜"     # the next current owner
    with pytest.raises(ValidationError) as info:
        org.remove_owner(engine, DESK, unit_id, org.owners(engine, ADMIN, unit_id)[0].id)
    assert info.value.key == "err.last_owner"
    history = org.owners(engine, ADMIN, unit_id, history=True)
    assert [(o.name, o.until, o.ended_by) for o in history] == [("李娜", None, None), ("王伟", local_today(), "removed")]


def add_bill(engine, unit_id, project_id, cents, paid=0, period="2026-01") -> None:
    with engine.begin() as conn:
        conn.execute(insert(Bill).values(project_id=project_id, unit_id=unit_id, period=period, item="property",
                                         amount_cents=cents, paid_cents=paid, waived_cents=0, due=date(2026, 1, 15)))


def bills(engine, unit_id) -> list:
    with engine.connect() as conn:
        return conn.execute(select(Bill.unit_id, Bill.amount_cents, Bill.paid_cents).where(Bill.unit_id == unit_id)
                            .order_by(Bill.id)).all()


def test_a_transfer_keeps_the_history_and_the_debt_stays_with_the_unit(engine, project):
    unit_id = unit_of(engine, project)
    org.add_co_owner(engine, ADMIN, unit_id, "李娜", "")
    add_bill(engine, unit_id, project, 68660)
    add_bill(engine, unit_id, project, 44330, paid=44330, period="2025-12")
    version = org.unit_detail(engine, ADMIN, unit_id)["version"]
    buyers = [("赵敏", "136-0000-2222"), ("孙丽", "")]
    assert org.unit_owed(engine, ADMIN, unit_id) == 68660
    with pytest.raises(ValidationError) as info:           # not silently: the debt is named first
        org.transfer_ownership(engine, DESK, unit_id, buyers, local_today(), version)
    assert (info.value.key, info.value.params["amount"]) == ("err.transfer_debt", "686.60")
    before_bills = bills(engine, unit_id)
    done = org.transfer_ownership(engine, DESK, unit_id, buyers, local_today(), version, debt_acknowledged=True)
    assert done["owed_cents"] == 68660 and len(done["owners"]) == 2
    assert bills(engine, unit_id) == before_bills           # no bill moved, none changed
    assert org.unit_owed(engine, ADMIN, unit_id) == 68660
    history = org.owners(engine, ADMIN, unit_id, history=True)
    assert [(o.name, o.since, o.until, o.ended_by) for o in history] == [
        ("赵敏", local_today(), None, None), ("孙丽", local_today(), None, None),
        ("李娜", None, local_today(), "transfer"), ("王伟", None, local_today(), "transfer")]
    record = org.unit_detail(engine, ADMIN, unit_id)
    assert (record["owner"], record["phone"]) == ("赵敏", "13600002222")
    last = [r for r in audit_rows(engine) if r.action == "transfer"][-1]
    assert last.before == {"owners": ["王伟", "李娜"]}
    assert last.after == {"owners": ["赵敏", "孙丽"], "on": local_today().isoformat(), "owed_cents": 68660}
    with pytest.raises(ConflictError):                      # a second form open on the old record
        org.transfer_ownership(engine, DESK, unit_id, [("钱七", "")], local_today(), version, True)


def test_a_transfer_form_names_every_wrong_field(engine, project):
    unit_id = unit_of(engine, project)
    version = org.unit_detail(engine, ADMIN, unit_id)["version"]
    with pytest.raises(ValidationErrors) as info:
        org.transfer_ownership(engine, DESK, unit_id, [("", "abc"), ("", "13800001111")],
                               local_today() + timedelta(days=1), version)
    assert errors(info) == [("err.required", "owner_name"), ("err.phone_format", "phone"),
                            ("err.required", "owner2_name"), ("err.date_future", "transfer_on")]
    org.add_co_owner(engine, DESK, unit_id, "李娜", "", local_today() - timedelta(days=1))
    with pytest.raises(ValidationError) as one:
        org.transfer_ownership(engine, DESK, unit_id, [("赵敏", "")], local_today() - timedelta(days=5),
                               org.unit_detail(engine, ADMIN, unit_id)["version"])
    assert one.value.key == "err.transfer_before_since"
    assert [o.name for o in org.owners(engine, ADMIN, unit_id)] == ["王伟", "李娜"]


def test_a_unit_without_debt_transfers_without_the_confirmation(engine, project):
    unit_id = unit_of(engine, project)
    done = org.transfer_ownership(engine, DESK, unit_id, [("赵敏", "")], local_today(),
                                  org.unit_detail(engine, ADMIN, unit_id)["version"], request_key="tr-1")
    assert done["owed_cents"] == 0
    assert org.transfer_ownership(engine, DESK, unit_id, [("赵敏", "")], local_today(), 0, request_key="tr-1") == done
    assert [o.name for o in org.owners(engine, ADMIN, unit_id)] == ["赵敏"]


def test_owner_edits_keep_to_the_unit(engine, project):
    unit_a, unit_b = unit_of(engine, project), unit_of(engine, project, "3-1907", "李娜", "")
    owner_b = org.owners(engine, ADMIN, unit_b)[0]
    with pytest.raises(NotFound):     # an owner id of another unit, sent with this unit's id
        org.update_owner(engine, DESK, unit_a, owner_b.owner_id, "改名", "", owner_b.owner_version)


# --- the special-needs ledger ---------------------------------------------------------------

def test_needs_are_entered_dated_and_ended(engine, project):
    unit_id = unit_of(engine, project)
    owner = org.owners(engine, ADMIN, unit_id)[0]
    first = org.add_special_need(engine, DESK, unit_id, "elderly_alone", "子女在外地", local_today() - timedelta(days=30),
                                 owner.owner_id)
    second = org.add_special_need(engine, DESK, unit_id, "language", "只讲粤语", local_today())
    needs = org.special_needs(engine, DESK, unit_id)
    assert [(n.id, n.kind, n.note, n.owner, n.entered_by) for n in needs] == [
        (second, "language", "只讲粤语", None, "desk"), (first, "elderly_alone", "子女在外地", "王伟", "desk")]
    org.end_special_need(engine, DESK, first, needs[1].version)
    assert [n.id for n in org.special_needs(engine, DESK, unit_id)] == [second]
    ended = org.special_needs(engine, DESK, unit_id, include_ended=True)
    assert [(n.id, n.ended_on) for n in ended] == [(second, None), (first, local_today())]
    with pytest.raises(ConflictError):
        org.end_special_need(engine, DESK, first, needs[1].version)
    record = org.unit_detail(engine, ADMIN, unit_id)
    assert [n.id for n in record["needs"]] == [second] and record["special_needs"] == ("language",)
    assert org.search_units(engine, ADMIN, "3-1906").iloc[0]["special_needs"] == ("language",)
    assert [r.action for r in audit_rows(engine) if r.entity == "special_need"] == ["create", "create", "end"]


def test_a_need_form_names_every_wrong_field(engine, project):
    unit_id = unit_of(engine, project)
    with pytest.raises(ValidationErrors) as info:
        org.add_special_need(engine, DESK, unit_id, "", "x" * 600, local_today() + timedelta(days=1))
    assert errors(info) == [("err.need_kind_unknown", "need_kind"), ("err.too_long", "need_note"),
                            ("err.date_future", "noted_on")]
    with pytest.raises(ValidationError) as one:
        org.add_special_need(engine, DESK, unit_id, "other", "", local_today())
    assert one.value.key == "err.need_note_required"
    other_unit = unit_of(engine, project, "3-1907", "李娜", "")
    stranger = org.owners(engine, ADMIN, other_unit)[0].owner_id
    with pytest.raises(NotFound):
        org.add_special_need(engine, DESK, unit_id, "pregnancy", "", local_today(), stranger)
    assert org.special_needs(engine, DESK, unit_id) == []


# --- owners' data shown in full is logged, once per person, unit and window --------------------

def views(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(AuditLog.actor, AuditLog.entity, AuditLog.entity_id, AuditLog.project_id)
                            .where(AuditLog.action == "view")).all()


def test_a_unit_record_shown_in_full_is_logged_once(engine, project):
    unit_id = unit_of(engine, project)
    for _ in range(3):   # a page rerun draws the record again
        org.unit_detail(engine, DESK, unit_id)
    assert views(engine) == [("desk", "unit", str(unit_id), project)]
    org.unit_detail(engine, ADMIN, unit_id)
    assert len(views(engine)) == 2
    supervisor = Actor("lin", Role.SUPERVISOR)
    assert org.unit_detail(engine, supervisor, unit_id)["phone_masked"]
    assert len(views(engine)) == 2                   # masked: nothing personal was shown in full


def test_every_set_up_write_finds_its_project_in_the_audit_trail(engine, project):
    unit_id = unit_of(engine, project)
    owner = org.owners(engine, ADMIN, unit_id)[0]
    org.update_owner(engine, DESK, unit_id, owner.owner_id, "王伟", "13800001111", owner.owner_version)
    org.add_special_need(engine, DESK, unit_id, "pregnancy", "", local_today())
    with engine.connect() as conn:
        rows = conn.execute(select(AuditLog.entity, AuditLog.project_id).order_by(AuditLog.id)).all()
    assert rows == [("project", project), ("building", project), ("unit", project), ("owner", project),
                    ("special_need", project)]
    assert count(engine, UnitOwner) == 1 and count(engine, Owner) == 1 and count(engine, Unit) == 1
