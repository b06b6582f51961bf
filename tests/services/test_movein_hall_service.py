"""The handover hall's use cases on SQLite and PostgreSQL: today's list and its search, station mode
(a desk takes the next household, finishes it; two desks at once never take the same one), the
board agreeing with the desks, undo (one's own within minutes, a manager's later with a reason in
the timeline), a no-show who arrives late, a household that comes on another day, and defects
followed up to the owner's confirmation."""
import io
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from store_helpers import add_project, row

from core.auth.actor import Actor
from core.auth.roles import Role
from core.errors import DomainError, PermissionDenied, ValidationError, ValidationErrors
from core.movein.defects import FIX_DAYS
from core.movein.flow import Chip
from core.movein.model import BatchSettings, Station
from db.models import Unit
from db.movein_models import MoveinAppointment, MoveinEvent, MoveinStep
from services import movein, org

SATURDAY = date(2026, 5, 9)
SUNDAY = SATURDAY + timedelta(days=1)
T0 = datetime(2026, 5, 9, 1, 0, tzinfo=UTC)       # 09:00 in Shanghai
STATIONS = (Station("notice", 2.0, 0.5, 1), Station("inspection", 30.0, 8.0, 4), Station("keys", 3.0, 1.0, 1))
CODES = [s.code for s in STATIONS]
ADMIN = Actor("admin", Role.ADMIN)
SUP = Actor("sup", Role.SUPERVISOR)
DESK2 = Actor("sup2", Role.SUPERVISOR)
MANAGER = Actor("manager", Role.MANAGER)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture
def hall(engine):
    """A two-day batch (Saturday and Sunday) of 8 households, three stations."""
    pid = add_project(engine, "P009", "深圳·翠湖园", "深圳")
    org.import_units(engine, ADMIN, pid, [row(f"3-{f}01", f"业主{f}", f"1380000{f:04d}") for f in range(2, 10)])
    batch_id = movein.create_batch(engine, ADMIN, pid, "周末批", BatchSettings(start=SATURDAY, days=2, stations=STATIONS,
                                                                             weekend_factor=1.0))
    with engine.connect() as conn:
        rows = conn.execute(select(MoveinAppointment.id, MoveinAppointment.day).where(MoveinAppointment.batch_id == batch_id)
                            .order_by(MoveinAppointment.id)).all()
    saturday = [r.id for r in rows if r.day == SATURDAY]
    sunday = [r.id for r in rows if r.day == SUNDAY]
    assert len(saturday) == len(sunday) == 4
    return engine, batch_id, saturday, sunday


def board(engine, batch_id, day=SATURDAY, now=None):
    b = movein.live_board(engine, SUP, batch_id, day, now=now)
    return b, {s["code"]: s for s in b["stations"]}


def refused(func, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        func(*args, **kwargs)
    return info.value


# --- today's list ---------------------------------------------------------------------------

def test_todays_list_shows_each_household_with_its_chip(hall):
    engine, batch_id, sat, _ = hall
    movein.check_in(engine, SUP, batch_id, sat[0], now=minutes(0))
    movein.check_in(engine, SUP, batch_id, sat[1], now=minutes(1))
    movein.advance(engine, SUP, batch_id, sat[1], "notice", now=minutes(3))
    movein.mark_no_show(engine, SUP, batch_id, sat[2], now=minutes(5))
    rows = {r.id: r for r in movein.day_list(engine, SUP, batch_id, SATURDAY)}
    assert [rows[i].chip for i in sat] == [Chip.CHECKED_IN, Chip.AT_STATION, Chip.NO_SHOW, Chip.EXPECTED]
    assert rows[sat[1]].station == "inspection" and rows[sat[3]].station == "notice"
    # The supervisor sees owners' phones masked (PIPL); the search still finds by the last digits.
    assert all("****" in r.phone for r in rows.values())
    found = movein.find_in_day(engine, SUP, batch_id, SATURDAY, rows[sat[3]].phone[-4:])
    assert [r.id for r in found] == [sat[3]]
    assert [r.id for r in movein.find_in_day(engine, SUP, batch_id, SATURDAY, rows[sat[0]].owner)] == [sat[0]]


# --- station mode ---------------------------------------------------------------------------

def test_a_desk_takes_the_longest_waiting_first_and_the_board_says_so(hall):
    engine, batch_id, sat, _ = hall
    for n, appt in enumerate(sat[:3]):
        movein.check_in(engine, SUP, batch_id, appt, now=minutes(n))
    queue = movein.station_queue(engine, SUP, batch_id, SATURDAY, "notice", now=minutes(10))
    assert [e.id for e in queue.waiting] == sat[:3] and [e.minutes for e in queue.waiting] == [10, 9, 8]
    assert queue.serving == []

    assert movein.take_next(engine, SUP, batch_id, "notice", SATURDAY, now=minutes(10)) == sat[0]
    queue = movein.station_queue(engine, SUP, batch_id, SATURDAY, "notice", now=minutes(12))
    assert [e.id for e in queue.waiting] == sat[1:3]
    assert [(e.id, e.by, e.minutes) for e in queue.serving] == [(sat[0], "sup", 2)]
    b, at = board(engine, batch_id, now=minutes(12))
    assert (at["notice"]["served"], at["notice"]["waiting"]) == (1, 2)
    assert at["notice"]["longest_wait_min"] == pytest.approx(11)
    assert b["in_hall"] == 3

    assert movein.advance(engine, SUP, batch_id, sat[0], "notice", now=minutes(13)) == 1
    inspection = movein.station_queue(engine, SUP, batch_id, SATURDAY, "inspection", now=minutes(15))
    assert [(e.id, e.minutes) for e in inspection.waiting] == [(sat[0], 2)]
    b, at = board(engine, batch_id, now=minutes(15))
    assert (at["notice"]["served"], at["notice"]["waiting"]) == (0, 2)
    # The day runs on desks now: at the inspection too, nobody is in service until a desk takes them.
    assert (at["inspection"]["served"], at["inspection"]["waiting"]) == (0, 1)
    assert b["bottleneck"] == "notice"
    assert refused(movein.take_next, engine, SUP, batch_id, "keys", SATURDAY).key == "err.queue_empty"
    assert refused(movein.take_next, engine, SUP, batch_id, "roof", SATURDAY).key == "err.station_unknown"


def test_two_desks_tapping_next_at_once_take_different_households(hall):
    engine, batch_id, sat, _ = hall
    for n, appt in enumerate(sat):
        movein.check_in(engine, SUP, batch_id, appt, now=minutes(n))
    desks = [Actor(f"desk{n}", Role.SUPERVISOR) for n in range(6)]
    barrier = threading.Barrier(len(desks))
    taken, errors, lock = [], [], threading.Lock()

    def desk(actor):
        try:
            barrier.wait(timeout=30)
            outcome = movein.take_next(engine, actor, batch_id, "notice", SATURDAY)
        except DomainError as e:
            outcome = e.key
        except BaseException as e:   # noqa: BLE001 - the test reports whatever went wrong
            with lock:
                errors.append(e)
            return
        with lock:
            taken.append(outcome)

    threads = [threading.Thread(target=desk, args=(a,)) for a in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    households = [x for x in taken if isinstance(x, int)]
    assert sorted(households) == sorted(sat)            # four households, each taken once
    assert sorted(x for x in taken if isinstance(x, str)) == ["err.queue_empty"] * 2
    with engine.connect() as conn:
        holders = conn.execute(select(MoveinAppointment.serving_by).where(MoveinAppointment.id.in_(sat))).scalars().all()
        takes = conn.scalar(select(MoveinEvent.id).where(MoveinEvent.kind == "take").order_by(MoveinEvent.id.desc()))
    assert len(set(holders)) == 4 and takes is not None


def test_a_resent_take_is_the_same_take(hall):
    engine, batch_id, sat, _ = hall
    movein.check_in(engine, SUP, batch_id, sat[0], now=minutes(0))
    movein.check_in(engine, SUP, batch_id, sat[1], now=minutes(1))
    first = movein.take_next(engine, SUP, batch_id, "notice", SATURDAY, request_key="tap-1")
    assert movein.take_next(engine, SUP, batch_id, "notice", SATURDAY, request_key="tap-1") == first == sat[0]
    queue = movein.station_queue(engine, SUP, batch_id, SATURDAY, "notice")
    assert [e.id for e in queue.waiting] == [sat[1]] and len(queue.serving) == 1


# --- undo -----------------------------------------------------------------------------------

def test_one_undoes_ones_own_last_tap_within_minutes(hall):
    engine, batch_id, sat, _ = hall
    a = sat[0]
    movein.check_in(engine, SUP, batch_id, a, now=minutes(0))
    movein.take_next(engine, SUP, batch_id, "notice", SATURDAY, now=minutes(1))
    movein.advance(engine, SUP, batch_id, a, "notice", now=minutes(3))
    assert movein.last_tap(engine, SUP, batch_id, now=minutes(4)).kind == "finish"
    assert movein.last_tap(engine, DESK2, batch_id, now=minutes(4)) is None
    # Someone else (without a manager's right) cannot; the same supervisor can, step by step.
    assert refused(movein.undo_last, engine, DESK2, batch_id, a, now=minutes(4)).key == "err.undo_too_late"
    assert movein.undo_last(engine, SUP, batch_id, a, now=minutes(4)) == "finish"
    h = movein.household(engine, SUP, batch_id, a)
    assert (h.stations_done, h.serving_by, h.next_station) == (0, "sup", "notice")
    with engine.connect() as conn:
        assert conn.scalar(select(MoveinStep.id).where(MoveinStep.appointment_id == a)) is None
    assert movein.undo_last(engine, SUP, batch_id, a, now=minutes(5)) == "take"
    assert movein.station_queue(engine, SUP, batch_id, SATURDAY, "notice").waiting[0].id == a
    timeline = movein.timeline(engine, SUP, batch_id, a)
    assert [(e["kind"], e["undone_by"]) for e in timeline] == [("check_in", None), ("take", "sup"), ("finish", "sup")]
    # Past the window: only a manager, with a reason, which the timeline keeps.
    late = minutes(0) + timedelta(minutes=30)
    assert refused(movein.undo_last, engine, SUP, batch_id, a, now=late).key == "err.undo_too_late"
    with pytest.raises(ValidationError) as info:
        movein.undo_last(engine, MANAGER, batch_id, a, now=late)
    assert info.value.key == "err.undo_reason"
    assert movein.undo_last(engine, MANAGER, batch_id, a, reason="签到的是隔壁户", now=late) == "check_in"
    assert movein.household(engine, SUP, batch_id, a).chip is Chip.EXPECTED
    last = movein.timeline(engine, SUP, batch_id, a)[0]
    assert (last["undone_by"], last["undo_reason"]) == ("manager", "签到的是隔壁户")
    assert refused(movein.undo_last, engine, SUP, batch_id, a, now=late).key == "err.nothing_to_undo"


def test_undoing_the_keys_takes_the_handover_back(hall):
    engine, batch_id, sat, _ = hall
    a = sat[0]
    movein.check_in(engine, SUP, batch_id, a, now=minutes(0))
    for n, code in enumerate(CODES, start=1):
        movein.advance(engine, SUP, batch_id, a, code, now=minutes(n * 5))
    h = movein.household(engine, SUP, batch_id, a)
    with engine.connect() as conn:
        assert conn.scalar(select(Unit.status).where(Unit.id == h.unit_id)) == "handed_over"
    assert board(engine, batch_id)[0]["finished"] == 1
    movein.undo_last(engine, SUP, batch_id, a, now=minutes(16))
    with engine.connect() as conn:
        assert conn.scalar(select(Unit.status).where(Unit.id == h.unit_id)) == "sold"
        assert conn.scalar(select(MoveinAppointment.finished_at).where(MoveinAppointment.id == a)) is None
    b, at = board(engine, batch_id)
    assert b["finished"] == 0 and at["keys"]["present"] == 1


# --- no-shows and other days -----------------------------------------------------------------

def test_a_no_show_who_arrives_late_is_checked_in_and_counted(hall):
    engine, batch_id, sat, _ = hall
    a = sat[3]
    movein.mark_no_show(engine, SUP, batch_id, a, now=minutes(60))
    assert board(engine, batch_id)[0]["no_shows"] == 1
    assert refused(movein.check_in, engine, SUP, batch_id, a, now=minutes(90)).key == "err.household_no_show"
    movein.check_in(engine, DESK2, batch_id, a, now=minutes(90), late=True)
    b, at = board(engine, batch_id)
    assert b["no_shows"] == 0 and at["notice"]["present"] == 1
    assert [e["kind"] for e in movein.timeline(engine, SUP, batch_id, a)] == ["no_show", "late_arrival"]
    # Undo of the late arrival puts the no-show back.
    movein.undo_last(engine, DESK2, batch_id, a, now=minutes(91))
    assert movein.household(engine, SUP, batch_id, a).chip is Chip.NO_SHOW


def test_a_household_booked_for_another_day_is_asked_about_and_counts_today(hall):
    engine, batch_id, sat, sun = hall
    early = sun[0]
    e = refused(movein.check_in, engine, SUP, batch_id, early, now=minutes(30), hall_day=SATURDAY)
    assert e.key == "err.household_other_day" and e.params["day"] == SUNDAY.isoformat()
    assert board(engine, batch_id)[0]["planned"] == 4
    movein.check_in(engine, SUP, batch_id, early, now=minutes(31), hall_day=SATURDAY, other_day=True)
    b, at = board(engine, batch_id)
    assert (b["planned"], b["other_day"], at["notice"]["present"]) == (5, 1, 1)
    assert board(engine, batch_id, SUNDAY)[0]["planned"] == 3 and board(engine, batch_id, SUNDAY)[0]["moved_away"] == 1
    saturday = {r.id: r for r in movein.day_list(engine, SUP, batch_id, SATURDAY)}
    sunday = {r.id: r for r in movein.day_list(engine, SUP, batch_id, SUNDAY)}
    assert saturday[early].chip is Chip.CHECKED_IN and saturday[early].booked_day == SUNDAY
    assert sunday[early].chip is Chip.MOVED and sunday[early].day == SATURDAY
    # Undone, it is Sunday's again.
    movein.undo_last(engine, SUP, batch_id, early, now=minutes(32))
    h = movein.household(engine, SUP, batch_id, early)
    assert (h.day, h.booked_day, h.chip) == (SUNDAY, None, Chip.EXPECTED)
    assert board(engine, batch_id)[0]["planned"] == 4
    # Booked for the day the hall runs: no question asked.
    movein.check_in(engine, SUP, batch_id, sat[0], now=minutes(33), hall_day=SATURDAY)


# --- defects -----------------------------------------------------------------------------------

def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (96, 72), (180, 40, 40)).save(out, "PNG")
    return out.getvalue()


def test_defects_are_seen_on_the_card_and_closed_only_with_the_owners_confirmation(hall):
    from core.clock import local_today

    engine, batch_id, sat, _ = hall
    unit_id = movein.household(engine, SUP, batch_id, sat[0]).unit_id
    with pytest.raises(ValidationErrors) as info:
        movein.log_defect(engine, SUP, batch_id, unit_id, location=None, kind="wall", severity=None,
                          responsible=None, note="")
    assert [e.field for e in info.value.errors] == ["location", "severity", "responsible"]
    first = movein.log_defect(engine, SUP, batch_id, unit_id, location="bathroom", kind="waterproofing",
                              severity="critical", responsible="contractor", note="闭水试验渗漏", photo=_photo())
    chosen = local_today() + timedelta(days=10)
    second = movein.log_defect(engine, SUP, batch_id, unit_id, location="bedroom", kind="wall", severity="minor",
                               responsible="developer", note="", due=chosen)
    card = movein.household_defects(engine, SUP, batch_id, unit_id)
    assert [d["id"] for d in card] == [second, first]
    assert card[1]["photo"] == _photo() and card[0]["photo"] is None
    assert card[1]["due"] == local_today() + timedelta(days=FIX_DAYS["critical"]) and card[0]["due"] == chosen
    open_ = movein.open_defects(engine, SUP, batch_id=batch_id)
    assert set(open_["id"]) == {first, second} and "due" in open_.columns
    with pytest.raises(ValidationError) as info:
        movein.fix_defect(engine, SUP, first, card[1]["version"])
    assert info.value.key == "err.defect_owner_confirm"
    movein.fix_defect(engine, SUP, first, card[1]["version"], owner_confirmed=True, note="业主现场确认")
    assert set(movein.open_defects(engine, SUP, batch_id=batch_id)["id"]) == {second}
    with pytest.raises(PermissionDenied):
        movein.fix_defect(engine, Actor("trainer", Role.TRAINER), second, 1, owner_confirmed=True)
