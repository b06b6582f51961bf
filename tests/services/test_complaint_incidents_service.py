"""Incidents and closing as unreachable through the services, on SQLite and PostgreSQL: an incident
opened from its first ticket, callers registered against it in one step, the fix sending every open
ticket to its call-back, closing that closes each ticket only through its own call-back, scope, audit;
and an unreachable close counted apart in the analysis."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.complaints.model import ClosedAs, Stage
from core.errors import DomainError, NotFound, PermissionDenied
from db.complaint_incident_models import ComplaintIncidentMemberRow
from db.models import AuditLog, ComplaintRow
from services import complaint_incidents as inc_svc
from services import complaints as svc
from store_helpers import count
from test_complaints_service import (DESK, DESK2, HANDLER, MANAGER, SEES_ALL, act, close_fully, cn, reg,  # noqa: F401
                                     scoped, site, walk)

H = timedelta(hours=1)
T0 = cn(2025, 3, 10, 9)


def burst(site):
    first = reg(site, T0, content="家里突然停水，楼下在漏水")
    incident = inc_svc.open_incident(site.engine, DESK, first, title="3栋供水主管爆裂", cause="地下室供水主管老化爆裂",
                                     now=T0 + 0.1 * H)
    return first, incident


def child(site, incident, room="3-1907", when=T0 + H, actor=DESK, **kw):
    unit = site.units[("P001", room)] if room else None
    return inc_svc.add_child(site.engine, actor, incident, unit_id=unit, channel="phone", complainant="李娜",
                             phone="13912345678", content=kw.pop("content", "我家也停水了"), now=when, **kw)


def test_an_incident_groups_the_tickets_it_causes(site):
    e = site.engine
    first, incident = burst(site)
    second, third = child(site, incident), child(site, incident, room="5-101", when=T0 + 2 * H)
    view = inc_svc.for_ticket(e, DESK, second)
    assert view.incident.title == "3栋供水主管爆裂" and view.incident.status == "open"
    assert [m["number"] for m in view.members] == [first, second, third]
    c = svc.load(e, SEES_ALL, second)
    assert (c.category.value, c.cause, c.stage) == ("repairs", "地下室供水主管老化爆裂", Stage.JUDGE)
    assert "incident_join" in list(svc.timeline(e, SEES_ALL, second)["action"])
    assert inc_svc.for_ticket(e, DESK, reg(site, T0 + 3 * H, room="3-1907", content="楼道灯坏了")) is None


def test_a_double_tap_registers_one_caller(site):
    first, incident = burst(site)
    a = child(site, incident, request_key="tap")
    assert child(site, incident, request_key="tap") == a
    assert count(site.engine, ComplaintIncidentMemberRow) == 2


def test_another_projects_user_cannot_add_a_caller_or_see_the_incident(site):
    e = site.engine
    first, incident = burst(site)
    guangzhou = scoped(site.gz)
    with pytest.raises(NotFound):
        inc_svc.add_child(e, guangzhou, incident, unit_id=site.units[("P002", "3-1906")], channel="phone",
                          complainant="赵敏", phone="13600002222", content="停水")
    with pytest.raises(NotFound):
        inc_svc.for_ticket(e, guangzhou, first)
    # nor may a unit of another project be registered under it, by anyone
    with pytest.raises(DomainError) as info:
        inc_svc.add_child(e, SEES_ALL, incident, unit_id=site.units[("P002", "3-1906")], channel="phone",
                          complainant="赵敏", phone="13600002222", content="停水")
    assert info.value.key == "err.incident_other_project"
    assert count(e, ComplaintIncidentMemberRow) == 1


def test_the_fix_then_closing_closes_each_ticket_through_its_own_call_back(site):
    e = site.engine
    first, incident = burst(site)
    second, third = child(site, incident), child(site, incident, room="5-101")
    view = inc_svc.for_ticket(e, MANAGER, first)
    with pytest.raises(DomainError):                                  # not before the fix
        inc_svc.close(e, MANAGER, incident, now=T0 + 3 * H)
    inc_svc.record_fix(e, MANAGER, incident, view.incident.version, fix="更换主管，冲洗管道，恢复供水",
                       prevention="每季度巡检主阀", now=T0 + 4 * H)
    for n in (first, second, third):
        c = svc.load(e, SEES_ALL, n)
        assert (c.stage, c.implementation, c.prevention) == (Stage.CALLBACK, "更换主管，冲洗管道，恢复供水", "每季度巡检主阀")
    late = child(site, incident, room="3-1906", when=T0 + 5 * H, content="水有点黄")   # after the fix: straight to call-back
    assert svc.load(e, SEES_ALL, late).stage == Stage.CALLBACK
    act(e, first, DESK2, "callback", T0 + 6 * H, reached=True, satisfaction=5)
    act(e, second, DESK2, "callback", T0 + 6 * H, reached=False)
    done = inc_svc.close(e, MANAGER, incident, now=T0 + 7 * H)
    assert done.closed == [first] and done.left_open == [second, third, late]
    closed = svc.load(e, SEES_ALL, first)
    assert (closed.stage, closed.closed_as, closed.customer_confirmed) == (Stage.CLOSED, None, True)
    assert svc.load(e, SEES_ALL, second).stage == Stage.CALLBACK
    # later call-backs close the rest, still one by one
    act(e, third, DESK2, "callback", T0 + 8 * H, reached=True, satisfaction=4)
    again = inc_svc.close(e, MANAGER, incident, now=T0 + 9 * H)
    assert again.closed == [third] and again.left_open == [second, late]
    with e.connect() as conn:
        actions = [a for (a,) in conn.execute(select(AuditLog.action).where(AuditLog.entity == "complaint_incident"))]
    assert actions == ["incident_open", "incident_fix", "incident_close", "incident_close"]


def test_only_a_manager_or_the_opener_fixes_and_closes(site):
    e = site.engine
    first, incident = burst(site)                                     # opened by DESK
    version = inc_svc.for_ticket(e, DESK, first).incident.version
    with pytest.raises(PermissionDenied):
        inc_svc.record_fix(e, DESK2, incident, version, fix="修好了", prevention="巡检")
    assert not inc_svc.for_ticket(e, DESK2, first).may_run and inc_svc.for_ticket(e, DESK, first).may_run


def test_a_ticket_joins_one_incident_only(site):
    first, incident = burst(site)
    with pytest.raises(DomainError) as info:
        inc_svc.open_incident(site.engine, MANAGER, first, title="又一个", cause="同一根管")
    assert info.value.key == "err.incident_already"


# --- unreachable ----------------------------------------------------------------------------

def unreachable_ticket(site, when):
    number = reg(site, when)
    walk(site.engine, number, when)
    act(site.engine, number, DESK, "record_root_cause", when + 8 * H, root_cause="防水层老化", prevention="定期检查")
    for day in range(3):
        act(site.engine, number, DESK2, "callback", when + timedelta(days=day + 1), reached=False)
    return number


def test_a_manager_closes_as_unreachable_and_the_analysis_counts_it_apart(site):
    e = site.engine
    number = unreachable_ticket(site, cn(2025, 3, 3, 9))
    close_fully(e, reg(site, cn(2025, 3, 3, 10), room="3-1907"), cn(2025, 3, 3, 10), cn(2025, 3, 4, 10))
    with pytest.raises(PermissionDenied):
        act(e, number, DESK, "close_unreachable", cn(2025, 3, 7, 9))
    closed = act(e, number, MANAGER, "close_unreachable", cn(2025, 3, 7, 9), note="三天电话无人接听")
    assert (closed.stage, closed.closed_as) == (Stage.CLOSED, ClosedAs.UNREACHABLE)
    assert svc.load(e, SEES_ALL, number).closed_as == ClosedAs.UNREACHABLE           # stored on the ticket
    assert list(svc.timeline(e, SEES_ALL, number)["action"])[-1] == "close_unreachable"
    frame = svc.analysis(e, SEES_ALL, cn(2025, 3, 1), cn(2025, 4, 1), by="category", now=cn(2025, 3, 8))
    row = frame.set_index("key").loc["repairs"]
    assert (row["closed"], row["called_back"], row["unreachable"]) == (2, 1, 1)   # not counted as called back
    assert row["satisfaction"] == 5.0
    with e.connect() as conn:
        assert conn.scalar(select(ComplaintRow.closed_as).where(ComplaintRow.number == number)) == "unreachable"
