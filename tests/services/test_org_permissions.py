"""Every write of services.org as every role, and into another project for a scoped actor: refused
exactly where ROLE_CAPABILITIES says so (the expectation is read from the matrix, not restated)."""
from __future__ import annotations

import pytest

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.errors import PermissionDenied
from services import org
from store_helpers import add_project, row


def refusal(call) -> str | None:
    """The PermissionDenied key of a call, or None when it was allowed (it may fail otherwise)."""
    try:
        call()
    except PermissionDenied as e:
        return e.key
    return None


def expected(role: Role, capability: Capability, other_project: bool = False) -> str | None:
    if not can(role, capability):
        return "err.not_allowed"
    return "err.other_project" if other_project else None


@pytest.fixture
def two_projects(engine):
    return engine, add_project(engine, "P001", "深圳·翠湖园", "深圳"), add_project(engine, "P002", "广州·星河苑", "广州")


@pytest.mark.parametrize("role", list(Role))
def test_import_units(two_projects, role):
    engine, sz, gz = two_projects
    anywhere, elsewhere = Actor("anyone", role), Actor("scoped", role, (gz,))
    assert refusal(lambda: org.import_units(engine, anywhere, sz, [row("3-101", "甲")])) == \
        expected(role, Capability.IMPORT_DATA)
    assert refusal(lambda: org.import_units(engine, elsewhere, sz, [row("3-102", "乙")])) == \
        expected(role, Capability.IMPORT_DATA, other_project=True)
    assert refusal(lambda: org.validate_unit_import(engine, elsewhere, sz, [])) == \
        expected(role, Capability.IMPORT_DATA, other_project=True)
    assert org.rooms_of(engine, Actor("reader", Role.ADMIN), sz) == ({"3-101"} if can(role, Capability.IMPORT_DATA)
                                                                     else set())


@pytest.mark.parametrize("role", list(Role))
def test_unit_reads(two_projects, role):
    engine, sz, gz = two_projects
    org.import_units(engine, Actor("admin", Role.ADMIN), sz, [row("3-101", "甲", "13812345678")])
    actor = Actor("anyone", role)
    assert refusal(lambda: org.search_units(engine, actor, "3-101")) == expected(role, Capability.VIEW_UNITS)
    unit = org.find_unit(engine, actor, sz, "3-101")
    assert refusal(lambda: org.unit_detail(engine, actor, unit)) == expected(role, Capability.VIEW_UNITS)
    assert refusal(lambda: org.unit_detail(engine, Actor("scoped", role, (gz,)), unit)) == \
        expected(role, Capability.VIEW_UNITS, other_project=True)


# --- the set-up, owners and special needs (issue 11, item 2) --------------------------------

from itertools import count as _counter  # noqa: E402

from core.clock import local_today  # noqa: E402

SETUP = Actor("setup", Role.ADMIN)
_rooms = _counter(101)
SETUP_WRITES = ("name_company", "create_project", "update_project", "add_building", "add_unit", "update_owner",
                "add_co_owner", "remove_owner", "transfer_ownership", "add_special_need", "end_special_need")


@pytest.fixture
def setup_store(engine):
    """Two projects with building 3; each write gets a fresh unit of Shenzhen (two owners, a need)."""
    sz = org.create_project(engine, SETUP, "P001", "翠湖园", "深圳")
    gz = org.create_project(engine, SETUP, "P002", "星河苑", "广州")
    for pid in (sz, gz):
        org.add_building(engine, SETUP, pid, "3", "30")
    return engine, sz, gz


def fresh_unit(engine, pid) -> dict:
    frame = org.list_buildings(engine, SETUP, (pid,))
    room = f"3-{next(_rooms)}"
    unit_id = org.add_unit(engine, SETUP, int(frame["id"].iloc[0]), room, "89", "sold", "王伟", "13812345678")
    org.add_co_owner(engine, SETUP, unit_id, "李娜", "")
    need = org.add_special_need(engine, SETUP, unit_id, "pregnancy", "", local_today())
    owners = org.owners(engine, SETUP, unit_id)
    return {"unit": unit_id, "version": org.unit_detail(engine, SETUP, unit_id)["version"], "owner": owners[0],
            "ownership": owners[1].id, "need": need, "building": int(frame["id"].iloc[0]), "project": pid}


def setup_writes(engine, actor: Actor, u: dict, tag: str) -> dict:
    """Each write of the set-up (SETUP_WRITES), on the unit `u` of Shenzhen: (capability, call)."""
    today = local_today()
    need_version = org.special_needs(engine, SETUP, u["unit"])[0].version
    project_version = int(org.list_projects(engine, SETUP, (u["project"],))["version"].iloc[0])
    return {
        "name_company": (Capability.MANAGE_ORG, lambda: org.name_company(
            engine, actor, f"公司{tag}", None if org.company(engine) is None else org.company(engine).version)),
        "create_project": (Capability.MANAGE_ORG,
                           lambda: org.create_project(engine, actor, f"X{tag}", "新项目", "深圳")),
        "update_project": (Capability.MANAGE_ORG, lambda: org.update_project(
            engine, actor, u["project"], "P001", "翠湖园", "深圳", "", "95", project_version)),
        "add_building": (Capability.MANAGE_ORG, lambda: org.add_building(engine, actor, u["project"], tag[:4].upper(),
                                                                         "18")),
        "add_unit": (Capability.MANAGE_ORG, lambda: org.add_unit(engine, actor, u["building"], f"3-{next(_rooms)}",
                                                                 "90")),
        "update_owner": (Capability.EDIT_OWNERS, lambda: org.update_owner(
            engine, actor, u["unit"], u["owner"].owner_id, "王伟", "13900000000", u["owner"].owner_version)),
        "add_co_owner": (Capability.EDIT_OWNERS, lambda: org.add_co_owner(engine, actor, u["unit"], "赵敏", "")),
        "remove_owner": (Capability.EDIT_OWNERS, lambda: org.remove_owner(engine, actor, u["unit"], u["ownership"])),
        "transfer_ownership": (Capability.EDIT_OWNERS, lambda: org.transfer_ownership(
            engine, actor, u["unit"], [("孙丽", "")], today, org.unit_detail(engine, SETUP, u["unit"])["version"])),
        "add_special_need": (Capability.RECORD_SPECIAL_NEEDS, lambda: org.add_special_need(
            engine, actor, u["unit"], "language", "只讲粤语", today)),
        "end_special_need": (Capability.RECORD_SPECIAL_NEEDS, lambda: org.end_special_need(
            engine, actor, u["need"], need_version)),
    }


@pytest.mark.parametrize("role", list(Role))
def test_every_set_up_write_as_every_role(setup_store, role):
    engine, sz, gz = setup_store
    for n, name in enumerate(SETUP_WRITES):
        u = fresh_unit(engine, sz)
        capability, call = setup_writes(engine, Actor("anyone", role), u, f"{role.value[:2]}{n}")[name]
        assert refusal(call) == expected(role, capability), (name, role)
        # scoped to Guangzhou: a Shenzhen unit (and, for company-wide writes, any new project) is out of reach
        capability, call = setup_writes(engine, Actor("scoped", role, (gz,)), fresh_unit(engine, sz),
                                        f"{role.value[:2]}s{n}")[name]
        assert refusal(call) == expected(role, capability, other_project=True), (name, role)


@pytest.mark.parametrize("role", list(Role))
def test_set_up_reads_as_every_role(setup_store, role):
    engine, sz, gz = setup_store
    u = fresh_unit(engine, sz)
    assert refusal(lambda: org.special_needs(engine, Actor("anyone", role), u["unit"])) == \
        expected(role, Capability.SEE_SPECIAL_NEEDS)
    assert refusal(lambda: org.special_needs(engine, Actor("scoped", role, (gz,)), u["unit"])) == \
        expected(role, Capability.SEE_SPECIAL_NEEDS, other_project=True)
    assert refusal(lambda: org.setup_progress(engine, Actor("anyone", role))) == expected(role, Capability.MANAGE_ORG)
    for read in (org.owners, org.unit_owed):
        assert refusal(lambda: read(engine, Actor("anyone", role), u["unit"])) == expected(role, Capability.VIEW_UNITS)
        assert refusal(lambda: read(engine, Actor("scoped", role, (gz,)), u["unit"])) == \
            expected(role, Capability.VIEW_UNITS, other_project=True)
    if can(role, Capability.VIEW_UNITS):
        record = org.unit_detail(engine, Actor("anyone", role), u["unit"])
        assert (record["needs"] is not None) == can(role, Capability.SEE_SPECIAL_NEEDS)

