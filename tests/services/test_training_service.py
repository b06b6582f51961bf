"""Training sessions through services.training, on SQLite and PostgreSQL: only published cases can
be taught, cases kept in order, attendees counted, the attendance record per staff member, and the
printable handout of a session."""
from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from core.auth.actor import Actor
from core.auth.roles import Role
from core.cases.handout import render_handout
from core.cases.model import CaseDraft
from core.errors import ValidationError
from db.case_models import SessionAttendee, SessionCase, TrainingSession
from db.models import AuditLog
from services import cases, training, users
from store_helpers import FAST, count

TRAINER = Actor("trainer", Role.TRAINER)
ADMIN = Actor("admin", Role.ADMIN)
LABELS = {"questions": "讨论题", "lesson": "启示", "outcome": "结果"}


def draft(title: str, story: str = "业主反映楼道灯不亮。", status: str = "published", **kw) -> CaseDraft:
    kw.setdefault("kind", "exercise")
    kw.setdefault("lesson", "报修要当天回复。")
    kw.setdefault("questions", ("你会怎样回复业主？",))
    kw.setdefault("topics", ("repairs",))
    return CaseDraft(title=title, story=story, status=status, **kw)


def case_audit(engine, entity: str = "case") -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AuditLog.actor, AuditLog.action, AuditLog.entity_id)
                                               .where(AuditLog.entity == entity).order_by(AuditLog.id))]


def add_staff(engine, accounts: dict[str, str]) -> None:
    roles = {"trainer": "trainer"}
    for username, display in accounts.items():
        users.create_user(engine, ADMIN, username, display, roles.get(username, "frontdesk"), "Demo-2026!",
                          hash_rounds=FAST)


# --- training sessions --------------------------------------------------------------------------

@pytest.fixture
def taught(engine):
    """Three published cases, one draft, and four staff accounts."""
    add_staff(engine, {"trainer": "苏培训", "chenxh": "陈晓红", "liuyang": "刘洋", "wangjun": "王军"})
    ids = [cases.save(engine, TRAINER, draft(t, questions=qs)) for t, qs in [
        ("停电一小时无人回电", ("前台该怎样跟进？", "交接班该记什么？")),
        ("翻了四十袋垃圾找回发票", ("为什么要先问环卫？",)),
        ("<script>alert(1)</script>", ("<b>粗体</b>会被执行吗？",)),
    ]]
    hidden = cases.save(engine, TRAINER, draft("尚未发布的草稿", status="draft"))
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
            training.create_session(engine, TRAINER, held_on=day, trainer="trainer", **kwargs)
        assert info.value.key == key, kwargs
        if key == "err.user_unknown":
            assert info.value.params["username"] == "nobody"
    assert [count(engine, m) for m in (TrainingSession, SessionCase, SessionAttendee)] == [0, 0, 0]
    assert training.sessions(engine, TRAINER).empty and training.attendance(engine, TRAINER).empty
    assert case_audit(engine, "training_session") == []


def test_a_session_keeps_its_cases_in_order_and_counts_its_attendees(taught):
    engine, ids, _ = taught
    first = training.create_session(engine, TRAINER, "投诉处理：谁受理谁跟进", date(2025, 3, 3),
                                    [ids[1], ids[0]], ["chenxh", "liuyang", "chenxh"], "结合本月重复投诉讨论。")
    second = training.create_session(engine, TRAINER, "服务意识", date(2025, 3, 10), [ids[0]], ["chenxh"])
    assert [c["id"] for c in training.session_cases(engine, TRAINER, first)] == [ids[1], ids[0]]
    assert [c["id"] for c in training.session_cases(engine, TRAINER, second)] == [ids[0]]

    frame = training.sessions(engine, TRAINER)
    assert frame["id"].tolist() == [second, first]                       # newest first
    assert frame["attendees"].tolist() == [1, 2]
    assert frame["title"].tolist() == ["服务意识", "投诉处理：谁受理谁跟进"]
    assert [str(d)[:10] for d in frame["held_on"]] == ["2025-03-10", "2025-03-03"]

    taught_to = training.attendance(engine, TRAINER)
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
    session = training.create_session(engine, TRAINER, "投诉处理", date(2025, 3, 3), [ids[2], ids[0]], ["chenxh"])
    chosen = training.session_cases(engine, TRAINER, session)
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
