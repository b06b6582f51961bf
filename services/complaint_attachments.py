"""Photos and scans on complaints: add one at registration or at any stage, list a ticket's or a
unit's (thumbnails only), open one, take one off again. Every call checks the capability and the
ticket's project; another project's attachment is "unknown", as its ticket is. Files are checked
from their bytes before any SQL (core.uploads); adding and removing are audited and shown in the
ticket's timeline."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.complaints import attachments as rules
from core.complaints.model import Event
from core.errors import NotFound, PermissionDenied
from core.uploads import UploadKind
from db import complaint_attachment_queries as queries
from db import complaint_attachment_repository as repo
from db import complaint_queries
from db import complaint_repository
from db.base import utcnow
from db.uow import UnitOfWork


@dataclass(frozen=True)
class Attachment:
    """One attachment as a list shows it: a thumbnail (images), never the full file."""
    id: int
    number: str
    kind: UploadKind
    name: str
    size: int
    stage: str
    thumb: bytes | None
    uploaded_by: str
    uploaded_at: datetime
    removable: bool = False        # by this actor, now

    @property
    def is_image(self) -> bool:
        return self.kind.is_image


@dataclass(frozen=True)
class AttachmentFile:
    id: int
    number: str
    kind: UploadKind
    name: str
    data: bytes

    @property
    def mime(self) -> str:
        return self.kind.mime


def _may_read(actor: Actor) -> bool:
    return actor.can(Capability.HANDLE_COMPLAINT) or actor.can(Capability.VIEW_UNITS)


def _visible_ticket(engine: Engine, actor: Actor, number: str) -> dict:
    if not _may_read(actor):
        raise PermissionDenied("err.not_allowed")
    place = complaint_queries.ticket_place(engine, number)
    if not place or not actor.sees(place["project_id"]):
        raise NotFound("err.complaint_unknown", number=number)
    return place


def _listed(actor: Actor, row: dict, now: datetime) -> Attachment:
    return Attachment(row["id"], row["number"], UploadKind(row["kind"]), row["name"], row["size"], row["stage"],
                      row["thumb"], row["uploaded_by"], row["uploaded_at"],
                      rules.may_remove(actor, row["uploaded_by"], row["uploaded_at"], now))


# ---------------------------------------------------------------- writes

def upload(engine: Engine, actor: Actor, number: str, data: bytes | None, name: str = "",
           now: datetime | None = None, request_key: str | None = None) -> int:
    """Attach a file to the ticket; returns its id. The same bytes again on the same ticket (a double
    tap, the same photo picked twice) answer with the first one's id and add nothing."""
    if not (actor.can(Capability.HANDLE_COMPLAINT) or actor.can(Capability.REGISTER_COMPLAINT)):
        raise PermissionDenied("err.not_allowed")
    kind = rules.check_file(data)                       # type, size, dimensions, cut off: before any SQL
    thumb = rules.thumbnail(data, kind)
    digest = hashlib.sha256(data).hexdigest()
    now = now or utcnow()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        loaded = complaint_repository.get(s, number, for_update=True)   # uploads to one ticket queue here
        if not actor.sees(loaded.project_id):
            raise NotFound("err.complaint_unknown", number=number)
        complaint_id, stage = loaded.row.id, loaded.complaint.stage
        if (same := repo.same_file(s, complaint_id, digest)) is not None:
            return uow.commit(same)
        rules.check_room(repo.count(s, complaint_id))
        attachment_id = repo.add(s, complaint_id, kind=kind.value, name=rules.clean_name(name, kind), size=len(data),
                                 sha256=digest, stage=stage.value, data=data, thumb=thumb,
                                 uploaded_by=actor.username, uploaded_at=now)
        complaint_repository.add_events(s, complaint_id, [Event(now, actor.username, "attach", stage, stage,
                                                                {"attachment": attachment_id, "kind": kind.value})])
        uow.audit("attachment_add", "complaint", number,
                  after={"attachment": attachment_id, "kind": kind.value, "size": len(data), "sha256": digest})
        return uow.commit(attachment_id)


def remove(engine: Engine, actor: Actor, attachment_id: int, reason: str, now: datetime | None = None,
           request_key: str | None = None) -> int:
    """Take an attachment off: its uploader within rules.UNDO_WINDOW, or a manager; with a reason."""
    if not _may_read(actor):
        raise PermissionDenied("err.not_allowed")
    now = now or utcnow()
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        found = repo.for_removal(uow.session, attachment_id)
        if found is None or not actor.sees(found[1].project_id):
            raise NotFound("err.attachment_unknown")
        row, ticket = found
        reason = rules.check_removal(actor, row.uploaded_by, row.uploaded_at, row.removed_at, now, reason)
        repo.remove(row, actor.username, now, reason)
        complaint_repository.add_events(uow.session, ticket.id, [
            Event(now, actor.username, "attach_remove", None, None, {"attachment": attachment_id, "reason": reason})])
        uow.audit("attachment_remove", "complaint", ticket.number,
                  before={"attachment": attachment_id, "kind": row.kind, "sha256": row.sha256,
                          "uploaded_by": row.uploaded_by}, after={"reason": reason})
        return uow.commit(attachment_id)


# ---------------------------------------------------------------- reads

def for_ticket(engine: Engine, actor: Actor, number: str, now: datetime | None = None) -> list[Attachment]:
    _visible_ticket(engine, actor, number)
    now = now or utcnow()
    return [_listed(actor, r, now) for r in queries.for_ticket(engine, number)]


def for_unit(engine: Engine, actor: Actor, unit_id: int, now: datetime | None = None) -> list[Attachment]:
    """The unit's attachments over its tickets, newest first, within the actor's projects."""
    if not (actor.can(Capability.VIEW_UNITS) or actor.can(Capability.REGISTER_COMPLAINT)):
        raise PermissionDenied("err.not_allowed")
    now = now or utcnow()
    return [_listed(actor, r, now) for r in queries.for_unit(engine, unit_id, actor.scope())]


def open_file(engine: Engine, actor: Actor, attachment_id: int) -> AttachmentFile:
    """The whole file, to show large or download; checked like its ticket."""
    if not _may_read(actor):
        raise PermissionDenied("err.not_allowed")
    row = queries.one(engine, int(attachment_id))
    if row is None or not actor.sees(row["project_id"]):
        raise NotFound("err.attachment_unknown")
    return AttachmentFile(row["id"], row["number"], UploadKind(row["kind"]), row["name"], row["data"])
