"""Canned replies (统一说词): the desk reads the approved wordings that fit a ticket; managers add,
edit and retire them. An edit names the version it was made on: someone else's save in between is
refused (ConflictError), never silently overwritten. Every write is audited."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.complaints.replies import SITUATIONS_FOR_ACTION, Situation, fits, validate_wording
from core.errors import ConflictError, NotFound, PermissionDenied
from db.base import utcnow
from db.canned_reply_models import CannedReplyRow
from db.uow import UnitOfWork


@dataclass(frozen=True)
class CannedReply:
    id: int
    situation: str
    category: str | None
    title: str
    body: str
    active: bool
    version: int
    updated_by: str


def _plain(r: CannedReplyRow) -> CannedReply:
    return CannedReply(r.id, r.situation, r.category, r.title, r.body, r.active, r.version, r.updated_by)


def _may_read(actor: Actor) -> None:
    if not (actor.can(Capability.HANDLE_COMPLAINT) or actor.can(Capability.MANAGE_REPLIES)):
        raise PermissionDenied("err.not_allowed")


def all_replies(engine: Engine, actor: Actor, include_retired: bool = True) -> list[CannedReply]:
    """The library, by situation then category (every-category wordings first)."""
    _may_read(actor)
    stmt = select(CannedReplyRow)
    if not include_retired:
        stmt = stmt.where(CannedReplyRow.active.is_(True))
    with UnitOfWork(engine) as uow:
        rows = [_plain(r) for r in uow.session.scalars(stmt.order_by(CannedReplyRow.id))]
    order = {s.value: i for i, s in enumerate(Situation)}
    return sorted(rows, key=lambda r: (order.get(r.situation, 99), r.category or "", r.id))


def for_action(engine: Engine, actor: Actor, action: str, category: str) -> list[CannedReply]:
    """The active wordings offered in an action's form on a ticket of this category: the situation
    that fits the action first, the ticket's own category before the general ones."""
    situations = SITUATIONS_FOR_ACTION.get(action, ())
    if not situations:
        return []
    found = [r for r in all_replies(engine, actor, include_retired=False)
             if fits(r.category, r.situation, category, situations)]
    rank = {s.value: i for i, s in enumerate(situations)}
    return sorted(found, key=lambda r: (rank[r.situation], r.category is None, r.id))


def save_reply(engine: Engine, actor: Actor, *, situation: str, category: str | None, title: str, body: str,
               active: bool = True, reply_id: int | None = None, expected_version: int | None = None,
               request_key: str | None = None) -> int:
    """Add a wording (reply_id None) or change one as it stood at `expected_version`. Returns its id."""
    actor.require(Capability.MANAGE_REPLIES)
    w = validate_wording(situation, category, title, body)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        after = {"situation": w.situation.value, "category": w.category.value if w.category else None,
                 "title": w.title, "body": w.body, "active": bool(active)}
        if reply_id is None:
            row = CannedReplyRow(updated_by=actor.username, updated_at=utcnow(), **after)
            s.add(row)
            s.flush()
            uow.audit("add", "canned_reply", row.id, after=after)
        else:
            row = s.get(CannedReplyRow, reply_id, with_for_update=True)
            if row is None:
                raise NotFound("err.reply_unknown")
            if row.version != expected_version:
                raise ConflictError()
            before = {k: getattr(row, k) for k in after}
            for k, v in after.items():
                setattr(row, k, v)
            row.updated_by, row.updated_at = actor.username, utcnow()
            s.flush()
            uow.audit("edit", "canned_reply", row.id, before={**before, "version": expected_version},
                      after={**after, "version": row.version})
        return uow.commit(row.id)
