"""The complaint analysis read from the month rollups (migration 0026) instead of a year of tickets.

A date range is cut at China-time month boundaries: the whole months inside come from the rollup
tables (a few rows per project, month and group); each partial month at an edge is counted from the
tickets, from whichever side is shorter (the days inside the range added, or the whole month from
the rollup less the days outside it). The only other live part is what depends on "now": open
tickets past their overall deadline, read from a partial index of the unclosed tickets. So the cost
follows the number of groups and the length of the edges, not the number of tickets in the range.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import and_, case, func, literal_column, null, select
from sqlalchemy.engine import Engine

from core.clock import CHINA
from core.complaints.model import ClosedAs
from db.base import UTCDateTime
from db.complaint_rollup_models import (ComplaintCaller, ComplaintCallerProject, ComplaintCause, ComplaintCauseProject,
                                        ComplaintMonthBuilding, ComplaintMonthCategory, ComplaintMonthDepartment)
from db.models import Building, ComplaintRow, Project

SUMS = ("received", "closed", "hours", "closed_late", "called_back", "satisfaction_sum", "unreachable")
COLUMNS = ["key", "received", "closed", "hours_to_close", "breaches", "called_back", "satisfaction", "unreachable"]
GROUPINGS = ("category", "month", "building", "department")


@dataclass(frozen=True)
class Plan:
    """How a range is read: rollup months `first`..`last` (inclusive, 'YYYY-MM'; None: none),
    plus ticket ranges [lo, hi) each added (+1) or taken away (-1)."""
    first: str | None
    last: str | None
    live: tuple[tuple[int, datetime, datetime], ...]


def _month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(start: datetime) -> datetime:
    return start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)


def _previous_month(start: datetime) -> datetime:
    return start.replace(year=start.year - 1, month=12) if start.month == 1 else start.replace(month=start.month - 1)


def plan(since: datetime, until: datetime) -> Plan:
    """The cheapest reading of [since, until): whole China-time months from the rollups, the edges live."""
    s, u = since.astimezone(CHINA), until.astimezone(CHINA)
    if u <= s:
        return Plan(None, None, ())
    s_month, u_month = _month_start(s), _month_start(u)
    if s_month == u_month:                       # inside one month: at most a month of tickets
        return Plan(None, None, ((1, s, u),))
    first, last, live = s_month, _previous_month(u_month), []
    if s != s_month:
        s_next = _next_month(s_month)
        if s_next - s <= s - s_month:
            first = s_next
            live.append((1, s, s_next))
        else:
            live.append((-1, s_month, s))
    if u != u_month:
        u_next = _next_month(u_month)
        if u - u_month <= u_next - u:
            live.append((1, u_month, u))
        else:
            last = u_month
            live.append((-1, u, u_next))
    if first > last:
        return Plan(None, None, tuple(live))
    return Plan(f"{first:%Y-%m}", f"{last:%Y-%m}", tuple(live))


# ---------------------------------------------------------------- the two sources, in one shape

def _ticket_month(engine: Engine):
    """The China-time month of receipt, written as migration 0026's triggers write it."""
    if engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", ComplaintRow.received_at), "YYYY-MM")
    # whole seconds first: SQLite rounds the microseconds to milliseconds, so a ticket at
    # 23:59:59.9999995 on the last day of a month would count in the next one
    return func.strftime("%Y-%m", func.substr(ComplaintRow.received_at, 1, 19), "+8 hours")


def _ticket_hours(engine: Engine):
    t = ComplaintRow
    if engine.dialect.name == "postgresql":
        return func.extract("epoch", t.closed_at - t.received_at) / 3600.0
    return (func.julianday(t.closed_at) - func.julianday(t.received_at)) * 24.0


def _ticket_group(engine: Engine, by: str):
    t = ComplaintRow
    return {"category": t.category, "department": t.department, "month": _ticket_month(engine),
            "building": func.coalesce(t.building_id, 0)}[by]


_ROLLUP = {"category": (ComplaintMonthCategory, "category"), "month": (ComplaintMonthCategory, "month"),
           "building": (ComplaintMonthBuilding, "building_id"),
           "department": (ComplaintMonthDepartment, "department")}


def _rollup_sums(conn, by: str, first: str, last: str, project_ids) -> list[tuple]:
    table, column = _ROLLUP[by]
    keys = _keys(by, getattr(table, column), table.project_id)
    stmt = (select(*keys, *(func.sum(getattr(table, c)).label(c) for c in SUMS))
            .where(table.month >= first, table.month <= last)
            .group_by(*keys))
    if project_ids is not None:
        stmt = stmt.where(table.project_id.in_(project_ids))
    return _rows(conn, stmt)


def _keys(by: str, group, project) -> list:
    """What a part is summed by: the group, and its project for buildings only (whose names carry
    the project's); the other groupings are summed over the projects in SQL, a few rows back."""
    return [group.label("raw"), project.label("project_id")] if by == "building" else [group.label("raw")]


def _scope(stmt, project_ids):
    return stmt if project_ids is None else stmt.where(ComplaintRow.project_id.in_(project_ids))


def _ticket_sums(conn, by: str, lo: datetime, hi: datetime, project_ids) -> list[tuple]:
    """The rollup's sums counted from the tickets of [lo, hi) (an edge of the range)."""
    t, engine = ComplaintRow, conn.engine
    closed = t.closed_at.is_not(None)
    keys = _keys(by, _ticket_group(engine, by), func.coalesce(t.project_id, 0))
    stmt = (select(*keys, func.count().label("received"),
                   func.sum(case((closed, 1), else_=0)).label("closed"),
                   func.sum(case((closed, _ticket_hours(engine)), else_=0)).label("hours"),
                   func.sum(case((and_(closed, t.closed_at > t.due_at), 1), else_=0)).label("closed_late"),
                   func.count(t.satisfaction).label("called_back"),
                   func.coalesce(func.sum(t.satisfaction), 0).label("satisfaction_sum"),
                   func.sum(case((t.closed_as == ClosedAs.UNREACHABLE.value, 1), else_=0)).label("unreachable"))
            .where(t.received_at >= lo, t.received_at < hi)
            .group_by(*keys))
    return _rows(conn, _scope(stmt, project_ids))


def _open_overdue(conn, by: str, since: datetime, until: datetime, now: datetime,
                  project_ids) -> list[tuple]:
    """Still open past the overall deadline at `now`: the breaches no rollup can hold. The
    `closed_at IS NULL` term is what lets the partial index ix_complaints_unclosed_due answer it."""
    t, engine = ComplaintRow, conn.engine
    # by project too, whatever the grouping: by category alone SQLite walks ix_complaints_category
    # over every ticket to skip a sort (0.5 s at 300,000 tickets instead of 5 ms)
    keys = _keys("building", _ticket_group(engine, by), func.coalesce(t.project_id, 0))
    received = t.received_at
    if engine.dialect.name == "sqlite":
        # SQLite (never ANALYZEd) would rather walk a year of ix_complaints_received_cover; a unary
        # plus (the same value) keeps it off that index and on the few unclosed tickets
        received = literal_column(f"+{t.__tablename__}.received_at", UTCDateTime())
    stmt = (select(*keys, func.count().label("open_late"))
            .where(t.closed_at.is_(None), t.due_at < now, received >= since, received < until)
            .group_by(*keys))
    return _rows(conn, _scope(stmt, project_ids))


def _rows(conn, stmt) -> list[tuple]:
    """(group, project_id, values...) rows; project_id 0 when the part was summed over projects."""
    rows = [tuple(r) for r in conn.execute(stmt)]
    keyed = "project_id" in stmt.selected_columns
    return rows if keyed else [(r[0], 0, *r[1:]) for r in rows]


# ---------------------------------------------------------------- the analysis
# (plain dicts, not pandas, until the one frame at the end: a few hundred groups, and building
# frames per part cost more CPU than the queries themselves)

Sums = dict  # (group, project_id) -> [received, closed, hours, closed_late, called_back, satisfaction_sum,
#              unreachable, open_late]


def sums(engine: Engine, since: datetime, until: datetime, now: datetime, project_ids=None,
         by: str = "category") -> Sums:
    """Per (group, project; project 0 but by building): the rollup sums over [since, until) and
    `open_late`, the tickets still open past their overall deadline at `now`. Groups with no ticket
    in the range are left out. The parts share one connection: on SQLite one read transaction, so
    one snapshot; on PostgreSQL (read committed) a ticket saved between two parts can be off by
    one in this read, as with any two queries of a page."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    how = plan(since, until)
    with engine.connect() as conn:
        return _sums(conn, how, since, until, now, project_ids, by)


def _sums(conn, how: Plan, since, until, now, project_ids, by: str) -> Sums:
    parts = [] if how.first is None else [(1, _rollup_sums(conn, by, how.first, how.last, project_ids))]
    parts += [(sign, _ticket_sums(conn, by, lo, hi, project_ids)) for sign, lo, hi in how.live]
    total: Sums = {}
    for sign, rows in parts:
        for raw, project, *values in rows:
            into = total.setdefault((raw, project), [0, 0, 0.0, 0, 0, 0, 0, 0])
            for i, v in enumerate(values):   # (PostgreSQL's hours come as Decimal)
                into[i] += sign * (float(v or 0) if i == 2 else int(v or 0))
    total = {k: v for k, v in total.items() if v[0] > 0}
    if total:
        keyed = by == "building"
        for raw, project, late in _open_overdue(conn, by, since, until, now, project_ids):
            key = (raw, project if keyed else 0)
            if key in total:
                total[key][7] += late
    return total


def _building_names(engine: Engine, keys) -> dict:
    """(building_id, project_id) -> '<project> <building>', or '-' without a building (or its
    project), as the page had it."""
    building_ids = sorted({int(b) for b, _p in keys if b})
    project_ids = sorted({int(p) for _b, p in keys if p})
    with engine.connect() as conn:
        buildings = dict(conn.execute(select(Building.id, Building.name).where(Building.id.in_(building_ids))).all())
        projects = dict(conn.execute(select(Project.id, Project.name).where(Project.id.in_(project_ids))).all())
    names = {}
    for b, p in keys:
        building, project = buildings.get(int(b)), projects.get(int(p))
        names[(b, p)] = "-" if building is None or project is None else f"{project} {building}"
    return names


def analysis(engine: Engine, since: datetime, until: datetime, now: datetime, project_ids=None,
             by: str = "category") -> pd.DataFrame:
    """Per group: received, closed, mean hours to close, SLA breaches, callbacks, satisfaction and the
    tickets closed as unreachable (counted apart, not as called back). A breach is a ticket closed
    after its overall deadline, or still open past it at `now`. Ordered by the group's key."""
    per_project = sums(engine, since, until, now, project_ids, by)
    names = _building_names(engine, per_project) if by == "building" else None
    groups: dict = {}
    for k, values in per_project.items():
        into = groups.setdefault(names[k] if names else k[0], [0, 0, 0.0, 0, 0, 0, 0, 0])
        for i, v in enumerate(values):
            into[i] += v
    keys = sorted(groups)
    nan = float("nan")
    columns = {"key": pd.Series(keys, dtype=object), "received": [], "closed": [], "hours_to_close": [],
               "breaches": [], "called_back": [], "satisfaction": [], "unreachable": []}
    for key in keys:
        received, closed, hours, closed_late, called_back, score, unreachable, open_late = groups[key]
        columns["received"].append(received)
        columns["closed"].append(closed)
        columns["hours_to_close"].append(hours / closed if closed else nan)
        columns["breaches"].append(closed_late + open_late)
        columns["called_back"].append(called_back)
        columns["satisfaction"].append(score / called_back if called_back else nan)
        columns["unreachable"].append(unreachable)
    return pd.DataFrame({c: v if c == "key" else pd.Series(v, dtype="float64" if c in ("hours_to_close", "satisfaction")
                                                                 else "int64")
                         for c, v in columns.items()}, columns=COLUMNS)


# ---------------------------------------------------------------- the page's patterns (0027)
# Both are open-ended ("since a day a year ago"): the plan of a range to a far-off month start, so
# whole months from `since`'s next (or own) month on come from the rollups and one edge is live.
_OPEN_END = datetime(2200, 1, 1, tzinfo=CHINA)
FREQUENT_COLUMNS = ["complainant", "phone", "complaints", "last"]
CAUSE_COLUMNS = ["category", "root_cause", "times"]


def _cause_counts(conn, how: Plan, project_ids) -> dict:
    """(category, root cause) -> tickets with that root cause in the planned range."""
    table = ComplaintCause if project_ids is None else ComplaintCauseProject
    parts = []
    if how.first is not None:
        stmt = (select(table.category, table.root_cause, func.sum(table.n))
                .where(table.month >= how.first, table.month <= how.last)
                .group_by(table.category, table.root_cause))
        if project_ids is not None:
            stmt = stmt.where(table.project_id.in_(project_ids))
        parts.append((1, conn.execute(stmt).all()))
    t = ComplaintRow
    for sign, lo, hi in how.live:
        stmt = (select(t.category, t.root_cause, func.count())
                .where(t.received_at >= lo, t.received_at < hi, t.root_cause != "")
                .group_by(t.category, t.root_cause))
        parts.append((sign, conn.execute(_scope(stmt, project_ids)).all()))
    counts: dict = {}
    for sign, rows in parts:
        for category, cause, n in rows:
            counts[(category, cause)] = counts.get((category, cause), 0) + sign * int(n)
    return counts


def recurring_root_causes(engine: Engine, since: datetime, project_ids=None, limit: int = 15) -> pd.DataFrame:
    """The root causes given most often to the tickets received since `since`, with their category:
    most first, then by category and cause."""
    with engine.connect() as conn:
        counts = _cause_counts(conn, plan(since, _OPEN_END), project_ids)
    top = sorted(((k, n) for k, n in counts.items() if n > 0), key=lambda kn: (-kn[1], kn[0]))[:limit]
    return pd.DataFrame([(c, r, n) for (c, r), n in top], columns=CAUSE_COLUMNS)


def _bounded(project_ids):
    """(complainant, phone or '', n): every ticket of each caller in scope ever, a bound on their count
    in any period; all projects: the table itself, read in its index on n."""
    if project_ids is None:
        return ComplaintCaller.__table__.alias("bound")
    c = ComplaintCallerProject
    return (select(c.complainant, c.phone, func.sum(c.n).label("n")).where(c.project_id.in_(project_ids))
            .group_by(c.complainant, c.phone).subquery("bound"))


def _floor_at(conn, bound, rank: int, at_least: int) -> int:
    """The bound of the caller at `rank` (largest first), not below `at_least`: the callers above it
    are a few hundred whatever the company's size."""
    n = conn.scalar(select(bound.c.n).order_by(bound.c.n.desc()).offset(rank - 1).limit(1))
    return max(at_least, n or 0)


def _counted(conn, bound, floor: int, since: datetime, project_ids) -> list[tuple]:
    """(complainant, phone, tickets since `since`, the last one's receipt) of the callers whose bound
    is `floor` or more: each caller's year found by a seek in ix_complaints_complainant
    (complainant, phone, received_at, project). '' stands for no phone: matched as NULL apart, so
    each half is an equality on the index."""
    t = ComplaintRow
    out = []
    for same_phone, phone in ((t.phone == bound.c.phone, bound.c.phone),
                              (and_(bound.c.phone == "", t.phone.is_(None)), null())):
        stmt = (select(bound.c.complainant, phone, func.count(), func.max(t.received_at))
                .select_from(bound)
                .join(t, and_(t.complainant == bound.c.complainant, same_phone, t.received_at >= since))
                .where(bound.c.n >= floor)
                # grouped by the bound's columns, n first: SQLite then walks the few callers in
                # ix_complaint_callers_n and seeks each one's year (grouped by the tickets' own
                # columns it walked every ticket in ix_complaints_complainant instead)
                .group_by(bound.c.n, bound.c.complainant, bound.c.phone))
        out += [tuple(r) for r in conn.execute(_scope(stmt, project_ids))]
    return out


def frequent_order(row) -> tuple:
    """Most tickets first; then the latest last ticket, the name and the phone (a stable order)."""
    complainant, phone, n, last = row
    return (-n, -last.timestamp(), complainant, phone or "")


def frequent_complainants(engine: Engine, since: datetime, project_ids=None, at_least: int = 3,
                          limit: int = 20) -> pd.DataFrame:
    """The callers with `at_least` tickets or more received since `since`, most first (frequent_order),
    `limit` of them. Only callers whose count ever (0027's complaint_callers) reaches a floor are
    counted: first the few hundred largest; then, if the `limit`-th count found is below that
    floor, again down to it (no caller below it can reach or tie the ones shown, their count since
    `since` being at most their count ever). So it reads a few hundred callers' tickets, not a year
    of everybody's."""
    rank = 200
    with engine.connect() as conn:
        bound = _bounded(project_ids)
        floor = _floor_at(conn, bound, rank, at_least)
        while True:
            found = [r for r in _counted(conn, bound, floor, since, project_ids) if r[2] >= at_least]
            found.sort(key=frequent_order)
            if floor <= at_least or (len(found) >= limit and found[limit - 1][2] >= floor):
                break
            if len(found) >= limit:        # the shown ones' floor: a second pass at most
                floor = max(at_least, found[limit - 1][2])
            else:
                rank *= 8
                floor = _floor_at(conn, bound, rank, at_least)
    return pd.DataFrame(found[:limit], columns=FREQUENT_COLUMNS)
