"""The case library in the store, on SQLite and PostgreSQL (DESIGN §4): seeding, Chinese search with
title hits first, filters, drafts, editing with the version check and the audit trail, a closed
complaint turned into an anonymised draft (also over every demo complaint), training sessions,
attendance and the printable handout."""
from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from core.auth.roles import Role
from core.cases.content import SEED_CASES
from core.cases.handout import render_handout
from core.cases.model import CaseDraft
from core.clock import CHINA
from core.complaints.workflow import Actor
from core.errors import ConflictError, DomainError, NotFound, ValidationError
from db import cases as lib
from db import complaints as store
from db import org, users
from db.case_models import CaseRow, SessionAttendee, SessionCase, TrainingSession
from db.models import AuditLog, ComplaintRow, Owner, StaffUser, Unit
from integration_helpers import FAST, add_project, count, row

DB_KINDS = ["sqlite", "postgresql"]   # as the shared fixtures: every test runs on both
SEED = {c["slug"]: c for c in SEED_CASES}
ALL = 1000                            # a page size that shows every case
LABELS = {"questions": "讨论题", "lesson": "启示", "outcome": "结果"}
H = timedelta(hours=1)


def draft(title: str, story: str = "业主反映楼道灯不亮。", status: str = "published", **kw) -> CaseDraft:
    kw.setdefault("kind", "exercise")
    kw.setdefault("lesson", "报修要当天回复。")
    kw.setdefault("questions", ("你会怎样回复业主？",))
    kw.setdefault("topics", ("repairs",))
    return CaseDraft(title=title, story=story, status=status, **kw)


def found(engine, query: str = "", **kw) -> list[int]:
    return lib.search(engine, query, limit=ALL, **kw)["id"].tolist()


def case_audit(engine, entity: str = "case") -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AuditLog.actor, AuditLog.action, AuditLog.entity_id)
                                               .where(AuditLog.entity == entity).order_by(AuditLog.id))]


# --- a seeded library, shared by the read-only tests of one database kind ------------------------

class Library:
    def __init__(self, engine):
        self.engine = engine
        with engine.connect() as conn:
            self.ids = dict(conn.execute(select(CaseRow.slug, CaseRow.id).where(CaseRow.slug.is_not(None))).all())
        # Two cases of our own for the ranking: the body-only hit is saved first (the lower id),
        # so only the ranking can put the title hit above it.
        self.body_hit = lib.save(engine, "trainer", draft("夜班交接漏了一张单", story="业主家的琉璃瓦被风吹落，无人跟进。"))
        self.title_hit = lib.save(engine, "trainer", draft("琉璃瓦屋面渗水", story="雨后顶楼渗水，维修工当天上门。"))
        self.draft = lib.save(engine, "trainer", draft("电梯困人演练（草稿）", story="演练脚本待补。", status="draft"))
        self.underscore = lib.save(engine, "trainer", draft("门禁卡编号A_17失效", story="业主的门禁卡刷不开单元门。"))
        self.total = count(engine, CaseRow)

    def texts(self) -> dict[int, str]:
        """What search looks in, per published case."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(CaseRow.id, CaseRow.title, CaseRow.story, CaseRow.outcome, CaseRow.lesson,
                                       CaseRow.title_en).where(CaseRow.status == "published")).all()
        return {r[0]: " ".join(x or "" for x in r[1:]) for r in rows}


@pytest.fixture(scope="module", params=DB_KINDS)
def library(request, tmp_path_factory):
    from db.engine import make_engine
    from db.migrate import upgrade

    if request.param == "sqlite":
        url, server = f"sqlite:///{tmp_path_factory.mktemp('cases') / 'app.db'}", None
    else:
        server = request.getfixturevalue("pg_server")
        name = f"cases_lib_{os.getpid()}"
        url = server.create_database(name)
    upgrade(url)
    engine = make_engine(url)
    try:
        assert lib.seed_library(engine) == len(SEED_CASES)
        yield Library(engine)
    finally:
        engine.dispose()
        if server is not None:
            server.drop_database(name)


def test_seed_library_loads_every_case_published_and_is_idempotent(library):
    e = library.engine
    assert set(library.ids) == set(SEED)
    before = (count(e, CaseRow), count(e, AuditLog))
    assert lib.seed_library(e) == 0
    assert (count(e, CaseRow), count(e, AuditLog)) == before
    assert case_audit(e, "cases") == [("demo", "seed", None)]           # the one load left its audit row
    c = lib.get(e, library.ids["power-cut-front-back-office"])
    seed = SEED["power-cut-front-back-office"]
    assert (c["title"], c["story"], c["status"]) == (seed["title"], seed["story"], "published")
    assert c["questions"] == seed["questions"] and c["topics"] == tuple(seed["topics"])
    assert c["method_steps"] == tuple(seed["method_steps"])


def test_power_cut_query_finds_the_power_cut_case_first(library):
    frame = lib.search(library.engine, "停电")
    assert frame["id"].iloc[0] == library.ids["power-cut-front-back-office"]
    assert frame["title"].iloc[0] == SEED["power-cut-front-back-office"]["title"]
    # another case that tells of a power cut in its story is found too, below it
    assert library.ids["three-options-not-one"] in frame["id"].tolist()[1:]


def test_invoice_query_finds_the_invoices_case_first(library):
    ids = found(library.engine, "发票")
    assert ids[0] == library.ids["invoices-40-bags"]
    assert library.ids["fee-counter-details"] in ids[1:]


def test_every_term_of_a_query_must_appear(library):
    e = library.engine
    power_cut, hotel = library.ids["power-cut-front-back-office"], library.ids["hotel-remembers-names"]
    alone_a, alone_b = set(found(e, "停电")), set(found(e, "前台"))
    assert hotel in alone_b and hotel not in alone_a
    assert set(found(e, "停电 前台")) == {power_cut} == alone_a & alone_b
    assert set(found(e, "停电　前台")) == {power_cut}        # a full-width space separates terms too
    assert found(e, "停电 琉璃瓦") == []


def test_a_title_hit_ranks_above_a_body_only_hit(library):
    frame = lib.search(library.engine, "琉璃瓦")
    assert frame["id"].tolist() == [library.title_hit, library.body_hit]
    assert frame["score"].iloc[0] > frame["score"].iloc[1]


def test_filters_narrow_by_kind_topic_and_method_step(library):
    e = library.engine
    for kind in ("praise", "complaint", "exercise"):
        expected = {library.ids[c["slug"]] for c in SEED_CASES if c["kind"] == kind}
        if kind == "exercise":
            expected |= {library.body_hit, library.title_hit, library.underscore}
        assert set(found(e, kind=kind)) == expected, kind
    for topic in ("fees", "move_in", "service_mindset"):
        assert set(found(e, topic=topic)) == {library.ids[c["slug"]] for c in SEED_CASES if topic in c["topics"]}
    for step in ("callback", "judge", "register"):
        assert set(found(e, step=step)) == {library.ids[c["slug"]] for c in SEED_CASES if step in c["method_steps"]}
    # filters combine with each other and with the query
    both = set(found(e, topic="complaints", step="prevent"))
    assert both == {library.ids[c["slug"]] for c in SEED_CASES
                    if "complaints" in c["topics"] and "prevent" in c["method_steps"]}
    assert library.ids["power-cut-front-back-office"] in both
    assert found(e, "停电", kind="praise") == []
    assert found(e, "停电", kind="complaint") == [library.ids["power-cut-front-back-office"]]
    # a topic is matched whole: "complaints" is not found by a part of it
    assert found(e, topic="complaint") == []


def test_unpublished_cases_are_hidden_unless_the_reader_sees_drafts(library):
    e = library.engine
    assert found(e, "困人演练") == []
    assert library.draft not in found(e)
    assert found(e, "困人演练", see_drafts=True) == [library.draft]
    assert library.draft in found(e, see_drafts=True)
    with pytest.raises(NotFound):
        lib.get(e, library.draft)
    assert lib.get(e, library.draft, see_drafts=True)["status"] == "draft"
    assert len(found(e)) == library.total - 1


def test_like_wildcards_in_a_query_are_plain_characters(library):
    e = library.engine
    texts = library.texts()
    with_percent = {i for i, t in texts.items() if "%" in t}
    assert 0 < len(with_percent) < len(texts)
    assert set(found(e, "%")) == with_percent
    assert found(e, "_") == [library.underscore]
    assert found(e, "A_17") == [library.underscore]
    assert found(e, "A%17") == []
    assert found(e, "\\") == []


def test_search_pages_through_the_results(library):
    e = library.engine
    every = found(e)
    first = lib.search(e, limit=5)["id"].tolist()
    second = lib.search(e, limit=5, offset=5)["id"].tolist()
    assert first + second == every[:10]
    assert len(lib.search(e)) == min(lib.PAGE_SIZE, len(every))


# --- editing ------------------------------------------------------------------------------------

def test_save_creates_and_edits_a_case_and_audits_each_write(engine):
    case_id = lib.save(engine, "trainer", draft("停电后无人回电", status="draft", questions=("谁该回电？",)))
    c = lib.get(engine, case_id, see_drafts=True)
    assert (c["title"], c["status"], c["version"], c["questions"]) == ("停电后无人回电", "draft", 1, ["谁该回电？"])
    assert found(engine, "无人回电") == []

    edited = draft("停电后，第二次来电无人知情", story="业主第二次来电，接班前台不知前情。", status="published",
                   kind="complaint", topics=("complaints", "communication"), method_steps=("register", "feedback"),
                   questions=("交接班该记什么？", "谁该回电？"))
    assert lib.save(engine, "supervisor", edited, case_id=case_id, expected_version=1) == case_id
    c = lib.get(engine, case_id)
    assert (c["title"], c["story"], c["kind"], c["status"], c["version"]) == (
        "停电后，第二次来电无人知情", "业主第二次来电，接班前台不知前情。", "complaint", "published", 2)
    assert c["questions"] == ["交接班该记什么？", "谁该回电？"]
    assert (c["topics"], c["method_steps"]) == (("complaints", "communication"), ("register", "feedback"))
    assert found(engine, "无人知情") == [case_id]
    assert case_audit(engine) == [("trainer", "create", str(case_id)), ("supervisor", "edit", str(case_id))]
    with engine.connect() as conn:
        before, after = conn.execute(select(AuditLog.before, AuditLog.after).where(AuditLog.action == "edit")).one()
    assert before == {"title": "停电后无人回电", "status": "draft"}
    assert after == {"title": "停电后，第二次来电无人知情", "status": "published"}


def test_a_stale_version_is_refused_and_changes_nothing(engine):
    case_id = lib.save(engine, "trainer", draft("楼道灯不亮"))
    seen_by_a = lib.get(engine, case_id)["version"]
    seen_by_b = lib.get(engine, case_id)["version"]
    lib.save(engine, "trainer", draft("楼道灯三天不亮"), case_id=case_id, expected_version=seen_by_a)
    with pytest.raises(ConflictError):
        lib.save(engine, "supervisor", draft("楼道灯不亮（改）", status="draft"), case_id=case_id,
                 expected_version=seen_by_b)
    c = lib.get(engine, case_id)
    assert (c["title"], c["status"], c["version"]) == ("楼道灯三天不亮", "published", 2)
    assert case_audit(engine) == [("trainer", "create", str(case_id)), ("trainer", "edit", str(case_id))]


def test_invalid_or_unknown_cases_are_refused_and_write_nothing(engine):
    with pytest.raises(ValidationError) as info:
        lib.save(engine, "trainer", draft(""))
    assert info.value.key == "err.required"
    with pytest.raises(ValidationError):
        lib.save(engine, "trainer", draft("标题", topics=("weather",)))
    with pytest.raises(NotFound):
        lib.save(engine, "trainer", draft("标题"), case_id=987654, expected_version=1)
    assert count(engine, CaseRow) == 0 and case_audit(engine) == []


# --- complaint to case --------------------------------------------------------------------------

DESK = Actor("chenxh", Role.FRONTDESK)
DESK2 = Actor("liuyang", Role.FRONTDESK)
STAFF = {"chenxh": "陈晓红", "liuyang": "刘洋", "wangjun": "王军", "trainer": "苏培训"}
COMPLAINANT, COMPLAINANT_PHONE = "王小明", "13812345678"
OWNER, OWNER_PHONE, ROOM = "赵敏华", "13600002222", "3-1906"


def add_staff(engine, accounts: dict[str, str]) -> None:
    roles = {"trainer": "trainer"}
    for username, display in accounts.items():
        users.create_user(engine, "admin", username, display, roles.get(username, "frontdesk"), "Demo-2026!",
                          hash_rounds=FAST)


def act(engine, number: str, actor: Actor, action: str, when: datetime, **data):
    return store.act(engine, number, store.load(engine, number).version, actor, action, now=when, **data)


def close(engine, number: str, start: datetime) -> None:
    """The whole method, with the people's names, phones and rooms written into every text."""
    steps = [
        (DESK, "judge_valid", {}),
        (DESK, "investigate", {"cause": "维修工王军（wangjun）接单后未上门；前台陈晓红下班未交接，座机0755-12345678无人接听。"}),
        (DESK, "assign", {"department": "工程部", "handler": "wangjun"}),
        (DESK, "propose", {"options": ["重做防水层", "先临时接水再整改"]}),
        (DESK, "agree", {"steps": f"由刘洋周五前到{ROOM}重做防水，电话138 1234 5678先联系王先生。",
                         "agreed_at": start + timedelta(days=2)}),
        (DESK, "implement", {"record": "已重做3栋2006室的防水层，闭水试验48小时无渗漏，业主赵敏华到场确认。"}),
        (DESK, "feedback", {"confirmed": True}),
        (DESK, "record_root_cause", {"root_cause": "交接班没有记录，小张以为已经派单。",
                                     "prevention": "李女士所在楼栋由老周每日核对未结投诉；所有来电当场登记编号。"}),
        (DESK2, "callback", {"reached": True, "satisfaction": 4}),
        (DESK, "close", {}),
    ]
    for i, (actor, action, data) in enumerate(steps, start=1):
        act(engine, number, actor, action, start + i * H, **data)


@pytest.fixture
def site(engine):
    """One unit, 3-1906, owned by 赵敏华; the complaint comes from a family member, 王小明."""
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    org.import_units(engine, "admin", pid, [row(ROOM, OWNER, OWNER_PHONE)])
    add_staff(engine, STAFF)
    with engine.connect() as conn:
        unit = conn.scalar(select(Unit.id))
    return engine, unit


def register(engine, unit: int, when: datetime) -> str:
    return store.register(engine, DESK, now=when, unit_id=unit, channel="phone", complainant=COMPLAINANT,
                          phone=COMPLAINANT_PHONE, place="", category="repairs",
                          content=f"{ROOM}的{COMPLAINANT}来电（{COMPLAINANT_PHONE}）：楼上漏水三天，"
                                  f"TS-20250301-0001时陈晓红说两天修好，王先生很生气。")


def test_a_closed_complaint_becomes_an_anonymised_draft(site):
    engine, unit = site
    start = datetime(2025, 3, 3, 9, tzinfo=CHINA)
    number = register(engine, unit, start)
    close(engine, number, start)

    case_id = lib.case_from_complaint(engine, "trainer", number)
    c = lib.get(engine, case_id, see_drafts=True)
    text = "\n".join([c["title"], c["story"], c["outcome"], c["lesson"]])
    for secret in [COMPLAINANT, COMPLAINANT_PHONE, OWNER, OWNER_PHONE, ROOM, "1906", "2006", number,
                   "TS-20250301-0001", "0755-12345678", "138 1234 5678", *STAFF, *STAFF.values(),
                   "王先生", "小张", "李女士", "老周"]:
        assert secret not in text, secret
    assert not re.search(r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|\d+-\d{3,4}", text)
    # what happened, and what was learnt, is still there to teach
    assert c["title"].startswith("投诉案例：")
    for kept in ("楼上漏水三天", "两天修好", "未上门", "重做防水", "闭水试验48小时无渗漏", "交接班没有记录",
                 "每日核对未结投诉", "某先生", "小某", "某女士", "老某"):
        assert kept in text, kept
    assert (c["status"], c["kind"], c["source"]) == ("draft", "complaint", "complaint:repairs")
    assert c["topics"] == ("complaints",) and "prevent" in c["method_steps"]
    # a draft: the trainer reviews it before anyone else sees it
    assert found(engine, "楼上漏水") == []
    assert found(engine, "楼上漏水", see_drafts=True) == [case_id]
    assert case_audit(engine) == [("trainer", "from_complaint", str(case_id))]
    with engine.connect() as conn:
        assert conn.scalar(select(AuditLog.after).where(AuditLog.action == "from_complaint")) == {"complaint": number}


def test_an_open_or_unknown_complaint_is_refused_and_nothing_is_written(site):
    engine, unit = site
    start = datetime(2025, 3, 3, 9, tzinfo=CHINA)
    number = register(engine, unit, start)
    act(engine, number, DESK, "judge_valid", start + H)
    with pytest.raises(DomainError) as info:
        lib.case_from_complaint(engine, "trainer", number)
    assert info.value.key == "err.case_needs_closed"
    with pytest.raises(NotFound):
        lib.case_from_complaint(engine, "trainer", "TS-20990101-0001")
    assert count(engine, CaseRow) == 0 and case_audit(engine) == []
    assert store.load(engine, number).stage.value == "investigate"          # the ticket is untouched


def test_no_person_phone_or_room_survives_in_cases_from_the_demo_complaints(sqlite_url):
    """Every closed demo ticket (all 360 demo tickets, on a smaller company than the default one),
    turned into a case. SQLite only: the demo store takes a few seconds to build."""
    from db.demo import _SURNAMES, CompanySize, seed_demo
    from db.engine import make_engine
    from db.migrate import upgrade

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    try:
        assert seed_demo(engine, CompanySize(projects=3, units_per_project=120, batch=False), hash_rounds=FAST)
        with engine.connect() as conn:
            closed = conn.execute(select(ComplaintRow.number, ComplaintRow.complainant, ComplaintRow.phone,
                                         ComplaintRow.receiver, ComplaintRow.handler, ComplaintRow.relayed_by,
                                         Owner.name, Owner.phone, Unit.room_no)
                                  .join(Unit, Unit.id == ComplaintRow.unit_id)
                                  .join(Owner, Owner.id == Unit.owner_id, isouter=True)
                                  .where(ComplaintRow.stage == "closed").order_by(ComplaintRow.id)).all()
            staff = [n for r in conn.execute(select(StaffUser.username, StaffUser.display_name)) for n in r]
        assert len(closed) >= 100
        made = {r.number: lib.case_from_complaint(engine, "trainer", r.number) for r in closed}
        with engine.connect() as conn:
            drafts = {r.id: r for r in conn.execute(select(CaseRow.id, CaseRow.title, CaseRow.story, CaseRow.outcome,
                                                           CaseRow.lesson, CaseRow.status, CaseRow.kind)
                                                    .where(CaseRow.id.in_(made.values())))}
        assert len(drafts) == len(closed)

        honorific = re.compile(f"[{_SURNAMES}](先生|女士|小姐|太太|阿姨|大爷|师傅|经理|主管)|[小老][{_SURNAMES}]")
        phone = re.compile(r"1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}-\d{7,8}")
        room = re.compile(r"[0-9A-Za-z]{1,4}\s*(?:[-－—栋幢座]|号楼)\s*\d{3,4}|\d{3,4}\s*室")
        for number, complainant, c_phone, receiver, handler, relayed, owner, o_phone, room_no in closed:
            c = drafts[made[number]]
            text = "\n".join([c.title, c.story, c.outcome, c.lesson])
            names = [complainant, owner, receiver, handler, *staff] + ([relayed.split()[-1]] if relayed else [])
            for secret in [n for n in names if n] + [c_phone, o_phone, room_no, number]:
                assert not secret or secret not in text, (number, secret)
            assert not phone.search(text) and not honorific.search(text), (number, text)
            assert not room.search(text), (number, text)
            assert (c.status, c.kind) == ("draft", "complaint")
        # the stories are still there to learn from, and nobody but a trainer sees them yet
        assert any("停电" in c.story and "交接班" in c.story for c in drafts.values())
        assert all(c.story.strip() and c.lesson.strip() for c in drafts.values())
        assert not set(found(engine)) & set(drafts)
        assert set(drafts) <= set(found(engine, see_drafts=True))
    finally:
        engine.dispose()


# --- training sessions --------------------------------------------------------------------------

@pytest.fixture
def taught(engine):
    """Three published cases, one draft, and four staff accounts."""
    add_staff(engine, {"trainer": "苏培训", "chenxh": "陈晓红", "liuyang": "刘洋", "wangjun": "王军"})
    ids = [lib.save(engine, "trainer", draft(t, questions=qs)) for t, qs in [
        ("停电一小时无人回电", ("前台该怎样跟进？", "交接班该记什么？")),
        ("翻了四十袋垃圾找回发票", ("为什么要先问环卫？",)),
        ("<script>alert(1)</script>", ("<b>粗体</b>会被执行吗？",)),
    ]]
    hidden = lib.save(engine, "trainer", draft("尚未发布的草稿", status="draft"))
    return engine, ids, hidden


def test_create_session_refuses_what_cannot_be_taught(taught):
    engine, ids, hidden = taught
    day = date(2025, 3, 10)
    cases = [
        (dict(title="  ", case_ids=ids, attendees=["chenxh"]), "err.required"),
        (dict(title="长" * 101, case_ids=ids, attendees=["chenxh"]), "err.too_long"),
        (dict(title="投诉处理", case_ids=[], attendees=["chenxh"]), "err.session_no_cases"),
        (dict(title="投诉处理", case_ids=[ids[0], hidden], attendees=["chenxh"]), "err.session_unpublished"),
        (dict(title="投诉处理", case_ids=[ids[0], 987654], attendees=["chenxh"]), "err.session_unpublished"),
        (dict(title="投诉处理", case_ids=ids, attendees=["chenxh", "nobody"]), "err.user_unknown"),
    ]
    for kwargs, key in cases:
        with pytest.raises(ValidationError) as info:
            lib.create_session(engine, "trainer", held_on=day, trainer="trainer", **kwargs)
        assert info.value.key == key, kwargs
        if key == "err.user_unknown":
            assert info.value.params["username"] == "nobody"
    assert [count(engine, m) for m in (TrainingSession, SessionCase, SessionAttendee)] == [0, 0, 0]
    assert lib.sessions(engine).empty and lib.attendance(engine).empty
    assert case_audit(engine, "training_session") == []


def test_a_session_keeps_its_cases_in_order_and_counts_its_attendees(taught):
    engine, ids, _ = taught
    first = lib.create_session(engine, "trainer", "投诉处理：谁受理谁跟进", date(2025, 3, 3), "trainer",
                               [ids[1], ids[0]], ["chenxh", "liuyang", "chenxh"], "结合本月重复投诉讨论。")
    second = lib.create_session(engine, "trainer", "服务意识", date(2025, 3, 10), "trainer", [ids[0]], ["chenxh"])
    assert [c["id"] for c in lib.session_cases(engine, first)] == [ids[1], ids[0]]
    assert [c["id"] for c in lib.session_cases(engine, second)] == [ids[0]]

    frame = lib.sessions(engine)
    assert frame["id"].tolist() == [second, first]                       # newest first
    assert frame["attendees"].tolist() == [1, 2]
    assert frame["title"].tolist() == ["服务意识", "投诉处理：谁受理谁跟进"]
    assert [str(d)[:10] for d in frame["held_on"]] == ["2025-03-10", "2025-03-03"]

    taught_to = lib.attendance(engine)
    per_user = {u: list(zip(g["session"], g["case"])) for u, g in taught_to.groupby("username")}
    assert set(per_user) == {"chenxh", "liuyang"}                         # wangjun was not there
    assert per_user["chenxh"] == [("服务意识", "停电一小时无人回电"),
                                  ("投诉处理：谁受理谁跟进", "翻了四十袋垃圾找回发票"),
                                  ("投诉处理：谁受理谁跟进", "停电一小时无人回电")]
    assert per_user["liuyang"] == [("投诉处理：谁受理谁跟进", "翻了四十袋垃圾找回发票"),
                                   ("投诉处理：谁受理谁跟进", "停电一小时无人回电")]
    assert case_audit(engine, "training_session") == [("trainer", "create", str(first)),
                                                      ("trainer", "create", str(second))]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.started, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.started.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_the_handout_of_a_session_prints_its_cases_as_text(taught):
    engine, ids, _ = taught
    session = lib.create_session(engine, "trainer", "投诉处理", date(2025, 3, 3), "trainer",
                                 [ids[2], ids[0]], ["chenxh"])
    chosen = lib.session_cases(engine, session)
    html = render_handout("投诉处理", "2025-03-03", "苏培训", chosen, LABELS)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<meta charset='utf-8'>" in html and "<title>投诉处理</title>" in html
    parser = _Tags()
    parser.feed(html)
    text = "".join(parser.text)
    assert "1. <script>alert(1)</script>" in text and "2. 停电一小时无人回电" in text
    for q in ("<b>粗体</b>会被执行吗？", "前台该怎样跟进？", "交接班该记什么？"):
        assert q in text
    assert "翻了四十袋垃圾找回发票" not in text                          # not chosen for this session
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<b>" not in html
    assert "script" not in parser.started and "b" not in parser.started
