"""Staff accounts in the store: the credentials the login form checks, lockout, administration."""
from __future__ import annotations

import secrets
from datetime import datetime

import bcrypt
import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from core.auth import lockout
from core.auth.passwords import hash_password
from core.auth.roles import Role
from core.auth.users import (StaffAccount, validate_display_name, validate_language,
                             validate_role, validate_username)
from core.errors import ConflictError, NotFound, ValidationError
from db.models import StaffUser, UserProject, utcnow
from db.uow import UnitOfWork

# A locked account is offered to the login form with a hash nobody knows, so the form refuses it
# and we can still tell which account was tried (the form counts the failure under its name).
_LOCKED_HASH = bcrypt.hashpw(secrets.token_hex(32).encode(), bcrypt.gensalt(4)).decode()


def credentials(engine: Engine, now: datetime | None = None) -> dict:
    """The dict streamlit-authenticator wants, rebuilt from the store (active accounts only)."""
    now = now or utcnow()
    with engine.connect() as conn:
        rows = conn.execute(select(StaffUser.username, StaffUser.display_name, StaffUser.role,
                                   StaffUser.password_hash, StaffUser.locked_until)
                            .where(StaffUser.active.is_(True))).all()
    users = {}
    for r in rows:
        locked = r.locked_until is not None and now < r.locked_until
        users[r.username] = {"name": r.display_name, "password": _LOCKED_HASH if locked else r.password_hash,
                             "roles": [r.role], "failed_login_attempts": 0, "email": None}
    return {"usernames": users}


def _account(session, user: StaffUser) -> StaffAccount:
    project_ids = tuple(session.scalars(select(UserProject.project_id)
                                        .where(UserProject.user_id == user.id)).all())
    return StaffAccount(user.id, user.username, user.display_name, Role(user.role), user.active,
                        user.language, user.all_projects, project_ids, user.locked_until, user.version)


def get_account(engine: Engine, username: str) -> StaffAccount | None:
    with UnitOfWork(engine) as uow:
        user = uow.session.scalar(select(StaffUser).where(StaffUser.username == username))
        return _account(uow.session, user) if user else None


def _get(uow: UnitOfWork, username: str) -> StaffUser:
    user = uow.session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise NotFound("err.user_unknown", username=username)
    return user


def record_login_failure(engine: Engine, username: str, now: datetime | None = None) -> lockout.LoginState | None:
    now = now or utcnow()
    with UnitOfWork(engine, actor=username) as uow:
        user = uow.session.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            return None
        state = lockout.after_failure(lockout.LoginState(user.failed_attempts, user.locked_until), now)
        user.failed_attempts, user.locked_until = state.failed_attempts, state.locked_until
        uow.audit("login_failed", "staff_user", user.id, after={"failed_attempts": state.failed_attempts,
                                                                "locked": state.locked_until is not None})
        uow.commit()
        return state


def record_login_success(engine: Engine, username: str) -> None:
    with UnitOfWork(engine, actor=username) as uow:
        user = _get(uow, username)
        if user.failed_attempts or user.locked_until:
            user.failed_attempts, user.locked_until = 0, None
        uow.audit("login", "staff_user", user.id)
        uow.commit()


def create_user(engine: Engine, actor: str, username: str, display_name: str, role: str,
                password: str, project_ids: list[int] | None = None, all_projects: bool = False,
                is_demo: bool = False, hash_rounds: int = 12) -> int:
    username = validate_username(username)
    display_name = validate_display_name(display_name)
    role = validate_role(role)
    password_hash = hash_password(password, hash_rounds)
    with UnitOfWork(engine, actor=actor) as uow:
        if uow.session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
            raise ValidationError("err.username_taken", field="username", username=username)
        user = StaffUser(username=username, display_name=display_name, role=role.value,
                         password_hash=password_hash, active=True,
                         all_projects=all_projects or role in (Role.ADMIN, Role.MANAGER), is_demo=is_demo)
        uow.session.add(user)
        uow.session.flush()
        for pid in project_ids or []:
            uow.session.add(UserProject(user_id=user.id, project_id=pid))
        uow.audit("create", "staff_user", user.id,
                  after={"username": username, "role": role.value, "projects": list(project_ids or [])})
        uow.commit()
        return user.id


def set_active(engine: Engine, actor: str, username: str, active: bool, expected_version: int) -> None:
    with UnitOfWork(engine, actor=actor) as uow:
        user = _get(uow, username)
        if user.version != expected_version:
            raise ConflictError()
        if not active and username == actor:
            raise ValidationError("err.cannot_deactivate_self")
        before = {"active": user.active}
        user.active = active
        uow.audit("activate" if active else "deactivate", "staff_user", user.id, before, {"active": active})
        uow.commit()


def reset_password(engine: Engine, actor: str, username: str, new_password: str) -> None:
    password_hash = hash_password(new_password)
    with UnitOfWork(engine, actor=actor) as uow:
        user = _get(uow, username)
        user.password_hash = password_hash
        user.failed_attempts, user.locked_until = 0, None
        uow.audit("reset_password", "staff_user", user.id)
        uow.commit()


def unlock(engine: Engine, actor: str, username: str) -> None:
    with UnitOfWork(engine, actor=actor) as uow:
        user = _get(uow, username)
        before = {"failed_attempts": user.failed_attempts}
        user.failed_attempts, user.locked_until = 0, None
        uow.audit("unlock", "staff_user", user.id, before, {"failed_attempts": 0})
        uow.commit()


def set_language(engine: Engine, username: str, language: str) -> None:
    language = validate_language(language)
    with UnitOfWork(engine, actor=username) as uow:
        user = _get(uow, username)
        if user.language != language:
            user.language = language
            uow.audit("set_language", "staff_user", user.id, after={"language": language})
            uow.commit()


def set_projects(engine: Engine, actor: str, username: str, project_ids: list[int]) -> None:
    with UnitOfWork(engine, actor=actor) as uow:
        user = _get(uow, username)
        uow.session.execute(delete(UserProject).where(UserProject.user_id == user.id))
        for pid in project_ids:
            uow.session.add(UserProject(user_id=user.id, project_id=pid))
        uow.audit("set_projects", "staff_user", user.id, after={"projects": project_ids})
        uow.commit()


def list_users(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(StaffUser.username, StaffUser.display_name, StaffUser.role,
                                   StaffUser.active, StaffUser.failed_attempts, StaffUser.locked_until,
                                   StaffUser.version).order_by(StaffUser.username)).all()
    return pd.DataFrame(rows, columns=["username", "display_name", "role", "active",
                                       "failed_attempts", "locked_until", "version"])


def has_non_demo_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.scalar(select(StaffUser.id).where(StaffUser.is_demo.is_(False)).limit(1)) is not None


def count_users(engine: Engine) -> int:
    from sqlalchemy import func
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(StaffUser))


def tokens_valid_after(engine: Engine, username: str) -> datetime | None:
    with UnitOfWork(engine) as uow:
        return uow.session.scalar(select(StaffUser.tokens_valid_after).where(StaffUser.username == username))


def revoke_tokens(engine: Engine, username: str) -> None:
    """Logout: every login cookie this user holds, on any device, stops working."""
    with UnitOfWork(engine, actor=username) as uow:
        user = _get(uow, username)
        user.tokens_valid_after = utcnow()
        uow.audit("logout", "staff_user", user.id)
        uow.commit()


def demo_mode(engine: Engine) -> bool:
    """The login page shows the demo accounts only while no real user exists."""
    return not has_non_demo_users(engine)
