"""One engine per process. SQLite gets WAL and a busy timeout; a unit of work (every write) begins
with BEGIN IMMEDIATE so that read-then-update transactions cannot lose each other's writes
(measured in STACK-NOTES), while plain reads begin deferred and, under WAL, never wait for a
writer: a manager's search goes on during a long import."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "data" / "app.db"
BUSY_TIMEOUT_MS = 15_000
SQLITE_BEGIN = "sqlite_begin"   # execution option: "IMMEDIATE" for a connection that will write


def for_writing(engine: Engine) -> Engine:
    """The same engine, its transactions taking SQLite's write lock at BEGIN (PostgreSQL ignores it)."""
    return engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's begin event decide when a transaction starts (the driver would not
        # open one before a SELECT, which makes read-then-update unsafe).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)
