"""Incidents (issue 14, item 7): one parent holding the cause and the fix, children that take its
category and cause, moved to their call-backs by the fix and closed only through their own call-back.
No database here."""
from dataclasses import replace
from datetime import timedelta

import pytest

from core.auth.roles import Role
from core.complaints import incidents as inc_rules
from core.complaints.model import Callback, Category, Stage
from core.complaints.workflow import Actor
from core.errors import DomainError, PermissionDenied, ValidationErrors

from test_complaints_workflow import DESK, DESK2, MANAGER, T0, new

H = timedelta(hours=1)
TRAINER = Actor("su", Role.TRAINER)


def burst_pipe(by=DESK):
    inc = inc_rules.open_incident(by, T0, 1, "3栋水管爆裂", "repairs", "3栋地下室供水主管爆裂")
    return replace(inc, id=7)


def test_front_desk_opens_an_incident_every_field_checked_at_once():
    inc = burst_pipe()
    assert (inc.status, inc.category, inc.opened_by) == ("open", Category.REPAIRS, DESK.username)
    with pytest.raises(ValidationErrors) as info:
        inc_rules.open_incident(DESK, T0, 1, " ", "nonsense", "")
    assert {e.field for e in info.value.errors} == {"incident_title", "incident_cause", "category"}
    with pytest.raises(PermissionDenied):
        inc_rules.open_incident(TRAINER, T0, 1, "停电", "repairs", "变压器故障")


def test_a_child_takes_the_cause_of_its_incident():
    child, events = inc_rules.join(new(), burst_pipe(), DESK, T0 + H)
    assert child.cause == "3栋地下室供水主管爆裂" and child.stage == Stage.JUDGE
    assert [e.action for e in events] == ["incident_join"]


def test_the_fix_sends_open_children_to_their_call_back():
    inc = inc_rules.record_fix(burst_pipe(), MANAGER, T0 + 3 * H, "更换主管并冲洗管道", "每季度巡检阀门")
    assert inc.status == "fixed"
    child, event = inc_rules.advance(new(), inc, MANAGER, T0 + 3 * H)
    assert child.stage == Stage.CALLBACK and child.implementation == "更换主管并冲洗管道"
    assert (child.root_cause, child.prevention) == ("3栋地下室供水主管爆裂", "每季度巡检阀门")
    assert event.stage_to == Stage.CALLBACK
    # a child registered after the fix goes straight to its call-back
    late, events = inc_rules.join(new(number="TS-20250303-0002"), inc, DESK, T0 + 4 * H)
    assert late.stage == Stage.CALLBACK and [e.action for e in events] == ["incident_join", "incident_fixed"]


def test_only_a_manager_or_the_opener_records_the_fix_and_closes():
    inc = burst_pipe(by=DESK)
    with pytest.raises(PermissionDenied):
        inc_rules.record_fix(inc, DESK2, T0 + H, "修好了", "巡检")
    fixed = inc_rules.record_fix(inc, DESK, T0 + H, "修好了", "巡检")
    with pytest.raises(PermissionDenied):
        inc_rules.close_incident(fixed, DESK2, T0 + 2 * H)
    assert inc_rules.close_incident(fixed, MANAGER, T0 + 2 * H).status == "closed"


def test_an_incident_closes_only_once_fixed():
    with pytest.raises(DomainError) as info:
        inc_rules.close_incident(burst_pipe(), MANAGER, T0 + H)
    assert info.value.key == "err.incident_not_fixed"


def test_closing_closes_each_child_only_through_its_own_call_back():
    inc = inc_rules.record_fix(burst_pipe(), MANAGER, T0 + 3 * H, "更换主管", "巡检阀门")
    children = [inc_rules.advance(new(number=f"TS-20250303-000{i}"), inc, MANAGER, T0 + 3 * H)[0] for i in (1, 2, 3, 4)]
    satisfied = children[0].with_(callbacks=(Callback(DESK2.username, T0 + 5 * H, True, 5),))
    unhappy = children[1].with_(callbacks=(Callback(DESK2.username, T0 + 5 * H, True, 1),))
    unreached = children[2].with_(callbacks=(Callback(DESK2.username, T0 + 5 * H, False),))
    silent = children[3]                                              # nobody called yet
    closing, staying = inc_rules.close_plan([satisfied, unhappy, unreached, silent])
    assert [c.number for c in closing] == [satisfied.number]
    assert [c.number for c in staying] == [unhappy.number, unreached.number, silent.number]
    closed, event = inc_rules.close_child(satisfied, inc, MANAGER, T0 + 6 * H)
    assert (closed.stage, closed.customer_confirmed, closed.closed_at) == (Stage.CLOSED, True, T0 + 6 * H)
    assert event.action == "incident_close"
    with pytest.raises(DomainError):
        inc_rules.close_child(silent, inc, MANAGER, T0 + 6 * H)
    # already closed children are neither closed again nor listed as open
    assert inc_rules.close_plan([closed]) == ([], [])


def test_a_closed_incident_takes_no_new_children():
    inc = inc_rules.close_incident(inc_rules.record_fix(burst_pipe(), MANAGER, T0 + H, "修好", "巡检"), MANAGER, T0 + 2 * H)
    with pytest.raises(DomainError) as info:
        inc_rules.can_join(inc, new(), 1)
    assert info.value.key == "err.incident_closed"
    with pytest.raises(DomainError) as info:
        inc_rules.can_join(burst_pipe(), new(), 2)
    assert info.value.key == "err.incident_other_project"
