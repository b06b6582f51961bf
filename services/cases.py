"""The case library: search and reading, editing and publishing, the seed library, and a closed
complaint turned into an anonymised draft. Drafts are seen only by those who may edit cases."""
from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.cases.anonymise import anonymise
from core.cases.content import SEED_CASES
from core.cases.model import CaseDraft, validate_case
from core.complaints.model import Stage
from core.errors import ConflictError, DomainError, NotFound
from db import case_queries, case_repository
from db.case_repository import ComplaintSource
from db.uow import UnitOfWork
from services import search as search_service

PAGE_SIZE = case_queries.PAGE_SIZE


SNIPPET_COLUMNS = ["snippet", "complete"]


def search(engine: Engine, actor: Actor, query: str = "", kind: str | None = None, topic: str | None = None,
           step: str | None = None, limit: int = PAGE_SIZE, offset: int = 0) -> pd.DataFrame:
    """Cases whose words match the query's (segmented: 装修噪音 finds 装修 … 噪音 apart, and 噪声 too),
    ranked by services.search: all words over some, title over body, phrase over scattered. Each
    row has `snippet` ((text, is_match) parts) and `complete` (every word found). A query with no
    word to look up (punctuation, one character) is searched as typed. Drafts only for those who
    edit cases."""
    see_drafts = actor.can(Capability.EDIT_CASES)
    hits = search_service.cases(engine, see_drafts, query, case_queries.filter_for(see_drafts, kind, topic, step),
                                limit, offset)
    if hits is None:
        frame = case_queries.search(engine, query, kind, topic, step, see_drafts, limit, offset)
        return frame.assign(snippet=[[] for _ in range(len(frame))], complete=True)
    columns = case_queries.SEARCH_COLUMNS + ["score"] + SNIPPET_COLUMNS
    return pd.DataFrame([[h.record[c] for c in case_queries.SEARCH_COLUMNS] + [h.score, h.snippet, h.complete]
                         for h in hits], columns=columns)


def get(engine: Engine, actor: Actor, case_id: int) -> dict:
    case = case_queries.get(engine, case_id)
    if case is None or (case["status"] != "published" and not actor.can(Capability.EDIT_CASES)):
        raise NotFound("err.case_unknown")
    return case


def save(engine: Engine, actor: Actor, draft: CaseDraft, case_id: int | None = None,
         expected_version: int | None = None, request_key: str | None = None) -> int:
    """A new case (case_id None) or an edit of one at the version the editor saw."""
    actor.require(Capability.EDIT_CASES)
    d = validate_case(draft)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        if case_id is None:
            case_id = case_repository.add(uow.session, d, actor.username)
            uow.audit("create", "case", case_id, after={"title": d.title, "status": d.status})
            return uow.commit(case_id)
        row = case_repository.get(uow.session, case_id)
        if row is None:
            raise NotFound("err.case_unknown")
        if row.version != expected_version:
            raise ConflictError()
        before = {"title": row.title, "status": row.status}
        case_repository.update(row, d)
        uow.audit("edit", "case", row.id, before=before, after={"title": d.title, "status": d.status})
        return uow.commit(row.id)


def publish(engine: Engine, actor: Actor, case_id: int, expected_version: int,
            request_key: str | None = None) -> int:
    """A reviewed draft goes into the library that everyone reads."""
    actor.require(Capability.EDIT_CASES)
    case = get(engine, actor, case_id)
    draft = CaseDraft(title=case["title"], story=case["story"], kind=case["kind"], outcome=case["outcome"],
                      lesson=case["lesson"], questions=tuple(case["questions"]), topics=case["topics"],
                      method_steps=case["method_steps"], title_en=case["title_en"], summary_en=case["summary_en"],
                      source=case["source"], status="published")
    return save(engine, actor, draft, case_id, expected_version, request_key)


def _seed_draft(c: dict) -> CaseDraft:
    return validate_case(CaseDraft(title=c["title"], story=c["story"], kind=c["kind"], outcome=c["outcome"],
                                   lesson=c["lesson"], questions=tuple(c["questions"]), topics=tuple(c["topics"]),
                                   method_steps=tuple(c["method_steps"]), title_en=c["title_en"],
                                   summary_en=c["summary_en"], source=c["source"], status="published",
                                   slug=c["slug"]))


def seed_library(engine: Engine, actor: Actor) -> int:
    """Load the seed cases once (published): idempotent by slug. Returns how many were added."""
    actor.require(Capability.EDIT_CASES)
    with UnitOfWork(engine, actor.username) as uow:
        have = case_repository.slugs(uow.session)
        added = 0
        for c in SEED_CASES:
            if c["slug"] not in have:
                case_repository.add(uow.session, _seed_draft(c), actor.username)
                added += 1
        if added:
            uow.audit("seed", "cases", None, after={"added": added})
        return uow.commit(added)


def _case_of(c: ComplaintSource) -> CaseDraft:
    def clean(text: str) -> str:
        return anonymise(text or "", list(c.people), list(c.staff))

    story = "\n".join(p for p in (clean(c.content), clean(c.cause)) if p)
    outcome = "\n".join(p for p in (clean(c.agreed_steps), clean(c.implementation)) if p)
    lesson = "\n".join(p for p in (clean(c.root_cause), clean(c.prevention)) if p)
    return validate_case(CaseDraft(title=f"投诉案例：{clean(c.content)[:30]}", story=story[:5000] or "—",
                                   kind="complaint", outcome=outcome[:3000], lesson=lesson[:2000],
                                   topics=("complaints",),
                                   method_steps=("investigate", "propose", "callback", "prevent"),
                                   source=f"complaint:{c.category}", status="draft"))


def case_from_complaint(engine: Engine, actor: Actor, number: str, request_key: str | None = None) -> int:
    """A closed complaint becomes a draft case, its people removed by the anonymiser."""
    actor.require(Capability.COMPLAINT_TO_CASE)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        source = case_repository.complaint_source(uow.session, number)
        if source is None:
            raise NotFound("err.complaint_unknown", number=number)
        actor.require_project(source.project_id)
        if source.stage != Stage.CLOSED.value:
            raise DomainError("err.case_needs_closed")
        # One draft per complaint, whoever clicks and however often: simultaneous first clicks wait
        # for each other here, and a unique index backs it.
        case_repository.lock_case_of_complaint(uow.session, number)
        if (existing := case_repository.case_of_complaint(uow.session, number)) is not None:
            return uow.commit(existing)
        case_id = case_repository.add(uow.session, _case_of(source), actor.username, from_complaint=number)
        uow.audit("from_complaint", "case", case_id, after={"complaint": number})
        return uow.commit(case_id)
