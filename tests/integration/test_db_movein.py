"""Move-in batches in the store (SQLite and PostgreSQL): creating a batch from the sold units, the
plan, the live day at the stations, defects, the board, the checklist, many tablets at once, and
the demo batch."""
import threading
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import CHINA
from core.errors import ConflictError, DomainError, ValidationError
from core.movein.checklist import DEFAULT_ITEMS
from core.movein.hall import Zone, default_zones
from core.movein.model import DEFAULT_STATIONS, BatchSettings, households_per_day
from core.org.model import UnitStatus
from db import movein, org
from db.models import AuditLog, Unit, utcnow
from db.movein_models import (MoveinAppointment, MoveinBatch, MoveinChecklistItem, MoveinDefect,
                              MoveinDispute, MoveinStep)
from integration_helpers import FAST, add_project, audit_rows, count, row

FRIDAY = date(2026, 5, 8)
CODES = [s.code for s in DEFAULT_STATIONS]
SETTINGS = BatchSettings(start=FRIDAY, days=3)
T0 = datetime(2026, 5, 8, 1, 0, tzinfo=timezone.utc)     # 09:00 in Shanghai
SOLD_ROOMS = [f"{b}-{f}{r:02d}" for b in ("3", "5") for f in range(2, 8) for r in (1, 2)]   # 24 households
JPEG = b"\xff\xd8\xff\xe0" + b"\x10" * 64
MOVEIN_TABLES = (MoveinBatch, MoveinAppointment, MoveinStep, MoveinDefect, MoveinDispute, MoveinChecklistItem)


def movein_counts(engine) -> dict:
    return {m.__tablename__: count(engine, m) for m in MOVEIN_TABLES + (AuditLog,)}


def refused(func, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        func(*args, **kwargs)
    return info.value


def appointments(engine, batch_id) -> list:
    """(MoveinAppointment, room_no, unit status) rows, in booking order."""
    with Session(engine) as session:
        return session.execute(
            select(MoveinAppointment, Unit.room_no, Unit.status)
            .join(Unit, Unit.id == MoveinAppointment.unit_id)
            .where(MoveinAppointment.batch_id == batch_id).order_by(MoveinAppointment.id)).all()


def appointment(engine, appt_id):
    with engine.connect() as conn:
        return conn.execute(select(MoveinAppointment).where(MoveinAppointment.id == appt_id)).one()


def steps_of(engine, appt_id) -> list:
    with engine.connect() as conn:
        return conn.execute(select(MoveinStep.station, MoveinStep.seq, MoveinStep.finished_at, MoveinStep.staff)
                            .where(MoveinStep.appointment_id == appt_id).order_by(MoveinStep.seq)).all()


def unit_status(engine, unit_id) -> str:
    with engine.connect() as conn:
        return conn.scalar(select(Unit.status).where(Unit.id == unit_id))


def make_project(engine, sold=SOLD_ROOMS) -> int:
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    rows = [row(r, f"业主{i}", f"138{i:08d}") for i, r in enumerate(sold)]
    rows += [row("3-1906", "王伟", "13812345678", UnitStatus.OCCUPIED),
             row("3-1907", None, None, UnitStatus.UNSOLD),
             row("5-1906", "李娜", "13912345678", UnitStatus.HANDED_OVER)]
    org.import_units(engine, "admin", pid, rows)
    return pid


@pytest.fixture
def batch(engine):
    """A 3-day batch (Friday to Sunday) of 24 sold households, default stations."""
    pid = make_project(engine)
    batch_id = movein.create_batch(engine, "supervisor", pid, "二期第一批", SETTINGS, owner="林主管")
    return engine, batch_id


def day_households(engine, batch_id, day) -> list:
    return [a for a in appointments(engine, batch_id) if a.MoveinAppointment.day == day]


def walk(engine, batch_id, appt_id, stations=CODES, start=T0, minutes=(2, 5, 40, 6, 5, 3), actor="supervisor"):
    """Check in at `start`, then tap each station after its minutes."""
    movein.check_in(engine, actor, batch_id, appt_id, now=start)
    moment = start
    for code, m in zip(stations, minutes):
        moment += timedelta(minutes=m)
        movein.advance(engine, actor, batch_id, appt_id, code, now=moment)
    return moment


# --- creating a batch ----------------------------------------------------------------------

def test_create_batch_books_every_sold_unit_once(batch):
    engine, batch_id = batch
    rows = appointments(engine, batch_id)
    assert sorted(r.room_no for r in rows) == sorted(SOLD_ROOMS)      # each sold unit exactly once
    assert {r.status for r in rows} == {"sold"}                        # not the occupied, unsold, handed over
    per_day = households_per_day(replace(SETTINGS, households=len(SOLD_ROOMS)))
    booked = {d: sum(1 for r in rows if r.MoveinAppointment.day == d) for d, _ in per_day}
    assert booked == dict(per_day)
    assert booked[date(2026, 5, 9)] > booked[FRIDAY] * 1.5             # the Saturday surge
    slots = SETTINGS.open_minutes // 60 - 1
    hours = [r.MoveinAppointment.slot_hour for r in rows]
    assert set(hours) <= set(range(9, 9 + slots))                      # the last hour takes no bookings
    assert all(r.MoveinAppointment.stations_done == 0 and not r.MoveinAppointment.no_show
               and r.MoveinAppointment.arrived_at is None for r in rows)

    settings, zones, staffing, version = movein.load_batch(engine, batch_id)
    assert settings.stations == DEFAULT_STATIONS
    assert (settings.start, settings.days, settings.opens, settings.closes) == (FRIDAY, 3, time(9), time(17))
    assert zones == default_zones(CODES) and staffing == {} and version == 1

    items = movein.checklist(engine, batch_id)
    assert sorted(items["code"]) == sorted(code for code, _ in DEFAULT_ITEMS) and len(items) == 9
    assert set(items["owner"]) == {"林主管"}
    assert all(d < FRIDAY for d in items["due"]) and not items["done"].any()

    listed = movein.list_batches(engine).to_dict("records")
    assert [(b["id"], b["name"], b["start"], b["days"], b["households"]) for b in listed] == [
        (batch_id, "二期第一批", FRIDAY, 3, 24)]
    plan = movein.plan_per_day(engine, batch_id)            # the plan tab's bookings per day and hour
    assert dict(plan.groupby("day")["households"].sum()) == booked
    assert set(plan["slot_hour"]) <= set(range(9, 9 + slots))
    audit = [r for r in audit_rows(engine) if r.entity == "movein_batch"]
    assert [(r.actor, r.action, r.after) for r in audit] == [("supervisor", "create", {"households": 24, "days": 3})]


def test_refused_batch_writes_nothing_and_buildings_can_be_chosen(engine):
    pid = make_project(engine)
    no_sold = add_project(engine, "P002", "广州·星河苑", "广州")
    org.import_units(engine, "admin", no_sold, [row("3-101", "王伟", "13812345678", UnitStatus.OCCUPIED)])
    cases = [
        (no_sold, "第一批", SETTINGS, "err.batch_no_units"),
        (pid, "   ", SETTINGS, "err.required"),
        (pid, "第一批", replace(SETTINGS, days=0), "err.batch_days"),
        (pid, "第一批", replace(SETTINGS, closes=time(8)), "err.opening_hours"),
        (pid, "第一批", replace(SETTINGS, hall_m2=100), "err.hall_too_small"),   # the default zones need 140 m²
    ]
    before = movein_counts(engine)
    for project_id, name, settings, key in cases:
        error = refused(movein.create_batch, engine, "supervisor", project_id, name, settings)
        assert isinstance(error, ValidationError) and error.key == key
        assert movein_counts(engine) == before, key

    batch_id = movein.create_batch(engine, "supervisor", pid, "3号楼", SETTINGS, building_names=["3"])
    rooms = [r.room_no for r in appointments(engine, batch_id)]
    assert sorted(rooms) == sorted(r for r in SOLD_ROOMS if r.startswith("3-"))


# --- the plan ------------------------------------------------------------------------------

def test_save_plan_stores_stations_zones_and_staffing(batch):
    engine, batch_id = batch
    stations = [replace(s, staff=12) if s.code == "inspection" else s for s in DEFAULT_STATIONS]
    zones = [Zone(z.code, 55 if z.code == "waiting" else z.m2) for z in default_zones(CODES)]     # 147 m²
    staffing = {"2026-05-09": {"inspection": 14, "payment": 3}}
    new_version = movein.save_plan(engine, "supervisor", batch_id, 1, stations, zones, staffing)
    assert new_version == 2
    settings, saved_zones, saved_staffing, version = movein.load_batch(engine, batch_id)
    assert list(settings.stations) == stations and saved_zones == zones
    assert saved_staffing == staffing and version == 2
    assert [r.action for r in audit_rows(engine) if r.entity == "movein_batch"] == ["create", "save_plan"]


def test_bad_or_stale_plan_is_refused_and_changes_nothing(batch):
    engine, batch_id = batch
    good = dict(stations=list(DEFAULT_STATIONS), zones=default_zones(CODES), staffing={})
    cases = [
        (dict(zones=default_zones(CODES) + [Zone("extra", 11)]), "err.hall_too_small"),     # 151 m² in 150
        (dict(stations=list(DEFAULT_STATIONS) + [DEFAULT_STATIONS[0]]), "err.station_duplicate"),
        (dict(stations=[]), "err.station_duplicate"),
        (dict(stations=[replace(DEFAULT_STATIONS[0], mean_min=0)]), "err.service_time"),
        (dict(staffing={"2026-05-09": {"inspection": 0}}), "err.staff_count"),
        (dict(staffing={"2026-05-09": {"inspection": "8"}}), "err.staff_count"),
    ]
    before = movein.load_batch(engine, batch_id), movein_counts(engine)
    for change, key in cases:
        assert refused(movein.save_plan, engine, "supervisor", batch_id, 1, **{**good, **change}).key == key
        assert (movein.load_batch(engine, batch_id), movein_counts(engine)) == before, key

    movein.save_plan(engine, "planner_a", batch_id, 1, **{**good, "staffing": {"2026-05-08": {"keys": 2}}})
    before = movein.load_batch(engine, batch_id), movein_counts(engine)
    with pytest.raises(ConflictError):          # planner b still holds version 1
        movein.save_plan(engine, "planner_b", batch_id, 1, **{**good, "staffing": {"2026-05-08": {"keys": 5}}})
    assert (movein.load_batch(engine, batch_id), movein_counts(engine)) == before
    assert before[0][2] == {"2026-05-08": {"keys": 2}}      # the first save stands


# --- the live day --------------------------------------------------------------------------

def test_household_goes_through_every_station_and_gets_its_keys(batch):
    engine, batch_id = batch
    first = day_households(engine, batch_id, FRIDAY)[0]
    appt_id, unit_id = first.MoveinAppointment.id, first.MoveinAppointment.unit_id
    found = movein.find_household(engine, batch_id, " " + first.room_no.replace("-", "－"))   # typed on a Chinese IME
    assert (found["id"], found["unit_id"], found["stations_done"]) == (appt_id, unit_id, 0)
    assert found["owner"].startswith("业主")

    movein.check_in(engine, "supervisor", batch_id, appt_id, now=T0)
    moment = T0
    for i, code in enumerate(CODES, start=1):
        assert unit_status(engine, unit_id) == "sold"
        moment += timedelta(minutes=7)
        assert movein.advance(engine, "escort1", batch_id, appt_id, code, now=moment) == i
    a = appointment(engine, appt_id)
    assert a.stations_done == 6 and a.arrived_at == T0 and a.finished_at == moment
    assert unit_status(engine, unit_id) == "handed_over"
    steps = steps_of(engine, appt_id)
    assert [(s.station, s.seq) for s in steps] == list(zip(CODES, range(1, 7)))
    assert [s.finished_at for s in steps] == [T0 + timedelta(minutes=7 * i) for i in range(1, 7)]
    assert {s.staff for s in steps} == {"escort1"}
    trail = [(r.actor, r.action, r.after) for r in audit_rows(engine) if r.entity == "movein_appointment"]
    assert trail == [("supervisor", "check_in", None)] + [
        ("escort1", "advance", {"station": code, "done": i}) for i, code in enumerate(CODES, start=1)]
    assert refused(movein.advance, engine, "escort1", batch_id, appt_id, "keys").key == "err.household_finished"


def test_skipped_or_repeated_station_is_refused_and_writes_nothing(batch):
    engine, batch_id = batch
    appt_id = appointments(engine, batch_id)[0].MoveinAppointment.id
    movein.check_in(engine, "supervisor", batch_id, appt_id, now=T0)
    movein.advance(engine, "supervisor", batch_id, appt_id, "notice", now=T0 + timedelta(minutes=2))
    movein.advance(engine, "supervisor", batch_id, appt_id, "documents", now=T0 + timedelta(minutes=8))
    before = appointment(engine, appt_id), movein_counts(engine)
    for station, key in [("signing", "err.station_skipped"), ("keys", "err.station_skipped"),
                         ("parking", "err.station_skipped"), ("notice", "err.station_done_twice"),
                         ("documents", "err.station_done_twice")]:
        assert refused(movein.advance, engine, "supervisor", batch_id, appt_id, station).key == key
        assert (appointment(engine, appt_id), movein_counts(engine)) == before, station
    assert movein.advance(engine, "supervisor", batch_id, appt_id, "inspection") == 3


def test_household_outside_the_batch_and_a_tap_without_check_in(batch):
    engine, batch_id = batch
    first, second = [r.MoveinAppointment.id for r in appointments(engine, batch_id)[:2]]
    assert refused(movein.advance, engine, "supervisor", batch_id + 1, first, "notice").key == \
        "err.household_not_in_batch"
    assert refused(movein.check_in, engine, "supervisor", batch_id + 1, first).key == "err.household_not_in_batch"
    assert refused(movein.find_household, engine, batch_id, "3-1906").key == "err.household_not_in_batch"
    assert appointment(engine, first).arrived_at is None
    # the first station tapped without a check-in counts as the arrival
    movein.advance(engine, "supervisor", batch_id, second, "notice", now=T0)
    assert appointment(engine, second).arrived_at == T0


def test_no_show_rules(batch):
    engine, batch_id = batch
    a, b = [r.MoveinAppointment.id for r in appointments(engine, batch_id)[:2]]
    movein.check_in(engine, "supervisor", batch_id, a, now=T0)
    before = movein_counts(engine)
    assert refused(movein.mark_no_show, engine, "supervisor", batch_id, a).key == "err.household_started"
    assert refused(movein.check_in, engine, "supervisor", batch_id, a).key == "err.household_checked_in"
    assert movein_counts(engine) == before and not appointment(engine, a).no_show

    movein.mark_no_show(engine, "supervisor", batch_id, b)
    assert appointment(engine, b).no_show
    assert refused(movein.check_in, engine, "supervisor", batch_id, b).key == "err.household_no_show"
    assert refused(movein.advance, engine, "supervisor", batch_id, b, "notice").key == "err.household_no_show"
    assert steps_of(engine, b) == [] and appointment(engine, b).arrived_at is None
    assert [r.action for r in audit_rows(engine) if r.entity == "movein_appointment"] == ["check_in", "no_show"]


# --- defects and disputes ------------------------------------------------------------------

DEFECT = dict(location="bathroom", kind="waterproofing", severity="major", responsible="developer",
              note="闭水试验渗漏")


def test_defects_are_stored_listed_and_fixed(batch):
    engine, batch_id = batch
    rows = appointments(engine, batch_id)
    unit_a, unit_b = rows[0].MoveinAppointment.unit_id, rows[1].MoveinAppointment.unit_id
    with_photo = movein.log_defect(engine, "escort1", batch_id, unit_a, **DEFECT, photo=JPEG)
    without = movein.log_defect(engine, "escort1", batch_id, unit_a, location="kitchen", kind="wall",
                                severity="minor", responsible="contractor", note="")
    other = movein.log_defect(engine, "escort2", batch_id, unit_b, **DEFECT)
    with engine.connect() as conn:
        stored = conn.execute(select(MoveinDefect).where(MoveinDefect.id == with_photo)).one()
        assert stored.photo == JPEG and stored.created_by == "escort1" and stored.status == "open"
        assert conn.scalar(select(MoveinDefect.photo).where(MoveinDefect.id == without)) is None

    by_unit = movein.open_defects(engine, unit_id=unit_a)
    assert set(by_unit["id"]) == {with_photo, without}
    assert set(by_unit["room_no"]) == {rows[0].room_no}
    assert set(movein.open_defects(engine, batch_id=batch_id)["id"]) == {with_photo, without, other}

    version = int(by_unit.set_index("id").loc[with_photo, "version"])
    movein.fix_defect(engine, "supervisor", with_photo, version)
    assert set(movein.open_defects(engine, batch_id=batch_id)["id"]) == {without, other}
    # the unit's history still shows the fixed one, as fixed
    history = movein.open_defects(engine, unit_id=unit_a).set_index("id")
    assert history.loc[with_photo, "status"] == "fixed" and history.loc[without, "status"] == "open"

    before = movein_counts(engine)
    with pytest.raises(ConflictError):
        movein.fix_defect(engine, "supervisor", other, 99)
    assert movein_counts(engine) == before
    assert set(movein.open_defects(engine, batch_id=batch_id)["id"]) == {without, other}
    actions = [(r.actor, r.action) for r in audit_rows(engine) if r.entity == "movein_defect"]
    assert actions == [("escort1", "defect"), ("escort1", "defect"), ("escort2", "defect"), ("supervisor", "fix")]


def test_bad_defect_or_dispute_is_refused_and_nothing_written(batch):
    engine, batch_id = batch
    unit_id = appointments(engine, batch_id)[0].MoveinAppointment.unit_id
    before = movein_counts(engine)
    for change, key in [
        (dict(severity="critical", note=" "), "err.defect_note"),
        (dict(location="roof"), "err.required"),
        (dict(photo=b"GIF89a" + b"\x00" * 10), "err.photo_type"),
        (dict(photo=b"not a photo"), "err.photo_type"),
        (dict(photo=JPEG[:4] + b"\x00" * (2 * 1024 * 1024)), "err.photo_too_big"),
    ]:
        assert refused(movein.log_defect, engine, "escort1", batch_id, unit_id, **{**DEFECT, **change}).key == key
        assert movein_counts(engine) == before, key
    assert refused(movein.log_dispute, engine, "supervisor", batch_id, unit_id, "  ").key == "err.required"
    assert movein_counts(engine) == before

    dispute_id = movein.log_dispute(engine, "supervisor", batch_id, unit_id, " 对公摊面积有异议 ")
    with engine.connect() as conn:
        assert conn.scalar(select(MoveinDispute.note).where(MoveinDispute.id == dispute_id)) == "对公摊面积有异议"
    assert [(r.actor, r.action, r.after) for r in audit_rows(engine)][-1] == ("supervisor", "dispute", {"unit": unit_id})


# --- the board and after the day -----------------------------------------------------------

def test_live_board_shows_the_hall_as_it_is(batch):
    engine, batch_id = batch
    friday = [r.MoveinAppointment.id for r in day_households(engine, batch_id, FRIDAY)]
    assert len(friday) == 5
    done_1, done_2, at_notice_1, at_notice_2, no_show = friday
    board = movein.live_board(engine, batch_id, FRIDAY)
    assert (board["planned"], board["finished"], board["no_shows"], board["not_arrived"]) == (5, 0, 0, 5)
    assert board["bottleneck"] is None and board["mean_flow_min"] is None

    walk(engine, batch_id, done_1, minutes=(5, 5, 40, 5, 5, 0))                # 60 minutes in the hall
    walk(engine, batch_id, done_2, minutes=(5, 5, 60, 5, 5, 10))               # 90 minutes
    movein.check_in(engine, "supervisor", batch_id, at_notice_1, now=T0)
    movein.check_in(engine, "supervisor", batch_id, at_notice_2, now=T0)
    movein.mark_no_show(engine, "supervisor", batch_id, no_show)
    board = movein.live_board(engine, batch_id, FRIDAY)
    assert (board["planned"], board["finished"], board["no_shows"], board["not_arrived"]) == (5, 2, 1, 0)
    assert board["mean_flow_min"] == pytest.approx(75, abs=0.01)
    notice = board["stations"][0]
    assert notice == {"code": "notice", "present": 2, "served": 1, "waiting": 1, "staff": 1}
    assert all(s["present"] == 0 for s in board["stations"][1:])
    assert [s["code"] for s in board["stations"]] == CODES
    assert board["bottleneck"] == "notice"

    # a second person at the notice desk that day: nobody waits there any more
    movein.save_plan(engine, "supervisor", batch_id, 1, list(DEFAULT_STATIONS), default_zones(CODES),
                     {FRIDAY.isoformat(): {"notice": 2}})
    notice = movein.live_board(engine, batch_id, FRIDAY)["stations"][0]
    assert (notice["staff"], notice["served"], notice["waiting"]) == (2, 2, 0)
    # another day's board is not disturbed by Friday
    saturday = movein.live_board(engine, batch_id, FRIDAY + timedelta(days=1))
    assert (saturday["finished"], saturday["no_shows"], saturday["bottleneck"]) == (0, 0, None)
    assert saturday["planned"] == saturday["not_arrived"] > 5


def test_live_board_names_the_station_where_people_wait(batch):
    engine, batch_id = batch
    saturday = date(2026, 5, 9)
    ids = [r.MoveinAppointment.id for r in day_households(engine, batch_id, saturday)][:10]
    for appt_id in ids:   # ten households finished notice and documents; inspection has 8 escorts
        movein.check_in(engine, "supervisor", batch_id, appt_id, now=T0)
        movein.advance(engine, "supervisor", batch_id, appt_id, "notice", now=T0 + timedelta(minutes=2))
        movein.advance(engine, "supervisor", batch_id, appt_id, "documents", now=T0 + timedelta(minutes=7))
    board = movein.live_board(engine, batch_id, saturday)
    inspection = board["stations"][2]
    assert (inspection["present"], inspection["served"], inspection["waiting"]) == (10, 8, 2)
    assert board["bottleneck"] == "inspection"


def test_actual_vs_plan_has_one_row_per_station(batch):
    engine, batch_id = batch
    empty = movein.actual_vs_plan(engine, batch_id)
    assert empty["station"].tolist() == CODES and (empty["households"] == 0).all()
    assert empty["actual_min"].isna().all()
    a, b, c = [r.MoveinAppointment.id for r in appointments(engine, batch_id)[:3]]
    walk(engine, batch_id, a, minutes=(2, 4, 30, 6, 5, 3))
    walk(engine, batch_id, b, minutes=(2, 6, 50, 6, 5, 3))
    walk(engine, batch_id, c, stations=CODES[:2], minutes=(2, 8))
    table = movein.actual_vs_plan(engine, batch_id).set_index("station")
    assert list(table.index) == CODES
    assert table["households"].tolist() == [3, 3, 2, 2, 2, 2]
    assert table["planned_min"].tolist() == [s.mean_min for s in DEFAULT_STATIONS]
    assert table.loc["documents", "actual_min"] == pytest.approx(6)
    assert table.loc["inspection", "actual_min"] == pytest.approx(40)
    assert table.loc["keys", "actual_min"] == pytest.approx(3)


def test_checklist_items_and_overdue_list(batch):
    engine, batch_id = batch
    items = movein.checklist(engine, batch_id).set_index("code")
    assert items["due"].is_monotonic_increasing          # shown in the order they fall due
    today = FRIDAY - timedelta(days=6)          # a week before: items due 7+ days before are late
    late = movein.overdue_checklist(engine, today)
    expected = sorted(code for code, days in DEFAULT_ITEMS if FRIDAY - timedelta(days=days) < today)
    assert sorted(late["code"]) == expected == ["boards", "documents", "process", "training"]
    assert set(late["name"]) == {"二期第一批"}

    item = items.loc["training"]
    movein.set_checklist_item(engine, "supervisor", int(item["id"]), int(item["version"]), True, "陈培训",
                              item["due"])
    late = movein.overdue_checklist(engine, today)
    assert "training" not in set(late["code"]) and len(late) == 3
    assert movein.checklist(engine, batch_id).set_index("code").loc["training", "owner"] == "陈培训"
    assert audit_rows(engine)[-1].action == "checklist"

    before = movein_counts(engine)
    with pytest.raises(ConflictError):   # another tablet saved the same item meanwhile
        movein.set_checklist_item(engine, "frontdesk", int(item["id"]), int(item["version"]), False, "x", item["due"])
    assert refused(movein.set_checklist_item, engine, "supervisor", int(item["id"]), 2, True, "  ",
                   item["due"]).key == "err.required"
    assert movein_counts(engine) == before
    assert movein.overdue_checklist(engine, today, project_ids=[]).empty
    assert movein.overdue_checklist(engine, FRIDAY - timedelta(days=30)).empty


# --- many tablets at once ------------------------------------------------------------------

WALKERS, CONTENDERS = 20, 8


def test_many_tablets_at_once(batch):
    """20 households moved through the hall at the same time, while 8 tablets tap the same
    household's next station at the same moment: each household's steps complete and in order, the
    contested station counted once, the others told it is done, never a raw database error."""
    engine, batch_id = batch
    ids = [r.MoveinAppointment.id for r in appointments(engine, batch_id)]
    walkers, contested = ids[:WALKERS], ids[WALKERS]
    walk(engine, batch_id, contested, stations=CODES[:2], minutes=(2, 5))
    barrier = threading.Barrier(WALKERS + CONTENDERS)
    errors: list[BaseException] = []
    results: list = []
    lock = threading.Lock()

    def walker(appt_id: int, n: int) -> None:
        try:
            barrier.wait(timeout=30)
            movein.check_in(engine, f"tablet{n}", batch_id, appt_id)
            for code in CODES:
                movein.advance(engine, f"tablet{n}", batch_id, appt_id, code)
        except BaseException as e:   # noqa: BLE001 - the test reports whatever went wrong
            with lock:
                errors.append(e)

    def contender(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = movein.advance(engine, f"escort{n}", batch_id, contested, "inspection")
        except DomainError as e:
            outcome = e
        except BaseException as e:   # noqa: BLE001
            with lock:
                errors.append(e)
            return
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=walker, args=(a, n)) for n, a in enumerate(walkers)]
    threads += [threading.Thread(target=contender, args=(n,)) for n in range(CONTENDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    assert [r for r in results if not isinstance(r, DomainError)] == [3]       # one tablet won
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(losers) == CONTENDERS - 1
    assert {(e.key, e.params.get("station")) for e in losers} == {("err.station_done_twice", "inspection")}

    for appt_id in walkers:
        steps = steps_of(engine, appt_id)
        assert [(s.station, s.seq) for s in steps] == list(zip(CODES, range(1, 7))), appt_id
        assert all(a.finished_at <= b.finished_at for a, b in zip(steps, steps[1:]))
        a = appointment(engine, appt_id)
        assert a.stations_done == 6 and a.finished_at is not None
        assert unit_status(engine, a.unit_id) == "handed_over"
    assert [(s.station, s.seq) for s in steps_of(engine, contested)] == [("notice", 1), ("documents", 2),
                                                                         ("inspection", 3)]
    assert appointment(engine, contested).stations_done == 3
    advances = [r for r in audit_rows(engine) if r.action == "advance"]
    assert len(advances) == WALKERS * 6 + 3                                   # no audit row for a refused tap
    assert movein.live_board(engine, batch_id, FRIDAY)["finished"] + \
        movein.live_board(engine, batch_id, FRIDAY + timedelta(days=1))["finished"] + \
        movein.live_board(engine, batch_id, FRIDAY + timedelta(days=2))["finished"] == WALKERS


# --- the demo batch ------------------------------------------------------------------------

def test_demo_batch(engine, monkeypatch):
    from db import demo_complaints
    from db.demo import BATCH_SIZE, CompanySize, seed_demo
    from db.demo_movein import seed_movein

    # The complaints demo is tested on its own and takes most of seed_demo's time; skip it here.
    monkeypatch.setattr(demo_complaints, "seed_complaints", lambda engine: None)
    assert seed_demo(engine, CompanySize(projects=4, units_per_project=20, batch=True), hash_rounds=FAST)
    now = utcnow()
    today = now.astimezone(CHINA).date()
    batches = movein.list_batches(engine)
    assert len(batches) == 1 and int(batches["households"][0]) == BATCH_SIZE == 799
    batch_id = int(batches["id"][0])
    settings, _, _, _ = movein.load_batch(engine, batch_id)
    assert settings.start == today - timedelta(days=2)
    rows = appointments(engine, batch_id)
    assert len({r.MoveinAppointment.unit_id for r in rows}) == 799
    order = [s.code for s in settings.stations]

    past = [r for r in rows if r.MoveinAppointment.day < today]
    finished = [r for r in past if r.MoveinAppointment.finished_at is not None]
    no_shows = [r for r in past if r.MoveinAppointment.no_show]
    assert len(finished) + len(no_shows) == len(past) > 100          # every past household came or did not
    assert 0 < len(no_shows) < 0.12 * len(past)
    assert all(r.status == "handed_over" and r.MoveinAppointment.stations_done == len(order) for r in finished)
    future = [r for r in rows if r.MoveinAppointment.day > today]
    assert future and all(r.MoveinAppointment.arrived_at is None and r.status == "sold" for r in future)

    with engine.connect() as conn:
        steps = conn.execute(select(MoveinStep.appointment_id, MoveinStep.station, MoveinStep.seq,
                                    MoveinStep.finished_at)
                             .order_by(MoveinStep.appointment_id, MoveinStep.seq)).all()
    assert steps and max(s.finished_at for s in steps) <= now
    by_appt: dict[int, list] = {}
    for s in steps:
        by_appt.setdefault(s.appointment_id, []).append(s)
    arrived = {r.MoveinAppointment.id: r.MoveinAppointment for r in rows}
    for appt_id, mine in by_appt.items():
        a = arrived[appt_id]
        assert [s.station for s in mine] == order[:len(mine)] and [s.seq for s in mine] == list(range(1, len(mine) + 1))
        assert len(mine) == a.stations_done and mine[0].finished_at >= a.arrived_at
        assert all(x.finished_at <= y.finished_at for x, y in zip(mine, mine[1:]))

    board = movein.live_board(engine, batch_id, today)
    assert board["planned"] == sum(1 for r in rows if r.MoveinAppointment.day == today)
    assert set(movein.overdue_checklist(engine, today)["code"]) == {"ambassadors"}
    assert not movein.open_defects(engine, batch_id=batch_id).empty
    assert seed_movein(engine) is None                                   # never a second batch
    assert len(movein.list_batches(engine)) == 1
