"""Staff accounts: what the login page needs to know (first run, demo), each user's own settings,
and the administration of accounts. A password reset, a deactivation and a role change end every
session of the account (services.sessions holds sign-in and the sessions themselves)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import flag_modified

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.passwords import hash_password, validate_password, validate_repeat
from core.auth.sessions import EndReason
from core.auth.users import (FIRST_ACCOUNT_ROLE, StaffAccount, validate_display_name, validate_language,
                             validate_role, validate_username)
from core.errors import PermissionDenied, ValidationError, ValidationErrors
from db import user_queries, user_repository, user_session_repository
from db.models import StaffUser, utcnow
from db.uow import UnitOfWork

# ---------------------------------------------------------------- sign-in (no actor yet)
# Signing in, sessions and the login throttle live in services.sessions.

def get_account(engine: Engine, username: str) -> StaffAccount | None:
    return user_queries.get_account(engine, username)


def demo_mode(engine: Engine) -> bool:
    """The login page shows the demo accounts only while no real user exists."""
    return not user_queries.has_non_demo_users(engine)


def first_run(engine: Engine) -> bool:
    """No account at all: the store waits for its first administrator."""
    return user_queries.count_users(engine) == 0


def create_first_admin(engine: Engine, username: str, display_name: str, password: str,
                       password_again: str | None = None, *, hash_rounds: int = 12,
                       request_key: str | None = None) -> int:
    """The first account of a store set up without the demo. Nobody is signed in yet, so it takes
    no actor; it is allowed only while the store has no account at all, checked inside the write's
    transaction under a lock, so two people racing on the first-run page make one admin."""
    checks = [lambda: validate_username(username), lambda: validate_display_name(display_name),
              lambda: validate_password(password)]
    if password_again is not None:
        checks.append(lambda: validate_repeat(password, password_again))
    username, display_name, *_ = ValidationErrors.collect(*checks)
    password_hash = hash_password(password, hash_rounds)
    with UnitOfWork(engine, username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        user_repository.lock_accounts(uow.session)
        if user_repository.any_account(uow.session):
            raise PermissionDenied("err.first_admin_exists")
        user_id = user_repository.add(uow.session, username, display_name, FIRST_ACCOUNT_ROLE, password_hash,
                                      True, False, [])
        uow.audit("first_admin", "staff_user", user_id, after={"username": username,
                                                               "role": FIRST_ACCOUNT_ROLE.value})
        return uow.commit(user_id)


def staff_names(engine: Engine, active_only: bool = False) -> dict[str, str]:
    """username -> display name, to show people rather than login names. Every screen that names
    a colleague needs it and it holds no owner's data, so it asks for no actor (and caches once)."""
    return user_queries.staff_names(engine, active_only)


# ---------------------------------------------------------------- the signed-in user's own account

def set_language(engine: Engine, actor: Actor, language: str, request_key: str | None = None) -> int:
    language = validate_language(language)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        user = user_repository.get(uow.session, actor.username)
        if user.language != language:
            user.language = language
            uow.audit("set_language", "staff_user", user.id, after={"language": language})
        return uow.commit(user.id)


# ---------------------------------------------------------------- administration

def list_users(engine: Engine, actor: Actor) -> pd.DataFrame:
    actor.require(Capability.MANAGE_USERS)
    return user_queries.list_users(engine)


def _validated(username, display_name, role, password):
    return ValidationErrors.collect(lambda: validate_username(username),
                                    lambda: validate_display_name(display_name),
                                    lambda: validate_role(role),
                                    lambda: validate_password(password))


def create_user(engine: Engine, actor: Actor, username: str, display_name: str, role: str, password: str,
                project_ids: list[int] | None = None, all_projects: bool = False, *, is_demo: bool = False,
                hash_rounds: int = 12, request_key: str | None = None) -> int:
    actor.require(Capability.MANAGE_USERS)
    username, display_name, role, _ = _validated(username, display_name, role, password)
    project_ids = list(project_ids or [])
    for pid in project_ids:
        actor.require_project(pid)
    password_hash = hash_password(password, hash_rounds)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        if user_repository.exists(uow.session, username):
            raise ValidationError("err.username_taken", field="username", username=username)
        user_id = user_repository.add(uow.session, username, display_name, role, password_hash,
                                      all_projects or can(role, Capability.SEE_ALL_PROJECTS), is_demo, project_ids)
        uow.audit("create", "staff_user", user_id,
                  after={"username": username, "role": role.value, "projects": project_ids})
        return uow.commit(user_id)


# What an admin changes on an account (a sign-in moves its version too, but names nobody).
_ACCOUNT_EDITS = ("create", "set_role", "activate", "deactivate", "set_projects", "reset_password", "unlock")


def _end_sessions(uow: UnitOfWork, user: StaffUser, reason: EndReason) -> int:
    return user_session_repository.end_all(uow.session, user.id, utcnow(), reason.value)


def set_role(engine: Engine, actor: Actor, username: str, role: str, expected_version: int,
             request_key: str | None = None) -> int:
    """A new role for an account, at the version the admin saw. The account's sessions end: the
    user signs in again and gets the new role's menu, never a mix of the two."""
    actor.require(Capability.MANAGE_USERS)
    new_role = validate_role(role)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        user = _managed(uow, actor, username)
        if user.version != expected_version:
            raise uow.conflict("staff_user", user.id, _ACCOUNT_EDITS)
        if username == actor.username:
            raise ValidationError("err.cannot_change_own_role", field="role")
        if user.role == new_role.value:
            return uow.commit(user.id)
        before = {"role": user.role}
        user.role = new_role.value
        user.all_projects = user.all_projects or can(new_role, Capability.SEE_ALL_PROJECTS)
        ended = _end_sessions(uow, user, EndReason.ROLE_CHANGED)
        uow.audit("set_role", "staff_user", user.id, before, {"role": new_role.value, "sessions_ended": ended})
        return uow.commit(user.id)


def _managed(uow: UnitOfWork, actor: Actor, username: str) -> StaffUser:
    """The account an admin acts on; a scoped admin only on accounts of their own projects."""
    user = user_repository.get(uow.session, username)
    for pid in user_repository.project_ids(uow.session, user.id):
        actor.require_project(pid)
    return user


def set_active(engine: Engine, actor: Actor, username: str, active: bool, expected_version: int,
               request_key: str | None = None) -> int:
    actor.require(Capability.MANAGE_USERS)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        user = _managed(uow, actor, username)
        if user.version != expected_version:
            raise uow.conflict("staff_user", user.id, _ACCOUNT_EDITS)
        if not active and username == actor.username:
            raise ValidationError("err.cannot_deactivate_self")
        before = {"active": user.active}
        user.active = active
        # Reactivation revives nothing: the sessions ended at deactivation stay ended.
        ended = 0 if active else _end_sessions(uow, user, EndReason.DEACTIVATED)
        uow.audit("activate" if active else "deactivate", "staff_user", user.id, before,
                  {"active": active, "sessions_ended": ended})
        return uow.commit(user.id)


def reset_password(engine: Engine, actor: Actor, username: str, new_password: str,
                   request_key: str | None = None) -> int:
    actor.require(Capability.MANAGE_USERS)
    password_hash = hash_password(new_password)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        user = _managed(uow, actor, username)
        user.password_hash = password_hash
        user.failed_attempts, user.locked_until = 0, None
        user_session_repository.clear_account(uow.session, user.username)
        ended = _end_sessions(uow, user, EndReason.PASSWORD_RESET)
        uow.audit("reset_password", "staff_user", user.id, after={"sessions_ended": ended})
        return uow.commit(user.id)


def unlock(engine: Engine, actor: Actor, username: str, request_key: str | None = None) -> int:
    actor.require(Capability.MANAGE_USERS)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        user = _managed(uow, actor, username)
        before = {"failed_attempts": user.failed_attempts}
        user.failed_attempts, user.locked_until = 0, None
        user_session_repository.clear_account(uow.session, user.username)
        uow.audit("unlock", "staff_user", user.id, before, {"failed_attempts": 0})
        return uow.commit(user.id)


def demo_accounts(engine: Engine, actor: Actor) -> list[str]:
    actor.require(Capability.MANAGE_USERS)
    return user_queries.demo_usernames(engine)


def remove_demo_accounts(engine: Engine, actor: Actor, request_key: str | None = None) -> int:
    """Every demo account goes, in one action: a company that started on the demo keeps its data
    but no account whose password is printed in the README. Done by a real (non-demo) account,
    so an admin cannot remove the account they are signed in with."""
    actor.require(Capability.MANAGE_USERS)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        me = user_repository.get(uow.session, actor.username)
        if me.is_demo:
            raise ValidationError("err.demo_remove_self")
        demo = user_repository.demo_accounts(uow.session)
        for user in demo:
            for pid in user_repository.project_ids(uow.session, user.id):
                actor.require_project(pid)
        user_repository.remove(uow.session, demo)
        uow.audit("remove_demo_accounts", "staff_user", None, before={"usernames": [u.username for u in demo]})
        return uow.commit(len(demo))


def set_projects(engine: Engine, actor: Actor, username: str, project_ids: list[int],
                 expected_version: int | None = None, request_key: str | None = None) -> int:
    """The projects an account works in, at the version the admin saw (None: no check, for
    scripts). The account's version moves, so a second admin's stale list is refused."""
    actor.require(Capability.MANAGE_USERS)
    project_ids = list(project_ids)
    for pid in project_ids:
        actor.require_project(pid)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        user = _managed(uow, actor, username)
        if expected_version is not None and user.version != expected_version:
            raise uow.conflict("staff_user", user.id, _ACCOUNT_EDITS)
        user_repository.set_projects(uow.session, user.id, project_ids)
        flag_modified(user, "all_projects")   # an UPDATE of the account row: its version moves
        uow.audit("set_projects", "staff_user", user.id, after={"projects": project_ids})
        return uow.commit(user.id)
