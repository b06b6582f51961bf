"""Every complaint write as every role, in its own projects and in another's: refused exactly where
the capability matrix (core/auth/capabilities.py) says so, and on another project's ticket or unit
always, with nothing written. On SQLite and PostgreSQL."""
from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.complaints import workflow
from core.errors import NotFound, PermissionDenied
from services import org
from db.models import ComplaintRow, Unit
from services import complaints as svc
from store_helpers import add_project, count, row

DESK = Actor("desk", Role.FRONTDESK)     # receives the tickets the cases act on


@dataclass
class Site:
    engine: object
    own: int                 # the project the tickets and the unit are in
    other: int
    unit: int


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory):
    """One store per database kind; every test registers the tickets it acts on."""
    from db.engine import make_engine
    from db.migrate import upgrade

    server = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('perm') / 'app.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        name = f"perm_{os.getpid()}"
        url = server.create_database(name)
    upgrade(url)
    engine = make_engine(url)
    own = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    other = add_project(engine, "P002", "广州·星河苑", "广州", buildings=("3",))
    org.import_units(engine, Actor("admin", Role.ADMIN), own, [row("3-1906", "王伟", "13812345678")])
    org.import_units(engine, Actor("admin", Role.ADMIN), other, [row("3-1906", "赵敏", "13600002222")])
    with engine.connect() as conn:
        unit = conn.scalar(select(Unit.id).where(Unit.project_id == own))
    yield Site(engine, own, other, unit)
    engine.dispose()
    if server is not None:
        server.drop_database(name)


def ticket(site: Site, receiver: Actor = DESK, **fields) -> str:
    return svc.register(site.engine, receiver, unit_id=site.unit, channel="walk_in", complainant="王伟",
                        content="楼道灯坏了三天", category="repairs", **fields)


def version(site: Site, number: str) -> int:
    with site.engine.connect() as conn:
        return conn.scalar(select(ComplaintRow.version).where(ComplaintRow.number == number))


# Each write, set up so that only the capability and the project can refuse it:
# (capability, prepare(site, actor) -> number or None, write(site, actor, number), written(site, number, result)).
def _register(site, actor, _):
    return svc.register(site.engine, actor, unit_id=site.unit, channel="walk_in", complainant="李娜",
                        content="电梯停在半层", category="repairs")


def _step(action, **data):
    def write(site, actor, number):
        return svc.act(site.engine, actor, number, version(site, number), action, **data)
    return write


def _as_receiver(site, actor):
    """The actor received it: the ownership rule lets them judge it."""
    return ticket(site, Actor(actor.username, Role.FRONTDESK))


def _proposed_invalid(site, actor):
    number = ticket(site)
    svc.act(site.engine, DESK, number, 1, "propose_invalid", reason="商户预付卡不属物业责任")
    return number


CASES = {
    "register": (Capability.REGISTER_COMPLAINT, lambda site, actor: None, _register),
    "judge_valid": (Capability.HANDLE_COMPLAINT, _as_receiver, _step("judge_valid")),
    "flag_red_line": (Capability.HANDLE_COMPLAINT, lambda site, actor: ticket(site),
                      _step("flag_red_line", flag="media", note="记者来电")),
    "sign_off_invalid": (Capability.MANAGE_COMPLAINTS, _proposed_invalid,
                         _step("sign_off_invalid", reply="已协助您联系消协，感谢理解。")),
    "acknowledge_escalation": (Capability.ACKNOWLEDGE_RED_LINE, lambda site, actor: ticket(site, red_lines=("brand",)),
                               _step("acknowledge_escalation")),
}
SCOPES = ("all projects", "own project", "other project")


def actor_of(role: Role, scope: str, site: Site) -> Actor:
    projects = {"all projects": None, "own project": (site.own,), "other project": (site.other,)}[scope]
    return Actor(f"{role.value}-{scope.split()[0]}", role, projects)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_write_as_every_role(site, role, case, scope):
    capability, prepare, write = CASES[case]
    actor = actor_of(role, scope, site)
    number = prepare(site, actor)
    before = (count(site.engine, ComplaintRow), number and version(site, number))
    allowed = can(role, capability)
    if allowed and scope != "other project":
        result = write(site, actor, number)
        if number is None:
            assert result.startswith("TS-") and count(site.engine, ComplaintRow) == before[0] + 1
        else:
            assert result.version == version(site, number) == before[1] + 1
        return
    with pytest.raises(PermissionDenied) as info:
        write(site, actor, number)
    if allowed:
        assert info.value.key == "err.other_project"
    assert (count(site.engine, ComplaintRow), number and version(site, number)) == before


@pytest.mark.parametrize("action", list(workflow.ACTIONS))
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_step_checks_its_capability_before_reading_the_ticket(site, role, action):
    """Without the capability: refused at once. With it: the service goes on to look the ticket up."""
    actor = Actor(f"{role.value}-any", role)
    expected = NotFound if can(role, workflow.capability_for(action)) else PermissionDenied
    with pytest.raises(expected):
        svc.act(site.engine, actor, "TS-19990101-0001", 1, action)


def test_the_step_capabilities_are_the_methods():
    """Signing off "not valid" and closing as unreachable are a manager's; acknowledging an
    escalation needs its own right; every other step is handling a complaint."""
    assert {a: workflow.capability_for(a) for a in workflow.ACTIONS} == {
        a: {"sign_off_invalid": Capability.MANAGE_COMPLAINTS, "close_unreachable": Capability.MANAGE_COMPLAINTS,
            "acknowledge_escalation": Capability.ACKNOWLEDGE_RED_LINE,
            "reassign": Capability.REASSIGN_COMPLAINT}.get(a, Capability.HANDLE_COMPLAINT)
        for a in workflow.ACTIONS}
