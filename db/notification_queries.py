"""Reads of alerts: a user's badge and inbox, the delivery log, channels, templates, settings."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.notification_models import ChannelRow, InboxRow, OutboxRow, OwnerTemplateRow, PreferenceRow


def _pending(username: str):
    i = InboxRow
    return and_(i.username == username,
                or_(i.read_at.is_(None), and_(i.needs_ack.is_(True), i.acknowledged_at.is_(None))))


def badge_count(engine: Engine, username: str) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(InboxRow).where(_pending(username))) or 0)


def inbox(engine: Engine, username: str, include_read: bool, limit: int) -> list:
    i = InboxRow
    stmt = select(i).where(i.username == username if include_read else _pending(username))
    with Session(engine) as s:
        rows = list(s.scalars(stmt.order_by(i.created_at.desc(), i.id.desc()).limit(limit)))
        s.expunge_all()
        return rows


def inbox_item(engine: Engine, item_id: int) -> InboxRow | None:
    with Session(engine) as s:
        row = s.get(InboxRow, item_id)
        if row is not None:
            s.expunge(row)
        return row


def preferences(engine: Engine, username: str) -> PreferenceRow | None:
    with Session(engine) as s:
        row = s.get(PreferenceRow, username)
        if row is not None:
            s.expunge(row)
        return row


def channels(engine: Engine) -> list[ChannelRow]:
    with Session(engine) as s:
        rows = list(s.scalars(select(ChannelRow).order_by(ChannelRow.id)))
        s.expunge_all()
        return rows


def channel(engine: Engine, channel_id: int) -> ChannelRow | None:
    with Session(engine) as s:
        row = s.get(ChannelRow, channel_id)
        if row is not None:
            s.expunge(row)
        return row


def templates(engine: Engine) -> list[OwnerTemplateRow]:
    with Session(engine) as s:
        rows = list(s.scalars(select(OwnerTemplateRow)))
        s.expunge_all()
        return rows


LOG_COLUMNS = ["id", "created_at", "kind", "channel", "recipient", "state", "attempts", "last_error", "sent_at"]


def delivery_log(engine: Engine, state: str | None, limit: int) -> pd.DataFrame:
    o = OutboxRow
    stmt = select(*(getattr(o, c) for c in LOG_COLUMNS))
    if state is not None:
        stmt = stmt.where(o.state == state)
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(o.id.desc()).limit(limit)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=LOG_COLUMNS)


def outbox_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {s: int(n) for s, n in conn.execute(select(OutboxRow.state, func.count()).group_by(OutboxRow.state))}


def clocked_tickets(engine: Engine, until) -> list:
    """Open tickets whose running stage clock ends before `until` (the scheduler colours them)."""
    from db.models import ComplaintRow as c

    stmt = (select(c.number, c.project_id, c.stage, c.category, c.receiver, c.handler, c.stage_started_at,
                   c.stage_deadline, c.paused_since)
            .where(c.stage.notin_(("received", "closed")), c.stage_deadline.is_not(None), c.paused_since.is_(None),
                   c.stage_deadline <= until))
    with engine.connect() as conn:
        return conn.execute(stmt).all()


def unacknowledged_red_lines(engine: Engine) -> list:
    from db.models import ComplaintRow as c

    stmt = select(c.number, c.project_id, c.category, c.red_lines).where(
        c.escalation == "senior", c.escalation_acknowledged_by.is_(None), c.stage != "closed")
    with engine.connect() as conn:
        return conn.execute(stmt).all()


def appointments_on(engine: Engine, day) -> list:
    """Move-in appointments of a day with the unit's owner, for the day-before reminder."""
    from db.models import Project, Unit
    from db.movein_models import MoveinAppointment as a, MoveinBatch as b

    stmt = (select(a.id, a.day, a.slot_hour, b.project_id, Project.name.label("project"), Unit.room_no, Unit.owner_id)
            .join(b, b.id == a.batch_id).join(Unit, Unit.id == a.unit_id).join(Project, Project.id == b.project_id)
            .where(a.day == day, a.no_show.is_(False), a.arrived_at.is_(None)))
    with engine.connect() as conn:
        return conn.execute(stmt).all()


def owner_names(engine: Engine, owner_ids: list[int]) -> dict[int, str]:
    from db.models import Owner

    if not owner_ids:
        return {}
    with engine.connect() as conn:
        return dict(conn.execute(select(Owner.id, Owner.name).where(Owner.id.in_(owner_ids))).all())


def unit_places(engine: Engine, unit_ids) -> dict[int, tuple]:
    """unit id -> (project id, project name, building name, room) for the alerts about units."""
    from db.models import Building, Project, Unit

    ids = sorted({int(i) for i in unit_ids})
    if not ids:
        return {}
    stmt = (select(Unit.id, Unit.project_id, Project.name, Building.name, Unit.room_no)
            .join(Project, Project.id == Unit.project_id).join(Building, Building.id == Unit.building_id)
            .where(Unit.id.in_(ids)))
    with engine.connect() as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(stmt)}


def overdue_defects(engine: Engine, today) -> list:
    """Open move-in defects whose put-right-by day is before `today`, with where they are."""
    from db.models import Project, Unit
    from db.movein_models import MoveinBatch as b, MoveinDefect as d

    stmt = (select(d.id, d.due, d.responsible, d.location, d.kind, d.status, b.project_id,
                   Project.name.label("project"), Unit.room_no)
            .join(b, b.id == d.batch_id).join(Unit, Unit.id == d.unit_id).join(Project, Project.id == b.project_id)
            .where(d.status == "open", d.due.is_not(None), d.due < today).order_by(d.id))
    with engine.connect() as conn:
        return conn.execute(stmt).all()


def digest_readers(engine: Engine, roles) -> list[tuple[str, tuple[int, ...] | None]]:
    """Active staff of the given roles with the projects they see (None: every project)."""
    from db.models import StaffUser as u, UserProject as up

    with engine.connect() as conn:
        people = conn.execute(select(u.id, u.username, u.all_projects)
                              .where(u.active.is_(True), u.role.in_(sorted(roles))).order_by(u.username)).all()
        links = conn.execute(select(up.user_id, up.project_id)).all()
    scoped: dict[int, list[int]] = {}
    for user_id, project_id in links:
        scoped.setdefault(user_id, []).append(project_id)
    return [(name, None if every else tuple(sorted(scoped.get(uid, [])))) for uid, name, every in people]
