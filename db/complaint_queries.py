"""Read side of complaints: the live board, the unit's history and the analysis figures,
aggregated in SQL so the answer stays small whatever the number of tickets."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Integer, and_, case, cast, func, literal, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core.complaints.deadlines import DEFAULT_CLOCKS, ClockConfig
from core.complaints.model import Stage
from core.complaints.repeats import Earlier
from db import complaint_repository, complaint_rollups
from db.models import Building, ComplaintCallbackRow, ComplaintEventRow, ComplaintRow, Project, Unit

BOARD_LIMIT_PER_STAGE = 40


def _scope(stmt, project_ids):
    return stmt if project_ids is None else stmt.where(ComplaintRow.project_id.in_(project_ids))


OPEN_STAGE_VALUES = tuple(s.value for s in Stage if s != Stage.CLOSED)


def _open():
    """An IN list rather than `stage != 'closed'`: an inequality cannot use an index, and open
    tickets are a few percent of the table (measured in bench/: a full scan of 300,000 tickets)."""
    return ComplaintRow.stage.in_(OPEN_STAGE_VALUES)


def _epoch(engine: Engine, column):
    """Seconds since 1970 of a stored moment, exact to the microsecond on both databases (julianday's
    floating point would move a ticket across the amber line at exact boundaries)."""
    if engine.dialect.name == "postgresql":
        return func.extract("epoch", column)
    # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff': whole seconds from strftime, then the microseconds
    return (cast(func.strftime("%s", column), Integer)
            + cast(func.substr(column, 21, 6), Integer) / literal(1_000_000.0))


def _lights(engine: Engine, now: datetime, config: ClockConfig):
    """(red, amber) of a ticket's stage clock in SQL, as core.complaints.deadlines.light() has them:
    red once the deadline has passed; amber when the deadline is within `at_risk`, or when
    `amber_share` of the allowed time is used; a paused clock is neither."""
    t = ComplaintRow
    running = and_(t.paused_since.is_(None), t.stage_deadline.is_not(None))
    red = and_(running, t.stage_deadline < now)
    started, deadline = _epoch(engine, t.stage_started_at), _epoch(engine, t.stage_deadline)
    used_up = and_(t.stage_started_at.is_not(None), t.stage_deadline > t.stage_started_at,
                   literal(now.timestamp()) - started >= (deadline - started) * literal(config.amber_share))
    amber = and_(running, t.stage_deadline >= now, or_(t.stage_deadline <= now + config.at_risk, used_up))
    return red, amber


def board_counts(engine: Engine, now: datetime, project_ids=None, config: ClockConfig = DEFAULT_CLOCKS) -> dict:
    """Open, overdue (stage clock red), at risk (amber) and unacknowledged red-line and repeat tickets."""
    red, amber = _lights(engine, now, config)
    stmt = select(
        func.count(),
        func.sum(case((red, 1), else_=0)),
        func.sum(case((amber, 1), else_=0)),
        func.sum(case((and_(ComplaintRow.escalation == "senior",
                            ComplaintRow.escalation_acknowledged_by.is_(None)), 1), else_=0)),
        func.sum(case((and_(ComplaintRow.escalation == "manager",
                            ComplaintRow.escalation_acknowledged_by.is_(None)), 1), else_=0)),
    ).where(_open())
    with engine.connect() as conn:
        n, overdue, at_risk, red_line, repeat = conn.execute(_scope(stmt, project_ids)).one()
    return {"open": int(n or 0), "overdue": int(overdue or 0), "at_risk": int(at_risk or 0),
            "red_line": int(red_line or 0), "repeat": int(repeat or 0)}


def board(engine: Engine, now: datetime, project_ids=None, building_id: int | None = None,
          category: str | None = None, handler: str | None = None,
          per_stage: int = BOARD_LIMIT_PER_STAGE) -> pd.DataFrame:
    """Open tickets, most urgent first within each stage (overdue, then due soonest; paused last)."""
    cols = [ComplaintRow.number, ComplaintRow.stage, ComplaintRow.category, ComplaintRow.receiver,
            ComplaintRow.handler, ComplaintRow.complainant, ComplaintRow.content, ComplaintRow.received_at,
            ComplaintRow.stage_started_at, ComplaintRow.stage_deadline, ComplaintRow.due_at,
            ComplaintRow.paused_since, ComplaintRow.escalation, ComplaintRow.escalation_acknowledged_by,
            ComplaintRow.repeat_count, ComplaintRow.version, Unit.room_no, Project.name.label("project")]
    rank = func.row_number().over(
        partition_by=ComplaintRow.stage,
        # the id breaks ties (office deadlines often fall on the same 17:30): the same cards every refresh
        order_by=(case((ComplaintRow.paused_since.is_(None), 0), else_=1), ComplaintRow.stage_deadline,
                  ComplaintRow.id))
    inner = (select(*cols, rank.label("rank"))
             .outerjoin(Unit, Unit.id == ComplaintRow.unit_id)
             .outerjoin(Project, Project.id == ComplaintRow.project_id)
             .where(_open()))
    inner = _scope(inner, project_ids)
    if building_id is not None:
        inner = inner.where(ComplaintRow.building_id == building_id)
    if category:
        inner = inner.where(ComplaintRow.category == category)
    if handler:
        inner = inner.where(or_(ComplaintRow.receiver == handler, ComplaintRow.handler == handler))
    sub = inner.subquery()
    stmt = select(sub).where(sub.c.rank <= per_stage).order_by(sub.c.stage, sub.c.rank)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all())


def escalations(engine: Engine, project_ids=None, limit: int = 20) -> pd.DataFrame:
    """Escalated tickets nobody in management has acknowledged yet, red lines first."""
    stmt = (select(ComplaintRow.number, ComplaintRow.escalation, ComplaintRow.red_lines,
                   ComplaintRow.repeat_count, ComplaintRow.category, ComplaintRow.received_at,
                   ComplaintRow.stage, ComplaintRow.version)
            .where(_open(), ComplaintRow.escalation != "none",
                   ComplaintRow.escalation_acknowledged_by.is_(None))
            .order_by(case((ComplaintRow.escalation == "senior", 0), else_=1), ComplaintRow.received_at)
            .limit(limit))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(_scope(stmt, project_ids)).mappings().all())


def unit_history(engine: Engine, unit_id: int, project_ids=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every complaint of the unit and every callback made on them, newest first."""
    complaints = _scope(
        select(ComplaintRow.number, ComplaintRow.received_at, ComplaintRow.category, ComplaintRow.stage,
               ComplaintRow.content, ComplaintRow.receiver, ComplaintRow.agreed_steps, ComplaintRow.agreed_at,
               ComplaintRow.repeat_count)
        .where(ComplaintRow.unit_id == unit_id).order_by(ComplaintRow.received_at.desc()), project_ids)
    callbacks = _scope(
        select(ComplaintRow.number, ComplaintCallbackRow.at, ComplaintCallbackRow.by,
               ComplaintCallbackRow.reached, ComplaintCallbackRow.satisfaction, ComplaintCallbackRow.comment)
        .join(ComplaintRow, ComplaintRow.id == ComplaintCallbackRow.complaint_id)
        .where(ComplaintRow.unit_id == unit_id).order_by(ComplaintCallbackRow.at.desc()), project_ids)
    with engine.connect() as conn:
        return (pd.DataFrame(conn.execute(complaints).mappings().all()),
                pd.DataFrame(conn.execute(callbacks).mappings().all()))


def repeat_history(engine: Engine, unit_id: int, before: datetime) -> tuple[int | None, list[Earlier]] | None:
    """(the unit's project, its tickets a new one may repeat), read without the write lock; None
    for an unknown unit."""
    with Session(engine) as s:
        place = complaint_repository.unit_place(s, unit_id)
        return None if place is None else (place.project_id, complaint_repository.earlier_on_unit(s, unit_id, before))


def timeline(engine: Engine, number: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(
            select(ComplaintEventRow.at, ComplaintEventRow.actor, ComplaintEventRow.action,
                   ComplaintEventRow.stage_from, ComplaintEventRow.stage_to, ComplaintEventRow.detail)
            .join(ComplaintRow, ComplaintRow.id == ComplaintEventRow.complaint_id)
            .where(ComplaintRow.number == number).order_by(ComplaintEventRow.at, ComplaintEventRow.id))
            .mappings().all())


def ticket_place(engine: Engine, number: str) -> dict:
    """Project, building and room of a ticket, for headings."""
    with engine.connect() as conn:
        row = conn.execute(select(ComplaintRow.project_id, Project.name.label("project"),
                                  Building.name.label("building"), Unit.room_no)
                           .select_from(ComplaintRow)
                           .outerjoin(Unit, Unit.id == ComplaintRow.unit_id)
                           .outerjoin(Building, Building.id == ComplaintRow.building_id)
                           .outerjoin(Project, Project.id == ComplaintRow.project_id)
                           .where(ComplaintRow.number == number)).mappings().first()
    return dict(row) if row else {}


# ---------------------------------------------------------------- analysis

def analysis(engine: Engine, since: datetime, until: datetime, now: datetime, project_ids=None,
             by: str = "category") -> pd.DataFrame:
    """Per group: received, closed, mean hours to close, SLA breaches, callbacks, satisfaction, and the
    tickets closed as unreachable. Read from the month rollups of migration 0026 (whole months) and
    the tickets of the partial months at the edges, so its cost does not grow with history."""
    return complaint_rollups.analysis(engine, since, until, now, project_ids, by)


def frequent_complainants(engine: Engine, since: datetime, project_ids=None, at_least: int = 3,
                          limit: int = 20) -> pd.DataFrame:
    # from the callers' counts of migration 0027, not a year of tickets
    return complaint_rollups.frequent_complainants(engine, since, project_ids, at_least, limit)


def recurring_root_causes(engine: Engine, since: datetime, project_ids=None, limit: int = 15) -> pd.DataFrame:
    # from the month rollups of migration 0027, not a year of tickets
    return complaint_rollups.recurring_root_causes(engine, since, project_ids, limit)


def project_staff(conn_or_session, project_id: int | None) -> dict[str, str]:
    """username -> display name of the active staff of a project: those assigned to it and those
    with every project, by display name. A ticket of no project: only the all-projects staff."""
    from sqlalchemy import or_
    from db.models import StaffUser, UserProject
    assigned = select(UserProject.user_id).where(UserProject.project_id == project_id)
    stmt = (select(StaffUser.username, StaffUser.display_name)
            .where(StaffUser.active.is_(True), or_(StaffUser.all_projects.is_(True), StaffUser.id.in_(assigned)))
            .order_by(StaffUser.display_name, StaffUser.username))
    return dict(conn_or_session.execute(stmt).all())


def callbacks_due(engine: Engine, username: str, project_ids=None) -> list:
    """Tickets waiting for their call-back that this user may make: neither its receiver nor its
    handler (the method's rule), in the user's projects."""
    stmt = _scope(select(ComplaintRow.number, ComplaintRow.stage_deadline)
                  .where(ComplaintRow.stage == Stage.CALLBACK.value, ComplaintRow.receiver != username,
                         or_(ComplaintRow.handler.is_(None), ComplaintRow.handler != username)), project_ids)
    with engine.connect() as conn:
        return conn.execute(stmt).all()


def open_tickets_of(engine: Engine, username: str, project_ids=None) -> list:
    """Open tickets the user received or handles (for their own work list): number, stage, the
    stage's deadline, and whether they are its receiver."""
    stmt = _scope(select(ComplaintRow.number, ComplaintRow.stage, ComplaintRow.stage_deadline,
                         (ComplaintRow.receiver == username).label("is_receiver"))
                  .where(_open(), or_(ComplaintRow.receiver == username, ComplaintRow.handler == username)),
                  project_ids)
    with engine.connect() as conn:
        return conn.execute(stmt).all()
