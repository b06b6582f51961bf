"""Training sessions: which published cases were taught to whom, and the record per staff member."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.errors import ValidationError, ValidationErrors
from db import case_queries, case_repository, user_repository
from db.uow import UnitOfWork

MAX_TITLE, MAX_NOTES = 100, 5000


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError("err.required", field="session_title")
    if len(title) > MAX_TITLE:
        raise ValidationError("err.too_long", field="session_title", max=MAX_TITLE)
    return title


def _cases(case_ids: list[int]) -> list[int]:
    if not case_ids:
        raise ValidationError("err.session_no_cases")
    return list(case_ids)


def _notes(notes: str) -> str:
    if len(notes or "") > MAX_NOTES:
        raise ValidationError("err.too_long", field="note", max=MAX_NOTES)
    return notes or ""


def create_session(engine: Engine, actor: Actor, title: str, held_on: date, case_ids: list[int],
                   attendees: list[str], notes: str = "", *, trainer: str | None = None,
                   request_key: str | None = None) -> int:
    """A session of published cases; `trainer` is who taught it (the actor unless named)."""
    actor.require(Capability.RUN_TRAINING)
    title, case_ids, notes = ValidationErrors.collect(lambda: _title(title), lambda: _cases(case_ids),
                                                      lambda: _notes(notes))
    attendees = list(attendees)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        if case_repository.published_among(s, case_ids) != set(case_ids):
            raise ValidationError("err.session_unpublished")
        known = user_repository.known_usernames(s, attendees)
        if known != set(attendees):
            raise ValidationError("err.user_unknown", username=", ".join(sorted(set(attendees) - known)))
        session_id = case_repository.add_session(s, title, held_on, trainer or actor.username, notes,
                                                 case_ids, attendees)
        uow.audit("create", "training_session", session_id,
                  after={"cases": case_ids, "attendees": len(attendees)})
        return uow.commit(session_id)


def sessions(engine: Engine, actor: Actor) -> pd.DataFrame:
    actor.require(Capability.RUN_TRAINING)
    return case_queries.sessions(engine)


def session_cases(engine: Engine, actor: Actor, session_id: int) -> list[dict]:
    """The session's cases in the order taught (drafts included: a case may be withdrawn later)."""
    actor.require(Capability.RUN_TRAINING)
    return [case_queries.get(engine, cid) for cid in case_queries.session_case_ids(engine, session_id)]


def attendance(engine: Engine, actor: Actor) -> pd.DataFrame:
    """Per staff member: sessions attended and the cases they have been taught."""
    actor.require(Capability.RUN_TRAINING)
    return case_queries.attendance(engine)


def teachable_cases(engine: Engine, actor: Actor, limit: int = 500) -> pd.DataFrame:
    """Only published cases can be taught, whoever picks them (an editor's drafts are left out)."""
    actor.require(Capability.RUN_TRAINING)
    return case_queries.search(engine, see_drafts=False, limit=limit)
