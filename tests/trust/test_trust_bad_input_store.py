"""Bad input at the store (issue 7, item 5), on SQLite: registering a complaint and recording a
payment with hypothesis-generated form values. A refusal writes nothing at all (every table's
row count unchanged); an accepted entry writes exactly one complaint or one payment."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.auth.roles import Role
from core.clock import local_today
from core.auth.actor import SYSTEM
from core.collections.entries import METHODS, BillEntry
from core.complaints.model import Category, Channel
from core.complaints.workflow import Actor
from core.errors import DomainError
from core.i18n import EN, ZH
from core.org.model import UnitStatus
from core.org.rules import parse_room_no
from services import org
from db.engine import make_engine
from db.migrate import upgrade
from db.models import Base
from services import collections as ledger
from services import complaints
from trust_helpers import PROPERTY, add_project, unit_rows
from trust_inputs import MOMENTS, NASTY, TRIED

DESK = Actor("chen", Role.FRONTDESK)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('bad') / 'app.db'}"
    upgrade(url)
    engine = make_engine(url)
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳", buildings=("3",))
    org.import_units(engine, Actor("admin", Role.ADMIN), pid, unit_rows("3", 3, UnitStatus.OCCUPIED))
    rooms = [r.room_no for r in unit_rows("3", 3)]
    units = {r: org.find_unit(engine, SYSTEM, pid, r) for r in rooms}
    ledger.import_bills(engine, SYSTEM, pid, [BillEntry(r, "2025-01", "property", 20000) for r in rooms])
    ledger.record_payment(engine, DESK, units[rooms[0]], "50.00", date(2025, 2, 1), "cash")
    yield engine, pid, units
    engine.dispose()


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def _changed(before, after) -> dict[str, int]:
    return {t: after[t] - before[t] for t in after if after[t] != before[t]}


def _clear(e: DomainError) -> None:
    assert e.key in ZH and e.key in EN, e.key


@PROPERTY
@given(channel=st.one_of(st.sampled_from([c.value for c in Channel]), NASTY),
       category=st.one_of(st.sampled_from([c.value for c in Category]), NASTY),
       complainant=NASTY, phone=st.one_of(st.none(), st.sampled_from(["13812345678", "0755-12345678"]), NASTY),
       place=NASTY, content=NASTY, subject=NASTY, relayed_by=st.one_of(st.none(), NASTY),
       where=st.sampled_from(["unit", "project", "unknown unit", "unknown project", "nowhere"]),
       received_at=MOMENTS)
def test_register_writes_one_complaint_or_nothing(store, channel, category, complainant, phone, place, content,
                                                  subject, relayed_by, where, received_at):
    engine, pid, units = store
    target = {"unit": {"unit_id": next(iter(units.values()))}, "project": {"project_id": pid},
              "unknown unit": {"unit_id": 987654}, "unknown project": {"project_id": 987654}, "nowhere": {}}[where]
    before = counts(engine)
    TRIED["payloads"] += 1
    try:
        number = complaints.register(engine, DESK, channel=channel, complainant=complainant, phone=phone,
                                     place=place, content=content, category=category, subject=subject,
                                     relayed_by=relayed_by, received_at=received_at, **target)
    except DomainError as e:
        _clear(e)
        assert counts(engine) == before, f"refused ({e.key}) but wrote {_changed(before, counts(engine))}"
        return
    changed = _changed(before, counts(engine))
    assert changed.get("complaints") == 1 and changed.get("audit_log") == 1, changed
    assert set(changed) <= {"complaints", "complaint_events", "audit_log"}
    assert complaints.load(engine, DESK, number).number == number


@PROPERTY
@given(room=st.one_of(st.sampled_from(["3-101", "3-102", "3-103", "３－１０１", "3-999"]), NASTY),
       hold=st.booleans(),
       amount=st.one_of(st.sampled_from(["50.00", "50", "0.01", "10000000.00"]), NASTY),
       paid_on=st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
                         st.just(date(2025, 2, 1))),
       method=st.one_of(st.sampled_from(METHODS), NASTY),
       unit=st.sampled_from(["that room", "another room", "unknown"]))
def test_record_payment_writes_one_payment_or_nothing(store, room, hold, amount, paid_on, method, unit):
    engine, pid, units = store
    before = counts(engine)
    TRIED["payloads"] += 1
    try:
        room_no, _ = parse_room_no(room)        # the unit the desk opened (the units page finds it)
        unit_id = {"that room": units.get(room_no, 987654), "another room": units["3-102"],
                   "unknown": 987654}[unit]
        pays_before = before["payments"]
        ledger.record_payment(engine, DESK, unit_id, amount, paid_on, method, hold_credit=hold, today=local_today())
    except DomainError as e:
        _clear(e)
        assert counts(engine) == before, f"refused ({e.key}) but wrote {_changed(before, counts(engine))}"
        return
    changed = _changed(before, counts(engine))
    if not changed:    # the same payment submitted again: recorded once, nothing new
        return
    assert changed.get("payments") == 1 and changed.get("audit_log") == 1 and pays_before >= 1, changed
    assert set(changed) <= {"payments", "allocations", "audit_log", "receipt_counters"}


@pytest.mark.parametrize("received_at", [datetime(1, 1, 2, tzinfo=timezone.utc), datetime(1, 6, 1, tzinfo=timezone.utc),
                                         datetime(1999, 12, 31, 23, 59, tzinfo=timezone.utc),
                                         datetime(9999, 12, 30, tzinfo=timezone.utc)])
def test_a_received_time_far_in_the_past_or_future_is_refused_and_writes_nothing(store, received_at):
    """Found by the property above: year 1 crashed the repeat look-back (OverflowError) and 1900
    was numbered TS-19000101-0001; now both are refused like a time in the future."""
    engine, pid, units = store
    before = counts(engine)
    with pytest.raises(DomainError) as info:
        complaints.register(engine, DESK, unit_id=next(iter(units.values())), channel="walk_in", complainant="王先生",
                            phone=None, place="", content="漏水", category="repairs", received_at=received_at)
    assert info.value.key in ("err.date_past", "err.future_time")
    assert counts(engine) == before
