"""Demo complaints: a year of tickets at every stage, driven through the real workflow rules so
that every demo ticket is one the system could have produced. Stories from the training material
are among them, retold in our own words."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from core.auth.roles import Role
from core.complaints import workflow as wf
from core.complaints.model import Category, Channel, RedLine, Stage, Want
from core.errors import DomainError
from db.complaint_queries import project_staff
from db.complaint_repository import add_callbacks, add_events, write_row
from demo.company import fake_name, fake_phone
from db.models import ComplaintRow, Project, StaffUser, Unit, UserProject, utcnow
from db.uow import UnitOfWork

# (category, content, cause, root cause, prevention) — our own wording of typical and seed cases.
STORIES = [
    ("repairs", "昨晚七点半家里突然停电，打了服务中心电话说会安排电工，今天再打过去，接电话的同事完全不知道这件事，还问我是什么事。",
     "夜班受理后只口头转告工程部，交接班记录未写，白班无人跟进。", "前后台交接无记录，投诉没有唯一责任人",
     "所有来电当场登记编号，谁受理谁跟进到底；交接班逐单核对未结投诉"),
    ("service", "商业街的美发店一夜之间搬空了，我们办的预付卡没人管。去服务中心问，主管说这是商户的事，和物业无关。",
     "商铺搬离时物业凭产权人书面同意放行，未评估对业主的影响；主管独自判定不属物业责任。",
     "无效判定未经复核即答复客户", "判定无效须写明理由并经经理签批，同时协助客户联系消协等渠道"),
    ("neighbours", "小区紧挨新修的公路，晚上车辆噪音很大，孩子睡不好觉，希望物业想想办法。",
     "道路车流量上升，噪音超出居民可接受范围；道路不归物业管理。", "周边环境变化未纳入服务评估",
     "与开发商协商修建隔音墙并种植绿化带，定期监测噪音"),
    ("service", "我打电话咨询停车费，客服以为电话挂了，在电话里说了脏话，我全都听见了。",
     "客服未确认通话结束即与同事抱怨，言语不当。", "员工服务意识与通话规范培训不足",
     "通话结束须等客户先挂机；开展统一说词与情绪管理培训"),
    ("service", "我在这个小区住了五年，今天回来拍照，新来的管理员拦着我问住哪一栋，还不让拍。",
     "新入职管理员不熟悉业主，处理方式生硬。", "新员工未做业主熟悉度培训", "建立业主识别与入职带教制度，管理员每月走访熟悉住户"),
    ("repairs", "卫生间天花板渗水，楼上说不是他家的问题，已经滴了三天。", "楼上卫生间防水层破损。",
     "交付前防水验收抽检比例不足", "维修后闭水试验48小时，并纳入交付验房清单"),
    ("repairs", "电梯这周已经第三次停在半层，老人不敢坐。", "电梯门锁触点老化。", "维保单位保养不到位",
     "更换触点并约谈维保单位，增加月度抽查"),
    ("cleaning", "楼道垃圾两天没人收，味道很大。", "保洁员请假未安排替岗。", "排班无替岗机制", "建立替岗名单，主管每日巡查签字"),
    ("greening", "楼下的树枝已经伸到我家窗户，刮风时敲得整夜响。", "绿化修剪计划遗漏该区域。",
     "修剪计划未按楼栋覆盖", "按楼栋建立修剪台账，季度复查"),
    ("security", "凌晨有陌生人在地下车库试拉车门，保安没有发现。", "车库巡逻间隔过长，监控有盲区。",
     "夜间巡逻路线设计不合理", "调整巡逻频次并补装摄像头"),
    ("fees", "这个月物业费比上个月多了三十元，没有任何通知。", "公摊电费分摊方式调整未提前公示。",
     "收费调整未提前告知", "任何收费变化提前一个月书面公示并说明依据"),
    ("community", "小区广场舞音乐每天晚上开到十点，影响休息。", "活动时间与音量无约定。",
     "社区活动缺少公约", "组织居民协商活动时间和音量，张贴社区公约"),
    ("emergency", "地下室水管爆裂，储物间全被淹了。", "冬季低温管道冻裂。", "防冻措施未落实",
     "入冬前检查并包裹外露管道，建立应急抢修小组"),
    ("neighbours", "楼上邻居家的狗每天叫个不停，沟通过没用。", "邻居白天外出，宠物无人照看。",
     "缺少邻里纠纷调解机制", "客服牵头调解，宣传文明养犬公约"),
    ("service", "我在网上报修了三次，一直没人联系我。", "网上报修渠道无人值守。", "新渠道上线未指定负责人",
     "所有渠道统一进入登记系统并指定值守人"),
]

DEPARTMENTS = {"repairs": "工程部", "cleaning": "环境部", "greening": "环境部", "security": "安全部",
               "fees": "财务部", "emergency": "工程部", "service": "客服中心", "community": "客服中心",
               "neighbours": "客服中心", "other": "客服中心"}

# How far a ticket got, by age: older tickets are mostly closed.
_OPEN_ENDS = [Stage.JUDGE, Stage.INVESTIGATE, Stage.ASSIGN, Stage.PROPOSE, Stage.AGREE, Stage.IMPLEMENT,
              Stage.FEEDBACK, Stage.CALLBACK]


def _handlers(session, receiver: str, caller: str) -> dict[int, list[str]]:
    """project id -> the logins a ticket there may be given to, as the desk would pick them: the
    project's own staff first (all-projects staff only where it has none), never the receiver or the
    manager who does the call-back (a call-back is by someone other than the handler)."""
    out: dict[int, list[str]] = {}
    for pid in session.scalars(select(Project.id).order_by(Project.id)):
        staff = [u for u in project_staff(session, pid) if u not in (receiver, caller)]
        own = set(session.scalars(select(StaffUser.username).join(UserProject, UserProject.user_id == StaffUser.id)
                                  .where(UserProject.project_id == pid)))
        out[pid] = [u for u in staff if u in own] or staff
    return out


def _drive(c, target: Stage, rng: random.Random, receiver, caller, t0: datetime, story, events,
           present: datetime, handlers: list[str]):
    """Take ticket c through the real rules until it reaches `target`, closes, or catches up
    with the present (young tickets stay open, as they would be). `handlers`: the project's
    staff to give it to (a store with no staff yet: the receiver keeps it)."""
    _, _, cause, root, prevention = story
    now = t0
    handler = rng.choice(handlers) if handlers else receiver.username
    plan = [("judge_valid", {}), ("investigate", {"cause": cause}),
            ("assign", {"department": DEPARTMENTS[c.category.value], "handler": handler}),
            ("propose", {"options": ["方案一：" + prevention[:20], "方案二：先临时处理，再彻底整改"]}),
            ("agree", None), ("implement", {"record": "已按约定完成处理，现场拍照留存。"}),
            ("feedback", {"confirmed": True}), ("record_root_cause", {"root_cause": root, "prevention": prevention}),
            ("callback", None), ("close", {})]
    for action, data in plan:
        if c.stage == target:
            return c
        tries = [(action, data)]
        if action == "agree":
            tries = [(action, {"steps": "按方案处理并每日告知进度", "agreed_at": now + timedelta(days=rng.randint(1, 5))})]
        elif action == "callback":
            score = rng.choices([5, 4, 3, 2], [55, 30, 12, 3])[0]
            tries = ([("callback", {"reached": False})] if rng.random() < 0.15 else []) + \
                [("callback", {"reached": True, "satisfaction": score, "comment": "客户表示" + ("满意" if score >= 3 else "仍不满意")})]
        for name, kwargs in tries:
            now = now + timedelta(hours=rng.expovariate(1 / 4))
            if now >= present:
                return c
            c, event = wf.apply(c, name, caller if name == "callback" else receiver, now, **kwargs)
            events.append(event)
        if c.stage == Stage.INVESTIGATE and action == "callback":
            return c  # a dissatisfied call-back reopened it: left open
    return c


def seed_complaints(engine: Engine, count: int = 360, seed: int = 7, now: datetime | None = None) -> int:
    now = now or utcnow()
    rng = random.Random(seed)
    with UnitOfWork(engine, actor="demo") as uow:
        s = uow.session
        if s.scalar(select(ComplaintRow.id).limit(1)) is not None:
            return 0
        staff = {u.role: u.username for u in s.scalars(select(StaffUser))}
        receiver = wf.Actor(staff.get("frontdesk", "frontdesk"), Role.FRONTDESK)
        caller = wf.Actor(staff.get("manager", "manager"), Role.MANAGER)
        handlers = _handlers(s, receiver.username, caller.username)
        units = s.execute(select(Unit.id, Unit.project_id, Unit.building_id).where(Unit.owner_id.is_not(None))
                          .order_by(Unit.id)).all()
        if not units:
            return 0
        hot = rng.sample(units, min(25, len(units)))  # a few units that complain again and again...
        trouble = {u.id: rng.choice(STORIES) for u in hot}   # ...mostly about one problem they have
        history: dict[int, list[wf.Earlier]] = {}
        made = opened = 0
        for i in range(count):
            age = timedelta(days=365 * (1 - i / count) ** 1.8, hours=rng.uniform(0, 12))
            received = now - age
            unit = rng.choice(hot) if rng.random() < 0.3 else rng.choice(units)
            story = STORIES[i % len(STORIES)] if rng.random() < 0.7 else rng.choice(STORIES)
            if unit.id in trouble and rng.random() < 0.5:
                story = trouble[unit.id]
            category = Category(story[0])
            number = f"TS-{(received + timedelta(hours=8)).strftime('%Y%m%d')}-{i + 1:04d}"
            red = (RedLine.MEDIA,) if rng.random() < 0.02 else ()
            try:
                channel = rng.choice(list(Channel))
                c, events = wf.register(number, received, receiver, channel, fake_name(rng),
                                        fake_phone(rng), unit.id, "", story[1], category,
                                        wants=tuple(rng.sample(list(Want), rng.randint(1, 3))),
                                        relayed_by="保安 " + fake_name(rng) if channel == Channel.RELAYED else None,
                                        red_lines=red,
                                        earlier=history.get(unit.id, []))
                days = age.days
                # Old tickets are almost all closed; recent ones are spread over the stages, taken in
                # turn so that every column of the board has some.
                target = Stage.CLOSED
                if rng.random() < (0.01 if days > 20 else 0.25 if days > 3 else 0.8):
                    target, opened = _OPEN_ENDS[opened % len(_OPEN_ENDS)], opened + 1
                c = _drive(c, target, rng, receiver, caller, received, story, events, now,
                           handlers.get(unit.project_id, []))
                if c.escalation.value != "none" and days > 10 and c.stage != Stage.CLOSED:
                    # after the ticket's last step, so that its timeline stays in order
                    ack_at = max(received + timedelta(hours=3), events[-1].at + timedelta(minutes=30))
                    if ack_at < now:
                        c, e = wf.acknowledge_escalation(c, caller, ack_at)
                        events.append(e)
            except DomainError:
                continue
            history.setdefault(unit.id, []).append(
                wf.Earlier(c.number, c.category, c.received_at, c.repeat_of,
                           wf.matter_text(c.place, c.subject, c.content), c.repeat_count, c.stage))
            row = ComplaintRow(project_id=unit.project_id, building_id=unit.building_id)
            write_row(row, c)
            s.add(row)
            s.flush()
            add_events(s, row.id, events)
            add_callbacks(s, row.id, c.callbacks)
            made += 1
        uow.audit("demo", "complaints", None, after={"count": made})
        uow.commit()
        return made
