"""Unit of work: one transaction per use case; it commits only when told to, else rolls back."""
from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.errors import ConflictError
from db.models import AuditLog


class UnitOfWork:
    def __init__(self, engine: Engine, actor: str = "system"):
        self._factory = sessionmaker(bind=engine, expire_on_commit=False)
        self.actor = actor
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._factory()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is not None:
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError:
            self.session.rollback()
            raise ConflictError() from None

    def audit(self, action: str, entity: str, entity_id: object = None,
              before: dict | None = None, after: dict | None = None) -> None:
        """Every write leaves a row saying who did what, in the same transaction as the write."""
        self.session.add(AuditLog(actor=self.actor, action=action, entity=entity,
                                  entity_id=None if entity_id is None else str(entity_id),
                                  before=before, after=after))
