"""Read queries of the case library and the training sessions."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, case as sql_case, func, or_, select
from sqlalchemy.engine import Engine

from core.cases.model import search_terms, untag
from db.case_models import CaseRow, SessionAttendee, SessionCase, TrainingSession

PAGE_SIZE = 20
SEARCH_COLUMNS = ["id", "title", "title_en", "kind", "topics", "method_steps", "status", "lesson"]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _body():
    return (func.coalesce(CaseRow.story, "") + " " + func.coalesce(CaseRow.outcome, "") + " "
            + func.coalesce(CaseRow.lesson, "") + " " + func.coalesce(CaseRow.title_en, ""))


def _filtered(stmt, see_drafts: bool, kind: str | None, topic: str | None, step: str | None):
    if not see_drafts:
        stmt = stmt.where(CaseRow.status == "published")
    if kind:
        stmt = stmt.where(CaseRow.kind == kind)
    if topic:
        stmt = stmt.where(CaseRow.topics.like(f"%,{_escape_like(topic)},%", escape="\\"))
    if step:
        stmt = stmt.where(CaseRow.method_steps.like(f"%,{_escape_like(step)},%", escape="\\"))
    return stmt


def filter_for(see_drafts: bool, kind: str | None = None, topic: str | None = None, step: str | None = None):
    """The library's filters as a function of a statement that selects from the cases table."""
    return lambda stmt: _filtered(stmt, see_drafts, kind, topic, step)


def search(engine: Engine, query: str = "", kind: str | None = None, topic: str | None = None,
           step: str | None = None, see_drafts: bool = False, limit: int = PAGE_SIZE, offset: int = 0) -> pd.DataFrame:
    """Every term must appear in the title, story, outcome, lesson or English title (substring search:
    works for Chinese on SQLite and PostgreSQL alike). Title hits rank first, then more hits."""
    terms = search_terms(query)
    score, conds, body = 0, [], _body()
    for term in terms:
        pattern = "%" + _escape_like(term) + "%"
        in_title = CaseRow.title.like(pattern, escape="\\")
        in_body = body.like(pattern, escape="\\")
        conds.append(or_(in_title, in_body))
        score = score + sql_case((in_title, 10), else_=0) + sql_case((in_body, 1), else_=0)
    columns = [getattr(CaseRow, c) for c in SEARCH_COLUMNS]
    stmt = select(*columns, score.label("score")) if terms else select(*columns)
    if conds:
        stmt = stmt.where(and_(*conds))
    stmt = _filtered(stmt, see_drafts, kind, topic, step)
    order = [score.desc()] if terms else []
    stmt = stmt.order_by(*order, CaseRow.id).limit(limit).offset(offset)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(),
                            columns=SEARCH_COLUMNS + (["score"] if terms else []))


def get(engine: Engine, case_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(CaseRow.__table__).where(CaseRow.id == case_id)).mappings().first()
    if row is None:
        return None
    return {"id": row["id"], "title": row["title"], "title_en": row["title_en"], "summary_en": row["summary_en"],
            "story": row["story"], "outcome": row["outcome"], "lesson": row["lesson"],
            "questions": list(row["questions"] or []), "kind": row["kind"], "topics": untag(row["topics"]),
            "method_steps": untag(row["method_steps"]), "source": row["source"], "status": row["status"],
            "version": row["version"]}


def sessions(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(
            select(TrainingSession.id, TrainingSession.title, TrainingSession.held_on, TrainingSession.trainer,
                   func.count(func.distinct(SessionAttendee.username)).label("attendees"))
            .outerjoin(SessionAttendee, SessionAttendee.session_id == TrainingSession.id)
            .group_by(TrainingSession.id).order_by(TrainingSession.held_on.desc())).mappings().all(),
            columns=["id", "title", "held_on", "trainer", "attendees"])


def session_case_ids(engine: Engine, session_id: int) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(select(SessionCase.case_id).where(SessionCase.session_id == session_id)
                                 .order_by(SessionCase.position)))


def attendance(engine: Engine) -> pd.DataFrame:
    """Per staff member: sessions attended and the cases they have been taught."""
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(
            select(SessionAttendee.username, TrainingSession.held_on, TrainingSession.title.label("session"),
                   CaseRow.title.label("case"))
            .join(TrainingSession, TrainingSession.id == SessionAttendee.session_id)
            .join(SessionCase, SessionCase.session_id == TrainingSession.id)
            .join(CaseRow, CaseRow.id == SessionCase.case_id)
            .order_by(SessionAttendee.username, TrainingSession.held_on.desc(), SessionCase.position)).mappings().all(),
            columns=["username", "held_on", "session", "case"])


def slug_ids(engine: Engine, slugs: list[str]) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(select(CaseRow.id).where(CaseRow.slug.in_(slugs)).order_by(CaseRow.id)))
