"""Demo data: a living company on first start, never written over real data."""
import pytest
from sqlalchemy import func, select

from core.auth.actor import SYSTEM, Actor
from core.auth.passwords import check_password
from core.auth.roles import Role
from core.org.rules import parse_room_no, validate_name, validate_phone
from demo.company import (BATCH_BUILDINGS, BATCH_CITY, BATCH_SIZE, CITIES, DEMO_ACCOUNTS, DEMO_PASSWORD,
                     CompanySize, DemoRefused, seed_demo)
from db.engine import make_engine
from db.migrate import upgrade
from db.models import Building, Owner, Project, StaffUser, Unit
from db import user_queries
from services import org, users
from store_helpers import FAST, counts

DEMO_USERNAMES = {u for u, _, _ in DEMO_ACCOUNTS}


def test_default_company_with_the_799_unit_batch(sqlite_url):
    """The full default size, once and on SQLite only (it takes a couple of seconds)."""
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    try:
        assert seed_demo(engine, hash_rounds=FAST) is True
        projects = org.list_projects(engine, SYSTEM)
        assert len(projects) == 14 == len(CITIES)
        assert projects["city"].tolist() == CITIES
        assert projects["code"].is_unique
        batch = int(projects.loc[projects["city"] == BATCH_CITY, "id"].iloc[0])
        with engine.connect() as conn:
            batch_units = conn.execute(
                select(Building.name, Unit.status, func.count())
                .join(Building, Building.id == Unit.building_id)
                .where(Unit.project_id == batch, Building.name.in_(BATCH_BUILDINGS))
                .group_by(Building.name, Unit.status)).all()
            total_units = conn.scalar(select(func.count()).select_from(Unit))
            building_names = set(conn.scalars(select(Building.name).where(Building.project_id == batch)))
        assert sum(n for _, _, n in batch_units) == BATCH_SIZE == 799
        # The demo batch started two days ago: handed over, or still waiting for their keys.
        assert {s for _, s, _ in batch_units} <= {"sold", "handed_over"}
        assert any(s == "sold" for _, s, _ in batch_units)
        assert "4" not in building_names
        assert total_units == 14 * CompanySize().units_per_project + 799
        # supervisor and front desk work on the batch project; admin and manager see everything
        assert users.get_account(engine, "supervisor").project_ids == (batch,)
        assert users.get_account(engine, "frontdesk").project_ids == (batch,)
        assert users.get_account(engine, "manager").all_projects
        assert users.get_account(engine, "trainer").project_ids == ()
        # the home page's "to hand over" figure is the part of the batch not yet handed over
        frame = org.units_by_status(engine, SYSTEM, (batch,))
        waiting = sum(n for _, s, n in batch_units if s == "sold")
        assert frame.loc[frame["status"] == "sold", "units"].sum() >= waiting > 0
    finally:
        engine.dispose()


def test_small_company_has_every_demo_account(demo_engine):
    c = counts(demo_engine)
    assert c["projects"] == 3 and c["units"] == 3 * 40
    accounts = users.list_users(demo_engine, SYSTEM).set_index("username")
    desks = {f"desk{n:02d}" for n in (1, 2, 3)}   # a fee collector per project
    assert set(accounts.index) == DEMO_USERNAMES | desks
    assert {u: accounts.loc[u, "role"] for u in accounts.index} == \
        {u: r for u, _, r in DEMO_ACCOUNTS} | {u: "frontdesk" for u in desks}
    projects = org.list_projects(demo_engine, SYSTEM)["id"].tolist()
    assert sorted(users.get_account(demo_engine, u).project_ids for u in desks) == [(p,) for p in sorted(projects)]
    assert users.demo_mode(demo_engine)
    hashes = {row.username: row.password_hash for row in user_queries.login_rows(demo_engine)}
    assert all(check_password(DEMO_PASSWORD, hashes[u]) for u in DEMO_USERNAMES | desks)


def test_small_company_without_the_batch_city_still_gives_supervisors_a_project(demo_engine):
    """Regression: seed_demo crashed (NULL project id) when no project was in the batch city."""
    first = int(org.list_projects(demo_engine, SYSTEM)["id"].min())
    assert users.get_account(demo_engine, "supervisor").project_ids == (first,)
    assert not org.units_by_status(demo_engine, SYSTEM, (first,)).empty


def test_demo_data_passes_our_own_rules(demo_engine):
    """What staff will search for and call must look like real data: valid rooms, names, phones."""
    with demo_engine.connect() as conn:
        units = conn.execute(select(Unit.room_no, Unit.floor, Building.name)
                             .join(Building, Building.id == Unit.building_id)).all()
        owners = conn.execute(select(Owner.name, Owner.phone)).all()
        with_owner = conn.scalar(select(func.count()).select_from(Unit).where(Unit.owner_id.is_not(None)))
        not_unsold = conn.scalar(select(func.count()).select_from(Unit).where(Unit.status != "unsold"))
    for room_no, floor, building in units:
        assert parse_room_no(room_no) == (room_no, floor)
        assert room_no.split("-")[0] == building
    for name, phone in owners:
        assert validate_name(name) == name
        assert validate_phone(phone) == phone
    assert with_owner == not_unsold == len(owners)   # every sold unit has an owner, unsold ones none


def test_second_run_returns_false_and_changes_nothing(demo_engine):
    before = counts(demo_engine)
    assert seed_demo(demo_engine, CompanySize(projects=2, units_per_project=10, batch=False),
                     hash_rounds=FAST) is False
    assert counts(demo_engine) == before


def test_refuses_a_store_with_a_real_user(engine):
    users.create_user(engine, Actor("setup", Role.ADMIN), "wangwei", "王伟", "admin", "Real-pass-2026", hash_rounds=FAST)
    before = counts(engine)
    with pytest.raises(DemoRefused):
        seed_demo(engine, CompanySize(projects=2, units_per_project=10, batch=False), hash_rounds=FAST)
    assert counts(engine) == before
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Project)) == 0
        assert conn.scalar(select(func.count()).select_from(StaffUser).where(StaffUser.is_demo)) == 0


def test_refuses_even_after_demo_data_when_a_real_user_was_added(demo_engine):
    users.create_user(demo_engine, Actor("admin", Role.ADMIN), "wangwei", "王伟", "frontdesk", "Real-pass-2026", hash_rounds=FAST)
    with pytest.raises(DemoRefused):
        seed_demo(demo_engine, hash_rounds=FAST)


# --- make run on a real store, and without the demo (issue 11, item 1) -----------------------

def test_make_runs_demo_step_skips_a_real_store_saying_so(db_url, engine, monkeypatch, capsys):
    from demo.company import main

    users.create_first_admin(engine, "wangwei", "王伟", "Real-pass-2026", hash_rounds=FAST)
    before = counts(engine)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("DEMO", raising=False)
    assert main() == 0                                  # make run goes on to start the server
    assert "demo data skipped: not a demo store" in capsys.readouterr().out
    assert counts(engine) == before


def test_demo_switched_off_writes_nothing(db_url, engine, monkeypatch, capsys):
    from demo.company import demo_wanted, main

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DEMO", "0")
    assert main() == 0
    assert "DEMO=0" in capsys.readouterr().out
    assert sum(counts(engine).values()) == 0 and users.first_run(engine)
    assert [demo_wanted({"DEMO": v}) for v in ("0", "no", "off", "1", "")] == [False, False, False, True, True]
    assert demo_wanted({})


def test_a_store_set_up_for_real_is_never_given_the_demo(engine):
    org.name_company(engine, SYSTEM, "真实物业")
    with pytest.raises(DemoRefused):
        seed_demo(engine, CompanySize(projects=1, units_per_project=4, batch=False), hash_rounds=FAST)
    assert counts(engine)["staff_users"] == 0 and counts(engine)["projects"] == 0


def test_the_demo_store_is_marked_with_owners_over_time_and_a_needs_ledger(demo_engine):
    from db.models import SpecialNeedRow, UnitOwner

    company = org.company(demo_engine)
    assert company.is_demo and company.name
    with demo_engine.connect() as conn:
        owned = conn.scalar(select(func.count()).select_from(Unit).where(Unit.owner_id.is_not(None)))
        rows = conn.execute(select(UnitOwner.unit_id, UnitOwner.owner_id, UnitOwner.until)).all()
        first_owner = dict(conn.execute(select(Unit.id, Unit.owner_id).where(Unit.owner_id.is_not(None))).all())
        needs = conn.execute(select(SpecialNeedRow.unit_id, SpecialNeedRow.owner_id, SpecialNeedRow.kind)).all()
    assert len(rows) == owned and all(until is None for _, _, until in rows)
    assert {u: o for u, o, _ in rows} == first_owner    # units.owner_id is the unit's current owner
    assert needs and all(first_owner[u] == o for u, o, _ in needs)
    from core.org.needs import NeedKind
    assert {k for _, _, k in needs} <= {k.value for k in NeedKind}


def test_every_demo_ticket_is_handled_by_staff_of_its_project(demo_engine):
    """A handler is a person of the ticket's project, so the demo's handlers can act on their tickets
    and find them in their own work list."""
    from db.complaint_queries import project_staff
    from db.models import ComplaintRow
    with demo_engine.connect() as conn:
        handled = conn.execute(select(ComplaintRow.project_id, ComplaintRow.handler)
                               .where(ComplaintRow.handler.is_not(None))).all()
        staff = {pid: project_staff(conn, pid) for pid in {p for p, _ in handled}}
    assert len(handled) > 100
    assert all(h in staff[p] for p, h in handled)
    assert len({h for _, h in handled}) > 1          # given to several people, not one name for all
