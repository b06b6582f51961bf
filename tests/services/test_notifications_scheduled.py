"""The scheduled alerts on SQLite and PostgreSQL, delivered by the worker to a local group robot
and a local SMS provider: limitation warnings six months and one month before (once each per
unit), a missed instalment (once), the move-in hall's queue over its limit (once per crossing),
defects past their deadline (once), owners told of their complaint (held at night, never logged
with their phone), robots quiet at night unless urgent, and each manager's digest of their own
projects."""
from __future__ import annotations

import json
import logging
import threading
import urllib.parse
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update

from core.auth.actor import Actor
from core.auth.roles import Role
from core.clock import CHINA
from core.complaints.model import Stage
from core.movein.model import BatchSettings, Station
from core.notifications.alerts import QueueLimit
from core.notifications.events import Event, Kind
from core.org.model import UnitStatus
from db.collection_models import Bill
from db.models import ComplaintRow, StaffUser, Unit
from db.movein_models import MoveinAppointment, MoveinDefect
from db.notification_models import InboxRow, OutboxRow
from db.uow import UnitOfWork
from notify_helpers import ADMIN, Robot, add_staff
from services import collections, complaints, movein, org, users
from services import notification_schedule as schedule
from services import notifications as svc
from store_helpers import add_project, row
from worker.outbox import Settings, deliver_round

FAST = Settings(lease=timedelta(seconds=5), timeout=1.0, batch=100, backoff_scale=0.002)
NEW_KINDS = ["limitation_warning", "plan_missed", "queue_over", "defect_overdue", "daily_digest"]


def at_china(y, m, d, hh=11, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHINA).astimezone(timezone.utc)


@pytest.fixture
def site(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    staff = add_staff(engine, pid)
    org.import_units(engine, ADMIN, pid, [row("3-1906", "王伟", "13812345678", UnitStatus.OCCUPIED),
                                          row("3-1907", "李娜", "13912345678", UnitStatus.OCCUPIED)])
    with engine.connect() as conn:
        units = dict(conn.execute(select(Unit.room_no, Unit.id)).all())
    return engine, pid, staff, units


@pytest.fixture
def robot():
    with Robot("ok") as r:
        yield r


def wecom(engine, robot: Robot, kinds=NEW_KINDS) -> int:
    return svc.save_channel(engine, ADMIN, None, "wecom", "客服群", {"url": robot.url}, kinds, True)


def bill(engine, pid, unit_id, period, cents, due) -> None:
    with UnitOfWork(engine) as uow:
        uow.session.add(Bill(project_id=pid, unit_id=unit_id, period=period, item="property", amount_cents=cents,
                             paid_cents=0, waived_cents=0, due=due))
        uow.commit()


def inbox(engine, kind: str) -> dict[str, list[str]]:
    """username -> the inbox texts of that kind, as the reader sees them (Chinese)."""
    with engine.connect() as c:
        names = sorted({r[0] for r in c.execute(select(InboxRow.username).where(InboxRow.kind == kind))})
    out = {}
    for name in names:
        # the inbox reads the named user's own entries, oldest last: turned round, oldest first
        items = svc.inbox(engine, Actor(name, Role.ADMIN), "zh", include_read=True)
        out[name] = [i.text for i in reversed(items) if i.kind == kind]
    return out


def drain(engine) -> None:
    for _ in range(200):
        deliver_round(engine, FAST, "w1")
        with engine.connect() as c:
            left = c.scalar(select(OutboxRow.id).where(OutboxRow.state.in_(("queued", "sending"))).limit(1))
        if left is None:
            return
    raise AssertionError("the outbox did not drain")


def robot_texts(robot: Robot) -> list[str]:
    return [b["text"]["content"] for b in robot.bodies]


# ---------------------------------------------------------------- limitation warnings

def test_limitation_warnings_six_months_and_one_month_before_once_each(site, robot):
    engine, pid, staff, units = site
    wecom(engine, robot)
    bill(engine, pid, units["3-1906"], "2023-10", 120000, date(2023, 10, 1))    # limitation ends 2026-10-01
    assert schedule.limitation_warnings(engine, at_china(2026, 3, 31)) == 0    # more than six months off
    assert schedule.limitation_warnings(engine, at_china(2026, 5, 6)) == 1
    assert schedule.limitation_warnings(engine, at_china(2026, 5, 7)) == 1     # seen again next day...
    texts = inbox(engine, "limitation_warning")
    # ...but alerted once: the building's collector (the front desk) and the managers, not the supervisor
    assert set(texts) == {"desk", "boss", "root"} and all(len(v) == 1 for v in texts.values())
    assert texts["desk"] == ["深圳·翠湖园 3-1906 欠费 1,200.00 元，诉讼时效将于 2026-10-01 届满（不足六个月），"
                             "请在此前送达催缴并留存签收凭证。"]
    schedule.limitation_warnings(engine, at_china(2026, 9, 5))                  # the last month
    schedule.limitation_warnings(engine, at_china(2026, 9, 6))
    texts = inbox(engine, "limitation_warning")
    assert len(texts["desk"]) == 2 and any("不足一个月" in t for t in texts["desk"])
    drain(engine)
    assert sorted(robot_texts(robot)) == sorted([texts["desk"][0], texts["desk"][1]])   # the group once per warning
    assert all(n == 1 for n in robot.received.values())


# ---------------------------------------------------------------- missed instalment

def test_a_missed_instalment_alerts_the_desk_and_managers_once(site, robot):
    engine, pid, staff, units = site
    wecom(engine, robot)
    unit = units["3-1906"]
    bill(engine, pid, unit, "2025-05", 44330, date(2025, 5, 15))
    plan = collections.add_payment_plan(engine, staff["desk"], unit, [(date(2025, 6, 30), "443.30")], "一期",
                                        today=date(2025, 6, 20))
    collections.decide_payment_plan(engine, staff["boss"], plan, True)
    assert schedule.missed_instalments(engine, at_china(2025, 6, 30)) == 0      # not yet missed
    day = next(d for d in (date(2025, 6, 30) + timedelta(days=i) for i in range(30))
               if collections.missed_plans(engine, ADMIN, d))
    assert schedule.missed_instalments(engine, at_china(day.year, day.month, day.day)) == 1
    later = day + timedelta(days=3)
    schedule.missed_instalments(engine, at_china(later.year, later.month, later.day))
    texts = inbox(engine, "plan_missed")
    assert set(texts) == {"desk", "boss", "root"} and all(len(v) == 1 for v in texts.values())
    assert texts["boss"] == [f"深圳·翠湖园 3-1906 的分期付款有一期未按时缴纳（{day} 起），催缴已恢复，请联系业主。"]
    drain(engine)
    assert robot_texts(robot) == texts["boss"]


# ---------------------------------------------------------------- the move-in hall

SATURDAY = date(2026, 5, 9)
T0 = datetime(2026, 5, 9, 1, 0, tzinfo=timezone.utc)       # 09:00 China
STATIONS = (Station("notice", 2.0, 0.5, 1), Station("inspection", 30.0, 8.0, 4), Station("keys", 3.0, 1.0, 1))


def hall(engine, pid):
    org.import_units(engine, ADMIN, pid, [row(f"5-{f}01", f"业主{f}", f"1380000{f:04d}") for f in range(2, 10)])
    batch_id = movein.create_batch(engine, ADMIN, pid, "一期交付", BatchSettings(start=SATURDAY, days=2, stations=STATIONS,
                                                                               weekend_factor=1.0))
    with engine.connect() as conn:
        sat = conn.scalars(select(MoveinAppointment.id).where(MoveinAppointment.batch_id == batch_id,
                                                             MoveinAppointment.day == SATURDAY)
                           .order_by(MoveinAppointment.id)).all()
    return batch_id, list(sat)


def test_the_hall_queue_alerts_the_supervisors_once_per_crossing(site, robot):
    engine, pid, staff, _ = site
    wecom(engine, robot)
    batch_id, sat = hall(engine, pid)
    sup, limit = staff["fixer"], QueueLimit(waiting=2, wait_min=30)
    for i, appt in enumerate(sat):
        movein.check_in(engine, sup, batch_id, appt, now=T0 + timedelta(minutes=i))
    assert schedule.hall_queues(engine, T0 + timedelta(minutes=4), limit) == 1     # 3 waiting at the first desk
    assert schedule.hall_queues(engine, T0 + timedelta(minutes=5), limit) == 0     # still over: not again
    for appt in sat[:2]:
        movein.advance(engine, sup, batch_id, appt, "notice", now=T0 + timedelta(minutes=6))
    assert schedule.hall_queues(engine, T0 + timedelta(minutes=7), limit) == 0     # back under: nothing said
    # one household left waiting, now for over half an hour: over again, a second alert
    assert schedule.hall_queues(engine, T0 + timedelta(minutes=45), limit) == 1
    assert schedule.hall_queues(engine, T0 + timedelta(minutes=47), limit) == 0
    texts = inbox(engine, "queue_over")
    assert set(texts) == {"fixer", "boss", "root"} and len(texts["fixer"]) == 2
    assert texts["fixer"][0] == "一期交付：大厅有 3 户在等，最长已等 3 分钟（上限 2 户或 30 分钟），请加派人手或引导分流。"
    assert texts["fixer"][1].startswith("一期交付：大厅有 1 户在等，最长已等 42 分钟")
    drain(engine)
    assert len(robot_texts(robot)) == 2


def test_a_defect_past_its_deadline_alerts_once_naming_who_must_fix_it(site, robot):
    engine, pid, staff, _ = site
    wecom(engine, robot)
    batch_id, _ = hall(engine, pid)
    with engine.connect() as conn:
        unit_id = conn.scalar(select(Unit.id).where(Unit.room_no == "5-201"))
    late = movein.log_defect(engine, staff["fixer"], batch_id, unit_id, location="kitchen", kind="plumbing",
                             severity="major", responsible="contractor", note="水槽下方渗水")
    fixed = movein.log_defect(engine, staff["fixer"], batch_id, unit_id, location="bedroom", kind="wall",
                              severity="minor", responsible="developer", note="墙面裂缝")
    with engine.begin() as conn:
        conn.execute(update(MoveinDefect).values(due=date(2026, 5, 1)))
        conn.execute(update(MoveinDefect).where(MoveinDefect.id == fixed).values(status="fixed"))
    assert schedule.overdue_defects(engine, at_china(2026, 5, 1)) == 0           # the due day itself is in time
    assert schedule.overdue_defects(engine, at_china(2026, 5, 2)) == 1
    schedule.overdue_defects(engine, at_china(2026, 5, 3))
    texts = inbox(engine, "defect_overdue")
    assert set(texts) == {"fixer", "boss", "root"} and all(len(v) == 1 for v in texts.values())
    [text] = texts["fixer"]
    assert "2026-05-01 前整改" in text and "责任方：施工单位" in text
    drain(engine)
    assert robot_texts(robot) == [text]
    assert late


# ---------------------------------------------------------------- owners told of their complaint

class SmsProvider:
    """A local SMS provider answering SendSms as Alibaba Cloud does, keeping what it was asked."""

    def __init__(self):
        self.requests: list[dict] = []
        box = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                box.requests.append(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)))
                raw = json.dumps({"Code": "OK", "Message": "OK", "BizId": "1"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms(site):
    engine = site[0]
    provider = SmsProvider()
    svc.save_channel(engine, ADMIN, None, "sms", "短信", {"endpoint": provider.url, "access_key_id": "id",
                                                        "access_key_secret": "secret", "sign_name": "翠湖物业"}, [], True)
    for kind, body in (("complaint_received", "{owner}您好，您的投诉{number}已受理，我们会尽快处理。"),
                       ("complaint_resolved", "{owner}您好，您的投诉{number}已处理完毕，感谢您的耐心。"),
                       ("complaint_callback", "{owner}您好，我们将就投诉{number}给您回访，请留意来电。")):
        svc.save_template(engine, ADMIN, kind, body, f"SMS_{kind[:8]}")
        svc.approve_template(engine, ADMIN, kind)
    yield provider
    provider.close()


def sms_rows(engine):
    with engine.connect() as c:
        return c.execute(select(OutboxRow.title, OutboxRow.recipient, OutboxRow.body, OutboxRow.next_at)
                         .where(OutboxRow.channel == "sms").order_by(OutboxRow.id)).all()


def test_the_owner_is_told_of_their_complaint_at_a_decent_hour_and_never_logged(site, sms, caplog):
    engine, pid, staff, units = site
    night = at_china(2026, 5, 6, 22, 30)
    number = complaints.register(engine, staff["desk"], channel="phone", complainant="王伟", content="楼上漏水",
                                 phone="138 1234 5678", unit_id=units["3-1906"], category="repairs", now=night)
    # a tenant calling about the same unit: the owner is not told
    complaints.register(engine, staff["desk"], channel="phone", complainant="租户赵", content="门禁坏了",
                        phone="13700001111", unit_id=units["3-1906"], category="repairs", now=night)
    [received] = sms_rows(engine)
    assert received.title == "complaint_received" and received.body == f"王伟您好，您的投诉{number}已受理，我们会尽快处理。"
    assert received.next_at == datetime(2026, 5, 7, 8, 0, tzinfo=CHINA)          # not at 22:30: at 08:00
    # closing it (and the call-back stage before) tells the owner too, once each
    ticket = complaints.load(engine, staff["boss"], number)
    with UnitOfWork(engine, "system") as uow:
        callback = ticket.with_(stage=Stage.CALLBACK)
        svc.complaint_changed(uow, ticket, callback, "feedback_confirmed", pid, at_china(2026, 5, 8))
        closed = callback.with_(stage=Stage.CLOSED, version=ticket.version + 1)
        svc.complaint_changed(uow, callback, closed, "close", pid, at_china(2026, 5, 9))
        svc.complaint_changed(uow, callback, closed, "close", pid, at_china(2026, 5, 9))   # the same change again
        uow.commit()
    assert [r.title for r in sms_rows(engine)] == ["complaint_received", "complaint_callback", "complaint_resolved"]
    with caplog.at_level(logging.DEBUG):
        drain(engine)
    asked = sms.requests
    assert len(asked) == 3 and {a["PhoneNumbers"] for a in asked} == {"13812345678"}
    assert [json.loads(a["TemplateParam"])["number"] for a in asked] == [number] * 3
    assert all(json.loads(a["TemplateParam"])["owner"] == "王伟" for a in asked)
    log = svc.delivery_log(engine, ADMIN)
    assert "13812345678" not in caplog.text and "13812345678" not in log.to_string()
    assert set(log[log["channel"] == "sms"]["state"]) == {"sent"}


def test_an_owner_who_opted_out_is_not_told(site, sms):
    engine, pid, staff, units = site
    with engine.connect() as c:
        owner_id = c.scalar(select(Unit.owner_id).where(Unit.id == units["3-1906"]))
    svc.record_optout(engine, staff["boss"], owner_id, "不要短信")
    complaints.register(engine, staff["desk"], channel="phone", complainant="王伟", content="楼上漏水",
                        phone="13812345678", unit_id=units["3-1906"], category="repairs")
    assert sms_rows(engine) == []


# ---------------------------------------------------------------- robots at night

def test_group_robots_hold_the_night_except_what_is_urgent(site, robot):
    engine, pid, staff, _ = site
    wecom(engine, robot, ["limitation_warning", "red_line", "deadline_overdue"])
    night = at_china(2026, 5, 6, 23, 30)
    with UnitOfWork(engine, "system") as uow:
        svc.raise_event(uow, Event(Kind.LIMITATION_WARNING, "n1", pid, {"project": "p", "room": "r", "until": "u",
                                                                        "window": "1m", "arrears": "1"}), night)
        svc.raise_event(uow, Event(Kind.RED_LINE, "n2", pid, {"number": "N2", "flag": "media"}), night)
        svc.raise_event(uow, Event(Kind.DEADLINE_OVERDUE, "n3", pid, {"number": "N3", "stage": "judge", "deadline": "x"},
                                   pressing=True), night)
        svc.raise_event(uow, Event(Kind.DEADLINE_OVERDUE, "n4", pid, {"number": "N4", "stage": "judge", "deadline": "x"}),
                        night)
        uow.commit()
    with engine.connect() as c:
        due = dict(c.execute(select(OutboxRow.event_key, OutboxRow.next_at).where(OutboxRow.channel == "wecom")).all())
    morning = datetime(2026, 5, 7, 8, 0, tzinfo=CHINA)
    assert due == {"n1": morning, "n2": night, "n3": night, "n4": morning}


# ---------------------------------------------------------------- the daily digest

def test_each_manager_gets_one_digest_of_their_own_projects(site, robot):
    engine, pid, staff, units = site
    wecom(engine, robot, ["daily_digest"])
    other = add_project(engine, "P002", "广州·云山府", "广州")
    users.create_user(engine, ADMIN, "gz_boss", "Gz Boss", Role.MANAGER.value, "Secret-Pass-2026!",
                      project_ids=[other], all_projects=False, hash_rounds=4)
    with engine.begin() as c:   # a manager kept to one project (accounts made here see every one)
        c.execute(update(StaffUser).where(StaffUser.username == "gz_boss").values(all_projects=False))
    now = at_china(2026, 5, 6, 9, 0)
    number = complaints.register(engine, staff["desk"], channel="phone", complainant="王伟", content="电梯异响",
                                 phone="13812345678", unit_id=units["3-1906"], category="repairs",
                                 now=now - timedelta(days=3))
    with engine.begin() as c:
        c.execute(update(ComplaintRow).where(ComplaintRow.number == number)
                  .values(stage_deadline=now - timedelta(hours=5), paused_since=None))
    bill(engine, pid, units["3-1907"], "2026-03", 30000, date(2026, 3, 15))       # a dunning step due
    assert schedule.daily_digest(engine, now) == 3                                 # boss, root, gz_boss
    schedule.daily_digest(engine, now + timedelta(hours=2))                        # the same day again: nothing more
    texts = inbox(engine, "daily_digest")
    assert {k: len(v) for k, v in texts.items()} == {"boss": 1, "gz_boss": 1, "root": 1}
    assert texts["boss"] == [f"今日摘要：超时投诉 1 件（{number}），今天应跟进催缴 1 户，逾期未整改的入住问题 0 项。"]
    assert texts["gz_boss"] == ["今日摘要：超时投诉 0 件（—），今天应跟进催缴 0 户，逾期未整改的入住问题 0 项。"]
    drain(engine)
    assert len(robot_texts(robot)) == 3


def test_the_worker_runs_the_new_jobs_once_per_slot(site):
    engine, *_ = site
    names = [j.name for j in schedule.JOBS]
    assert {"limitation", "missed_plans", "hall_queues", "overdue_defects", "daily_digest"} <= set(names)
    now = at_china(2026, 5, 6, 9, 30)
    first = schedule.run_due(engine, now)
    assert {"limitation", "missed_plans", "hall_queues", "overdue_defects", "daily_digest"} <= set(first)
    assert schedule.run_due(engine, now + timedelta(seconds=30)) == []
