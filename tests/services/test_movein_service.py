"""The move-in use cases (services.movein) on SQLite and PostgreSQL: creating a batch from the
sold units, the plan, the live day at the stations, defects, the board, the checklist, many
tablets at once, a double tap, and the demo batch."""
import threading
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import CHINA
from core.errors import ConflictError, DomainError, ValidationError
from core.movein import flow
from core.movein.checklist import DEFAULT_ITEMS
from core.movein.hall import Zone, default_zones
from core.movein.model import DEFAULT_STATIONS, BatchSettings, households_per_day
from core.org.model import UnitStatus
from db.models import AuditLog, Unit, utcnow
from db.movein_models import (MoveinAppointment, MoveinBatch, MoveinChecklistItem, MoveinDefect,
                              MoveinDispute, MoveinStep)
from services import movein, org
from store_helpers import FAST, add_project, audit_rows, count, row

FRIDAY = date(2026, 5, 8)
CODES = [s.code for s in DEFAULT_STATIONS]
SETTINGS = BatchSettings(start=FRIDAY, days=3)
T0 = datetime(2026, 5, 8, 1, 0, tzinfo=timezone.utc)     # 09:00 in Shanghai
SOLD_ROOMS = [f"{b}-{f}{r:02d}" for b in ("3", "5") for f in range(2, 8) for r in (1, 2)]   # 24 households


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (80, 64), (90, 120, 150)).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg()
MOVEIN_TABLES = (MoveinBatch, MoveinAppointment, MoveinStep, MoveinDefect, MoveinDispute, MoveinChecklistItem)
ADMIN = Actor("admin", Role.ADMIN)


def person(username: str, role: Role = Role.SUPERVISOR) -> Actor:
    """Someone on the move-in team (the audit trail names them)."""
    return Actor(username, role)


SUP = person("supervisor")


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
    org.import_units(engine, ADMIN, pid, rows)
    return pid


@pytest.fixture
def batch(engine):
    """A 3-day batch (Friday to Sunday) of 24 sold households, default stations."""
    pid = make_project(engine)
    batch_id = movein.create_batch(engine, SUP, pid, "二期第一批", SETTINGS, owner="林主管")
    return engine, batch_id


def day_households(engine, batch_id, day) -> list:
    return [a for a in appointments(engine, batch_id) if a.MoveinAppointment.day == day]


def walk(engine, batch_id, appt_id, stations=CODES, start=T0, minutes=(2, 5, 40, 6, 5, 3), actor=SUP):
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

    settings, zones, staffing, version = movein.load_batch(engine, SUP, batch_id)
    assert settings.stations == DEFAULT_STATIONS
    assert (settings.start, settings.days, settings.opens, settings.closes) == (FRIDAY, 3, time(9), time(17))
    assert zones == default_zones(CODES) and staffing == {} and version == 1

    items = movein.checklist(engine, SUP, batch_id)
    assert sorted(items["code"]) == sorted(code for code, _ in DEFAULT_ITEMS) and len(items) == 9
    assert set(items["owner"]) == {"林主管"}
    assert all(d < FRIDAY for d in items["due"]) and not items["done"].any()

    listed = movein.list_batches(engine, ADMIN).to_dict("records")
    assert [(b["id"], b["name"], b["start"], b["days"], b["households"]) for b in listed] == [
        (batch_id, "二期第一批", FRIDAY, 3, 24)]
    plan = movein.plan_per_day(engine, SUP, batch_id)            # the plan tab's bookings per day and hour
    assert dict(plan.groupby("day")["households"].sum()) == booked
    assert set(plan["slot_hour"]) <= set(range(9, 9 + slots))
    audit = [r for r in audit_rows(engine) if r.entity == "movein_batch"]
    assert [(r.actor, r.action, r.after) for r in audit] == [("supervisor", "create", {"households": 24, "days": 3})]


def test_refused_batch_writes_nothing_and_buildings_can_be_chosen(engine):
    pid = make_project(engine)
    no_sold = add_project(engine, "P002", "广州·星河苑", "广州")
    org.import_units(engine, ADMIN, no_sold, [row("3-101", "王伟", "13812345678", UnitStatus.OCCUPIED)])
    cases = [
        (no_sold, "第一批", SETTINGS, "err.batch_no_units"),
        (pid, "   ", SETTINGS, "err.required"),
        (pid, "第一批", replace(SETTINGS, days=0), "err.batch_days"),
        (pid, "第一批", replace(SETTINGS, closes=time(8)), "err.opening_hours"),
        (pid, "第一批", replace(SETTINGS, hall_m2=100), "err.hall_too_small"),   # the default zones need 140 m²
    ]
    before = movein_counts(engine)
    for project_id, name, settings, key in cases:
        error = refused(movein.create_batch, engine, SUP, project_id, name, settings)
        assert isinstance(error, ValidationError) and error.key == key
        assert movein_counts(engine) == before, key

    batch_id = movein.create_batch(engine, SUP, pid, "3号楼", SETTINGS, building_names=["3"])
    rooms = [r.room_no for r in appointments(engine, batch_id)]
    assert sorted(rooms) == sorted(r for r in SOLD_ROOMS if r.startswith("3-"))


def test_a_batch_can_start_from_known_day_counts(engine):
    """The days known at creation keep their households, the others share the rest."""
    pid = make_project(engine)
    batch_id = movein.create_batch(engine, SUP, pid, "第一批", SETTINGS, day_counts={1: 10})
    assert [n for _, n in movein.booked_days(engine, SUP, batch_id)] == [7, 10, 7]
    rooms = [r.room_no for r in appointments(engine, batch_id)]
    assert rooms == sorted(rooms)                                   # booked in room order, day by day
    before = movein_counts(engine)
    assert refused(movein.create_batch, engine, SUP, pid, "第二批", SETTINGS, day_counts={0: 30}).key == \
        "err.quota_over_total"
    assert movein_counts(engine) == before


# --- the plan ------------------------------------------------------------------------------

def test_save_plan_stores_stations_zones_and_staffing(batch):
    engine, batch_id = batch
    stations = [replace(s, staff=12) if s.code == "inspection" else s for s in DEFAULT_STATIONS]
    zones = [Zone(z.code, 55 if z.code == "waiting" else z.m2) for z in default_zones(CODES)]     # 147 m²
    staffing = {"2026-05-09": {"inspection": 14, "payment": 3}}
    new_version = movein.save_plan(engine, SUP, batch_id, 1, stations, zones, staffing)
    assert new_version == 2
    settings, saved_zones, saved_staffing, version = movein.load_batch(engine, SUP, batch_id)
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
    before = movein.load_batch(engine, SUP, batch_id), movein_counts(engine)
    for change, key in cases:
        assert refused(movein.save_plan, engine, SUP, batch_id, 1, **{**good, **change}).key == key
        assert (movein.load_batch(engine, SUP, batch_id), movein_counts(engine)) == before, key

    movein.save_plan(engine, person("planner_a"), batch_id, 1, **{**good, "staffing": {"2026-05-08": {"keys": 2}}})
    before = movein.load_batch(engine, SUP, batch_id), movein_counts(engine)
    with pytest.raises(ConflictError):          # planner b still holds version 1
        movein.save_plan(engine, person("planner_b"), batch_id, 1, **{**good, "staffing": {"2026-05-08": {"keys": 5}}})
    assert (movein.load_batch(engine, SUP, batch_id), movein_counts(engine)) == before
    assert before[0][2] == {"2026-05-08": {"keys": 2}}      # the first save stands


# --- the live day --------------------------------------------------------------------------

def test_household_goes_through_every_station_and_gets_its_keys(batch):
    engine, batch_id = batch
    first = day_households(engine, batch_id, FRIDAY)[0]
    appt_id, unit_id = first.MoveinAppointment.id, first.MoveinAppointment.unit_id
    found = movein.find_household(engine, SUP, batch_id, " " + first.room_no.replace("-", "－"))   # typed on a Chinese IME
    assert (found.id, found.unit_id, found.stations_done) == (appt_id, unit_id, 0)
    assert found.owner.startswith("业主")

    movein.check_in(engine, SUP, batch_id, appt_id, now=T0)
    moment = T0
    for i, code in enumerate(CODES, start=1):
        assert unit_status(engine, unit_id) == "sold"
        moment += timedelta(minutes=7)
        assert movein.advance(engine, person("escort1"), batch_id, appt_id, code, now=moment) == i
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
    assert refused(movein.advance, engine, person("escort1"), batch_id, appt_id, "keys").key == "err.household_finished"


def test_skipped_or_repeated_station_is_refused_and_writes_nothing(batch):
    engine, batch_id = batch
    appt_id = appointments(engine, batch_id)[0].MoveinAppointment.id
    movein.check_in(engine, SUP, batch_id, appt_id, now=T0)
    movein.advance(engine, SUP, batch_id, appt_id, "notice", now=T0 + timedelta(minutes=2))
    movein.advance(engine, SUP, batch_id, appt_id, "documents", now=T0 + timedelta(minutes=8))
    before = appointment(engine, appt_id), movein_counts(engine)
    for station, key in [("signing", "err.station_skipped"), ("keys", "err.station_skipped"),
                         ("parking", "err.station_skipped"), ("notice", "err.station_done_twice"),
                         ("documents", "err.station_done_twice")]:
        assert refused(movein.advance, engine, SUP, batch_id, appt_id, station).key == key
        assert (appointment(engine, appt_id), movein_counts(engine)) == before, station
    assert movein.advance(engine, SUP, batch_id, appt_id, "inspection") == 3


def test_household_outside_the_batch_and_a_tap_without_check_in(batch):
    engine, batch_id = batch
    first, second = [r.MoveinAppointment.id for r in appointments(engine, batch_id)[:2]]
    assert refused(movein.advance, engine, SUP, batch_id + 1, first, "notice").key == \
        "err.household_not_in_batch"
    assert refused(movein.check_in, engine, SUP, batch_id + 1, first).key == "err.household_not_in_batch"
    assert refused(movein.find_household, engine, SUP, batch_id, "3-1906").key == "err.household_not_in_batch"
    assert appointment(engine, first).arrived_at is None
    # the first station tapped without a check-in counts as the arrival
    movein.advance(engine, SUP, batch_id, second, "notice", now=T0)
    assert appointment(engine, second).arrived_at == T0


def test_no_show_rules(batch):
    engine, batch_id = batch
    a, b = [r.MoveinAppointment.id for r in appointments(engine, batch_id)[:2]]
    movein.check_in(engine, SUP, batch_id, a, now=T0)
    before = movein_counts(engine)
    assert refused(movein.mark_no_show, engine, SUP, batch_id, a).key == "err.household_started"
    assert refused(movein.check_in, engine, SUP, batch_id, a).key == "err.household_checked_in"
    assert movein_counts(engine) == before and not appointment(engine, a).no_show

    movein.mark_no_show(engine, SUP, batch_id, b)
    assert appointment(engine, b).no_show
    assert refused(movein.check_in, engine, SUP, batch_id, b).key == "err.household_no_show"
    assert refused(movein.advance, engine, SUP, batch_id, b, "notice").key == "err.household_no_show"
    assert steps_of(engine, b) == [] and appointment(engine, b).arrived_at is None
    assert [r.action for r in audit_rows(engine) if r.entity == "movein_appointment"] == ["check_in", "no_show"]


# --- defects and disputes ------------------------------------------------------------------

DEFECT = dict(location="bathroom", kind="waterproofing", severity="major", responsible="developer",
              note="闭水试验渗漏")


def test_defects_are_stored_listed_and_fixed(batch):
    engine, batch_id = batch
    rows = appointments(engine, batch_id)
    unit_a, unit_b = rows[0].MoveinAppointment.unit_id, rows[1].MoveinAppointment.unit_id
    with_photo = movein.log_defect(engine, person("escort1"), batch_id, unit_a, **DEFECT, photo=JPEG)
    without = movein.log_defect(engine, person("escort1"), batch_id, unit_a, location="kitchen", kind="wall",
                                severity="minor", responsible="contractor", note="")
    other = movein.log_defect(engine, person("escort2"), batch_id, unit_b, **DEFECT)
    with engine.connect() as conn:
        stored = conn.execute(select(MoveinDefect).where(MoveinDefect.id == with_photo)).one()
        assert stored.photo == JPEG and stored.created_by == "escort1" and stored.status == "open"
        assert conn.scalar(select(MoveinDefect.photo).where(MoveinDefect.id == without)) is None

    by_unit = movein.open_defects(engine, SUP, unit_id=unit_a)
    assert set(by_unit["id"]) == {with_photo, without}
    assert set(by_unit["room_no"]) == {rows[0].room_no}
    assert set(movein.open_defects(engine, SUP, batch_id=batch_id)["id"]) == {with_photo, without, other}

    version = int(by_unit.set_index("id").loc[with_photo, "version"])
    movein.fix_defect(engine, SUP, with_photo, version, owner_confirmed=True, note="业主电话确认")
    assert set(movein.open_defects(engine, SUP, batch_id=batch_id)["id"]) == {without, other}
    # the unit's history still shows the fixed one, as fixed
    history = movein.open_defects(engine, SUP, unit_id=unit_a).set_index("id")
    assert history.loc[with_photo, "status"] == "fixed" and history.loc[without, "status"] == "open"

    before = movein_counts(engine)
    with pytest.raises(ConflictError):
        movein.fix_defect(engine, SUP, other, 99, owner_confirmed=True)
    assert movein_counts(engine) == before
    assert set(movein.open_defects(engine, SUP, batch_id=batch_id)["id"]) == {without, other}
    actions = [(r.actor, r.action) for r in audit_rows(engine) if r.entity == "movein_defect"]
    assert actions == [("escort1", "defect"), ("escort1", "defect"), ("escort2", "defect"), ("supervisor", "fix")]


def test_bad_defect_or_dispute_is_refused_and_nothing_written(batch):
    engine, batch_id = batch
    unit_id = appointments(engine, batch_id)[0].MoveinAppointment.unit_id
    before = movein_counts(engine)
    for change, key in [
        (dict(severity="critical", note=" "), "err.defect_note"),
        (dict(location="roof"), "err.required"),
        (dict(photo=b"GIF89a" + b"\x00" * 10), "err.upload_type"),
        (dict(photo=b"not a photo"), "err.upload_type"),
        (dict(photo=JPEG[:4] + b"\x00" * (2 * 1024 * 1024)), "err.upload_too_big"),
    ]:
        assert refused(movein.log_defect, engine, person("escort1"), batch_id, unit_id, **{**DEFECT, **change}).key == key
        assert movein_counts(engine) == before, key
    assert refused(movein.log_dispute, engine, SUP, batch_id, unit_id, "  ").key == "err.required"
    assert movein_counts(engine) == before

    dispute_id = movein.log_dispute(engine, SUP, batch_id, unit_id, " 对公摊面积有异议 ")
    with engine.connect() as conn:
        assert conn.scalar(select(MoveinDispute.note).where(MoveinDispute.id == dispute_id)) == "对公摊面积有异议"
    assert [(r.actor, r.action, r.after) for r in audit_rows(engine)][-1] == ("supervisor", "dispute", {"unit": unit_id})


# --- the board and after the day -----------------------------------------------------------

def test_live_board_shows_the_hall_as_it_is(batch):
    engine, batch_id = batch
    friday = [r.MoveinAppointment.id for r in day_households(engine, batch_id, FRIDAY)]
    assert len(friday) == 5
    done_1, done_2, at_notice_1, at_notice_2, no_show = friday
    board = movein.live_board(engine, SUP, batch_id, FRIDAY)
    assert (board["planned"], board["finished"], board["no_shows"], board["not_arrived"]) == (5, 0, 0, 5)
    assert board["bottleneck"] is None and board["mean_flow_min"] is None

    walk(engine, batch_id, done_1, minutes=(5, 5, 40, 5, 5, 0))                # 60 minutes in the hall
    walk(engine, batch_id, done_2, minutes=(5, 5, 60, 5, 5, 10))               # 90 minutes
    movein.check_in(engine, SUP, batch_id, at_notice_1, now=T0)
    movein.check_in(engine, SUP, batch_id, at_notice_2, now=T0)
    movein.mark_no_show(engine, SUP, batch_id, no_show)
    now = T0 + timedelta(minutes=100)
    board = movein.live_board(engine, SUP, batch_id, FRIDAY, now=now)
    assert (board["planned"], board["finished"], board["no_shows"], board["not_arrived"]) == (5, 2, 1, 0)
    assert board["mean_flow_min"] == pytest.approx(75, abs=0.01)
    notice = board["stations"][0]
    assert notice == {"code": "notice", "present": 2, "served": 1, "waiting": 1, "staff": 1,
                      "longest_wait_min": pytest.approx(100)}       # waiting since the check-in at T0
    assert all(s["present"] == 0 and s["longest_wait_min"] == 0 for s in board["stations"][1:])
    assert [s["code"] for s in board["stations"]] == CODES
    assert board["bottleneck"] == "notice"

    # a second person at the notice desk that day: nobody waits there any more, and where nobody
    # waits there is no bottleneck, though two households are being served
    movein.save_plan(engine, SUP, batch_id, 1, list(DEFAULT_STATIONS), default_zones(CODES),
                     {FRIDAY.isoformat(): {"notice": 2}})
    board = movein.live_board(engine, SUP, batch_id, FRIDAY, now=now)
    notice = board["stations"][0]
    assert (notice["staff"], notice["served"], notice["waiting"], notice["longest_wait_min"]) == (2, 2, 0, 0)
    assert board["bottleneck"] is None
    # another day's board is not disturbed by Friday
    saturday = movein.live_board(engine, SUP, batch_id, FRIDAY + timedelta(days=1))
    assert (saturday["finished"], saturday["no_shows"], saturday["bottleneck"]) == (0, 0, None)
    assert saturday["planned"] == saturday["not_arrived"] > 5


def test_live_board_names_the_station_where_people_wait(batch):
    engine, batch_id = batch
    saturday = date(2026, 5, 9)
    ids = [r.MoveinAppointment.id for r in day_households(engine, batch_id, saturday)][:10]
    for appt_id in ids:   # ten households finished notice and documents; inspection has 8 escorts
        movein.check_in(engine, SUP, batch_id, appt_id, now=T0)
        movein.advance(engine, SUP, batch_id, appt_id, "notice", now=T0 + timedelta(minutes=2))
        movein.advance(engine, SUP, batch_id, appt_id, "documents", now=T0 + timedelta(minutes=7))
    board = movein.live_board(engine, SUP, batch_id, saturday, now=T0 + timedelta(minutes=27))
    inspection = board["stations"][2]
    assert (inspection["present"], inspection["served"], inspection["waiting"]) == (10, 8, 2)
    assert inspection["longest_wait_min"] == pytest.approx(20)      # reached it at T0 + 7 minutes
    assert board["bottleneck"] == "inspection"


def test_a_long_wait_outweighs_a_longer_queue(batch):
    """Two households wait three minutes at the notice desk, one has waited twenty for a
    walk-through: the walk-through is the bottleneck (its wait is past the 15-minute target)."""
    engine, batch_id = batch
    saturday = date(2026, 5, 9)
    movein.save_plan(engine, SUP, batch_id, 1, list(DEFAULT_STATIONS), default_zones(CODES),
                     {saturday.isoformat(): {"inspection": 6}})
    ids = [r.MoveinAppointment.id for r in day_households(engine, batch_id, saturday)][:10]
    for appt_id in ids[:7]:
        walk(engine, batch_id, appt_id, stations=CODES[:2], minutes=(2, 5))
    for appt_id in ids[7:]:
        movein.check_in(engine, SUP, batch_id, appt_id, now=T0 + timedelta(minutes=24))
    board = movein.live_board(engine, SUP, batch_id, saturday, now=T0 + timedelta(minutes=27))
    notice, inspection = board["stations"][0], board["stations"][2]
    assert (notice["waiting"], notice["longest_wait_min"]) == (2, pytest.approx(3))
    assert (inspection["waiting"], inspection["longest_wait_min"]) == (1, pytest.approx(20))
    assert board["bottleneck"] == "inspection"
    assert movein.live_board(engine, SUP, batch_id, saturday, now=T0 + timedelta(minutes=20))["bottleneck"] == "notice"


def test_actual_vs_plan_has_one_row_per_station(batch):
    engine, batch_id = batch
    empty = movein.actual_vs_plan(engine, SUP, batch_id)
    assert empty["station"].tolist() == CODES and (empty["households"] == 0).all()
    assert empty["actual_min"].isna().all()
    a, b, c = [r.MoveinAppointment.id for r in appointments(engine, batch_id)[:3]]
    walk(engine, batch_id, a, minutes=(2, 4, 30, 6, 5, 3))
    walk(engine, batch_id, b, minutes=(2, 6, 50, 6, 5, 3))
    walk(engine, batch_id, c, stations=CODES[:2], minutes=(2, 8))
    table = movein.actual_vs_plan(engine, SUP, batch_id).set_index("station")
    assert list(table.index) == CODES
    assert table["households"].tolist() == [3, 3, 2, 2, 2, 2]
    assert table["planned_min"].tolist() == [s.mean_min for s in DEFAULT_STATIONS]
    assert table.loc["documents", "actual_min"] == pytest.approx(6)
    assert table.loc["inspection", "actual_min"] == pytest.approx(40)
    assert table.loc["keys", "actual_min"] == pytest.approx(3)


def test_checklist_items_and_overdue_list(batch):
    engine, batch_id = batch
    items = movein.checklist(engine, SUP, batch_id).set_index("code")
    assert items["due"].is_monotonic_increasing          # shown in the order they fall due
    today = FRIDAY - timedelta(days=6)          # a week before: items due 7+ days before are late
    late = movein.overdue_checklist(engine, ADMIN, today)
    expected = sorted(code for code, days in DEFAULT_ITEMS if FRIDAY - timedelta(days=days) < today)
    assert sorted(late["code"]) == expected == ["boards", "documents", "process", "training"]
    assert set(late["name"]) == {"二期第一批"}

    item = items.loc["training"]
    movein.set_checklist_item(engine, SUP, int(item["id"]), int(item["version"]), True, "陈培训",
                              item["due"])
    late = movein.overdue_checklist(engine, ADMIN, today)
    assert "training" not in set(late["code"]) and len(late) == 3
    assert movein.checklist(engine, SUP, batch_id).set_index("code").loc["training", "owner"] == "陈培训"
    assert audit_rows(engine)[-1].action == "checklist"

    before = movein_counts(engine)
    with pytest.raises(ConflictError):   # another tablet saved the same item meanwhile
        movein.set_checklist_item(engine, person("lin", Role.MANAGER), int(item["id"]), int(item["version"]), False, "x",
                                  item["due"])
    assert refused(movein.set_checklist_item, engine, SUP, int(item["id"]), 2, True, "  ",
                   item["due"]).key == "err.required"
    assert movein_counts(engine) == before
    assert movein.overdue_checklist(engine, ADMIN, today, project_ids=[]).empty
    assert movein.overdue_checklist(engine, ADMIN, FRIDAY - timedelta(days=30)).empty


# --- appointments ----------------------------------------------------------------------------

def grid_of(engine, batch_id) -> dict:
    return {d: dict(slots) for d, slots in movein.day_bookings(engine, SUP, batch_id)}


def test_appointments_per_day_and_slot(batch):
    """The supervisor's counts replace the generated split; households already in the hall or
    absent keep their booking, the others move as few as possible; a stale screen is refused."""
    engine, batch_id = batch
    friday, saturday, sunday = FRIDAY, FRIDAY + timedelta(days=1), FRIDAY + timedelta(days=2)
    before = grid_of(engine, batch_id)
    assert list(before) == [friday, saturday, sunday] and sum(sum(v.values()) for v in before.values()) == 24
    assert movein.booked_days(engine, SUP, batch_id) == [(d, sum(v.values())) for d, v in before.items()]
    started, absent = [r.MoveinAppointment for r in day_households(engine, batch_id, friday)[:2]]
    movein.check_in(engine, SUP, batch_id, started.id, now=T0)
    movein.mark_no_show(engine, SUP, batch_id, absent.id)

    hours = {h: 0 for h in range(9, 16)}
    wanted = {friday.isoformat(): {**hours, started.slot_hour: 1, absent.slot_hour: 1},
              saturday.isoformat(): {**hours, 9: 10, 10: 2}, sunday.isoformat(): {**hours, 14: 10}}
    if started.slot_hour == absent.slot_hour:
        wanted[friday.isoformat()][started.slot_hour] = 2
    version = movein.load_batch(engine, SUP, batch_id).version
    new_version = movein.save_quotas(engine, SUP, batch_id, version, wanted)
    assert new_version == version + 1
    after = grid_of(engine, batch_id)
    assert after == {date.fromisoformat(d): v for d, v in wanted.items()}
    assert (appointment(engine, started.id).day, appointment(engine, absent.id).day) == (friday, friday)
    assert len(appointments(engine, batch_id)) == 24                  # every household still booked once
    assert [(r.action, r.after["per_day"]) for r in audit_rows(engine) if r.action == "rebook"] == [
        ("rebook", {friday.isoformat(): 2, saturday.isoformat(): 12, sunday.isoformat(): 10})]

    counts = movein_counts(engine)
    with pytest.raises(ConflictError):                       # the screen still holds the old version
        movein.save_quotas(engine, SUP, batch_id, version, wanted)
    bad = {**wanted, friday.isoformat(): {**hours}}          # fewer than the two already started, and short of 24
    error = refused(movein.save_quotas, engine, SUP, batch_id, new_version, bad)
    assert [e.key for e in error.errors] == ["err.quota_started"] * (1 if started.slot_hour == absent.slot_hour else 2)
    assert movein_counts(engine) == counts and grid_of(engine, batch_id) == after


def test_a_list_of_households_books_them_where_it_says(batch):
    engine, batch_id = batch
    rows = appointments(engine, batch_id)
    first, second, third = rows[0], rows[1], rows[2]
    movein.check_in(engine, SUP, batch_id, third.MoveinAppointment.id, now=T0)
    version = movein.load_batch(engine, SUP, batch_id).version
    lines = ["房号,日期,时段", f"{first.room_no}, 2026-05-10, 15", f"{second.room_no}\t3\t14:00"]
    assert movein.import_bookings(engine, SUP, batch_id, version, lines) == 2
    assert (appointment(engine, first.MoveinAppointment.id).day, appointment(engine, first.MoveinAppointment.id).slot_hour) \
        == (date(2026, 5, 10), 15)
    assert appointment(engine, second.MoveinAppointment.id).slot_hour == 14
    counts = movein_counts(engine)
    error = refused(movein.import_bookings, engine, SUP, batch_id, version + 1,
                    ["3-1906, 1, 9", f"{third.room_no}, 3, 15", "9-901, 1, 9"])
    assert [(e.key, e.params["row"]) for e in error.errors] == [
        ("err.booking_unknown_room", 1), ("err.booking_started", 2), ("err.booking_unknown_room", 3)]
    assert movein_counts(engine) == counts
    assert refused(movein.import_bookings, engine, SUP, batch_id, version + 1, ["3-1906 1"]).key == "err.booking_line"


def test_the_forecast_and_recommendation_follow_the_appointments(batch):
    """The simulation is fed the booked slots; the recommendation starts from the staffing
    planned for each day and says what it recommends instead."""
    engine, batch_id = batch
    plan = movein.load_batch(engine, SUP, batch_id)
    days = movein.forecast(engine, SUP, batch_id)
    assert [(f.day, f.households) for f in days] == movein.booked_days(engine, SUP, batch_id)
    assert days[0].result.seats == 40
    staffing = {FRIDAY.isoformat(): {"inspection": 3}}
    rec = movein.recommend_staffing(engine, SUP, batch_id, staffing=staffing)
    friday = dict(rec.days)[FRIDAY]
    assert friday.current[2].staff == 3 and friday.holds
    assert [s.code for s in friday.stations] == CODES
    bigger = [replace(s, mean_min=60.0) if s.code == "inspection" else s for s in plan.settings.stations]
    slower = dict(movein.recommend_staffing(engine, SUP, batch_id, stations=bigger).days)[FRIDAY]
    assert slower.stations[2].staff >= friday.stations[2].staff


# --- one submission, one write ---------------------------------------------------------------

def test_a_double_tap_is_written_once(batch):
    """The same tap or form sent twice (one request key, as ui.submit sends it) is answered with
    the first result and writes nothing more; a new key is a new write, refused by the rules."""
    engine, batch_id = batch
    appt = appointments(engine, batch_id)[0].MoveinAppointment
    assert movein.check_in(engine, SUP, batch_id, appt.id, now=T0, request_key="in-1") == appt.id
    assert movein.check_in(engine, SUP, batch_id, appt.id, now=T0, request_key="in-1") == appt.id
    assert movein.advance(engine, SUP, batch_id, appt.id, "notice", request_key="tap-1") == 1
    before = movein_counts(engine)
    assert movein.advance(engine, SUP, batch_id, appt.id, "notice", request_key="tap-1") == 1
    assert movein_counts(engine) == before
    assert [s.station for s in steps_of(engine, appt.id)] == ["notice"]
    assert refused(movein.advance, engine, SUP, batch_id, appt.id, "notice", request_key="tap-2").key == \
        "err.station_done_twice"

    first = movein.log_defect(engine, SUP, batch_id, appt.unit_id, **DEFECT, request_key="defect-1")
    before = movein_counts(engine)
    assert movein.log_defect(engine, SUP, batch_id, appt.unit_id, **DEFECT, request_key="defect-1") == first
    assert movein.log_dispute(engine, SUP, batch_id, appt.unit_id, "面积", request_key="dispute-1") == \
        movein.log_dispute(engine, SUP, batch_id, appt.unit_id, "面积", request_key="dispute-1")
    assert movein_counts(engine)[MoveinDefect.__tablename__] == before[MoveinDefect.__tablename__]
    assert movein_counts(engine)[MoveinDispute.__tablename__] == before[MoveinDispute.__tablename__] + 1

    settings, zones, _, version = movein.load_batch(engine, SUP, batch_id)
    staffing = {"2026-05-09": {"keys": 2}}
    saved = movein.save_plan(engine, SUP, batch_id, version, list(settings.stations), zones, staffing,
                             request_key="plan-1")
    # resent after it was saved: the first answer, not a conflict with its own save
    assert movein.save_plan(engine, SUP, batch_id, version, list(settings.stations), zones, staffing,
                            request_key="plan-1") == saved == version + 1


def test_defects_and_disputes_are_about_households_of_the_batch(batch):
    engine, batch_id = batch
    with engine.connect() as conn:
        occupied = conn.scalar(select(Unit.id).where(Unit.room_no == "3-1906"))
    before = movein_counts(engine)
    assert refused(movein.log_defect, engine, SUP, batch_id, occupied, **DEFECT).key == "err.household_not_in_batch"
    assert refused(movein.log_dispute, engine, SUP, batch_id, occupied, "x").key == "err.household_not_in_batch"
    unit_id = appointments(engine, batch_id)[0].MoveinAppointment.unit_id
    assert refused(movein.log_defect, engine, SUP, batch_id + 1, unit_id, **DEFECT).key == \
        "err.household_not_in_batch"
    assert movein_counts(engine) == before


def test_the_household_card_says_what_comes_next(batch):
    """Where a household stands and what the tablet offers it are core's (flow.stage,
    flow.next_action), not the page's."""
    engine, batch_id = batch
    first, second = appointments(engine, batch_id)[:2]
    room = first.room_no

    def card():
        h = movein.find_household(engine, SUP, batch_id, room)
        return h.stage, h.action, h.next_station, h.arrived

    assert card() == (flow.Stage.EXPECTED, flow.Action.CHECK_IN, "notice", False)
    movein.check_in(engine, SUP, batch_id, first.MoveinAppointment.id, now=T0)
    assert card() == (flow.Stage.IN_HALL, flow.Action.ADVANCE, "notice", True)
    moment = T0
    for code in CODES[:-1]:
        moment += timedelta(minutes=3)
        movein.advance(engine, SUP, batch_id, first.MoveinAppointment.id, code, now=moment)
    assert card() == (flow.Stage.IN_HALL, flow.Action.ADVANCE, "keys", True)
    movein.advance(engine, SUP, batch_id, first.MoveinAppointment.id, "keys", now=moment)
    h = movein.find_household(engine, SUP, batch_id, room)
    assert (h.stage, h.action, h.next_station, h.stations_done, h.station_count) == (
        flow.Stage.HANDED_OVER, flow.Action.NONE, None, 6, 6)
    movein.mark_no_show(engine, SUP, batch_id, second.MoveinAppointment.id)
    h = movein.find_household(engine, SUP, batch_id, second.room_no)
    assert (h.stage, h.action) == (flow.Stage.NO_SHOW, flow.Action.NONE)


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
            movein.check_in(engine, person(f"tablet{n}"), batch_id, appt_id)
            for code in CODES:
                movein.advance(engine, person(f"tablet{n}"), batch_id, appt_id, code)
        except BaseException as e:   # noqa: BLE001 - the test reports whatever went wrong
            with lock:
                errors.append(e)

    def contender(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = movein.advance(engine, person(f"escort{n}"), batch_id, contested, "inspection")
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
    assert movein.live_board(engine, SUP, batch_id, FRIDAY)["finished"] + \
        movein.live_board(engine, SUP, batch_id, FRIDAY + timedelta(days=1))["finished"] + \
        movein.live_board(engine, SUP, batch_id, FRIDAY + timedelta(days=2))["finished"] == WALKERS


# --- the demo batch ------------------------------------------------------------------------

def test_demo_batch(engine, monkeypatch):
    from demo import complaints as demo_complaints
    from demo.company import BATCH_SIZE, CompanySize, seed_demo
    from demo.movein import seed_movein

    # The complaints demo is tested on its own and takes most of seed_demo's time; skip it here.
    monkeypatch.setattr(demo_complaints, "seed_complaints", lambda engine: None)
    assert seed_demo(engine, CompanySize(projects=4, units_per_project=20, batch=True), hash_rounds=FAST)
    now = utcnow()
    today = now.astimezone(CHINA).date()
    batches = movein.list_batches(engine, ADMIN)
    assert len(batches) == 1 and int(batches["households"][0]) == BATCH_SIZE == 799
    batch_id = int(batches["id"][0])
    settings, _, _, _ = movein.load_batch(engine, SUP, batch_id)
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

    # the seed's scenario: 155 on days 2 and 3, the rest shared evenly, every day over its slots
    per_day = movein.booked_days(engine, SUP, batch_id)
    assert [n for _, n in per_day] == [62, 155, 155, 61, 61, 61, 61, 61, 61, 61]
    assert all(max(v.values()) - min(v.values()) <= 1 for _, v in movein.day_bookings(engine, SUP, batch_id))
    board = movein.live_board(engine, SUP, batch_id, today)
    assert board["planned"] == sum(1 for r in rows if r.MoveinAppointment.day == today) == 155
    assert set(movein.overdue_checklist(engine, ADMIN, today)["code"]) == {"ambassadors"}
    assert not movein.open_defects(engine, SUP, batch_id=batch_id).empty
    assert seed_movein(engine) is None                                   # never a second batch
    assert len(movein.list_batches(engine, ADMIN)) == 1
