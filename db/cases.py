"""The case library in the store: seeding, search, editing, complaint-to-case, sessions."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case as sql_case, func, or_, select
from sqlalchemy.engine import Engine

from core.cases.anonymise import anonymise
from core.cases.content import SEED_CASES
from core.cases.model import CaseDraft, search_terms, tags, untag, validate_case
from core.complaints.model import Stage
from core.errors import ConflictError, DomainError, NotFound, ValidationError
from db.case_models import CaseRow, SessionAttendee, SessionCase, TrainingSession
from db.models import ComplaintRow, Owner, StaffUser, Unit
from db.uow import UnitOfWork

PAGE_SIZE = 20


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def seed_library(engine: Engine, actor: str = "demo") -> int:
    """Load the seed cases once (published): idempotent by slug."""
    with UnitOfWork(engine, actor=actor) as uow:
        have = set(uow.session.scalars(select(CaseRow.slug).where(CaseRow.slug.is_not(None))))
        added = 0
        for c in SEED_CASES:
            if c["slug"] in have:
                continue
            d = validate_case(CaseDraft(title=c["title"], story=c["story"], kind=c["kind"], outcome=c["outcome"],
                                        lesson=c["lesson"], questions=tuple(c["questions"]), topics=tuple(c["topics"]),
                                        method_steps=tuple(c["method_steps"]), title_en=c["title_en"],
                                        summary_en=c["summary_en"], source=c["source"], status="published",
                                        slug=c["slug"]))
            uow.session.add(_row(d, actor))
            added += 1
        if added:
            uow.audit("seed", "cases", None, after={"added": added})
        uow.commit()
        return added


def _row(d: CaseDraft, actor: str) -> CaseRow:
    return CaseRow(slug=d.slug, title=d.title, title_en=d.title_en, summary_en=d.summary_en, story=d.story,
                   outcome=d.outcome, lesson=d.lesson, questions=list(d.questions), kind=d.kind,
                   topics=tags(d.topics), method_steps=tags(d.method_steps), source=d.source, status=d.status,
                   created_by=actor)


def search(engine: Engine, query: str = "", kind: str | None = None, topic: str | None = None,
           step: str | None = None, see_drafts: bool = False, limit: int = PAGE_SIZE, offset: int = 0) -> pd.DataFrame:
    """Every term must appear in the title, story, outcome, lesson or English title (substring search:
    works for Chinese on SQLite and PostgreSQL alike). Title hits rank first, then more hits."""
    terms = search_terms(query)
    score = 0
    conds = []
    body = func.coalesce(CaseRow.story, "") + " " + func.coalesce(CaseRow.outcome, "") + " " + \
        func.coalesce(CaseRow.lesson, "") + " " + func.coalesce(CaseRow.title_en, "")
    for term in terms:
        pattern = "%" + _escape_like(term) + "%"
        in_title = CaseRow.title.like(pattern, escape="\\")
        in_body = body.like(pattern, escape="\\")
        conds.append(or_(in_title, in_body))
        score = score + sql_case((in_title, 10), else_=0) + sql_case((in_body, 1), else_=0)
    columns = [CaseRow.id, CaseRow.title, CaseRow.title_en, CaseRow.kind, CaseRow.topics, CaseRow.method_steps,
               CaseRow.status, CaseRow.lesson]
    stmt = select(*columns, score.label("score")) if terms else select(*columns)
    if conds:
        stmt = stmt.where(and_(*conds))
    if not see_drafts:
        stmt = stmt.where(CaseRow.status == "published")
    if kind:
        stmt = stmt.where(CaseRow.kind == kind)
    if topic:
        stmt = stmt.where(CaseRow.topics.like(f"%,{_escape_like(topic)},%", escape="\\"))
    if step:
        stmt = stmt.where(CaseRow.method_steps.like(f"%,{_escape_like(step)},%", escape="\\"))
    order = [score.desc()] if terms else []
    stmt = stmt.order_by(*order, CaseRow.id).limit(limit).offset(offset)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all(),
                             columns=["id", "title", "title_en", "kind", "topics", "method_steps", "status", "lesson"]
                             + (["score"] if terms else []))
    return frame


def get(engine: Engine, case_id: int, see_drafts: bool = False) -> dict:
    with UnitOfWork(engine) as uow:
        row = uow.session.get(CaseRow, case_id)
        if row is None or (row.status != "published" and not see_drafts):
            raise NotFound("err.case_unknown")
        return {"id": row.id, "title": row.title, "title_en": row.title_en, "summary_en": row.summary_en,
                "story": row.story, "outcome": row.outcome, "lesson": row.lesson, "questions": list(row.questions or []),
                "kind": row.kind, "topics": untag(row.topics), "method_steps": untag(row.method_steps),
                "source": row.source, "status": row.status, "version": row.version}


def save(engine: Engine, actor: str, draft: CaseDraft, case_id: int | None = None,
         expected_version: int | None = None) -> int:
    d = validate_case(draft)
    with UnitOfWork(engine, actor=actor) as uow:
        if case_id is None:
            row = _row(d, actor)
            uow.session.add(row)
            uow.session.flush()
            uow.audit("create", "case", row.id, after={"title": d.title, "status": d.status})
        else:
            row = uow.session.get(CaseRow, case_id)
            if row is None:
                raise NotFound("err.case_unknown")
            if row.version != expected_version:
                raise ConflictError()
            before = {"title": row.title, "status": row.status}
            for name in ("title", "title_en", "summary_en", "story", "outcome", "lesson", "kind", "source", "status"):
                setattr(row, name, getattr(d, name))
            row.questions, row.topics, row.method_steps = list(d.questions), tags(d.topics), tags(d.method_steps)
            uow.audit("edit", "case", row.id, before=before, after={"title": d.title, "status": d.status})
        uow.commit()
        return row.id


def case_from_complaint(engine: Engine, actor: str, number: str) -> int:
    """A closed complaint becomes a draft case, its people removed by the anonymiser."""
    with UnitOfWork(engine, actor=actor) as uow:
        s = uow.session
        c = s.scalar(select(ComplaintRow).where(ComplaintRow.number == number))
        if c is None:
            raise NotFound("err.complaint_unknown", number=number)
        if c.stage != Stage.CLOSED.value:
            raise DomainError("err.case_needs_closed")
        owner = s.scalar(select(Owner.name).join(Unit, Unit.owner_id == Owner.id).where(Unit.id == c.unit_id)) \
            if c.unit_id else None
        staff = [c.receiver, c.handler or "", c.signoff_by or ""]
        staff += [n for row in s.execute(select(StaffUser.username, StaffUser.display_name)) for n in row]
        people = [c.complainant, owner or "", c.subject or ""]

        def clean(text: str) -> str:
            return anonymise(text or "", people, staff)

        story = "\n".join(p for p in (clean(c.content), clean(c.cause)) if p)
        outcome = "\n".join(p for p in (clean(c.agreed_steps), clean(c.implementation)) if p)
        lesson = "\n".join(p for p in (clean(c.root_cause), clean(c.prevention)) if p)
        draft = validate_case(CaseDraft(title=f"投诉案例：{clean(c.content)[:30]}", story=story[:5000] or "—",
                                        kind="complaint", outcome=outcome[:3000], lesson=lesson[:2000],
                                        topics=("complaints",), method_steps=("investigate", "propose", "callback", "prevent"),
                                        source=f"complaint:{c.category}", status="draft"))
        row = _row(draft, actor)
        s.add(row)
        s.flush()
        uow.audit("from_complaint", "case", row.id, after={"complaint": number})
        uow.commit()
        return row.id


# ---------------------------------------------------------------- sessions

def create_session(engine: Engine, actor: str, title: str, held_on: date, trainer: str, case_ids: list[int],
                   attendees: list[str], notes: str = "") -> int:
    title = (title or "").strip()
    if not title:
        raise ValidationError("err.required", field="session_title")
    if len(title) > 100:
        raise ValidationError("err.too_long", field="session_title", max=100)
    if not case_ids:
        raise ValidationError("err.session_no_cases")
    if len(notes or "") > 5000:
        raise ValidationError("err.too_long", field="note", max=5000)
    with UnitOfWork(engine, actor=actor) as uow:
        s = uow.session
        published = set(s.scalars(select(CaseRow.id).where(CaseRow.id.in_(case_ids), CaseRow.status == "published")))
        if published != set(case_ids):
            raise ValidationError("err.session_unpublished")
        known = set(s.scalars(select(StaffUser.username).where(StaffUser.username.in_(attendees))))
        if known != set(attendees):
            raise ValidationError("err.user_unknown", username=", ".join(sorted(set(attendees) - known)))
        session = TrainingSession(title=title, held_on=held_on, trainer=trainer, notes=notes or "")
        s.add(session)
        s.flush()
        for i, cid in enumerate(dict.fromkeys(case_ids)):
            s.add(SessionCase(session_id=session.id, case_id=cid, position=i))
        for name in dict.fromkeys(attendees):
            s.add(SessionAttendee(session_id=session.id, username=name))
        uow.audit("create", "training_session", session.id, after={"cases": case_ids, "attendees": len(attendees)})
        uow.commit()
        return session.id


def sessions(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(
            select(TrainingSession.id, TrainingSession.title, TrainingSession.held_on, TrainingSession.trainer,
                   func.count(func.distinct(SessionAttendee.username)).label("attendees"))
            .outerjoin(SessionAttendee, SessionAttendee.session_id == TrainingSession.id)
            .group_by(TrainingSession.id).order_by(TrainingSession.held_on.desc())).mappings().all(),
            columns=["id", "title", "held_on", "trainer", "attendees"])


def session_cases(engine: Engine, session_id: int) -> list[dict]:
    with engine.connect() as conn:
        ids = list(conn.scalars(select(SessionCase.case_id).where(SessionCase.session_id == session_id)
                                .order_by(SessionCase.position)))
    return [get(engine, cid, see_drafts=True) for cid in ids]


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
