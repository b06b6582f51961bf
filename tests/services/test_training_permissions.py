"""Every write and read of services.training as every role: refused exactly where
ROLE_CAPABILITIES says so. Sessions belong to no project, so there is no project scope to test."""
from __future__ import annotations

from datetime import date

import pytest

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.cases.model import CaseDraft
from core.errors import PermissionDenied
from services import cases, training

ADMIN = Actor("admin", Role.ADMIN)


def refusal(call) -> str | None:
    try:
        call()
    except PermissionDenied as e:
        return e.key
    return None


def expected(role: Role, capability: Capability) -> str | None:
    return None if can(role, capability) else "err.not_allowed"


def draft(title: str) -> CaseDraft:
    return CaseDraft(title=title, story="业主反映楼道灯不亮。", kind="exercise", status="published")


@pytest.mark.parametrize("role", list(Role))
def test_training_writes_and_reads(engine, role):
    published = cases.save(engine, ADMIN, draft("已发布"))
    actor = Actor("anyone", role)
    assert refusal(lambda: training.create_session(engine, actor, "培训", date(2025, 3, 3), [published], [])) == \
        expected(role, Capability.RUN_TRAINING)
    for read in (training.sessions, training.attendance, training.teachable_cases):
        assert refusal(lambda: read(engine, actor)) == expected(role, Capability.RUN_TRAINING), read.__name__
