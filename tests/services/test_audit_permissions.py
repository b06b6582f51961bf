"""The audit viewer's reads and its export as every role, and into another project for a scoped
actor: refused exactly where ROLE_CAPABILITIES says so (VIEW_AUDIT), read from the matrix. The
viewer writes nothing of its own but its log of exports and views."""
from __future__ import annotations

import pytest

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.errors import PermissionDenied
from services import audit, org

SETUP = Actor("setup", Role.ADMIN)


def refusal(call) -> str | None:
    try:
        call()
    except PermissionDenied as e:
        return e.key
    return None


def expected(role: Role, other_project: bool = False) -> str | None:
    if not can(role, Capability.VIEW_AUDIT):
        return "err.not_allowed"
    return "err.other_project" if other_project else None


@pytest.mark.parametrize("role", list(Role))
def test_the_audit_viewer_as_every_role(engine, role):
    sz = org.create_project(engine, SETUP, "P001", "翠湖园", "深圳")
    gz = org.create_project(engine, SETUP, "P002", "星河苑", "广州")
    row_id = int(audit.search(engine, SETUP, audit.make_filter(project_id=sz)).rows.iloc[0]["id"])
    anyone, scoped = Actor("anyone", role), Actor("scoped", role, (gz,))
    everything, in_sz = audit.make_filter(), audit.make_filter(project_id=sz)
    for name, call in {"search": lambda a, f: audit.search(engine, a, f),
                       "export": lambda a, f: audit.export(engine, a, f),
                       "choices": lambda a, f: audit.choices(engine, a),
                       "row": lambda a, f: audit.row(engine, a, row_id)}.items():
        assert refusal(lambda: call(anyone, everything)) == expected(role), (name, role)
        if name in ("search", "export"):
            assert refusal(lambda: call(scoped, in_sz)) == expected(role, other_project=True), (name, role)
    exports = audit.search(engine, SETUP, audit.make_filter(actor="anyone", entity="audit_log")).total
    assert exports == (1 if can(role, Capability.VIEW_AUDIT) else 0)
