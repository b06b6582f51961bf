"""SQLite's one writer lock held past the wait (a long import in another session): a write is
refused with "err.busy", a message the page shows, never an OperationalError; nothing is written,
and the same write goes through once the lock is free (issue 16)."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text

from core.errors import DomainError
from db.models import AuditLog
from db.uow import UnitOfWork


def _views(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "view"))


def test_a_write_waiting_past_the_lock_is_told_busy_and_writes_nothing(engine, db_url, db_kind):
    if db_kind != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    holder = create_engine(db_url, connect_args={"isolation_level": None})
    with holder.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")          # another session's long write
        with pytest.raises(DomainError) as info:
            with UnitOfWork(engine, "zhou", wait_ms=100) as uow:
                uow.audit("view", "unit", 1)
                uow.commit()
        assert info.value.key == "err.busy"
        conn.exec_driver_sql("ROLLBACK")
    holder.dispose()
    assert _views(engine) == 0
    with UnitOfWork(engine, "zhou", wait_ms=100) as uow:
        uow.audit("view", "unit", 1)
        uow.commit()
    assert _views(engine) == 1
    # the pooled connection keeps the normal busy timeout for the next unit of work
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15_000
