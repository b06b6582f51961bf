"""The scheduled checks that raise alerts nobody's click raises: stage deadlines at risk and
overdue, red lines still unacknowledged (repeated every half hour), tomorrow's move-in
appointments (a reminder to each owner the day before, a count to the supervisors), debts nearing
their limitation date (six months and one month before), missed instalments of payment plans,
the move-in hall's queue over its limit (once per crossing), move-in defects past their
rectification deadline, and each manager's daily digest of their own projects. Each job runs once per slot (db scheduled_jobs); each event's key makes
a second run of the same slot add nothing, whatever happens between the two."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Callable

from sqlalchemy.engine import Engine

from core.auth.actor import SYSTEM
from core.auth.capabilities import Capability, roles_with
from core.clock import CHINA
from core.complaints import deadlines
from core.complaints.model import Category
from core.movein.model import runs_on
from core.notifications import alerts
from core.notifications.events import Event, Kind
from db import movein_queries
from db import notification_queries as queries
from db import notification_repository as repository
from db.uow import UnitOfWork
from services import collections, movein, notifications

RED_LINE_REPEAT = timedelta(minutes=30)


def _local(now: datetime, fmt: str) -> str:
    return now.astimezone(CHINA).strftime(fmt)


def check_deadlines(engine: Engine, now: datetime) -> int:
    """Amber clocks to their owner (receiver and handler), red ones to the managers as well; once
    per stage entry and colour."""
    raised = 0
    tickets = queries.clocked_tickets(engine, now + timedelta(days=1))
    with UnitOfWork(engine, "system") as uow:
        for t in tickets:
            light = deadlines.light(t.stage_started_at, t.stage_deadline, now, t.paused_since)
            if light not in (deadlines.Light.AMBER, deadlines.Light.RED):
                continue
            kind = Kind.DEADLINE_OVERDUE if light == deadlines.Light.RED else Kind.DEADLINE_AT_RISK
            late_h = (now - t.stage_deadline).total_seconds() / 3600 if kind == Kind.DEADLINE_OVERDUE else 0.0
            entered = t.stage_started_at.strftime("%Y%m%d%H%M%S") if t.stage_started_at else "0"
            event = Event(kind, f"complaint:{t.number}:{t.stage}:{entered}:{light.value}", t.project_id,
                          {"number": t.number, "stage": t.stage, "deadline": _local(t.stage_deadline, "%m-%d %H:%M")},
                          f"complaint?n={t.number}", (t.receiver, t.handler or ""),
                          safety=Category(t.category) in (Category.SECURITY, Category.EMERGENCY),
                          pressing=alerts.pressing_overdue(late_h))
            notifications.raise_event(uow, event, now)
            raised += 1
        uow.commit()
    return raised


def repeat_red_lines(engine: Engine, now: datetime) -> int:
    """Unacknowledged red lines again to the outside channels (the inbox entry stands)."""
    slot = int(now.timestamp() // RED_LINE_REPEAT.total_seconds())
    rows = queries.unacknowledged_red_lines(engine)
    with UnitOfWork(engine, "system") as uow:
        for r in rows:
            flag = (r.red_lines or ["media"])[-1]
            notifications.raise_event(uow, Event(Kind.RED_LINE, f"complaint:{r.number}:red_line_repeat:{slot}",
                                                 r.project_id, {"number": r.number, "flag": flag},
                                                 f"complaint?n={r.number}", outside_only=True), now)
        uow.commit()
    return len(rows)


def movein_tomorrow(engine: Engine, now: datetime) -> int:
    """The day-before reminder to each owner with an appointment tomorrow (if the template is
    approved and SMS is on), and the count per project to the move-in planners."""
    tomorrow = now.astimezone(CHINA).date() + timedelta(days=1)
    rows = queries.appointments_on(engine, tomorrow)
    names = queries.owner_names(engine, sorted({r.owner_id for r in rows if r.owner_id}))
    per_project: dict[int, int] = {}
    with UnitOfWork(engine, "system") as uow:
        for r in rows:
            per_project[r.project_id] = per_project.get(r.project_id, 0) + 1
            notifications.message_owner(uow, "movein_reminder", r.owner_id,
                                        {"owner": names.get(r.owner_id, ""), "project": r.project, "room": r.room_no,
                                         "date": f"{tomorrow.month}月{tomorrow.day}日", "time": f"{r.slot_hour:02d}:00"},
                                        f"movein:{r.id}:reminder:{tomorrow}", r.project_id, now)
        for project_id, n in per_project.items():
            notifications.raise_event(uow, Event(Kind.MOVEIN_TOMORROW, f"movein:{project_id}:{tomorrow}", project_id,
                                                 {"date": tomorrow.isoformat(), "count": n}, "movein_live"), now)
        uow.commit()
    return len(rows)


def _today(now: datetime):
    return now.astimezone(CHINA).date()


def limitation_warnings(engine: Engine, now: datetime) -> int:
    """Each indebted unit nearing its limitation date, six months and again one month before, to
    the collector of its building and the project's managers; once per unit, stage and date (a
    demand delivered with proof moves the date, and the warnings start again from the new one)."""
    today = _today(now)
    work = collections.worklist(engine, SYSTEM, today)
    rows = [r for r in work.itertuples() if r.warning] if not work.empty else []
    staged = [(r, alerts.limitation_stage(r.expires, today)) for r in rows]
    staged = [(r, st) for r, st in staged if st is not None]
    places = queries.unit_places(engine, [r.unit_id for r, _ in staged])
    with UnitOfWork(engine, "system") as uow:
        for r, stage in staged:
            project_id, project, building, room = places[r.unit_id]
            collector = r.staff if r.staff != collections.UNASSIGNED else ""
            notifications.raise_event(uow, Event(
                Kind.LIMITATION_WARNING, f"limitation:{r.unit_id}:{r.expires}:{stage}", project_id,
                {"project": project, "room": room, "until": str(r.expires), "window": stage,
                 "arrears": f"{int(r.arrears) / 100:,.2f}"},
                "collection_worklist", (collector,)), now)
        uow.commit()
    return len(staged)


def missed_instalments(engine: Engine, now: datetime) -> int:
    """Each missed instalment of an approved payment plan, once, to the project's front desk and
    managers: the reminders of the ladder have resumed for the unit."""
    missed = collections.missed_plans(engine, SYSTEM, _today(now))
    places = queries.unit_places(engine, [unit_id for _, unit_id, _ in missed])
    with UnitOfWork(engine, "system") as uow:
        for plan_id, unit_id, day in missed:
            project_id, project, building, room = places[unit_id]
            notifications.raise_event(uow, Event(
                Kind.PLAN_MISSED, f"plan:{plan_id}:missed:{day}", project_id,
                {"project": project, "room": room, "day": str(day)}, "collection_worklist"), now)
        uow.commit()
    return len(missed)


def _queue_limit() -> alerts.QueueLimit:
    return alerts.QueueLimit(int(os.environ.get("ALERT_QUEUE_WAITING", alerts.QueueLimit.waiting)),
                             float(os.environ.get("ALERT_QUEUE_WAIT_MIN", alerts.QueueLimit.wait_min)))


def hall_queues(engine: Engine, now: datetime, limit: alerts.QueueLimit | None = None) -> int:
    """Each hall handing over today whose queue went over its limit since the last look, to the
    project's move-in supervisors: once per crossing, not again until it has fallen back under."""
    limit = limit or _queue_limit()
    today = _today(now)
    day = today.strftime("%Y%m%d")
    raised = 0
    for b in movein.list_batches(engine, SYSTEM).itertuples():
        if not runs_on(b.start, b.days, today):
            continue
        board = movein.live_board(engine, SYSTEM, int(b.id), today, now)
        waiting = sum(int(st["waiting"]) for st in board["stations"])
        longest = max((float(st["longest_wait_min"]) for st in board["stations"]), default=0.0)
        name = f"queue:{int(b.id)}"
        was_over, crossings = alerts.parse_crossing_state(repository.job_state(engine, name), day)
        is_over = alerts.queue_over(waiting, longest, limit)
        if is_over == was_over:
            continue
        with UnitOfWork(engine, "system") as uow:
            if alerts.crossing(was_over, is_over):
                crossings += 1
                project_id = movein_queries.batch_project(engine, int(b.id))
                notifications.raise_event(uow, Event(
                    Kind.QUEUE_OVER, f"queue:{int(b.id)}:{day}:{crossings}", project_id,
                    {"batch": b.name, "waiting": waiting, "wait": int(longest), "limit": limit.waiting,
                     "limit_min": int(limit.wait_min)}, "movein_live"), now)
                raised += 1
            repository.save_job_state(uow.session, name, alerts.crossing_state(day, is_over, crossings), now)
            uow.commit()
    return raised


def overdue_defects(engine: Engine, now: datetime) -> int:
    """Each move-in defect past its rectification deadline, once, to the project's move-in
    supervisors and managers, naming the party responsible for putting it right."""
    today = _today(now)
    rows = [r for r in queries.overdue_defects(engine, today) if alerts.defect_overdue(r.status, r.due, today)]
    with UnitOfWork(engine, "system") as uow:
        for r in rows:
            notifications.raise_event(uow, Event(
                Kind.DEFECT_OVERDUE, f"defect:{r.id}:overdue", r.project_id,
                {"project": r.project, "room": r.room_no, "location": r.location, "due": str(r.due),
                 "responsible": r.responsible}, "movein_live"), now)
        uow.commit()
    return len(rows)


DIGEST_LIST = 5      # complaint numbers named in a digest; the rest are counted


def daily_digest(engine: Engine, now: datetime) -> int:
    """One message a day to each manager, about their own projects: the complaints past their
    stage deadline (the first few named), the units whose dunning step is due today and the
    move-in defects past their rectification deadline."""
    today = _today(now)
    day = today.isoformat()
    overdue = [t for t in queries.clocked_tickets(engine, now)
               if t.stage_deadline is not None and t.stage_deadline <= now]
    work = collections.worklist(engine, SYSTEM, today)
    due = [r for r in work.itertuples() if r.steps] if not work.empty else []
    due_projects = queries.unit_places(engine, [r.unit_id for r in due])
    defects = queries.overdue_defects(engine, today)
    readers = queries.digest_readers(engine, {r.value for r in roles_with(Capability.SEE_HEADLINES)})
    with UnitOfWork(engine, "system") as uow:
        for username, projects in readers:
            mine = (lambda pid: True) if projects is None else (lambda pid, ps=set(projects): pid in ps)
            tickets = sorted(t.number for t in overdue if mine(t.project_id))
            listed = "、".join(tickets[:DIGEST_LIST]) + ("…" if len(tickets) > DIGEST_LIST else "")
            notifications.raise_event(uow, Event(
                Kind.DAILY_DIGEST, f"digest:{day}:{username}", None,
                {"overdue": len(tickets), "numbers": listed or "—",
                 "dunning": sum(1 for r in due if mine(due_projects[r.unit_id][0])),
                 "defects": sum(1 for d in defects if mine(d.project_id))},
                "home", (username,)), now)
        uow.commit()
    return len(readers)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Engine, datetime], int]
    slot: Callable[[datetime], str | None]     # None: not yet today


def _every(minutes: int) -> Callable[[datetime], str]:
    return lambda now: _local(now - timedelta(minutes=now.astimezone(CHINA).minute % minutes), "%Y%m%d%H%M")


def _daily_from(at: time) -> Callable[[datetime], str | None]:
    def slot(now: datetime) -> str | None:
        local = now.astimezone(CHINA)
        return local.strftime("%Y%m%d") if local.time() >= at else None
    return slot


def _digest_at() -> time:
    try:
        return time.fromisoformat(os.environ.get("ALERT_DIGEST_AT", "08:30"))
    except ValueError:
        return time(8, 30)


JOBS = (Job("deadlines", check_deadlines, _every(5)),
        Job("red_line_repeat", repeat_red_lines, _every(30)),
        Job("movein_tomorrow", movein_tomorrow, _daily_from(time(10, 0))),
        Job("limitation", limitation_warnings, _daily_from(time(9, 0))),
        Job("missed_plans", missed_instalments, _daily_from(time(9, 0))),
        Job("hall_queues", hall_queues, _every(2)),
        Job("overdue_defects", overdue_defects, _daily_from(time(9, 0))),
        Job("daily_digest", daily_digest, _daily_from(_digest_at())))


def run_due(engine: Engine, now: datetime, jobs=JOBS) -> list[str]:
    """Run each job whose slot this worker takes; returns the names run."""
    ran = []
    for job in jobs:
        slot = job.slot(now)
        if slot is not None and repository.take_slot(engine, job.name, slot, now):
            job.run(engine, now)
            ran.append(job.name)
    return ran
