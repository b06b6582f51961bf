"""Read queries of staff accounts."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core.auth.users import StaffAccount
from db import user_repository
from db.models import StaffUser


def login_rows(engine: Engine) -> list:
    """Active accounts with what the login form checks (hash, lock)."""
    with engine.connect() as conn:
        return conn.execute(select(StaffUser.username, StaffUser.display_name, StaffUser.role,
                                   StaffUser.password_hash, StaffUser.locked_until)
                            .where(StaffUser.active.is_(True))).all()


def get_account(engine: Engine, username: str) -> StaffAccount | None:
    with Session(engine) as session:
        user = user_repository.find(session, username)
        return user_repository.account(session, user) if user else None


def list_users(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(StaffUser.username, StaffUser.display_name, StaffUser.role,
                                   StaffUser.active, StaffUser.failed_attempts, StaffUser.locked_until,
                                   StaffUser.version).order_by(StaffUser.username)).all()
    return pd.DataFrame(rows, columns=["username", "display_name", "role", "active",
                                       "failed_attempts", "locked_until", "version"])


def staff_names(engine: Engine, active_only: bool = False) -> dict[str, str]:
    stmt = select(StaffUser.username, StaffUser.display_name).order_by(StaffUser.username)
    if active_only:
        stmt = stmt.where(StaffUser.active.is_(True))
    with engine.connect() as conn:
        return dict(conn.execute(stmt).all())


def has_non_demo_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.scalar(select(StaffUser.id).where(StaffUser.is_demo.is_(False)).limit(1)) is not None


def count_users(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(StaffUser))


def tokens_valid_after(engine: Engine, username: str) -> datetime | None:
    with Session(engine) as session:
        return session.scalar(select(StaffUser.tokens_valid_after).where(StaffUser.username == username))


def demo_usernames(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(StaffUser.username).where(StaffUser.is_demo.is_(True))
                                 .order_by(StaffUser.username)))


def login_row(engine: Engine, username: str):
    """What sign-in checks: id, hash and whether the account may sign in."""
    with engine.connect() as conn:
        return conn.execute(select(StaffUser.id, StaffUser.password_hash, StaffUser.active)
                            .where(StaffUser.username == username)).one_or_none()
