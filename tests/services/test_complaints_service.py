"""The complaint use cases, on SQLite and PostgreSQL: numbers, the version check, the whole method
through services.complaints.act, the timeline and audit trail, repeats, the live board, escalations,
the unit's history, the analysis figures, the demo tickets, many desks writing at once, and a
submission sent twice."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from sqlalchemy import func, select

from core.auth.roles import Role
from core.clock import CHINA
from core.complaints.model import OPEN_STAGES, Callback, Stage
from core.complaints.workflow import Actor
from core.errors import ConflictError, DomainError, NotFound, PermissionDenied, ValidationError, ValidationErrors
from services import org
from services import complaints as svc
from db.models import AuditLog, Building, ComplaintCallbackRow, ComplaintEventRow, ComplaintRow, Unit
from store_helpers import add_project, count, row

DESK = Actor("chen", Role.FRONTDESK)
DESK2 = Actor("li", Role.FRONTDESK)
MANAGER = Actor("zhou", Role.MANAGER)
HANDLER = Actor("wang", Role.SUPERVISOR)
SEES_ALL = Actor("reader", Role.MANAGER)        # reads of every project


def scoped(*project_ids: int) -> Actor:
    return Actor("scoped", Role.MANAGER, tuple(project_ids))
H = timedelta(hours=1)
DB_KINDS = ["sqlite", "postgresql"]   # as the shared fixtures: every test runs on both


def cn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA)


@dataclass
class Site:
    engine: object
    sz: int                    # 深圳·翠湖园, buildings 3 and 5
    gz: int                    # 广州·星河苑, building 3
    units: dict                # (project code, room) -> unit id
    buildings: dict            # (project code, building) -> building id


@pytest.fixture
def site(engine) -> Site:
    return make_site(engine)


@contextmanager
def module_store(request, tmp_path_factory, tag: str):
    """A migrated store shared by the read-only tests of one data set, per database kind
    (the per-test `engine` would build the same data again for every test)."""
    from db.engine import make_engine
    from db.migrate import upgrade

    kind = request.param
    if kind == "sqlite":
        url, server = f"sqlite:///{tmp_path_factory.mktemp(tag) / 'app.db'}", None
    else:
        server = request.getfixturevalue("pg_server")
        name = f"c_{tag}_{os.getpid()}"
        url = server.create_database(name)
    upgrade(url)
    engine = make_engine(url)
    try:
        yield make_site(engine)
    finally:
        engine.dispose()
        if server is not None:
            server.drop_database(name)


def make_site(engine) -> Site:
    sz = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    gz = add_project(engine, "P002", "广州·星河苑", "广州", buildings=("3",))
    org.import_units(engine, Actor("admin", Role.ADMIN), sz, [row("3-1906", "王伟", "13812345678"), row("3-1907", "李娜", "13912345678"),
                                           row("5-101", "张伟", "13700001111")])
    org.import_units(engine, Actor("admin", Role.ADMIN), gz, [row("3-1906", "赵敏", "13600002222")])
    add_staff(engine, sz)
    code = {sz: "P001", gz: "P002"}
    with engine.connect() as conn:
        units = {(code[p], r): i for i, p, r in conn.execute(select(Unit.id, Unit.project_id, Unit.room_no))}
        buildings = {(code[p], n): i for i, p, n in conn.execute(select(Building.id, Building.project_id, Building.name))}
    return Site(engine, sz, gz, units, buildings)


STAFF = {"chen": "陈静", "li": "李强", "zhou": "周敏", "reader": "孙悦"}   # every project
HANDLER_NAME = "王工"                                                        # 深圳·翠湖园 only


def add_staff(engine, project_id: int) -> None:
    """The people a ticket may be given to: a handler is picked from the project's staff."""
    from sqlalchemy import insert
    from db.models import StaffUser, UserProject
    with engine.begin() as conn:
        for user, name in STAFF.items():
            conn.execute(insert(StaffUser).values(username=user, display_name=name, role="frontdesk",
                                                  password_hash="x", all_projects=True))
        uid = conn.execute(insert(StaffUser).values(username=HANDLER.username, display_name=HANDLER_NAME,
                                                    role="supervisor", password_hash="x")).inserted_primary_key[0]
        conn.execute(insert(UserProject).values(user_id=uid, project_id=project_id))


def reg(site: Site, when: datetime, room: str | None = "3-1906", project: str = "P001", actor: Actor = DESK,
        **fields) -> str:
    unit = site.units[(project, room)] if room else None
    args = dict(channel="phone", complainant="王伟", phone="13812345678", place="" if room else "小区花园",
                content="卫生间天花板渗水", category="repairs")
    if not room:
        args["project_id"] = site.sz if project == "P001" else site.gz
    args.update(fields)
    return svc.register(site.engine, actor, now=when, unit_id=unit, **args)


def act(engine, number: str, actor: Actor, action: str, when: datetime, **data):
    """What a page does: load the ticket, then save one step against the version it showed."""
    seen = svc.load(engine, actor, number).version
    return svc.act(engine, actor, number, seen, action, now=when, **data)


def walk(engine, number: str, start: datetime, department="工程部", cause="楼上防水层破损",
         until: Stage = Stage.CALLBACK):
    """The valid path by the receiver, one hour a step, from judging to waiting for the call-back."""
    plan = [("judge_valid", {}), ("investigate", {"cause": cause}),
            ("assign", {"department": department, "handler": HANDLER.username}),
            ("propose", {"options": ["重做防水层", "先临时接水"]}),
            ("agree", {"steps": "重做防水并闭水试验", "agreed_at": start + timedelta(days=2)}),
            ("implement", {"record": "已处理完毕"}), ("feedback", {"confirmed": True})]
    c = svc.load(engine, SEES_ALL, number)
    for i, (action, data) in enumerate(plan, start=1):
        if c.stage == until:
            break
        c = act(engine, number, DESK, action, start + i * H, **data)
    return c


def close_fully(engine, number: str, start: datetime, closed_at: datetime, satisfaction=5,
                root="防水层破损", **walk_kw):
    walk(engine, number, start, **walk_kw)
    act(engine, number, DESK, "record_root_cause", start + 8 * H, root_cause=root, prevention="闭水试验48小时")
    act(engine, number, DESK2, "callback", start + 9 * H, reached=True, satisfaction=satisfaction)
    return act(engine, number, DESK, "close", closed_at)


def complaint_audit(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(AuditLog.actor, AuditLog.action, AuditLog.entity_id)
                            .where(AuditLog.entity == "complaint").order_by(AuditLog.id)).all()


# --- numbers --------------------------------------------------------------------------------

def test_numbers_count_per_china_day(site):
    e = site.engine
    assert reg(site, cn(2025, 3, 3, 9)) == "TS-20250303-0001"
    assert reg(site, cn(2025, 3, 3, 10), room="3-1907") == "TS-20250303-0002"
    assert reg(site, cn(2025, 3, 3, 23, 30), room="5-101") == "TS-20250303-0003"
    # 00:30 on the 4th in Shanghai is still the 3rd in UTC: a new day, a new series
    assert reg(site, cn(2025, 3, 4, 0, 30), room="5-101") == "TS-20250304-0001"
    # a complaint written up late carries the day it was received
    assert reg(site, cn(2025, 3, 4, 9), room="3-1907", received_at=cn(2025, 3, 3, 20)) == "TS-20250303-0004"
    assert count(e, ComplaintRow) == 5


def test_the_number_never_changes(site):
    number = reg(site, cn(2025, 3, 3, 9))
    c = walk(site.engine, number, cn(2025, 3, 3, 9), until=Stage.AGREE)
    assert c.number == svc.load(site.engine, SEES_ALL, number).number == number
    assert len(svc.timeline(site.engine, SEES_ALL, number)) == 5          # register + 4 steps, all under that number


def test_unknown_unit_is_refused_and_nothing_is_written(site):
    with pytest.raises(ValidationError) as info:
        svc.register(site.engine, DESK, now=cn(2025, 3, 3, 9), unit_id=987654, channel="phone",
                       complainant="王伟", phone="13812345678", place="", content="渗水", category="repairs")
    assert info.value.key == "err.unit_unknown"
    assert (count(site.engine, ComplaintRow), count(site.engine, ComplaintEventRow)) == (0, 0)
    assert complaint_audit(site.engine) == []


def test_invalid_input_writes_nothing(site):
    with pytest.raises(ValidationError):
        reg(site, cn(2025, 3, 3, 9), phone="12345")
    assert count(site.engine, ComplaintRow) == 0 and complaint_audit(site.engine) == []
    assert reg(site, cn(2025, 3, 3, 9)) == "TS-20250303-0001"        # the refused one used no number


def test_complaint_without_a_unit_belongs_to_the_chosen_project(site):
    """A complaint about the garden must show on that project's board, not vanish from it."""
    number = reg(site, cn(2025, 3, 3, 9), room=None, project="P002")
    assert svc.ticket(site.engine, SEES_ALL, number).place["project"] == "广州·星河苑"
    assert svc.counts(site.engine, scoped(site.gz), cn(2025, 3, 3, 10))["open"] == 1
    assert svc.counts(site.engine, scoped(site.sz), cn(2025, 3, 3, 10))["open"] == 0


# --- the version check ----------------------------------------------------------------------

def test_second_save_on_a_stale_version_is_refused_and_writes_nothing(site):
    e = site.engine
    number = reg(site, cn(2025, 3, 3, 9))
    seen_by_a, seen_by_b = svc.load(e, SEES_ALL, number), svc.load(e, SEES_ALL, number)
    assert seen_by_a.version == seen_by_b.version == 1
    saved = svc.act(e, DESK, number, seen_by_a.version, "judge_valid", now=cn(2025, 3, 3, 10))
    assert (saved.stage, saved.version) == (Stage.INVESTIGATE, 2)
    with pytest.raises(ConflictError):
        svc.act(e, MANAGER, number, seen_by_b.version, "propose_invalid", now=cn(2025, 3, 3, 10, 5),
                  reason="不属物业范围")
    now = svc.load(e, SEES_ALL, number)
    assert (now.stage, now.valid, now.invalid_reason, now.version) == (Stage.INVESTIGATE, True, "", 2)
    assert svc.timeline(e, SEES_ALL, number)["action"].tolist() == ["register", "judge_valid"]
    assert [(a.actor, a.action) for a in complaint_audit(e)] == [("chen", "register"), ("chen", "judge_valid")]


def test_a_refused_step_leaves_no_trace(site):
    e = site.engine
    number = reg(site, cn(2025, 3, 3, 9))
    with pytest.raises(DomainError) as info:
        svc.act(e, DESK, number, 1, "investigate", now=cn(2025, 3, 3, 10), cause="x")
    assert info.value.key == "err.wrong_stage"
    with pytest.raises(DomainError) as info:
        svc.act(e, DESK2, number, 1, "judge_valid", now=cn(2025, 3, 3, 10))
    assert info.value.key == "err.not_owner"
    assert svc.load(e, SEES_ALL, number).version == 1
    assert len(svc.timeline(e, SEES_ALL, number)) == 1 and len(complaint_audit(e)) == 1


def test_unknown_ticket(site):
    with pytest.raises(DomainError) as info:
        svc.load(site.engine, SEES_ALL, "TS-20250303-9999")
    assert info.value.key == "err.complaint_unknown"


# --- the whole method through the store -----------------------------------------------------

def test_whole_method_through_the_store(site):
    e = site.engine
    t = cn(2025, 3, 3, 9)
    number = reg(site, t, wants=("C", "F"), subject="工程部")
    c = walk(e, number, t)
    assert (c.stage, c.version) == (Stage.CALLBACK, 8)
    c = act(e, number, DESK, "record_root_cause", t + 8 * H, root_cause="防水验收抽检不足", prevention="闭水试验48小时")
    c = act(e, number, DESK2, "callback", t + 9 * H, reached=False, comment="无人接听")
    c = act(e, number, DESK2, "callback", t + 10 * H, reached=True, satisfaction=5, comment="很满意")
    last = act(e, number, DESK, "close", t + 11 * H)
    assert (last.stage, last.closed_at, last.version) == (Stage.CLOSED, t + 11 * H, 12)

    loaded = svc.load(e, SEES_ALL, number)
    assert loaded == last                                  # everything the rules saw was stored and read back
    assert loaded.callbacks == (Callback("li", t + 9 * H, False, None, "无人接听"),
                                Callback("li", t + 10 * H, True, 5, "很满意"))
    assert (loaded.handler, loaded.department, loaded.options) == ("wang", "工程部", ("重做防水层", "先临时接水"))
    assert [w.value for w in loaded.wants] == ["C", "F"] and loaded.agreed_at == t + timedelta(days=2)
    with e.connect() as conn:
        assert conn.scalar(select(ComplaintRow.satisfaction)) == 5
        assert conn.scalar(select(func.count()).select_from(ComplaintCallbackRow)) == 2

    timeline = svc.timeline(e, SEES_ALL, number)
    actions = ["register", "judge_valid", "investigate", "assign", "propose", "agree", "implement",
               "feedback_confirmed", "root_cause", "callback_unreached", "callback_satisfied", "close"]
    assert timeline["action"].tolist() == actions
    assert timeline["at"].tolist() == [t + i * H for i in range(12)]
    assert timeline["stage_to"].tolist()[:8] == ["judge", "investigate", "assign", "propose", "agree", "implement",
                                                 "feedback", "callback"]
    assert timeline["stage_to"].tolist()[-1] == "closed"
    assert timeline.loc[5, "detail"] == {"agreed_steps": "重做防水并闭水试验",
                                         "agreed_at": (t + timedelta(days=2)).isoformat()}
    # every write left an audit row, under the ticket's number, by whoever did it
    audit = complaint_audit(e)
    assert [a.action for a in audit] == ["register", "judge_valid", "investigate", "assign", "propose", "agree",
                                         "implement", "feedback", "record_root_cause", "callback", "callback", "close"]
    assert {a.entity_id for a in audit} == {number}
    assert [a.actor for a in audit if a.action == "callback"] == ["li", "li"]
    # a closed ticket leaves the board
    assert svc.counts(e, SEES_ALL, t + 12 * H)["open"] == 0 and svc.board(e, SEES_ALL, t + 12 * H).empty


def test_unit_history_shows_complaints_and_callbacks_newest_first(site):
    e = site.engine
    first = reg(site, cn(2025, 3, 3, 9))
    close_fully(e, first, cn(2025, 3, 3, 9), cn(2025, 3, 4, 9), satisfaction=4)
    second = reg(site, cn(2025, 3, 10, 9), category="cleaning", content="楼道垃圾两天没人收")
    reg(site, cn(2025, 3, 11, 9), room="3-1907")                     # another unit
    reg(site, cn(2025, 3, 11, 9), room="3-1906", project="P002")    # same room number, other project
    complaints, callbacks = svc.unit_history(e, SEES_ALL, site.units[("P001", "3-1906")])
    assert complaints["number"].tolist() == [second, first]
    assert complaints["stage"].tolist() == ["judge", "closed"]
    assert complaints.loc[1, "agreed_steps"] == "重做防水并闭水试验"       # what the first desk promised
    assert callbacks[["number", "by", "reached", "satisfaction"]].values.tolist() == [[first, "li", True, 4]]


def test_not_valid_with_sign_off_then_reopened_by_the_customer(site):
    e = site.engine
    t = cn(2025, 3, 3, 9)
    number = reg(site, t)
    act(e, number, DESK, "propose_invalid", t + H, reason="商户预付卡不属物业责任")
    with pytest.raises(DomainError) as info:
        act(e, number, DESK, "sign_off_invalid", t + 2 * H, reply="抱歉")
    assert info.value.key == "err.signoff_role"
    # stored: the sign-off rule needs it later
    assert svc.load(e, SEES_ALL, number).invalid_proposed_by == "chen"
    c = act(e, number, MANAGER, "sign_off_invalid", t + 2 * H, reply="已协助您联系消协，感谢理解。")
    assert (c.stage, c.valid, c.signoff_by) == (Stage.FEEDBACK, False, "zhou")
    c = act(e, number, DESK, "feedback", t + 3 * H, confirmed=False, note="客户坚持要求处理")
    loaded = svc.load(e, SEES_ALL, number)
    assert (loaded.stage, loaded.reopened, loaded.valid, loaded.reply) == (Stage.JUDGE, 1, False, "已协助您联系消协，感谢理解。")
    assert svc.timeline(e, SEES_ALL, number)["actor"].tolist() == ["chen", "chen", "zhou", "chen"]


def test_pause_and_resume_through_the_store(site):
    e = site.engine
    number = reg(site, cn(2025, 3, 7, 16))                             # Friday 16:00: judge by Monday 09:00
    assert svc.load(e, SEES_ALL, number).stage_deadline == cn(2025, 3, 10, 9)
    act(e, number, DESK, "pause", cn(2025, 3, 7, 17), reason="customer", note="业主周末不在")
    paused = svc.load(e, SEES_ALL, number)
    assert paused.paused_since == cn(2025, 3, 7, 17) and paused.pause_reason.value == "customer"
    assert svc.counts(e, SEES_ALL, cn(2025, 3, 10, 12))["overdue"] == 0   # a paused clock is never late
    c = act(e, number, DESK, "resume", cn(2025, 3, 10, 8))
    assert c.stage_deadline == cn(2025, 3, 10, 9, 30) == svc.load(e, SEES_ALL, number).stage_deadline
    assert svc.counts(e, SEES_ALL, cn(2025, 3, 10, 12))["overdue"] == 1


# --- repeats --------------------------------------------------------------------------------

def test_repeat_complaints_are_linked_to_the_first_and_go_to_the_manager(site):
    e = site.engine
    first = reg(site, cn(2025, 1, 6, 9))
    second = reg(site, cn(2025, 2, 5, 9))
    third = reg(site, cn(2025, 3, 3, 9))
    got = {n: svc.load(e, SEES_ALL, n) for n in (first, second, third)}
    assert [(c.repeat_of, c.repeat_count, c.escalation.value) for c in got.values()] == [
        (None, 1, "none"), (first, 2, "manager"), (first, 3, "manager")]
    assert svc.timeline(e, SEES_ALL, third)["action"].tolist() == ["register", "repeat"]
    assert svc.timeline(e, SEES_ALL, third).loc[1, "detail"] == {"first": first, "n": 3}


def test_not_repeats(site):
    e = site.engine
    reg(site, cn(2025, 1, 6, 9))
    others = [reg(site, cn(2025, 2, 5, 9), category="cleaning"),        # another matter
              reg(site, cn(2025, 2, 5, 10), room="3-1907"),              # another unit
              reg(site, cn(2025, 2, 5, 11), project="P002"),             # same room number, other project
              reg(site, cn(2025, 4, 7, 9))]                              # 91 days later
    loaded = [svc.load(e, SEES_ALL, n) for n in others]
    assert [(c.repeat_of, c.escalation.value) for c in loaded] == [(None, "none")] * 4


POWER_CUT = "昨晚家里突然停电，电工说明天来"


def test_a_leak_weeks_after_a_power_cut_is_history_only(site):
    """Issue 12: both "repairs" on one unit, two matters: no 第2次, no escalation."""
    e = site.engine
    first = reg(site, cn(2025, 2, 10, 9), content=POWER_CUT)
    leak = reg(site, cn(2025, 3, 3, 9))
    c = svc.load(e, SEES_ALL, leak)
    assert (c.repeat_of, c.repeat_count, c.escalation.value) == (None, 1, "none")
    assert svc.timeline(e, SEES_ALL, leak)["action"].tolist() == ["register"]
    history, _ = svc.unit_history(e, SEES_ALL, site.units[("P001", "3-1906")])
    assert history["number"].tolist() == [leak, first]                 # shown as history


def test_the_form_asks_about_the_units_tickets_of_the_category(site):
    e = site.engine
    cut = reg(site, cn(2025, 2, 10, 9), content=POWER_CUT)
    leak = reg(site, cn(2025, 2, 20, 9))
    reg(site, cn(2025, 2, 21, 9), category="cleaning", content="楼道垃圾两天没人收")
    reg(site, cn(2025, 2, 22, 9), room="3-1907")                       # another unit
    unit = site.units[("P001", "3-1906")]
    found = svc.repeat_candidates(e, DESK, unit, "repairs", content="天花板还在渗水", now=cn(2025, 3, 3, 9))
    assert [(f.number, f.similar, f.stage) for f in found] == [(leak, True, "judge"), (cut, False, "judge")]
    assert found[0].matter == "卫生间天花板渗水" and found[0].received_at == cn(2025, 2, 20, 9)
    assert svc.repeat_candidates(e, DESK, unit, "fees", now=cn(2025, 3, 3, 9)) == []
    assert svc.repeat_candidates(e, DESK, unit, "", now=cn(2025, 3, 3, 9)) == []    # nothing chosen yet
    with pytest.raises(PermissionDenied):
        svc.repeat_candidates(e, Actor("desk-gz", Role.FRONTDESK, (site.gz,)), unit, "repairs")
    with pytest.raises(PermissionDenied):
        svc.repeat_candidates(e, Actor("trainer", Role.TRAINER), unit, "repairs")


def test_the_receivers_answer_decides(site):
    e = site.engine
    cut = reg(site, cn(2025, 2, 10, 9), content=POWER_CUT)
    # "the same problem as the power cut?" yes: linked and escalated, though the words differ
    confirmed = reg(site, cn(2025, 2, 20, 9), content="还是那个老问题，又来了", same_as=cut)
    c = svc.load(e, SEES_ALL, confirmed)
    assert (c.repeat_of, c.repeat_count, c.escalation.value) == (cut, 2, "manager")
    assert svc.timeline(e, SEES_ALL, confirmed).loc[1, "detail"] == {"first": cut, "n": 2, "confirmed": cut}
    # "no, another matter", though the words read alike: history only
    denied = reg(site, cn(2025, 2, 21, 9), content=POWER_CUT, same_as="")
    assert (svc.load(e, SEES_ALL, denied).repeat_of, svc.load(e, SEES_ALL, denied).escalation.value) == (None, "none")
    # a number the form could not have offered is refused, and nothing is written
    before = count(e, ComplaintRow)
    with pytest.raises(ValidationError) as info:
        reg(site, cn(2025, 2, 22, 9), same_as="TS-20250101-0001")
    assert (info.value.key, info.value.field) == ("err.repeat_unknown", "same_as")
    assert count(e, ComplaintRow) == before


# --- the live board -------------------------------------------------------------------------

NOW = cn(2025, 3, 5, 15)   # Wednesday 15:00


@pytest.fixture(scope="module", params=DB_KINDS)
def board_site(request, tmp_path_factory):
    """Open tickets with known clocks at NOW (judging has 2 working hours). Read-only."""
    with module_store(request, tmp_path_factory, "board") as site:
        yield site, make_board(site)


def make_board(site: Site) -> dict:
    e = site.engine
    n = {}
    n["late"] = reg(site, cn(2025, 3, 5, 9))                                   # due 11:00: overdue
    n["repeat"] = reg(site, cn(2025, 3, 5, 12))                                # due 14:00: overdue, repeat
    n["gz"] = reg(site, cn(2025, 3, 5, 13, 30), project="P002")                # due 15:30: at risk
    n["soon"] = reg(site, cn(2025, 3, 5, 14), room="3-1907")                   # due 16:00: at risk
    n["red"] = reg(site, cn(2025, 3, 5, 14, 45), room="5-101", actor=DESK2, category="service",
                   red_lines=("media",))                                       # due 16:45: at risk, red line
    n["paused"] = reg(site, cn(2025, 3, 5, 8), room=None)                      # due 10:00, but paused
    act(e, n["paused"], DESK, "pause", cn(2025, 3, 5, 9), reason="third_party", note="等开发商回复")
    n["cleaning"] = reg(site, cn(2025, 3, 5, 10), room="5-101", category="cleaning", content="楼道垃圾没人收")
    walk(e, n["cleaning"], cn(2025, 3, 5, 10), department="环境部", until=Stage.PROPOSE)   # assigned 13:00
    return n


def test_board_counts(board_site):
    site, n = board_site
    assert svc.counts(site.engine, SEES_ALL, NOW) == {"open": 7, "overdue": 2, "at_risk": 3, "red_line": 1, "repeat": 1}
    assert svc.counts(site.engine, scoped(site.sz), NOW) == {"open": 6, "overdue": 2, "at_risk": 2,
                                                                "red_line": 1, "repeat": 1}


def test_board_puts_overdue_first_and_paused_last_within_a_stage(board_site):
    site, n = board_site
    frame = svc.board(site.engine, SEES_ALL, NOW)
    judge = frame[frame["stage"] == "judge"]["number"].tolist()
    assert judge == [n["late"], n["repeat"], n["gz"], n["soon"], n["red"], n["paused"]]
    assert frame[frame["stage"] == "propose"]["number"].tolist() == [n["cleaning"]]
    first = frame.iloc[0]
    assert first["stage_deadline"] == cn(2025, 3, 5, 11)           # deadlines come back as moments
    assert set(frame["project"].dropna()) == {"深圳·翠湖园", "广州·星河苑"}


def test_board_limits_each_stage(board_site):
    site, n = board_site
    frame = svc.board(site.engine, SEES_ALL, NOW, per_stage=2)
    assert frame["number"].tolist().count(n["cleaning"]) == 1
    assert frame[frame["stage"] == "judge"]["number"].tolist() == [n["late"], n["repeat"]]


def test_board_filters(board_site):
    site, n = board_site
    e = site.engine

    def numbers(project_ids=None, **kw):
        reader = SEES_ALL if project_ids is None else scoped(*project_ids)
        return set(svc.board(e, reader, NOW, **kw)["number"])

    assert numbers(category="cleaning") == {n["cleaning"]}
    assert numbers(handler="wang") == {n["cleaning"]}                # the assigned trade
    assert numbers(handler="li") == {n["red"]}                       # the receiver
    assert numbers(building_id=site.buildings[("P001", "5")]) == {n["red"], n["cleaning"]}
    assert numbers(building_id=site.buildings[("P001", "3")]) == {n["late"], n["repeat"], n["soon"]}
    assert numbers(project_ids=[site.gz]) == {n["gz"]}
    assert numbers(project_ids=[site.sz], category="repairs", handler="chen") == {
        n["late"], n["repeat"], n["soon"], n["paused"]}
    assert svc.board(e, SEES_ALL, NOW, category="greening").empty


def test_escalations_red_line_first(board_site):
    site, n = board_site
    frame = svc.escalations(site.engine, SEES_ALL)
    assert frame[["number", "escalation"]].values.tolist() == [[n["red"], "senior"], [n["repeat"], "manager"]]
    assert frame.loc[0, "red_lines"] == ["media"]
    assert svc.escalations(site.engine, scoped(site.gz)).empty


def test_an_acknowledged_escalation_leaves_the_list(site):
    e = site.engine
    first = reg(site, cn(2025, 3, 5, 9))
    repeat = reg(site, cn(2025, 3, 5, 10))
    red = reg(site, cn(2025, 3, 5, 11), room="3-1907", red_lines=("brand",))
    assert svc.escalations(e, SEES_ALL)["number"].tolist() == [red, repeat]
    with pytest.raises(DomainError) as info:
        act(e, red, DESK, "acknowledge_escalation", NOW)
    assert info.value.key == "err.ack_role"
    act(e, red, MANAGER, "acknowledge_escalation", NOW)
    assert svc.escalations(e, SEES_ALL)["number"].tolist() == [repeat]
    assert svc.counts(e, SEES_ALL, NOW)["red_line"] == 0 and first not in set(svc.escalations(e, SEES_ALL)["number"])
    # a later red line on the same ticket needs a new acknowledgement
    act(e, red, DESK, "flag_red_line", NOW + H, flag="media", note="记者来电")
    assert svc.escalations(e, SEES_ALL)["number"].tolist() == [red, repeat]


# --- analysis -------------------------------------------------------------------------------

SINCE, UNTIL, AT = cn(2025, 1, 1), cn(2025, 3, 1), cn(2025, 3, 1, 12)


@pytest.fixture(scope="module", params=DB_KINDS)
def history(request, tmp_path_factory):
    with module_store(request, tmp_path_factory, "hist") as site:
        make_history(site)
        yield site


def make_history(site: Site) -> None:
    """A small known year so far:
    A repairs 3-1906, received Mon 6 Jan 09:00, closed 8 Jan 09:00 (48 h, on time), satisfaction 5
    B repairs 5-101, received Sat 1 Feb 07:00 China time (31 Jan in UTC), still open, overall due 10 Feb 17:30
      (Spring Festival off until 4 Feb, Saturday 8 Feb a make-up working day): breached
    C cleaning 3-1907, received Mon 10 Feb 10:00, closed 18 Feb 10:00 (192 h, due 17 Feb: breached), satisfaction 4
    D cleaning, no unit, received Fri 28 Feb 10:00, open, due 7 Mar: not breached
    E received 1 Mar 00:30 China time: outside the window."""
    e = site.engine
    a = reg(site, cn(2025, 1, 6, 9))
    close_fully(e, a, cn(2025, 1, 6, 9), cn(2025, 1, 8, 9), satisfaction=5, department="工程部")
    b = reg(site, cn(2025, 2, 1, 7), room="5-101")
    act(e, b, DESK, "record_root_cause", cn(2025, 2, 1, 8), root_cause="防水层破损", prevention="闭水试验")
    c = reg(site, cn(2025, 2, 10, 10), room="3-1907", category="cleaning", content="楼道垃圾两天没人收")
    close_fully(e, c, cn(2025, 2, 10, 10), cn(2025, 2, 18, 10), satisfaction=4, department="环境部",
                root="排班无替岗", cause="保洁员请假无人替岗")
    reg(site, cn(2025, 2, 28, 10), room=None, channel="walk_in", complainant="李娜", phone=None,
        category="cleaning", content="花园落叶无人清扫")
    reg(site, cn(2025, 3, 1, 0, 30), room="3-1907", complainant="赵敏", phone="13600002222")


def figures(frame: pd.DataFrame) -> dict:
    out = {}
    for r in frame.itertuples():
        out[r.key] = (r.received, r.closed, r.breaches, r.called_back,
                      None if pd.isna(r.hours_to_close) else round(r.hours_to_close, 3),
                      None if pd.isna(r.satisfaction) else round(r.satisfaction, 3))
    return out


def test_analysis_by_category(history):
    frame = svc.analysis(history.engine, SEES_ALL, SINCE, UNTIL, by="category", now=AT)
    assert figures(frame) == {"repairs": (2, 1, 1, 1, 48.0, 5.0), "cleaning": (2, 1, 1, 1, 192.0, 4.0)}
    assert frame["received"].dtype == "int64" and frame["hours_to_close"].dtype == "float64"


def test_analysis_by_month_uses_china_time(history):
    frame = svc.analysis(history.engine, SEES_ALL, SINCE, UNTIL, by="month", now=AT)
    assert figures(frame) == {"2025-01": (1, 1, 0, 1, 48.0, 5.0), "2025-02": (3, 1, 2, 1, 192.0, 4.0)}


def test_analysis_by_building(history):
    frame = svc.analysis(history.engine, SEES_ALL, SINCE, UNTIL, by="building", now=AT)
    assert figures(frame) == {"深圳·翠湖园 3": (2, 2, 1, 2, 120.0, 4.5), "深圳·翠湖园 5": (1, 0, 1, 0, None, None),
                              "-": (1, 0, 0, 0, None, None)}


def test_analysis_by_department(history):
    frame = svc.analysis(history.engine, SEES_ALL, SINCE, UNTIL, by="department", now=AT)
    assert figures(frame) == {"工程部": (1, 1, 0, 1, 48.0, 5.0), "环境部": (1, 1, 1, 1, 192.0, 4.0),
                              "": (2, 0, 1, 0, None, None)}


def test_analysis_breaches_depend_on_now(history):
    before_b_was_due = cn(2025, 2, 7, 12)
    frame = svc.analysis(history.engine, SEES_ALL, SINCE, UNTIL, by="month", now=before_b_was_due)
    assert figures(frame)["2025-02"][2] == 1                         # only C, closed late


def test_the_breach_rate_follows_the_working_calendar(history):
    """B's five working days start after Spring Festival: on the office week alone it would have
    been late from 7 February; it is not, until the evening of 10 February."""
    by_month = lambda now: figures(svc.analysis(history.engine, SEES_ALL, SINCE, UNTIL, by="month", now=now))
    assert by_month(cn(2025, 2, 10, 12))["2025-02"][2] == 1          # only C
    assert by_month(cn(2025, 2, 10, 18))["2025-02"][2] == 2          # C and B


def test_analysis_scoped_to_projects(history):
    frame = svc.analysis(history.engine, scoped(history.gz), SINCE, UNTIL, now=AT)
    assert frame.empty and list(frame.columns)[:2] == ["key", "received"]


def test_frequent_complainants(history):
    frame = svc.frequent_complainants(history.engine, SEES_ALL, SINCE)
    assert frame[["complainant", "phone", "complaints"]].values.tolist() == [["王伟", "13812345678", 3]]
    assert frame.loc[0, "last"] == cn(2025, 2, 10, 10)
    assert svc.frequent_complainants(history.engine, SEES_ALL, cn(2025, 1, 7)).empty     # only two since then
    everyone = svc.frequent_complainants(history.engine, SEES_ALL, SINCE, at_least=1)
    assert dict(zip(everyone["complainant"], everyone["complaints"])) == {"王伟": 3, "李娜": 1, "赵敏": 1}


def test_recurring_root_causes(history):
    frame = svc.root_causes(history.engine, SEES_ALL, SINCE)
    assert frame.values.tolist() == [["repairs", "防水层破损", 2], ["cleaning", "排班无替岗", 1]]
    assert sorted(svc.root_causes(history.engine, SEES_ALL, cn(2025, 1, 7)).values.tolist()) == [
        ["cleaning", "排班无替岗", 1], ["repairs", "防水层破损", 1]]             # A is older


# --- demo tickets ---------------------------------------------------------------------------

DEMO_NOW = datetime(2025, 6, 2, 4, 0, tzinfo=timezone.utc)   # Monday noon in Shanghai


def test_demo_complaints_cover_every_stage_and_keep_time(engine):
    from demo.company import CompanySize, generate_company
    from demo.complaints import seed_complaints

    generate_company(engine, CompanySize(projects=3, units_per_project=40, batch=False))
    made = seed_complaints(engine, now=DEMO_NOW)
    with engine.connect() as conn:
        tickets = pd.DataFrame(conn.execute(select(ComplaintRow.id, ComplaintRow.number, ComplaintRow.stage,
                                                   ComplaintRow.received_at, ComplaintRow.closed_at,
                                                   ComplaintRow.satisfaction, ComplaintRow.root_cause,
                                                   ComplaintRow.unit_id, ComplaintRow.category,
                                                   ComplaintRow.repeat_of)).mappings().all())
        events = pd.DataFrame(conn.execute(select(ComplaintEventRow.complaint_id, ComplaintEventRow.id,
                                                  ComplaintEventRow.at, ComplaintEventRow.action,
                                                  ComplaintEventRow.stage_to)
                                           .order_by(ComplaintEventRow.id)).mappings().all())
    assert made == len(tickets) > 300
    assert {s.value for s in OPEN_STAGES} | {"closed"} <= set(tickets["stage"])
    assert (tickets["stage"] == "closed").sum() > len(tickets) / 2
    # numbers carry the China date of receipt
    days = tickets["received_at"].map(lambda t: t.astimezone(CHINA).strftime("%Y%m%d"))
    assert (tickets["number"].str[3:11] == days).all()
    # events: nothing in the future, each ticket's in time order, starting with the registration
    assert events["at"].max() <= DEMO_NOW
    by_ticket = tickets.set_index("id")
    for cid, ev in events.groupby("complaint_id"):
        assert ev["at"].is_monotonic_increasing, by_ticket.loc[cid, "number"]
        assert ev["action"].iloc[0] == "register" and ev["at"].iloc[0] == by_ticket.loc[cid, "received_at"]
        moved = ev["stage_to"].dropna()
        assert moved.iloc[-1] == by_ticket.loc[cid, "stage"], by_ticket.loc[cid, "number"]
    closed = tickets[tickets["stage"] == "closed"]
    assert (closed["closed_at"] <= DEMO_NOW).all() and (closed["satisfaction"] >= 3).all()
    assert (closed["root_cause"] != "").all()
    # repeats point at an earlier complaint on the same unit and matter
    first = tickets.set_index("number")
    repeats = tickets[tickets["repeat_of"].notna()]
    assert len(repeats) > 0
    for r in repeats.itertuples():
        origin = first.loc[r.repeat_of]
        assert (origin.unit_id, origin.category) == (r.unit_id, r.category) and origin.received_at < r.received_at
    # a second run adds nothing; the desk goes on numbering after the demo tickets
    assert seed_complaints(engine, now=DEMO_NOW) == 0
    unit = int(tickets["unit_id"].iloc[0])
    number = svc.register(engine, DESK, now=DEMO_NOW, unit_id=unit, channel="walk_in", complainant="王伟",
                            phone=None, place="", content="门禁卡失灵", category="security")
    assert number.startswith("TS-20250602-") and count(engine, ComplaintRow) == made + 1


# --- many desks at once ---------------------------------------------------------------------

def run_threads(n: int, work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def target(i):
        try:
            barrier.wait(timeout=30)
            work(i)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return errors


def test_ten_desks_registering_at_once_get_distinct_numbers(site):
    numbers: list[str] = []
    lock = threading.Lock()
    when = cn(2025, 3, 3, 9)

    def work(i):
        for k in range(5):
            number = reg(site, when + timedelta(seconds=k), actor=Actor(f"desk{i}", Role.FRONTDESK),
                         content=f"第{i}号台第{k}单")
            with lock:
                numbers.append(number)

    assert run_threads(10, work) == []
    assert sorted(numbers) == [f"TS-20250303-{i:04d}" for i in range(1, 51)]
    assert count(site.engine, ComplaintRow) == 50 and len(complaint_audit(site.engine)) == 50


def test_eight_users_saving_the_same_version_one_wins(site):
    e = site.engine
    number = reg(site, cn(2025, 3, 3, 9))
    results: list[str] = []
    lock = threading.Lock()
    actors = [DESK, MANAGER, Actor("admin", Role.ADMIN)] + [Actor(f"mgr{i}", Role.MANAGER) for i in range(5)]

    def work(i):
        try:
            svc.act(e, actors[i], number, 1, "judge_valid", now=cn(2025, 3, 3, 10))
            outcome = "saved"
        except ConflictError:
            outcome = "conflict"
        with lock:
            results.append(outcome)

    assert run_threads(8, work) == []
    assert sorted(results) == ["conflict"] * 7 + ["saved"]
    assert svc.load(e, SEES_ALL, number).version == 2
    assert svc.timeline(e, SEES_ALL, number)["action"].tolist() == ["register", "judge_valid"]
    assert [a.action for a in complaint_audit(e)] == ["register", "judge_valid"]


# --- one submission, one write --------------------------------------------------------------

def test_the_same_registration_sent_twice_is_one_ticket(site):
    """A double tap or a resent form carries the same request key: the first number comes back."""
    when = cn(2025, 3, 3, 9)
    first = reg(site, when, request_key="form-1")
    assert reg(site, when + H, request_key="form-1") == first
    assert count(site.engine, ComplaintRow) == 1 and len(complaint_audit(site.engine)) == 1
    second = reg(site, when + H, request_key="form-2")             # another form: another ticket
    assert second != first and svc.load(site.engine, SEES_ALL, second).repeat_of == first


def test_the_same_step_sent_twice_is_one_step(site):
    e = site.engine
    number = reg(site, cn(2025, 3, 3, 9))
    once = svc.act(e, DESK, number, 1, "judge_valid", now=cn(2025, 3, 3, 10), request_key="step-1")
    again = svc.act(e, DESK, number, 1, "judge_valid", now=cn(2025, 3, 3, 10, 1), request_key="step-1")
    assert once == again and again.version == 2                     # no conflict: the first answer
    assert svc.timeline(e, SEES_ALL, number)["action"].tolist() == ["register", "judge_valid"]
    assert [a.action for a in complaint_audit(e)] == ["register", "judge_valid"]


def test_every_wrong_field_of_the_form_is_named_at_once(site):
    with pytest.raises(ValidationErrors) as info:
        reg(site, cn(2025, 3, 3, 9), complainant=" ", phone="12345", content="")
    assert [(e.key, e.field) for e in info.value.errors] == [
        ("err.required", "complainant"), ("err.phone_format", "phone"), ("err.required", "content")]
    assert count(site.engine, ComplaintRow) == 0 and complaint_audit(site.engine) == []


# --- project scope ----------------------------------------------------------------------------

def test_a_desk_registers_only_in_its_own_projects(site):
    gz_desk = Actor("gzdesk", Role.FRONTDESK, (site.gz,))
    when = cn(2025, 3, 3, 9)
    for where in ({"room": "3-1906"}, {"room": None}):               # a unit of P001, or P001 itself
        with pytest.raises(PermissionDenied) as info:
            reg(site, when, actor=gz_desk, project="P001", **where)
        assert info.value.key == "err.other_project"
    assert count(site.engine, ComplaintRow) == 0 and complaint_audit(site.engine) == []
    assert reg(site, when, actor=gz_desk, project="P002") == "TS-20250303-0001"


def test_a_ticket_of_another_project_is_unknown_to_a_scoped_actor(site):
    e = site.engine
    number = reg(site, cn(2025, 3, 3, 9))                             # P001
    gz_desk = Actor("gzdesk", Role.FRONTDESK, (site.gz,))
    for read in (svc.ticket, svc.load, svc.timeline):
        with pytest.raises(NotFound) as info:
            read(e, gz_desk, number)
        assert info.value.key == "err.complaint_unknown"
    with pytest.raises(PermissionDenied) as info:
        svc.act(e, gz_desk, number, 1, "flag_red_line", now=cn(2025, 3, 3, 10), flag="media", note="记者来电")
    assert info.value.key == "err.other_project"
    assert svc.load(e, SEES_ALL, number).version == 1
    history, callbacks = svc.unit_history(e, gz_desk, site.units[("P001", "3-1906")])
    assert history.empty and callbacks.empty
    assert svc.unit_history(e, DESK, site.units[("P001", "3-1906")])[0]["number"].tolist() == [number]


def test_find_unit_for_a_new_complaint(site):
    e = site.engine
    assert svc.find_unit(e, DESK, site.sz, "3-1906") == site.units[("P001", "3-1906")]
    assert svc.find_unit(e, DESK, site.gz, "3-1906") == site.units[("P002", "3-1906")]
    with pytest.raises(ValidationError) as info:
        svc.find_unit(e, DESK, site.sz, "9-9901")
    assert info.value.key == "err.unit_unknown"
    with pytest.raises(PermissionDenied):
        svc.find_unit(e, Actor("gzdesk", Role.FRONTDESK, (site.gz,)), site.sz, "3-1906")


def test_the_live_board_shows_escalations_only_to_who_acknowledges_them(board_site):
    site, n = board_site
    e = site.engine
    boss = svc.live_board(e, SEES_ALL, now=NOW)
    assert boss.now == NOW and boss.counts == svc.counts(e, SEES_ALL, NOW)
    assert boss.escalations["number"].tolist() == [n["red"], n["repeat"]]
    desk = svc.live_board(e, Actor("desk", Role.FRONTDESK), now=NOW)
    assert desk.escalations.empty and desk.tickets["number"].tolist() == boss.tickets["number"].tolist()
