"""The case library through services.cases, on SQLite and PostgreSQL (DESIGN §4): seeding, Chinese
search with title hits first, filters, drafts (seen only by those who edit cases), editing with the
version check and the audit trail, and a closed complaint turned into an anonymised draft (also over
every demo complaint). Training sessions: tests/services/test_training_service.py."""
from __future__ import annotations

import os
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.cases.content import SEED_CASES
from core.cases.model import CaseDraft
from core.clock import CHINA
from core.errors import ConflictError, DomainError, NotFound, ValidationError
from db.case_models import CaseRow
from db.models import AuditLog, ComplaintRow, Owner, StaffUser, Unit
from services import cases as lib
from services import complaints as store
from services import org, users
from store_helpers import FAST, add_project, count, row

TRAINER = Actor("trainer", Role.TRAINER)         # edits cases, sees drafts
EDITOR2 = Actor("supervisor", Role.TRAINER)      # a second editor (named as in the audit rows below)
READER = Actor("zhou", Role.MANAGER)             # reads the published library only
MANAGER = Actor("manager", Role.MANAGER)         # turns a closed complaint into a case
ADMIN = Actor("admin", Role.ADMIN)
DEMO = Actor("demo", Role.ADMIN)

DB_KINDS = ["sqlite", "postgresql"]   # as the shared fixtures: every test runs on both
SEED = {c["slug"]: c for c in SEED_CASES}
ALL = 1000                            # a page size that shows every case
H = timedelta(hours=1)


def draft(title: str, story: str = "业主反映楼道灯不亮。", status: str = "published", **kw) -> CaseDraft:
    kw.setdefault("kind", "exercise")
    kw.setdefault("lesson", "报修要当天回复。")
    kw.setdefault("questions", ("你会怎样回复业主？",))
    kw.setdefault("topics", ("repairs",))
    return CaseDraft(title=title, story=story, status=status, **kw)


def found(engine, query: str = "", see_drafts: bool = False, **kw) -> list[int]:
    return lib.search(engine, TRAINER if see_drafts else READER, query, limit=ALL, **kw)["id"].tolist()


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
        self.body_hit = lib.save(engine, TRAINER, draft("夜班交接漏了一张单", story="业主家的琉璃瓦被风吹落，无人跟进。"))
        self.title_hit = lib.save(engine, TRAINER, draft("琉璃瓦屋面渗水", story="雨后顶楼渗水，维修工当天上门。"))
        self.draft = lib.save(engine, TRAINER, draft("电梯困人演练（草稿）", story="演练脚本待补。", status="draft"))
        self.underscore = lib.save(engine, TRAINER, draft("门禁卡编号A_17失效", story="业主的门禁卡刷不开单元门。"))
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
        assert lib.seed_library(engine, DEMO) == len(SEED_CASES)
        yield Library(engine)
    finally:
        engine.dispose()
        if server is not None:
            server.drop_database(name)


def test_seed_library_loads_every_case_published_and_is_idempotent(library):
    e = library.engine
    assert set(library.ids) == set(SEED)
    before = (count(e, CaseRow), count(e, AuditLog))
    assert lib.seed_library(e, DEMO) == 0
    assert (count(e, CaseRow), count(e, AuditLog)) == before
    assert case_audit(e, "cases") == [("demo", "seed", None)]           # the one load left its audit row
    c = lib.get(e, READER, library.ids["power-cut-front-back-office"])
    seed = SEED["power-cut-front-back-office"]
    assert (c["title"], c["story"], c["status"]) == (seed["title"], seed["story"], "published")
    assert c["questions"] == seed["questions"] and c["topics"] == tuple(seed["topics"])
    assert c["method_steps"] == tuple(seed["method_steps"])


def test_power_cut_query_finds_the_power_cut_case_first(library):
    frame = lib.search(library.engine, READER, "停电")
    assert frame["id"].iloc[0] == library.ids["power-cut-front-back-office"]
    assert frame["title"].iloc[0] == SEED["power-cut-front-back-office"]["title"]
    # another case that tells of a power cut in its story is found too, below it
    assert library.ids["three-options-not-one"] in frame["id"].tolist()[1:]


def test_invoice_query_finds_the_invoices_case_first(library):
    ids = found(library.engine, "发票")
    assert ids[0] == library.ids["invoices-40-bags"]
    assert library.ids["fee-counter-details"] in ids[1:]


def test_hits_with_every_word_come_before_hits_with_some(library):
    e = library.engine
    power_cut, hotel = library.ids["power-cut-front-back-office"], library.ids["hotel-remembers-names"]
    alone_a, alone_b = set(found(e, "停电")), set(found(e, "前台"))
    assert hotel in alone_b and hotel not in alone_a
    both = lib.search(e, READER, "停电 前台", limit=ALL)
    assert both["id"].iloc[0] == power_cut and bool(both["complete"].iloc[0])
    assert set(both.loc[both["complete"], "id"]) == {power_cut} == alone_a & alone_b
    assert set(both["id"]) == alone_a | alone_b                      # some words: listed after
    spaced = lib.search(e, READER, "停电　前台", limit=ALL)          # a full-width space separates terms too
    assert spaced["id"].tolist() == both["id"].tolist()
    neither = lib.search(e, READER, "停电 琉璃瓦", limit=ALL)
    assert not neither["complete"].any()


def test_a_title_hit_ranks_above_a_body_only_hit(library):
    frame = lib.search(library.engine, READER, "琉璃瓦")
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
    assert library.draft not in found(e, "困人演练")
    assert library.draft not in found(e)
    assert found(e, "困人演练", see_drafts=True)[0] == library.draft
    assert library.draft in found(e, see_drafts=True)
    with pytest.raises(NotFound):
        lib.get(e, READER, library.draft)
    assert lib.get(e, TRAINER, library.draft)["status"] == "draft"
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
    first = lib.search(e, READER, limit=5)["id"].tolist()
    second = lib.search(e, READER, limit=5, offset=5)["id"].tolist()
    assert first + second == every[:10]
    assert len(lib.search(e, READER)) == min(lib.PAGE_SIZE, len(every))


# --- editing ------------------------------------------------------------------------------------

def test_save_creates_and_edits_a_case_and_audits_each_write(engine):
    case_id = lib.save(engine, TRAINER, draft("停电后无人回电", status="draft", questions=("谁该回电？",)))
    c = lib.get(engine, TRAINER, case_id)
    assert (c["title"], c["status"], c["version"], c["questions"]) == ("停电后无人回电", "draft", 1, ["谁该回电？"])
    assert found(engine, "无人回电") == []

    edited = draft("停电后，第二次来电无人知情", story="业主第二次来电，接班前台不知前情。", status="published",
                   kind="complaint", topics=("complaints", "communication"), method_steps=("register", "feedback"),
                   questions=("交接班该记什么？", "谁该回电？"))
    assert lib.save(engine, EDITOR2, edited, case_id=case_id, expected_version=1) == case_id
    c = lib.get(engine, READER, case_id)
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
    case_id = lib.save(engine, TRAINER, draft("楼道灯不亮"))
    seen_by_a = lib.get(engine, READER, case_id)["version"]
    seen_by_b = lib.get(engine, READER, case_id)["version"]
    lib.save(engine, TRAINER, draft("楼道灯三天不亮"), case_id=case_id, expected_version=seen_by_a)
    with pytest.raises(ConflictError):
        lib.save(engine, EDITOR2, draft("楼道灯不亮（改）", status="draft"), case_id=case_id,
                 expected_version=seen_by_b)
    c = lib.get(engine, READER, case_id)
    assert (c["title"], c["status"], c["version"]) == ("楼道灯三天不亮", "published", 2)
    assert case_audit(engine) == [("trainer", "create", str(case_id)), ("trainer", "edit", str(case_id))]


def test_invalid_or_unknown_cases_are_refused_and_write_nothing(engine):
    with pytest.raises(ValidationError) as info:
        lib.save(engine, TRAINER, draft(""))
    assert info.value.key == "err.required"
    with pytest.raises(ValidationError):
        lib.save(engine, TRAINER, draft("标题", topics=("weather",)))
    with pytest.raises(NotFound):
        lib.save(engine, TRAINER, draft("标题"), case_id=987654, expected_version=1)
    assert count(engine, CaseRow) == 0 and case_audit(engine) == []


# --- complaint to case --------------------------------------------------------------------------

DESK = Actor("chenxh", Role.FRONTDESK)
DESK2 = Actor("liuyang", Role.FRONTDESK)
STAFF = {"chenxh": "陈晓红", "liuyang": "刘洋", "wangjun": "王军", "trainer": "苏培训"}
COMPLAINANT, COMPLAINANT_PHONE = "王小明", "13812345678"
OWNER, OWNER_PHONE, ROOM = "赵敏华", "13600002222", "3-1906"


def add_staff(engine, accounts: dict[str, str], project_id: int) -> None:
    """Staff of the project: the handler of a ticket is picked from them."""
    roles = {"trainer": "trainer"}
    for username, display in accounts.items():
        users.create_user(engine, ADMIN, username, display, roles.get(username, "frontdesk"), "Demo-2026!",
                          [project_id], hash_rounds=FAST)


def act(engine, number: str, actor: Actor, action: str, when: datetime, **data):
    return store.act(engine, actor, number, store.load(engine, actor, number).version, action, now=when, **data)


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
    org.import_units(engine, ADMIN, pid, [row(ROOM, OWNER, OWNER_PHONE)])
    add_staff(engine, STAFF, pid)
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

    case_id = lib.case_from_complaint(engine, MANAGER, number)
    c = lib.get(engine, TRAINER, case_id)
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
    assert case_audit(engine) == [("manager", "from_complaint", str(case_id))]
    with engine.connect() as conn:
        assert conn.scalar(select(AuditLog.after).where(AuditLog.action == "from_complaint")) == {"complaint": number}


def test_an_open_or_unknown_complaint_is_refused_and_nothing_is_written(site):
    engine, unit = site
    start = datetime(2025, 3, 3, 9, tzinfo=CHINA)
    number = register(engine, unit, start)
    act(engine, number, DESK, "judge_valid", start + H)
    with pytest.raises(DomainError) as info:
        lib.case_from_complaint(engine, MANAGER, number)
    assert info.value.key == "err.case_needs_closed"
    with pytest.raises(NotFound):
        lib.case_from_complaint(engine, MANAGER, "TS-20990101-0001")
    assert count(engine, CaseRow) == 0 and case_audit(engine) == []
    assert store.load(engine, DESK, number).stage.value == "investigate"          # the ticket is untouched


def test_no_person_phone_or_room_survives_in_cases_from_the_demo_complaints(sqlite_url):
    """Every closed demo ticket (all 360 demo tickets, on a smaller company than the default one),
    turned into a case. SQLite only: the demo store takes a few seconds to build."""
    from demo.company import _SURNAMES, CompanySize, seed_demo
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
        made = {r.number: lib.case_from_complaint(engine, MANAGER, r.number) for r in closed}
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


def test_publish_puts_a_reviewed_draft_into_the_library(engine):
    case_id = lib.save(engine, TRAINER, draft("待审核的草稿", status="draft"))
    assert found(engine, "待审核") == []
    assert lib.publish(engine, TRAINER, case_id, expected_version=1) == case_id
    c = lib.get(engine, READER, case_id)
    assert (c["status"], c["version"], c["title"]) == ("published", 2, "待审核的草稿")
    assert found(engine, "待审核") == [case_id]
    with pytest.raises(ConflictError):
        lib.publish(engine, TRAINER, case_id, expected_version=1)
    assert case_audit(engine) == [("trainer", "create", str(case_id)), ("trainer", "edit", str(case_id))]


def test_the_same_case_form_sent_twice_saves_once(engine):
    first = lib.save(engine, TRAINER, draft("双击保存"), request_key="case-form-1")
    assert lib.save(engine, TRAINER, draft("双击保存"), request_key="case-form-1") == first
    assert count(engine, CaseRow) == 1 and len(case_audit(engine)) == 1


def test_turning_a_complaint_into_a_case_twice_makes_one_draft(site):
    """Two clicks (other request keys, another user) give back the first draft, never a second."""
    from sqlalchemy import func, select

    from db.case_models import CaseRow

    engine, unit = site
    start = datetime(2025, 3, 3, 9, tzinfo=CHINA)
    number = register(engine, unit, start)
    close(engine, number, start)
    first = lib.case_from_complaint(engine, MANAGER, number, request_key="click-1")
    assert lib.case_from_complaint(engine, MANAGER, number, request_key="click-2") == first
    assert lib.case_from_complaint(engine, MANAGER, number) == first
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(CaseRow).where(CaseRow.from_complaint == number)) == 1
