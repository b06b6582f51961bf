"""Bench complaints: two years of tickets for the whole company, bulk-inserted.

300,000 tickets at scale 1.0 (about 410 a day on average, growing), over every project, unit, category and stage:
mostly closed, ~2% open at every open stage (young tickets far more often than old ones), some
of them paused, red-line and repeat escalations (repeats found with the real
core.complaints.workflow.find_repeat: same unit, category and matter), call-backs on every closed ticket, a few timeline events per
ticket. Deadlines come from the real clock rules (core.complaints.deadlines); the tickets are not driven
through the workflow one action at a time (ten times slower), their fields are filled in the shape
the workflow leaves them at the stage they reached.

Rows go in with SQLAlchemy Core executemany in chunks, with explicit complaint ids (PostgreSQL's
sequence is moved past them by bench.generate after the step), in one transaction.

One unit gets a known history for the page cases: room BENCH_ROOM of the batch project (the
project of the scoped frontdesk), with tickets in the last months and one open ticket whose
receiver is the demo frontdesk."""
from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from core.clock import CHINA
from core.complaints import deadlines
from core.complaints import workflow as wf
from core.complaints.model import OPEN_STAGES, Category, Channel, ClockPauseReason, RedLine, Stage, Want
from demo.company import BATCH_CITY, fake_name, fake_phone
from demo.complaints import DEPARTMENTS, STORIES
from db.models import (ComplaintCallbackRow, ComplaintEventRow, ComplaintRow, Owner, Project, Unit,
                       utcnow)

FULL_TICKETS = 300_000
DAYS = 730
BENCH_ROOM = "7-101"  # first room of the batch project's first older building: exists at every scale
CHUNK = 5_000

CATEGORY_WEIGHTS = {Category.REPAIRS: 30, Category.SERVICE: 15, Category.CLEANING: 12, Category.SECURITY: 8,
                    Category.FEES: 8, Category.NEIGHBOURS: 7, Category.GREENING: 6, Category.OTHER: 6,
                    Category.COMMUNITY: 5, Category.EMERGENCY: 3}
_OTHER_STORY = ("other", "小区里的快递柜经常满，包裹只能放在门口，担心丢失。", "快递柜容量不足，快递员随意放置。",
                "第三方设施容量未评估", "与快递公司协商增设快递柜并规范投放")
_MORE_ROOTS = ["", "", "", "", "", "；同类问题此前已出现", "；夜班人手不足", "；供应商响应慢", "；交接班记录缺失",
               "；巡查频次不够", "；员工培训不到位", "；设备老化未及时更换", "；制度执行不严", "；沟通话术不当",
               "；预算审批周期长", "；外包单位管理不到位", "；信息未及时公示", "；责任人不明确", "；应急预案缺失",
               "；现场检查流于形式", "；客户期望未提前确认"]
_PLACES = ["小区南门", "地下车库B2", "中心花园", "会所", "东侧围墙", "商业街", "儿童游乐区", "垃圾房"]
_STAGE_STEP = {  # the action that moves a ticket into the stage (valid path)
    Stage.INVESTIGATE: "judge_valid", Stage.ASSIGN: "investigate", Stage.PROPOSE: "assign",
    Stage.AGREE: "propose", Stage.IMPLEMENT: "agree", Stage.FEEDBACK: "implement",
    Stage.CALLBACK: "feedback_confirmed"}
# Of a closed ticket's steps only these get a timeline row ("a few events per ticket");
# an open ticket gets its whole path, so the detail page shows a full timeline.
_CLOSED_MILESTONES = {"assign", "implement"}


def _open_probability(age: timedelta) -> float:
    days = age.total_seconds() / 86400
    if days < 1:
        return 0.9
    if days < 3:
        return 0.6
    if days < 7:
        return 0.35
    if days < 14:
        return 0.15
    if days < 90:
        return 0.06
    return 0.01


def _open_stage(rng: random.Random, age: timedelta) -> Stage:
    """Young tickets wait at the early steps; older open ones anywhere."""
    days = age.total_seconds() / 86400
    if days < 1:
        weights = [30, 25, 15, 10, 8, 6, 3, 3]
    elif days < 7:
        weights = [8, 12, 12, 14, 14, 18, 11, 11]
    else:
        weights = [6, 10, 10, 12, 12, 20, 15, 15]
    return rng.choices(OPEN_STAGES, weights)[0]


def _spread(rng: random.Random, start: datetime, end: datetime, n: int) -> list[datetime]:
    """n sorted moments in (start, end]; the last one is `end`."""
    if n <= 0:
        return []
    span = (end - start).total_seconds()
    cuts = sorted(rng.random() for _ in range(n - 1))
    return [start + timedelta(seconds=span * c) for c in cuts] + [end]


class _Numbers:
    """TS-YYYYMMDD-NNNN per local day, continuing after any ticket already in the store."""

    def __init__(self, existing: list[str]):
        self.last: dict[str, int] = {}
        for number in existing:
            prefix, _, seq = number.rpartition("-")
            if seq.isdigit():
                self.last[prefix] = max(self.last.get(prefix, 0), int(seq))

    def next(self, received: datetime) -> str:
        prefix = "TS-" + received.astimezone(CHINA).strftime("%Y%m%d")
        seq = self.last.get(prefix, 0) + 1
        if seq > 9999:
            raise ValueError(f"more than 9,999 tickets on {prefix[3:]}: lower the scale")
        self.last[prefix] = seq
        return f"{prefix}-{seq:04d}"


GROWTH = 0.5  # the company has half as many tickets a day again as two years ago


def _received_moments(rng: random.Random, n: int, now: datetime) -> list[datetime]:
    """n moments over the last DAYS days, growing linearly towards today (GROWTH), mostly in the
    daytime: at scale 1.0 about 330 a day two years ago and 490 now."""
    today = now.astimezone(CHINA).date()
    hours = list(range(24))
    hour_w = [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 12, 9, 11, 13, 13, 12, 11, 10, 9, 8, 6, 3, 2]
    out = []
    while len(out) < n:
        age = rng.random()
        if rng.random() * (1 + GROWTH) > 1 + GROWTH * (1 - age):
            continue
        age_days = int(DAYS * age)
        day = today - timedelta(days=age_days)
        hour = rng.choices(hours, hour_w)[0]
        moment = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
                          tzinfo=CHINA)
        if moment > now:
            moment -= timedelta(days=1)
        out.append(moment)
    out.sort()
    return out


def generate_complaints(engine: Engine, tickets: int, seed: int = 2026, now: datetime | None = None) -> int:
    now = now or utcnow()
    rng = random.Random(seed)
    stories: dict[str, list[tuple]] = {}
    for story in [*STORIES, _OTHER_STORY]:
        stories.setdefault(story[0], []).append(story)
    categories, cat_w = zip(*CATEGORY_WEIGHTS.items())
    channels = list(Channel)
    channel_w = [45, 20, 4, 2, 3, 10, 1, 15]
    wants = list(Want)

    with engine.begin() as conn:
        units = conn.execute(select(Unit.id, Unit.project_id, Unit.building_id, Unit.room_no, Owner.name, Owner.phone)
                             .join(Owner, Owner.id == Unit.owner_id).order_by(Unit.id)).all()
        batch = conn.scalar(select(Project.id).where(Project.city == BATCH_CITY).order_by(Project.id))
        bench_unit = conn.execute(select(Unit.id, Unit.project_id, Unit.building_id, Unit.room_no,
                                         Owner.name, Owner.phone)
                                  .outerjoin(Owner, Owner.id == Unit.owner_id)
                                  .where(Unit.project_id == batch, Unit.room_no == BENCH_ROOM)).first()
        numbers = _Numbers(list(conn.scalars(select(ComplaintRow.number))))
        next_id = (conn.scalar(select(func.max(ComplaintRow.id))) or 0) + 1
        projects = list(conn.scalars(select(Project.id).order_by(Project.id)))
        if not units:
            return 0

        # Desk staff per project (receivers own their tickets); the demo frontdesk works the batch
        # project. Call-backs are made by the project's call-back desk or the manager.
        desks = {p: [f"kf{p:03d}{k}" for k in "abcd"] for p in projects}
        if batch in desks:
            desks[batch][0] = "frontdesk"
        callers = {p: [f"hf{p:03d}", "manager"] for p in projects}

        hot = rng.sample(units, max(1, len(units) // 200))  # units that complain again and again
        hot_category = {u.id: rng.choices(categories, cat_w)[0] for u in hot}
        moments = _received_moments(rng, tickets, now)
        step = max(1, len(moments) // 400)  # six tickets over the last weeks (at scale 1.0)
        bench_moments = {moments[-1 - k * step] for k in range(min(6, len(moments) // step))} if bench_unit else set()
        history: dict[int, list[wf.Earlier]] = {}

        rows, events, callbacks = [], [], []
        made = 0

        def flush(final: bool = False):
            """Complaints first: the events and call-backs point at them."""
            if not (final or len(rows) >= CHUNK or len(events) >= 4 * CHUNK or len(callbacks) >= CHUNK):
                return
            for table, batch_rows in ((ComplaintRow.__table__, rows), (ComplaintEventRow.__table__, events),
                                      (ComplaintCallbackRow.__table__, callbacks)):
                if batch_rows:
                    conn.execute(insert(table), batch_rows)
                    batch_rows.clear()

        for received in moments:
            received = received.astimezone(now.tzinfo)
            age = now - received
            forced = received in bench_moments
            # ---- who, where, what
            if forced:
                unit = bench_unit
                category = Category.REPAIRS
            elif rng.random() < 0.02:
                unit = None
                category = rng.choices(categories, cat_w)[0]
            elif rng.random() < 0.05:
                unit = rng.choice(hot)
                category = hot_category[unit.id] if rng.random() < 0.6 else rng.choices(categories, cat_w)[0]
            else:
                unit = rng.choice(units)
                category = rng.choices(categories, cat_w)[0]
            project = unit.project_id if unit else None
            story = rng.choice(stories[category.value])
            _, content, cause, root, prevention = story
            channel = rng.choices(channels, channel_w)[0]
            if unit is not None and unit.name and rng.random() < 0.8:
                complainant, phone = unit.name, unit.phone
            else:
                complainant, phone = fake_name(rng), fake_phone(rng)
            desk_pool = desks.get(project) or desks[projects[rng.randrange(len(projects))]]
            receiver = "frontdesk" if forced and batch in desks else rng.choice(desk_pool)
            caller = rng.choice(callers.get(project) or ["manager"])
            red = (rng.choice(list(RedLine)),) if rng.random() < 0.003 else ()

            # ---- the real rules: repeat detection, escalation, deadlines
            earlier = history.get(unit.id, []) if unit is not None else []
            repeat_of, nth = (wf.find_repeat(category, received, earlier, matter=content)
                              if unit is not None else (None, 1))
            escalation = "senior" if red else ("manager" if repeat_of else "none")
            number = numbers.next(received)
            if unit is not None:
                cut = received - wf.REPEAT_WINDOW
                history[unit.id] = [e for e in earlier if e.received_at >= cut] + \
                    [wf.Earlier(number, category, received, repeat_of, content, nth)]
            due_at = deadlines.overall_deadline(category, received)
            cal = deadlines.calendar_for(category)

            # ---- how far it got
            if forced:
                stage = Stage.INVESTIGATE if received == max(bench_moments) else Stage.CLOSED
            elif rng.random() < _open_probability(age):
                stage = _open_stage(rng, age)
            else:
                stage = Stage.CLOSED
            invalid = stage in (Stage.CLOSED, Stage.FEEDBACK, Stage.CALLBACK) and rng.random() < 0.03
            if stage == Stage.CLOSED:
                worked = timedelta(hours=min(400.0, rng.lognormvariate(math.log(20), 0.6)))
                closed_at = min(cal.add(received, worked), now - timedelta(minutes=1))
                if closed_at <= received:
                    closed_at = received + (now - received) / 2
                end = closed_at
            else:
                closed_at = None
                end = received + (now - received) * rng.uniform(0.3, 0.95)
            if invalid:
                path = ["propose_invalid", "sign_off_invalid"]
                if stage != Stage.FEEDBACK:
                    path.append("feedback_confirmed")
            else:
                target = Stage.CALLBACK if stage == Stage.CLOSED else stage
                path = [_STAGE_STEP[s] for s in OPEN_STAGES[1:OPEN_STAGES.index(target) + 1]]
            reopen = stage == Stage.CLOSED and not invalid and rng.random() < 0.03
            unreached = stage in (Stage.CLOSED, Stage.CALLBACK) and rng.random() < 0.15
            cb_plan = []  # (reached, satisfaction)
            if stage == Stage.CLOSED:
                if reopen:
                    cb_plan.append((True, rng.choice((1, 2))))
                if unreached:
                    cb_plan.append((False, None))
                cb_plan.append((True, rng.choices((5, 4, 3), (55, 30, 15))[0]))
            elif stage == Stage.CALLBACK and unreached:
                cb_plan.append((False, None))
            n_moments = len(path) + len(cb_plan) + (1 if stage == Stage.CLOSED else 0)
            times = _spread(rng, received, end, n_moments)
            step_times = dict(zip(path, times))
            cb_times = times[len(path):len(path) + len(cb_plan)]
            stage_started = step_times[path[-1]] if path and stage != Stage.CLOSED else received
            if stage == Stage.CLOSED:
                stage_started = closed_at

            handler = fake_name(rng) if "assign" in step_times else None
            department = DEPARTMENTS[category.value] if handler else ""
            agreed_at = None
            if "agree" in step_times:
                agreed_at = step_times["agree"] + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 8))
            stage_deadline = None if stage == Stage.CLOSED else \
                deadlines.stage_deadline(category, stage, stage_started, agreed_at)
            paused_since = pause_reason = None
            if stage != Stage.CLOSED and rng.random() < 0.08:
                paused_since = stage_started + (now - stage_started) * rng.uniform(0.1, 0.9)
                pause_reason = rng.choice(list(ClockPauseReason)).value
            has_root = stage == Stage.CLOSED or (stage == Stage.CALLBACK and rng.random() < 0.5)
            acknowledged = None
            if escalation != "none" and (stage == Stage.CLOSED or rng.random() < (0.6 if age.days >= 1 else 0.2)):
                acknowledged = "manager"
            satisfaction = next((s for r, s in reversed(cb_plan) if r), None)
            cid = next_id
            next_id += 1
            rows.append({
                "id": cid, "number": number, "received_at": received, "channel": channel.value,
                "relayed_by": "保安 " + fake_name(rng) if channel == Channel.RELAYED else None,
                "complainant": complainant, "phone": phone, "project_id": project,
                "building_id": unit.building_id if unit else None, "unit_id": unit.id if unit else None,
                "place": "" if unit else rng.choice(_PLACES), "subject": "", "content": content,
                "wants": [w.value for w in rng.sample(wants, rng.randint(1, 3))], "category": category.value,
                "receiver": receiver, "stage": stage.value,
                "valid": False if invalid else (True if "judge_valid" in step_times else None),
                "invalid_reason": "不属于物业服务范围，已说明并协助联系相关单位" if invalid else "",
                "signoff_by": "manager" if invalid else None,
                "reply": "感谢您的反馈，已为您联系相关单位处理。" if invalid else "",
                "cause": cause if "investigate" in step_times else "", "department": department, "handler": handler,
                "options": ["方案一：" + prevention[:20], "方案二：先临时处理，再彻底整改"] if "propose" in step_times else [],
                "agreed_steps": "按方案处理并每日告知进度" if agreed_at else "", "agreed_at": agreed_at,
                "implementation": "已按约定完成处理，现场拍照留存。" if "implement" in step_times else "",
                "customer_confirmed": "feedback_confirmed" in step_times and not (stage != Stage.CLOSED and reopen),
                "callback_attempts": len(cb_plan), "satisfaction": satisfaction,
                "root_cause": root + rng.choice(_MORE_ROOTS) if has_root else "",
                "prevention": prevention if has_root else "",
                "red_lines": [r.value for r in red], "escalation": escalation,
                "escalation_acknowledged_by": acknowledged, "repeat_of": repeat_of, "repeat_count": nth,
                "reopened": 1 if reopen else 0, "stage_started_at": stage_started, "stage_deadline": stage_deadline,
                "due_at": due_at, "paused_since": paused_since, "pause_reason": pause_reason,
                "closed_at": closed_at, "version": 1 + len(path) + len(cb_plan) + (2 if stage == Stage.CLOSED else 0),
            })

            # ---- a few timeline rows and the call-backs
            def event(at, actor, action, stage_from, stage_to, detail=None):
                events.append({"complaint_id": cid, "at": at, "actor": actor, "action": action,
                               "stage_from": stage_from, "stage_to": stage_to, "detail": detail or {}})

            event(received, receiver, "register", Stage.RECEIVED.value, Stage.JUDGE.value,
                  {"channel": channel.value, "category": category.value})
            if repeat_of:
                event(received, receiver, "repeat", None, None, {"first": repeat_of, "n": nth})
            if red:
                event(received, receiver, "red_line", None, None, {"flags": [r.value for r in red]})
            previous = Stage.JUDGE.value
            for action in path:
                to = {"propose_invalid": Stage.JUDGE, "sign_off_invalid": Stage.FEEDBACK,
                      "feedback_confirmed": Stage.CALLBACK}.get(action) or \
                    next(s for s, a in _STAGE_STEP.items() if a == action)
                if stage != Stage.CLOSED or action in _CLOSED_MILESTONES:
                    actor = "manager" if action == "sign_off_invalid" else receiver
                    event(step_times[action], actor, action, previous, to.value)
                previous = to.value
            for (reached, score), at in zip(cb_plan, cb_times):
                callbacks.append({"complaint_id": cid, "by": caller, "at": at, "reached": reached,
                                  "satisfaction": score, "comment": "" if not reached else
                                  ("客户表示满意" if score >= 3 else "客户仍不满意")})
                action = "callback_unreached" if not reached else \
                    ("callback_satisfied" if score >= 3 else "callback_dissatisfied")
                event(at, caller, action, Stage.CALLBACK.value,
                      Stage.INVESTIGATE.value if action == "callback_dissatisfied" else Stage.CALLBACK.value)
            if paused_since is not None:
                event(paused_since, receiver, "pause", stage.value, stage.value, {"reason": pause_reason})
            if stage == Stage.CLOSED:
                event(closed_at, receiver, "close", Stage.CALLBACK.value, Stage.CLOSED.value)
            made += 1
            flush()
        flush(final=True)
    return made
