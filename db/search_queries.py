"""Read queries of search: candidates from the stored index (no scan of the records), the texts
of those candidates for ranking and snippets, and units by room, owner or project name."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, case as sql_case, func, or_, select
from sqlalchemy.engine import Engine

from db.case_models import CaseRow
from db.models import ComplaintRow, Owner, Project, Unit
from db.org_queries import UNIT_COLUMNS, _escape_like, _scope, _units, _with_needs
from db.search_models import SearchTermRow as T

CANDIDATES = 120


def candidates(engine: Engine, kind: str, groups: list[tuple[str, ...]], project_ids: tuple[int, ...] | None = None,
               case_filter=None, limit: int = CANDIDATES) -> list[int]:
    """Ids of the records holding most of the query's words, then the highest weight: read from
    the index only (a case filter joins the cases table)."""
    variants = [v for g in groups for v in g]
    if not variants:
        return []
    which = sql_case(*[(T.term.in_(g), i) for i, g in enumerate(groups)], else_=None)
    matched = func.count(func.distinct(which)).label("matched")
    score = func.sum(T.weight).label("score")
    stmt = select(T.ref_id, matched, score).where(T.kind == kind, T.term.in_(variants))
    if project_ids is not None:
        stmt = stmt.where(T.project_id.in_(project_ids))
    if case_filter is not None:
        stmt = case_filter(stmt.join(CaseRow, CaseRow.id == T.ref_id))
    stmt = stmt.group_by(T.ref_id).order_by(matched.desc(), score.desc(), T.ref_id).limit(limit)
    with engine.connect() as conn:
        return [r.ref_id for r in conn.execute(stmt)]


COMPLAINT_COLUMNS = ["id", "number", "received_at", "stage", "category", "project_id", "project", "room_no",
                     "complainant", "phone", "subject", "place", "content"]


def complaints(engine: Engine, ids: list[int]) -> list[dict]:
    if not ids:
        return []
    stmt = (select(ComplaintRow.id, ComplaintRow.number, ComplaintRow.received_at, ComplaintRow.stage,
                   ComplaintRow.category, ComplaintRow.project_id, Project.name.label("project"), Unit.room_no,
                   ComplaintRow.complainant, ComplaintRow.phone, ComplaintRow.subject, ComplaintRow.place,
                   ComplaintRow.content)
            .outerjoin(Project, Project.id == ComplaintRow.project_id)
            .outerjoin(Unit, Unit.id == ComplaintRow.unit_id)
            .where(ComplaintRow.id.in_(ids)))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


CASE_COLUMNS = ["id", "title", "title_en", "summary_en", "story", "outcome", "lesson", "kind", "topics",
                "method_steps", "status"]


def cases(engine: Engine, ids: list[int]) -> list[dict]:
    if not ids:
        return []
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(*[getattr(CaseRow, c) for c in CASE_COLUMNS])
                                             .where(CaseRow.id.in_(ids))).mappings()]


def units(engine: Engine, terms: list[str], project_ids: tuple[int, ...] | None = None, limit: int = 50) -> pd.DataFrame:
    """Units where every term is the start of the room number or part of the owner's or the
    project's name; an exact room number first, then owners' names, then by project and room."""
    if not terms:
        return pd.DataFrame(columns=UNIT_COLUMNS)
    conds, exact = [], []
    for term in terms:
        like = _escape_like(term)
        conds.append(or_(Unit.room_no.like(like.upper() + "%", escape="\\"),
                         Owner.name.like("%" + like + "%", escape="\\"),
                         Project.name.like("%" + like + "%", escape="\\")))
        exact.append(or_(Unit.room_no == term.upper(), Owner.name == term))
    first = sql_case((or_(*exact), 0), else_=1)
    stmt = _units().where(and_(*conds)).order_by(first, Project.id, Unit.room_no).limit(limit)
    with engine.connect() as conn:
        rows = _with_needs(conn, conn.execute(_scope(stmt, Unit.project_id, project_ids)).all())
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)
