"""A handler is a person of the ticket's project, and changing one is its own step with a reason:
picked from the project's staff, refused otherwise, recorded in the timeline and the audit trail."""
from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from core.auth.roles import Role
from core.complaints.model import Stage
from core.complaints.workflow import Actor
from core.errors import ConflictError, NotFound, PermissionDenied, ValidationErrors
from db.models import AuditLog, StaffUser
from services import complaints as svc
from test_complaints_service import DESK, HANDLER, HANDLER_NAME, MANAGER, SEES_ALL, act, cn, reg, walk  # noqa: F401
from test_complaints_service import site  # noqa: F401

T0 = cn(2025, 3, 3, 9)
H = T0 - cn(2025, 3, 3, 8)


def _assigned(site):
    n = reg(site, T0)
    walk(site.engine, n, T0, until=Stage.PROPOSE)
    return n


def _add(engine, username, name, active=True, all_projects=False):
    with engine.begin() as conn:
        conn.execute(insert(StaffUser).values(username=username, display_name=name, role="frontdesk",
                                              password_hash="x", active=active, all_projects=all_projects))


def test_candidates_are_the_projects_active_staff_by_display_name(site):
    _add(site.engine, "gone", "离职者", active=False, all_projects=True)
    n = reg(site, T0)
    staff = svc.handler_candidates(site.engine, DESK, n)
    assert staff["wang"] == HANDLER_NAME and staff["chen"] == "陈静"
    assert "gone" not in staff
    gz = reg(site, T0, project="P002")
    assert "wang" not in svc.handler_candidates(site.engine, DESK, gz)     # staff of the other project only
    with pytest.raises(NotFound):
        svc.handler_candidates(site.engine, Actor("x", Role.MANAGER, (site.gz,)), n)


def test_a_handler_who_is_not_staff_of_the_project_is_refused(site):
    n = reg(site, T0)
    walk(site.engine, n, T0, until=Stage.ASSIGN)
    with pytest.raises(ValidationErrors) as e:
        act(site.engine, n, DESK, "assign", T0 + 9 * H, department="工程部", handler="nobody")
    assert [x.params.get("field") for x in e.value.errors] == ["handler"]
    assert svc.load(site.engine, SEES_ALL, n).stage == Stage.ASSIGN


def test_reassign_records_who_from_to_and_why(site):
    n = _assigned(site)
    c = act(site.engine, n, MANAGER, "reassign", T0 + 9 * H, handler="li", reason="王工休假")
    assert c.handler == "li" and c.stage == Stage.PROPOSE
    tl = svc.timeline(site.engine, MANAGER, n)
    last = tl.iloc[-1]
    assert last["action"] == "reassign" and last["actor"] == "zhou"
    detail = last["detail"] if isinstance(last["detail"], dict) else __import__("json").loads(last["detail"])
    assert detail == {"from": "wang", "to": "li", "reason": "王工休假"}
    with site.engine.connect() as conn:
        audit = conn.execute(select(AuditLog).where(AuditLog.action == "reassign")).scalars().all()
    assert len(audit) == 1


def test_reassign_needs_reason_staff_right_and_fresh_version(site):
    n = _assigned(site)
    with pytest.raises(ValidationErrors) as e:
        act(site.engine, n, MANAGER, "reassign", T0 + 9 * H, handler="", reason="")
    assert {x.params.get("field") for x in e.value.errors} == {"handler", "reassign_reason"}
    with pytest.raises(ValidationErrors):
        act(site.engine, n, MANAGER, "reassign", T0 + 9 * H, handler="outsider", reason="换人")
    with pytest.raises(PermissionDenied):
        act(site.engine, n, DESK, "reassign", T0 + 9 * H, handler="li", reason="换人")
    seen = svc.load(site.engine, SEES_ALL, n).version
    act(site.engine, n, HANDLER, "reassign", T0 + 9 * H, handler="li", reason="换人")   # a supervisor may
    with pytest.raises(ConflictError):
        svc.act(site.engine, MANAGER, n, seen, "reassign", now=T0 + 10 * H, handler="chen", reason="再换")
    assert svc.load(site.engine, SEES_ALL, n).handler == "li"
