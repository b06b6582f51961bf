"""The audit viewer through services.audit on both databases (issue 11, item 9): every write, filtered
by person, record, project and China-time days, paginated in SQL; before and after of one row; the
export, and opening a row about owners, are themselves logged."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import insert, select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import CHINA, local_today
from core.errors import NotFound, PermissionDenied, ValidationError
from db.collection_models import Bill
from db.models import AuditLog
from db.uow import UnitOfWork
from services import audit, org, users
from store_helpers import FAST

ADMIN = Actor("admin", Role.ADMIN)
ZHOU = Actor("zhou", Role.MANAGER)       # reads the trail
WANG = Actor("wang", Role.ADMIN)         # the second writer


@pytest.fixture
def trail(engine):
    """Two projects with a unit each, written by two people, and an account (no project)."""
    sz = org.create_project(engine, ADMIN, "P001", "翠湖园", "深圳")
    gz = org.create_project(engine, WANG, "P002", "星河苑", "广州")
    for pid, who in ((sz, ADMIN), (gz, WANG)):
        org.add_building(engine, who, pid, "3", "20")
        building = int(org.list_buildings(engine, who, (pid,))["id"].iloc[0])
        org.add_unit(engine, who, building, "3-101", "89", "sold", "王伟", "13812345678")
    users.create_user(engine, ADMIN, "lili", "李客服", "frontdesk", "Passw0rd-1", [sz], hash_rounds=FAST)
    return engine, sz, gz


def actions(page) -> list[tuple[str, str, str]]:
    return list(zip(page.rows["actor"], page.rows["action"], page.rows["entity"]))


def test_everything_newest_first(trail):
    engine, sz, gz = trail
    found = audit.search(engine, ZHOU, audit.make_filter())
    assert found.total == 7 and (found.page, found.pages) == (1, 1)
    assert actions(found) == [("admin", "create", "staff_user"), ("wang", "create", "unit"),
                              ("wang", "create", "building"), ("admin", "create", "unit"),
                              ("admin", "create", "building"), ("wang", "create", "project"),
                              ("admin", "create", "project")]


def test_filters_by_person_record_and_project(trail):
    engine, sz, gz = trail
    by_wang = audit.search(engine, ADMIN, audit.make_filter(actor="wang"))
    assert {a for a, _, _ in actions(by_wang)} == {"wang"} and by_wang.total == 3
    unit = org.find_unit(engine, ADMIN, gz, "3-101")
    record = audit.search(engine, ADMIN, audit.make_filter(entity="unit", entity_id=f" {unit} "))
    assert actions(record) == [("wang", "create", "unit")] and record.rows["project"].tolist() == ["星河苑"]
    in_sz = audit.search(engine, ADMIN, audit.make_filter(project_id=sz))
    assert [e for _, _, e in actions(in_sz)] == ["unit", "building", "project"]
    assert set(in_sz.rows["project_id"]) == {sz}
    assert audit.choices(engine, ADMIN) == (["admin", "wang"], ["building", "project", "staff_user", "unit"])


def at_china(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA)


def test_date_range_is_in_china_days(engine):
    """A write at 23:30 China time on the 1st is on the 1st, though it is the 1st 15:30 in UTC; one
    at 00:30 on the 2nd is the 1st 16:30 UTC, and on the 2nd."""
    day = date(2026, 3, 1)
    with engine.begin() as conn:
        for when, n in ((at_china(day, 0, 5), "a"), (at_china(day, 23, 30), "b"),
                        (at_china(day + timedelta(days=1), 0, 30), "c")):
            conn.execute(insert(AuditLog).values(at=when, actor="x", action=n, entity="thing", entity_id=n))
    one_day = audit.search(engine, ADMIN, audit.make_filter(since=day, until=day))
    assert sorted(one_day.rows["action"]) == ["a", "b"]
    next_day = audit.search(engine, ADMIN, audit.make_filter(since=day + timedelta(days=1)))
    assert next_day.rows["action"].tolist() == ["c"]
    with pytest.raises(ValidationError) as info:
        audit.make_filter(since=day, until=day - timedelta(days=1))
    assert (info.value.key, info.value.field) == ("err.audit_range", "audit_until")


def test_pages_come_from_the_database(engine):
    with engine.begin() as conn:
        start = datetime(2026, 3, 1, tzinfo=CHINA)
        conn.execute(insert(AuditLog), [{"at": start + timedelta(minutes=i), "actor": "x", "action": "a",
                                         "entity": "thing", "entity_id": str(i)} for i in range(120)])
    first = audit.search(engine, ADMIN, audit.make_filter(), page=1)
    assert (first.total, first.pages, len(first.rows)) == (120, 3, 50)
    assert first.rows["entity_id"].tolist()[:2] == ["119", "118"]
    last = audit.search(engine, ADMIN, audit.make_filter(), page=3)
    assert len(last.rows) == 20 and last.rows["entity_id"].tolist()[-1] == "0"
    assert audit.search(engine, ADMIN, audit.make_filter(), page=99).page == 3
    assert audit.search(engine, ADMIN, audit.make_filter(), page=0).page == 1
    assert audit.search(engine, ADMIN, audit.make_filter(actor="nobody")).total == 0


def test_a_row_in_full_and_opening_one_about_owners_is_logged_once(trail):
    engine, sz, gz = trail
    unit = org.find_unit(engine, ADMIN, sz, "3-101")
    owner = org.owners(engine, ADMIN, unit)[0]
    org.update_owner(engine, ADMIN, unit, owner.owner_id, "王伟", "13900001111", owner.owner_version)
    edit = audit.search(engine, ZHOU, audit.make_filter(entity="owner")).rows.iloc[0]
    for _ in range(2):
        record = audit.row(engine, ZHOU, int(edit["id"]))
    assert record["before"] == {"name": "王伟", "phone": "13812345678"}
    assert record["after"]["phone"] == "13900001111"
    views = audit.search(engine, ADMIN, audit.make_filter(actor="zhou", entity="audit_log"))
    assert views.total == 1 and views.rows.iloc[0]["action"] == "view"
    account = audit.search(engine, ZHOU, audit.make_filter(entity="staff_user")).rows.iloc[0]
    audit.row(engine, ZHOU, int(account["id"]))     # an account, not an owner: no view row
    assert audit.search(engine, ADMIN, audit.make_filter(actor="zhou", entity="audit_log")).total == 1
    with pytest.raises(NotFound):
        audit.row(engine, ZHOU, 987654)


def test_the_export_is_logged_with_its_filters(trail):
    engine, sz, gz = trail
    f = audit.make_filter(project_id=sz, since=local_today())
    rows = audit.export(engine, ZHOU, f)
    assert len(rows) == 3 and set(rows["project_id"]) == {sz}
    assert all(isinstance(v, str) for v in rows["after"])          # before/after as text for Excel
    logged = audit.search(engine, ADMIN, audit.make_filter(actor="zhou", entity="audit_log")).rows.iloc[0]
    assert logged["action"] == "export"
    assert logged["after"]["rows"] == 3 and logged["after"]["filters"]["project_id"] == sz


def test_a_scoped_reader_sees_its_own_projects_only(trail):
    engine, sz, gz = trail
    scoped = Actor("gz.boss", Role.MANAGER, (gz,))
    mine = audit.search(engine, scoped, audit.make_filter())
    assert set(mine.rows["project_id"]) == {gz} and mine.total == 3   # no other project, no account rows
    with pytest.raises(PermissionDenied):
        audit.search(engine, scoped, audit.make_filter(project_id=sz))
    other = audit.search(engine, ADMIN, audit.make_filter(project_id=sz)).rows.iloc[0]
    with pytest.raises(NotFound):
        audit.row(engine, scoped, int(other["id"]))


def test_rows_of_other_features_find_their_project(trail):
    """The project of a row is found from the record it names, whoever wrote it (a bill here)."""
    engine, sz, gz = trail
    unit = org.find_unit(engine, ADMIN, gz, "3-101")
    with engine.begin() as conn:
        bill = conn.execute(insert(Bill).values(project_id=gz, unit_id=unit, period="2026-01", item="property",
                                                amount_cents=100, paid_cents=0, waived_cents=0,
                                                due=date(2026, 1, 15))).inserted_primary_key[0]
    with UnitOfWork(engine, "zhou") as uow:
        uow.audit("waive", "bill", bill, after={"cents": 100})
        uow.audit("import", "payments", gz, after={"rows": 1})
        uow.audit("thing", "no_such_entity", 1)
        uow.commit()
    with engine.connect() as conn:
        rows = conn.execute(select(AuditLog.entity, AuditLog.project_id).order_by(AuditLog.id.desc()).limit(3)).all()
    assert rows == [("no_such_entity", None), ("payments", gz), ("bill", gz)]
