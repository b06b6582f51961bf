"""The audit viewer's use cases (capability VIEW_AUDIT): every write, filtered by person, record
(entity and id), project and a date range in China time, a page at a time from the database, and
its export. Reading the trail is itself audited where it shows owners' personal data: an export
always, the full before/after of a row about owners once per person and row within core's
VIEW_LOG_WINDOW."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.clock import CHINA
from core.errors import NotFound, ValidationError
from core.org.needs import VIEW_LOG_WINDOW
from db import audit_queries
from db.audit_queries import AuditFilter
from db.base import utcnow
from db.uow import UnitOfWork

PAGE_SIZE = 50
MAX_EXPORT = 50_000
# Rows about these records may hold owners' names and phones in their before/after.
PERSONAL = frozenset({"owner", "unit", "special_need"})

@dataclass(frozen=True)
class AuditPage:
    rows: pd.DataFrame
    total: int
    page: int
    pages: int


def make_filter(actor: str | None = None, entity: str | None = None, entity_id: str | None = None,
                project_id: int | None = None, since: date | None = None, until: date | None = None) -> AuditFilter:
    """A filter from what the viewer's form holds: days are China days, `until` included."""
    if since and until and until < since:
        raise ValidationError("err.audit_range", field="audit_until")
    start = None if since is None else datetime.combine(since, time(), CHINA)
    end = None if until is None else datetime.combine(until + timedelta(days=1), time(), CHINA)
    return AuditFilter(actor or None, entity or None, (entity_id or "").strip() or None, project_id, start, end)


def _scoped(actor: Actor, f: AuditFilter) -> tuple[int, ...] | None:
    actor.require(Capability.VIEW_AUDIT)
    if f.project_id is not None:
        actor.require_project(f.project_id)
    return actor.scope()


def search(engine: Engine, actor: Actor, f: AuditFilter, page: int = 1, page_size: int = PAGE_SIZE) -> AuditPage:
    """Newest first; page numbers start at 1, a page past the last gives the last."""
    scope = _scoped(actor, f)
    total = audit_queries.count(engine, f, scope)
    pages = max(1, -(-total // page_size))
    page = min(max(1, int(page)), pages)
    return AuditPage(audit_queries.page(engine, f, (page - 1) * page_size, page_size, scope), total, page, pages)


def choices(engine: Engine, actor: Actor) -> tuple[list[str], list[str]]:
    """The people and the kinds of record the trail holds, for the viewer's filters."""
    actor.require(Capability.VIEW_AUDIT)
    return audit_queries.actors(engine), audit_queries.entities(engine)


def _log(engine: Engine, actor: Actor, action: str, entity: str, entity_id, after: dict) -> None:
    with UnitOfWork(engine, actor.username) as uow:
        uow.audit(action, entity, entity_id, after=after)
        uow.commit()


def row(engine: Engine, actor: Actor, row_id: int) -> dict:
    """One row in full, before and after side by side; a row about owners is logged as viewed."""
    actor.require(Capability.VIEW_AUDIT)
    found = audit_queries.page(engine, AuditFilter(), 0, 1, actor.scope(), row_id=row_id)
    if found.empty:
        raise NotFound("err.audit_row_unknown")
    record = found.iloc[0].to_dict()
    if record["entity"] in PERSONAL and not audit_queries.viewed_since(
            engine, actor.username, "audit_log", str(row_id), utcnow() - VIEW_LOG_WINDOW):
        _log(engine, actor, "view", "audit_log", row_id, {"entity": record["entity"],
                                                          "entity_id": record["entity_id"]})
    return record


def _filters_as_text(f: AuditFilter) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in f.__dict__.items() if v is not None}


def export(engine: Engine, actor: Actor, f: AuditFilter) -> pd.DataFrame:
    """The filtered rows for Excel (at most MAX_EXPORT, newest first), before and after as text.
    Logged as "export" with its filters and row count: the trail holds owners' data too."""
    scope = _scoped(actor, f)
    rows = audit_queries.page(engine, f, 0, MAX_EXPORT, scope)
    _log(engine, actor, "export", "audit_log", None, {"filters": _filters_as_text(f), "rows": len(rows)})
    as_text = {c: rows[c].map(lambda v: "" if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True))
               for c in ("before", "after")}
    return rows.assign(**as_text)
