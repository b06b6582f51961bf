"""Every write of services.users as every role, and on another project's account or project for a
scoped actor: refused exactly where ROLE_CAPABILITIES says so. A user's own settings (language,
logout, sign out everywhere) need no capability: every role may change its own."""
from __future__ import annotations

import pytest

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.errors import PermissionDenied
from services import sessions, users
from store_helpers import FAST, add_project

ADMIN = Actor("admin", Role.ADMIN)
PW = "Demo-2026!"


def refusal(call) -> str | None:
    try:
        call()
    except PermissionDenied as e:
        return e.key
    return None


def expected(role: Role, capability: Capability | None, other_project: bool = False) -> str | None:
    if capability is not None and not can(role, capability):
        return "err.not_allowed"
    return "err.other_project" if other_project else None


@pytest.fixture
def accounts(engine):
    """Two projects and an account in each (plus every role's own account)."""
    sz, gz = add_project(engine, "P001", "深圳·翠湖园", "深圳"), add_project(engine, "P002", "广州·星河苑", "广州")
    users.create_user(engine, ADMIN, "in.sz", "深圳前台", "frontdesk", PW, [sz], hash_rounds=FAST)
    users.create_user(engine, ADMIN, "in.gz", "广州前台", "frontdesk", PW, [gz], hash_rounds=FAST)
    for role in Role:
        users.create_user(engine, ADMIN, f"me.{role.value}", "本人", role.value, PW, hash_rounds=FAST)
    return engine, sz, gz


def writes(engine, actor: Actor, target: str, project: int, tag: str):
    """Each administration write, on `target`, naming `project`."""
    version = users.get_account(engine, target).version
    return {
        "create_user": lambda: users.create_user(engine, actor, f"new.{tag}", "新用户", "frontdesk", PW, [project],
                                                 hash_rounds=FAST),
        "set_active": lambda: users.set_active(engine, actor, target, True, version),
        "reset_password": lambda: users.reset_password(engine, actor, target, "Other-pass-2026"),
        "unlock": lambda: users.unlock(engine, actor, target),
        "set_projects": lambda: users.set_projects(engine, actor, target, [project]),
        "set_role": lambda: users.set_role(engine, actor, target, "frontdesk",
                                           users.get_account(engine, target).version),
    }


@pytest.mark.parametrize("role", list(Role))
def test_administration_writes(accounts, role):
    engine, sz, gz = accounts
    for name, call in writes(engine, Actor("anyone", role), "in.sz", sz, f"{role.value}.a").items():
        assert refusal(call) == expected(role, Capability.MANAGE_USERS), (name, role)
    # scoped to Guangzhou: Shenzhen's account and Shenzhen's project are out of reach
    for name, call in writes(engine, Actor("scoped", role, (gz,)), "in.sz", sz, f"{role.value}.b").items():
        assert refusal(call) == expected(role, Capability.MANAGE_USERS, other_project=True), (name, role)
    assert refusal(lambda: users.list_users(engine, Actor("anyone", role))) == expected(role, Capability.MANAGE_USERS)


@pytest.mark.parametrize("role", list(Role))
def test_own_settings_need_no_capability(accounts, role):
    engine, _, gz = accounts
    me = Actor(f"me.{role.value}", role, (gz,))
    assert refusal(lambda: users.set_language(engine, me, "en")) is None
    signed = sessions.sign_in(engine, me.username, PW, "10.0.0.1")
    assert refusal(lambda: sessions.end(engine, me, signed.session_id)) is None
    assert refusal(lambda: sessions.end_everywhere(engine, me)) is None
    assert refusal(lambda: sessions.my_sessions(engine, me)) is None
    assert refusal(lambda: sessions.recent_storms(engine, me)) == expected(role, Capability.MANAGE_USERS)
    assert users.get_account(engine, me.username).language == "en"


@pytest.mark.parametrize("role", list(Role))
def test_removing_the_demo_accounts(engine, role):
    """As every role, and scoped to a project other than the demo accounts' one."""
    sz, gz = add_project(engine, "P001", "深圳·翠湖园", "深圳"), add_project(engine, "P002", "广州·星河苑", "广州")
    users.create_user(engine, ADMIN, "demo.desk", "演示前台", "frontdesk", PW, [sz], is_demo=True, hash_rounds=FAST)
    users.create_user(engine, ADMIN, "me.all", "本人", role.value, PW, hash_rounds=FAST)
    users.create_user(engine, ADMIN, "me.gz", "本人", role.value, PW, [gz], hash_rounds=FAST)
    assert refusal(lambda: users.demo_accounts(engine, Actor("me.all", role))) == \
        expected(role, Capability.MANAGE_USERS)
    assert refusal(lambda: users.remove_demo_accounts(engine, Actor("me.gz", role, (gz,)))) == \
        expected(role, Capability.MANAGE_USERS, other_project=True)
    assert refusal(lambda: users.remove_demo_accounts(engine, Actor("me.all", role))) == \
        expected(role, Capability.MANAGE_USERS)
    assert (users.get_account(engine, "demo.desk") is None) == can(role, Capability.MANAGE_USERS)


def test_the_first_admin_needs_no_actor_but_an_empty_store(engine):
    """Nobody is signed in on a new store: the only gate is that no account exists."""
    assert refusal(lambda: users.create_first_admin(engine, "first", "第一", PW, PW, hash_rounds=FAST)) is None
    assert refusal(lambda: users.create_first_admin(engine, "second", "第二", PW, PW, hash_rounds=FAST)) == \
        "err.first_admin_exists"
