"""Every write of services.cases as every role (and a complaint of another project for a scoped
actor): refused exactly where ROLE_CAPABILITIES says so."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.cases.model import CaseDraft
from core.clock import CHINA
from core.errors import NotFound, PermissionDenied
from services import cases, complaints, org, users
from store_helpers import FAST, add_project, row

ADMIN = Actor("admin", Role.ADMIN)
DESK = Actor("desk", Role.FRONTDESK)


def refusal(call) -> str | None:
    try:
        call()
    except PermissionDenied as e:
        return e.key
    return None


def expected(role: Role, capability: Capability, other_project: bool = False) -> str | None:
    if not can(role, capability):
        return "err.not_allowed"
    return "err.other_project" if other_project else None


def draft(title: str, status: str = "published") -> CaseDraft:
    return CaseDraft(title=title, story="业主反映楼道灯不亮。", kind="exercise", status=status)


@pytest.mark.parametrize("role", list(Role))
def test_case_writes(engine, role):
    actor = Actor("anyone", role)
    draft_id = cases.save(engine, ADMIN, draft("草稿", "draft"))
    assert refusal(lambda: cases.save(engine, actor, draft(f"新案例 {role.value}"))) == \
        expected(role, Capability.EDIT_CASES)
    assert refusal(lambda: cases.publish(engine, actor, draft_id, 1)) == expected(role, Capability.EDIT_CASES)
    assert refusal(lambda: cases.seed_library(engine, actor)) == expected(role, Capability.EDIT_CASES)
    # drafts: seen by those who edit, unknown to everyone else
    sees_drafts = can(role, Capability.EDIT_CASES)
    assert (draft_id in cases.search(engine, actor, limit=1000)["id"].tolist()) is sees_drafts
    if not sees_drafts:
        with pytest.raises(NotFound):
            cases.get(engine, actor, draft_id)


def closed_complaint(engine, project_id: int) -> str:
    org.import_units(engine, ADMIN, project_id, [row("3-101", "王伟", "13812345678")])
    unit = org.find_unit(engine, ADMIN, project_id, "3-101")
    # the handler is one of the project's staff
    users.create_user(engine, ADMIN, "wang", "王工", "supervisor", "Demo-2026!", [project_id], hash_rounds=FAST)
    start = datetime(2025, 3, 3, 9, tzinfo=CHINA)
    number = complaints.register(engine, DESK, now=start, unit_id=unit, channel="phone", complainant="王伟",
                                 phone="13812345678", place="", category="repairs", content="楼道灯坏了三天")
    steps = [("judge_valid", {}), ("investigate", {"cause": "灯具老化"}),
             ("assign", {"department": "工程部", "handler": "wang"}), ("propose", {"options": ["更换灯具"]}),
             ("agree", {"steps": "明天更换", "agreed_at": start + timedelta(days=1)}),
             ("implement", {"record": "已更换"}), ("feedback", {"confirmed": True}),
             ("record_root_cause", {"root_cause": "巡检漏项", "prevention": "每周巡检"})]
    for i, (action, data) in enumerate(steps, start=1):
        c = complaints.load(engine, DESK, number)
        complaints.act(engine, DESK, number, c.version, action, now=start + i * timedelta(hours=1), **data)
    c = complaints.load(engine, DESK, number)
    complaints.act(engine, Actor("li", Role.FRONTDESK), number, c.version, "callback",
                   now=start + timedelta(hours=10), reached=True, satisfaction=5)
    c = complaints.load(engine, DESK, number)
    complaints.act(engine, DESK, number, c.version, "close", now=start + timedelta(hours=11))
    return number


@pytest.mark.parametrize("role", list(Role))
def test_complaint_to_case(engine, role):
    sz, gz = add_project(engine, "P001", "深圳·翠湖园", "深圳"), add_project(engine, "P002", "广州·星河苑", "广州")
    number = closed_complaint(engine, sz)
    assert refusal(lambda: cases.case_from_complaint(engine, Actor("scoped", role, (gz,)), number)) == \
        expected(role, Capability.COMPLAINT_TO_CASE, other_project=True)
    assert refusal(lambda: cases.case_from_complaint(engine, Actor("anyone", role), number)) == \
        expected(role, Capability.COMPLAINT_TO_CASE)
