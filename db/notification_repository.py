"""Alerts inside a unit of work: who holds a capability in a project, their routes, the channels,
adding inbox and outbox rows (a row already there is left as it is), and the worker's lease on
deliveries. Never commits, except the worker's own short claim and finish transactions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.engine import for_writing
from db.models import Owner, StaffUser, UserProject
from db.notification_models import (ChannelRow, InboxRow, JobRunRow, OutboxRow, OwnerOptOutRow, OwnerTemplateRow,
                                    PreferenceRow)


def _insert_ignoring_twins(session: Session, table, rows: list[dict]) -> None:
    """A row whose unique key is there already is skipped, without aborting the transaction
    (PostgreSQL aborts it on a unique violation: the change itself would be lost)."""
    if not rows:
        return
    ins = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # executemany of one compiled statement: SQLAlchemy caches it, where a multi-row VALUES
    # would be compiled again for every call
    session.execute(ins(table).on_conflict_do_nothing(), rows)


def add_inbox(session: Session, rows: list[dict]) -> None:
    _insert_ignoring_twins(session, InboxRow.__table__, rows)


def add_outbox(session: Session, rows: list[dict]) -> None:
    _insert_ignoring_twins(session, OutboxRow.__table__, rows)


@dataclass(frozen=True)
class Person:
    username: str
    language: str
    email: str
    quiet: str
    routes: dict


def people(session: Session, usernames: list[str] | None = None, roles: set[str] | None = None,
           project_id: int | None = None) -> list[Person]:
    """Active staff named, or of the given roles who see the project, with their routes."""
    u, p = StaffUser, PreferenceRow
    stmt = (select(u.username, u.language, p.email, p.quiet, p.routes)
            .outerjoin(p, p.username == u.username).where(u.active.is_(True)))
    if usernames is not None:
        stmt = stmt.where(u.username.in_(usernames))
    if roles is not None:
        sees = u.all_projects.is_(True)
        if project_id is not None:
            sees = or_(sees, u.id.in_(select(UserProject.user_id).where(UserProject.project_id == project_id)))
        stmt = stmt.where(u.role.in_(sorted(roles)), sees)
    return [Person(r.username, r.language or "zh", r.email or "", r.quiet or "", r.routes or {})
            for r in session.execute(stmt.order_by(u.username))]


def channels(session: Session, kind: str | None = None, enabled_only: bool = True) -> list[ChannelRow]:
    stmt = select(ChannelRow).order_by(ChannelRow.id)
    if kind is not None:
        stmt = stmt.where(ChannelRow.kind == kind)
    if enabled_only:
        stmt = stmt.where(ChannelRow.enabled.is_(True))
    return list(session.scalars(stmt))


def template(session: Session, kind: str) -> OwnerTemplateRow | None:
    return session.get(OwnerTemplateRow, kind)


def owner_reachable(session: Session, owner_id: int) -> bool:
    """An owner with a phone who has not opted out."""
    has_phone = session.scalar(select(Owner.phone).where(Owner.id == owner_id))
    return bool(has_phone) and session.get(OwnerOptOutRow, owner_id) is None


def complainant_owner(session: Session, unit_id: int, phone: str) -> tuple[int, str, str] | None:
    """(owner id, name, project name) of the unit's current owner whose phone is the one the
    complainant gave, or None: the complainant is not (known as) an owner of the unit."""
    from db.models import Project, Unit, UnitOwner

    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return None
    current = select(UnitOwner.owner_id).where(UnitOwner.unit_id == unit_id, UnitOwner.until.is_(None))
    rows = session.execute(select(Owner.id, Owner.name, Owner.phone, Project.name).select_from(Unit)
                           .join(Project, Project.id == Unit.project_id)
                           .join(Owner, or_(Owner.id == Unit.owner_id, Owner.id.in_(current)))
                           .where(Unit.id == unit_id).order_by(Owner.id)).all()
    for owner_id, name, owner_phone, project in rows:
        if owner_phone and "".join(ch for ch in owner_phone if ch.isdigit()) == digits:
            return owner_id, name, project
    return None


def settle_acknowledged(session: Session, key_prefix: str, by: str, now: datetime) -> None:
    """Every inbox entry of the event (all its recipients) is acknowledged, and so read: one
    person's acknowledgement takes the alert off every badge."""
    session.execute(update(InboxRow).where(InboxRow.event_key.like(key_prefix + "%"),
                                           InboxRow.needs_ack.is_(True), InboxRow.acknowledged_at.is_(None))
                    .values(acknowledged_at=now, acknowledged_by=by,
                            read_at=func.coalesce(InboxRow.read_at, now)))


# ---------------------------------------------------------------- the worker's lease

@dataclass(frozen=True)
class Delivery:
    """A claimed delivery with what the channel needs. The address (phone, e-mail) lives only in
    this object, never in a log line."""
    id: int
    event_key: str
    kind: str
    channel: str
    title: str
    body: str
    params: dict
    attempts: int
    config: dict | None          # the channel's settings; None: not configured or switched off
    address: str | None          # e-mail address or phone; None: none, or the owner opted out
    provider_code: str = ""


def claim(engine: Engine, worker: str, now: datetime, lease: timedelta, limit: int) -> list[Delivery]:
    """Take up to `limit` due deliveries for this worker. On PostgreSQL the rows are locked with
    SKIP LOCKED, so two workers never take the same row; on SQLite BEGIN IMMEDIATE lets one
    claimer in at a time. The lease is committed before anything is sent: a worker that dies
    leaves rows that are taken again once the lease has run out."""
    o = OutboxRow
    with Session(for_writing(engine)) as s, s.begin():
        due = (select(o.id).where(or_(and_(o.state == "queued", o.next_at <= now),
                                      and_(o.state == "sending", o.lease_until < now)))
               .order_by(o.next_at, o.id).limit(limit).with_for_update(skip_locked=True))
        ids = list(s.scalars(due))
        if not ids:
            return []
        s.execute(update(o).where(o.id.in_(ids)).values(state="sending", lease_until=now + lease,
                                                        lease_owner=worker, attempts=o.attempts + 1))
        rows = list(s.scalars(select(o).where(o.id.in_(ids)).order_by(o.next_at, o.id)))
        return [_delivery(s, r) for r in rows]


def _delivery(s: Session, r: OutboxRow) -> Delivery:
    config, address, code = None, None, ""
    ch = s.get(ChannelRow, r.channel_id) if r.channel_id is not None else None
    if ch is not None and ch.enabled:
        config = dict(ch.config)
    if r.channel == "email" and not r.recipient.startswith("channel:"):
        address = s.scalar(select(PreferenceRow.email).where(PreferenceRow.username == r.recipient)) or None
    elif r.channel == "sms" and r.recipient.startswith("owner:"):
        owner_id = int(r.recipient.split(":", 1)[1])
        if owner_reachable(s, owner_id):
            address = s.scalar(select(Owner.phone).where(Owner.id == owner_id))
        # An owner message's title is its template kind: the provider knows the text by its code.
        tpl = s.get(OwnerTemplateRow, r.title)
        code = tpl.provider_code if tpl is not None else ""
    return Delivery(r.id, r.event_key, r.kind, r.channel, r.title, r.body, dict(r.params or {}), r.attempts,
                    config, address, code)


def finish(engine: Engine, delivery_id: int, worker: str, now: datetime, error: str | None,
           retry_in: timedelta | None) -> bool:
    """Sent (error None), back in the queue (retry_in) or dead. False: the lease was lost."""
    o = OutboxRow
    if error is None:
        values = dict(state="sent", sent_at=now, lease_until=None, last_error="")
    elif retry_in is None:
        values = dict(state="dead", lease_until=None, last_error=error[:300])
    else:
        values = dict(state="queued", next_at=now + retry_in, lease_until=None, last_error=error[:300])
    with for_writing(engine).begin() as conn:   # Core, no ORM session: this runs once per message
        done = conn.execute(update(o).where(o.id == delivery_id, o.state == "sending", o.lease_owner == worker)
                            .values(**values))
        return done.rowcount == 1


def take_slot(engine: Engine, job: str, slot: str, now: datetime) -> bool:
    """True for the one worker that runs `job` for `slot`; a restart or a second worker gets False."""
    with Session(for_writing(engine)) as s, s.begin():
        row = s.get(JobRunRow, job, with_for_update=True)
        if row is None:
            ins = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
            # RETURNING, not rowcount: psycopg's rowcount of an ORM-session INSERT ... ON CONFLICT
            # said 0 for a row it did insert, and the job never ran on its first slot
            added = s.execute(ins(JobRunRow.__table__).values(name=job, last_slot=slot, ran_at=now)
                              .on_conflict_do_nothing().returning(JobRunRow.__table__.c.name)).first()
            return added is not None
        if row.last_slot >= slot:
            return False
        row.last_slot, row.ran_at = slot, now
        return True


def job_state(engine: Engine, name: str) -> str | None:
    """What a scheduled check remembers between runs (a queue's crossing state), kept in the
    scheduler's own table under a name no job has."""
    with Session(engine) as s:
        row = s.get(JobRunRow, name)
        return row.last_slot if row is not None else None


def save_job_state(session: Session, name: str, value: str, now: datetime) -> None:
    """Inside the unit of work that raises the alert: the state and the alert commit together."""
    row = session.get(JobRunRow, name)
    if row is None:
        session.add(JobRunRow(name=name, last_slot=value, ran_at=now))
    else:
        row.last_slot, row.ran_at = value, now


def mark_read(session: Session, username: str, item_ids: list[int] | None, now: datetime) -> int:
    stmt = update(InboxRow).where(InboxRow.username == username, InboxRow.read_at.is_(None))
    if item_ids is not None:
        stmt = stmt.where(InboxRow.id.in_([int(i) for i in item_ids]))
    return session.execute(stmt.values(read_at=now)).rowcount


def owner_projects(session: Session, owner_id: int) -> list[int] | None:
    """The projects of the units an owner owns or owned; None: no such owner."""
    from db.models import Unit, UnitOwner

    if session.get(Owner, owner_id) is None:
        return None
    ids = session.scalars(select(Unit.project_id).join(UnitOwner, UnitOwner.unit_id == Unit.id)
                          .where(UnitOwner.owner_id == owner_id).distinct())
    direct = session.scalars(select(Unit.project_id).where(Unit.owner_id == owner_id).distinct())
    return sorted(set(ids) | set(direct))
