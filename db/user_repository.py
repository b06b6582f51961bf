"""Load and save of staff accounts inside a unit of work (the services' session)."""
from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.auth.roles import Role
from core.auth.users import StaffAccount
from core.errors import NotFound
from db.models import StaffUser, UserProject


def find(session: Session, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def get(session: Session, username: str) -> StaffUser:
    user = find(session, username)
    if user is None:
        raise NotFound("err.user_unknown", username=username)
    return user


def exists(session: Session, username: str) -> bool:
    return session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None


def account(session: Session, user: StaffUser) -> StaffAccount:
    project_ids = tuple(session.scalars(select(UserProject.project_id)
                                        .where(UserProject.user_id == user.id)).all())
    return StaffAccount(user.id, user.username, user.display_name, Role(user.role), user.active,
                        user.language, user.all_projects, project_ids, user.locked_until, user.version)


def add(session: Session, username: str, display_name: str, role: Role, password_hash: str, all_projects: bool,
        is_demo: bool, project_ids: list[int]) -> int:
    user = StaffUser(username=username, display_name=display_name, role=role.value, password_hash=password_hash,
                     active=True, all_projects=all_projects, is_demo=is_demo)
    session.add(user)
    session.flush()
    set_projects(session, user.id, project_ids)
    return user.id


def set_projects(session: Session, user_id: int, project_ids: list[int]) -> None:
    session.execute(delete(UserProject).where(UserProject.user_id == user_id))
    for pid in project_ids:
        session.add(UserProject(user_id=user_id, project_id=pid))


def project_ids(session: Session, user_id: int) -> list[int]:
    return list(session.scalars(select(UserProject.project_id).where(UserProject.user_id == user_id)))


def known_usernames(session: Session, usernames: list[str]) -> set[str]:
    return set(session.scalars(select(StaffUser.username).where(StaffUser.username.in_(usernames))))


def lock_accounts(session: Session) -> None:
    """Serialise the writes that depend on which accounts exist (the first admin): SQLite's
    BEGIN IMMEDIATE already does; on PostgreSQL one transaction-scoped advisory lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_ACCOUNTS_LOCK)))


_ACCOUNTS_LOCK = 7_110_001   # any constant no other feature uses for an advisory lock


def any_account(session: Session) -> bool:
    return session.scalar(select(StaffUser.id).limit(1)) is not None


def demo_accounts(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).where(StaffUser.is_demo.is_(True)).order_by(StaffUser.username)))


def remove(session: Session, users: list[StaffUser]) -> None:
    ids = [u.id for u in users]
    session.execute(delete(UserProject).where(UserProject.user_id.in_(ids)))
    session.execute(delete(StaffUser).where(StaffUser.id.in_(ids)).execution_options(synchronize_session=False))
