"""Read queries of login sessions: the check every rerun makes, and a user's open sessions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.engine import Engine

from core.auth.sessions import SessionRecord
from db.engine import BUSY_TIMEOUT_MS
from db.models import AuditLog, StaffUser
from db.user_session_models import LoginSessionRow


@dataclass(frozen=True)
class SessionCheck:
    record: SessionRecord
    active: bool
    role: str
    all_projects: bool
    version: int


def check(engine: Engine, session_id: str) -> SessionCheck | None:
    """One primary-key lookup joined to its account."""
    stmt = (select(LoginSessionRow.id, StaffUser.username, LoginSessionRow.issued_at, LoginSessionRow.last_seen_at,
                   LoginSessionRow.ended_at, LoginSessionRow.end_reason, StaffUser.active, StaffUser.role,
                   StaffUser.all_projects, StaffUser.version)
            .join(StaffUser, StaffUser.id == LoginSessionRow.user_id)
            .where(LoginSessionRow.id == session_id))
    with engine.connect() as conn:
        r = conn.execute(stmt).one_or_none()
    if r is None:
        return None
    return SessionCheck(SessionRecord(r.id, r.username, r.issued_at, r.last_seen_at, r.ended_at, r.end_reason),
                        bool(r.active), r.role, bool(r.all_projects), int(r.version))


def open_sessions(engine: Engine, username: str) -> pd.DataFrame:
    stmt = (select(LoginSessionRow.id, LoginSessionRow.issued_at, LoginSessionRow.last_seen_at,
                   LoginSessionRow.client, LoginSessionRow.user_agent)
            .join(StaffUser, StaffUser.id == LoginSessionRow.user_id)
            .where(StaffUser.username == username, LoginSessionRow.ended_at.is_(None))
            .order_by(LoginSessionRow.last_seen_at.desc()))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["id", "issued_at", "last_seen_at", "client", "user_agent"])


def storms_since(engine: Engine, since: datetime) -> list[dict]:
    stmt = (select(AuditLog.at, AuditLog.after).where(AuditLog.action == "login_storm", AuditLog.at >= since)
            .order_by(AuditLog.at.desc()).limit(20))
    with engine.connect() as conn:
        return [{"at": r.at, **(r.after or {})} for r in conn.execute(stmt).all()]


def touch(engine: Engine, session_id: str, now: datetime) -> bool:
    """Best effort, never a wait: a click during a long import must not queue behind it for the
    sake of a 'last seen' time. SQLite gets a short busy timeout for this one statement."""
    stmt = (update(LoginSessionRow).where(LoginSessionRow.id == session_id, LoginSessionRow.ended_at.is_(None))
            .values(last_seen_at=now))
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            try:
                if sqlite:
                    conn.exec_driver_sql("PRAGMA busy_timeout=200")
                conn.execute(stmt)
                conn.commit()
            finally:
                if sqlite:
                    conn.rollback()
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                    conn.commit()
        return True
    except OperationalError:
        return False
