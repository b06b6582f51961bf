"""Read queries of the audit trail: the viewer's filtered pages (counted and paginated in SQL), its
export, and whether a person has just been shown the same record (so a view is logged once)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from db.models import AuditLog, Project

COLUMNS = ["id", "at", "actor", "action", "entity", "entity_id", "project_id", "project", "before", "after"]


@dataclass(frozen=True)
class AuditFilter:
    """Every field optional: person (username), record (entity, and its id), project, [since, until)."""
    actor: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    project_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def _where(stmt, f: AuditFilter, project_ids: tuple[int, ...] | None):
    conditions = []
    if f.actor:
        conditions.append(AuditLog.actor == f.actor)
    if f.entity:
        conditions.append(AuditLog.entity == f.entity)
    if f.entity_id:
        conditions.append(AuditLog.entity_id == f.entity_id)
    if f.project_id is not None:
        conditions.append(AuditLog.project_id == f.project_id)
    if f.since is not None:
        conditions.append(AuditLog.at >= f.since)
    if f.until is not None:
        conditions.append(AuditLog.at < f.until)
    if project_ids is not None:
        conditions.append(AuditLog.project_id.in_(project_ids))
    return stmt.where(and_(*conditions)) if conditions else stmt


def count(engine: Engine, f: AuditFilter, project_ids: tuple[int, ...] | None = None) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(_where(select(func.count()).select_from(AuditLog), f, project_ids)))


def page(engine: Engine, f: AuditFilter, offset: int, limit: int,
         project_ids: tuple[int, ...] | None = None, row_id: int | None = None) -> pd.DataFrame:
    """Newest first; `offset`/`limit` go to the database, so a page costs the same on page 1 and 400."""
    stmt = (select(AuditLog.id, AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.entity, AuditLog.entity_id,
                   AuditLog.project_id, Project.name, AuditLog.before, AuditLog.after)
            .outerjoin(Project, Project.id == AuditLog.project_id))
    if row_id is not None:
        stmt = stmt.where(AuditLog.id == row_id)
    stmt = _where(stmt, f, project_ids).order_by(AuditLog.at.desc(), AuditLog.id.desc()).offset(offset).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=COLUMNS)


def actors(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(AuditLog.actor).distinct().order_by(AuditLog.actor)))


def entities(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(AuditLog.entity).distinct().order_by(AuditLog.entity)))


def viewed_since(engine: Engine, actor: str, entity: str, entity_id: str, since: datetime) -> bool:
    with engine.connect() as conn:
        return conn.scalar(select(AuditLog.id).where(AuditLog.actor == actor, AuditLog.action == "view",
                                                     AuditLog.entity == entity, AuditLog.entity_id == entity_id,
                                                     AuditLog.at >= since).limit(1)) is not None
