"""Unit of work: one transaction per use case; it commits only when told to, else rolls back.

A use case given a request key (one per submitted form) runs at most once per key: `done_before()`
answers a second submission with the first one's result, and `commit(result)` records the key in
the same transaction as the write, so a double tap or a resent form never writes twice."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.clock import CHINA
from core.errors import ConflictError, DomainError
from db.engine import BUSY_TIMEOUT_MS, for_writing
from db.models import AuditLog, RequestLog, StaffUser

_NOTHING = object()


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


class UnitOfWork:
    def __init__(self, engine: Engine, actor: str = "system", request_key: str | None = None,
                 wait_ms: int | None = None):
        """`wait_ms`: on SQLite, wait at most this long for another writer's lock (else the busy
        timeout) before giving up with "err.busy"; for writes a reader's page must not wait on."""
        self._engine = for_writing(engine)
        self._factory = sessionmaker(bind=self._engine, expire_on_commit=False)
        self._wait_ms = wait_ms if wait_ms is not None and engine.dialect.name == "sqlite" else None
        self._conn = None
        self.actor = actor
        self.request_key = (request_key or None) and str(request_key)[:64]
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        if self._wait_ms is None:
            self.session = self._factory()
        else:   # its own connection, its busy timeout set before the BEGIN IMMEDIATE
            self._conn = self._engine.connect()
            self._conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout={int(self._wait_ms)}")
            self.session = Session(bind=self._conn, expire_on_commit=False)
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is not None:
                self.session.rollback()
        finally:
            self.session.close()
            if self._conn is not None:
                self._conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                self._conn.close()
        if exc is not None and _busy(exc):
            # SQLite's one writer held the lock past the busy timeout (a long import): nothing
            # was written, and the user is told to try again rather than shown a traceback.
            raise DomainError("err.busy") from exc

    def done_before(self):
        """The result of an earlier run with this request key, or None. Twins wait here for each
        other: BEGIN IMMEDIATE on SQLite, an advisory lock on the key on PostgreSQL."""
        if not self.request_key:
            return None
        s = self.session
        if s.get_bind().dialect.name == "postgresql":
            s.execute(select(func.pg_advisory_xact_lock(func.hashtext(self.request_key))))
        row = s.scalar(select(RequestLog.result).where(RequestLog.key == self.request_key))
        return None if row is None else row.get("value")

    def commit(self, result=_NOTHING):
        """Commit; with a result, remember it under the request key. Returns the result."""
        if self.request_key and result is not _NOTHING:
            self.session.add(RequestLog(key=self.request_key, actor=self.actor, result={"value": result}))
        try:
            self.session.commit()
        except StaleDataError:
            self.session.rollback()
            raise ConflictError() from None
        return None if result is _NOTHING else result

    def audit(self, action: str, entity: str, entity_id: object = None,
              before: dict | None = None, after: dict | None = None, at=None) -> None:
        """Every write leaves a row saying who did what, in the same transaction as the write
        (`at`: when it happened, if earlier than now: a view logged once a lock was free)."""
        row = AuditLog(actor=self.actor, action=action, entity=entity,
                       entity_id=None if entity_id is None else str(entity_id), before=before, after=after)
        if at is not None:
            row.at = at
        self.session.add(row)

    def conflict(self, entity: str, entity_id: object, actions: tuple[str, ...] = ()) -> ConflictError:
        """The refusal of a stale save (the record changed since the user opened it), naming who
        changed it last and when, in China time, from the audit trail (`actions`: only these count;
        views never do). Raise it inside the unit of work: nothing is written."""
        stmt = (select(AuditLog.actor, AuditLog.at)
                .where(AuditLog.entity == entity, AuditLog.entity_id == str(entity_id), AuditLog.action != "view")
                .order_by(AuditLog.id.desc()).limit(1))
        if actions:
            stmt = stmt.where(AuditLog.action.in_(actions))
        last = self.session.execute(stmt).first()
        return ConflictError() if last is None else self.changed_by(last.actor, last.at)

    def changed_by(self, username: str, at) -> ConflictError:
        """The refusal of a stale save made by `username` at `at` (UTC), named by display name."""
        name = self.session.scalar(select(StaffUser.display_name).where(StaffUser.username == username))
        return ConflictError("err.conflict_by", by=name or username, at=f"{at.astimezone(CHINA):%Y-%m-%d %H:%M}")
