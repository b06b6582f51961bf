"""Alerts raised by the services, on SQLite and PostgreSQL: written with the change (a rolled-back
change leaves nothing), once per event and person, to the right people; the inbox badge and a red
line that stays until acknowledged; routes, quiet hours, robots; owner messages only from approved
templates and never to an owner who opted out; settings refused with their reason; resend."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from core.clock import CHINA
from core.errors import DomainError, PermissionDenied, ValidationError, ValidationErrors
from core.notifications.events import Event, Kind
from db.models import Owner, Unit
from db.notification_models import InboxRow, OutboxRow
from db.uow import UnitOfWork
from notify_helpers import ADMIN, add_staff
from services import complaints, notifications as svc
from store_helpers import add_project, count

NOW = datetime(2026, 5, 6, 3, 0, tzinfo=timezone.utc)     # 11:00 in China


@pytest.fixture
def site(engine):
    pid = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    return engine, pid, add_staff(engine, pid)


def red_line(engine, pid, desk, **kw) -> str:
    return complaints.register(engine, desk, channel="phone", complainant="王先生", content="记者已到现场拍摄",
                               phone="13912345678", place="南门广场", category="service", project_id=pid, red_lines=("media",), **kw)


def outbox(engine):
    with engine.connect() as c:
        return c.execute(select(OutboxRow.recipient, OutboxRow.channel, OutboxRow.kind, OutboxRow.next_at,
                                OutboxRow.body).order_by(OutboxRow.id)).all()


def test_a_red_line_reaches_senior_management_and_stays_until_acknowledged(site):
    engine, pid, staff = site
    number = red_line(engine, pid, staff["desk"])
    boss, root, desk = staff["boss"], staff["root"], staff["desk"]
    assert svc.unread_count(engine, boss) == 1 and svc.unread_count(engine, root) == 1
    assert svc.unread_count(engine, desk) == 0 and svc.unread_count(engine, staff["trainer"]) == 0
    [item] = svc.inbox(engine, boss, "zh")
    assert number in item.text and "媒体曝光" in item.text and item.needs_ack and item.link == f"complaint?n={number}"
    assert svc.mark_read(engine, boss, [item.id]) == 1
    assert svc.unread_count(engine, boss) == 1          # read, but nobody acknowledged it
    assert svc.acknowledge(engine, boss, item.id) is True
    assert svc.unread_count(engine, boss) == 0
    assert svc.unread_count(engine, root) == 0          # one acknowledgement settles it for all
    assert complaints.load(engine, boss, number).escalation_acknowledged_by == "boss"
    [english] = svc.inbox(engine, root, "en", include_read=True)
    assert "Media exposure" in english.text and not english.needs_ack


def test_acknowledging_on_the_ticket_takes_it_off_the_badge(site):
    engine, pid, staff = site
    number = red_line(engine, pid, staff["desk"])
    c = complaints.load(engine, staff["boss"], number)
    complaints.act(engine, staff["boss"], number, c.version, "acknowledge_escalation")
    assert svc.unread_count(engine, staff["root"]) == 0
    [item] = svc.inbox(engine, staff["root"], "zh", include_read=True)
    assert not item.needs_ack and item.acknowledged_by == "boss"


def test_a_rolled_back_change_leaves_no_alert(site):
    engine, pid, staff = site
    with pytest.raises(RuntimeError):
        with UnitOfWork(engine, "desk") as uow:
            svc.raise_event(uow, Event(Kind.RED_LINE, "complaint:X:red_line:0", pid, {"number": "X", "flag": "media"}))
            raise RuntimeError("the change failed after the alert was raised")
    assert count(engine, InboxRow) == 0 and count(engine, OutboxRow) == 0
    # a refused step (stale version) raises nothing either
    number = red_line(engine, pid, staff["desk"])
    before = count(engine, InboxRow)
    c = complaints.load(engine, staff["boss"], number)
    with pytest.raises(DomainError):
        complaints.act(engine, staff["boss"], number, c.version + 7, "flag_red_line", flag="brand", note="again")
    assert count(engine, InboxRow) == before


def test_the_same_event_twice_alerts_once(site):
    engine, pid, staff = site
    svc.save_channel(engine, ADMIN, None, "wecom", "管理群", {"url": "http://127.0.0.1:9/x"}, ["red_line"], True)
    event = Event(Kind.RED_LINE, "complaint:Y:red_line:0", pid, {"number": "Y", "flag": "brand"})
    for _ in range(2):
        with UnitOfWork(engine, "system") as uow:
            svc.raise_event(uow, event, NOW)
            uow.commit()
    assert count(engine, InboxRow) == 2               # boss and root, once each
    assert [r.recipient for r in outbox(engine)] == ["channel:1"]


def test_assignment_reaches_the_handler(site):
    engine, pid, staff = site
    number = complaints.register(engine, staff["desk"], channel="phone", complainant="李女士", content="电梯异响",
                                 phone="13912345679", place="3栋电梯", category="repairs", project_id=pid)
    desk = staff["desk"]
    for action, data in (("judge_valid", {}), ("investigate", {"cause": "导轨缺油"}),
                         ("assign", {"department": "工程部", "handler": "fixer"})):
        c = complaints.load(engine, desk, number)
        complaints.act(engine, desk, number, c.version, action, **data)
    [item] = svc.inbox(engine, staff["fixer"], "zh")
    assert item.kind == "ticket_assigned" and number in item.text and "维修" in item.text
    assert not item.needs_ack
    svc.mark_read(engine, staff["fixer"], [item.id])
    assert svc.unread_count(engine, staff["fixer"]) == 0


def test_routes_quiet_hours_and_robots(site):
    engine, pid, staff = site
    svc.save_channel(engine, ADMIN, None, "email", "邮件", {"host": "127.0.0.1", "port": 25, "sender": "pm@example.cn"},
                     [], True)
    svc.save_channel(engine, ADMIN, None, "dingtalk", "钉钉群", {"url": "https://oapi.dingtalk.com/robot/send?access_token=t",
                                                              "secret": "SECabc"}, ["deadline_overdue"], True)
    svc.save_my_settings(engine, staff["boss"], "boss@example.cn", "22:00-07:30",
                         {"deadline_overdue": ["email"], "red_line": ["email"]})
    night = datetime(2026, 5, 6, 23, 0, tzinfo=CHINA)
    with UnitOfWork(engine, "system") as uow:
        svc.raise_event(uow, Event(Kind.DEADLINE_OVERDUE, "k1", pid, {"number": "N1", "stage": "judge", "deadline": "x"}),
                        night)
        svc.raise_event(uow, Event(Kind.RED_LINE, "k2", pid, {"number": "N2", "flag": "media"}), night)
        uow.commit()
    rows = {(r.kind, r.channel): r for r in outbox(engine)}
    assert rows[("deadline_overdue", "email")].next_at == datetime(2026, 5, 7, 7, 30, tzinfo=CHINA)  # after quiet hours
    assert rows[("red_line", "email")].next_at == night                                           # red lines at once
    # the group robot keeps its own quiet night (22:00-08:00 China time): held until 08:00
    assert rows[("deadline_overdue", "dingtalk")].next_at == datetime(2026, 5, 7, 8, 0, tzinfo=CHINA)
    assert ("red_line", "dingtalk") not in rows                           # the group robot did not ask for it
    assert "boss@example.cn" not in str([r.body for r in rows.values()])


def test_owner_messages_only_from_approved_templates_and_never_after_opt_out(site):
    engine, pid, staff = site
    with engine.begin() as c:
        owner_id = c.execute(Owner.__table__.insert().values(name="王伟", phone="13812345678")).inserted_primary_key[0]
    values = {"owner": "王先生", "project": "翠湖园", "room": "3-1906", "date": "5月7日", "time": "09:00"}

    def try_send(key):
        with UnitOfWork(engine, "system") as uow:
            sent = svc.message_owner(uow, "movein_reminder", owner_id, values, key, pid)
            uow.commit()
            return sent

    assert try_send("m1") is False                                # SMS is off until configured
    svc.save_channel(engine, ADMIN, None, "sms", "短信", {"access_key_id": "id", "access_key_secret": "s",
                                                        "sign_name": "翠湖物业"}, [], True)
    svc.save_template(engine, ADMIN, "movein_reminder", "{owner}您好，请于{date} {time}到{project}办理{room}入住。", "SMS_1")
    assert try_send("m2") is False                                # a draft is never sent
    svc.approve_template(engine, ADMIN, "movein_reminder")
    assert try_send("m3") is True
    [row] = [r for r in outbox(engine) if r.channel == "sms"]
    assert row.body == "王先生您好，请于5月7日 09:00到翠湖园办理3-1906入住。" and row.recipient == f"owner:{owner_id}"
    assert "13812345678" not in str(outbox(engine))               # the phone is read when sending, never copied
    svc.record_optout(engine, staff["boss"], owner_id, "电话里要求不再发短信")
    assert try_send("m4") is False


@pytest.mark.parametrize("kind,config,key", [
    ("wecom", {"url": "ftp://qyapi.weixin.qq.com/x"}, "err.webhook_url"),
    ("dingtalk", {"url": "javascript:alert(1)"}, "err.webhook_url"),
    ("dingtalk", {"url": "https://oapi.dingtalk.com/robot/send", "secret": "abc"}, "err.dingtalk_secret"),
    ("email", {"host": "smtp.example.cn", "port": "99999", "sender": "pm@example.cn"}, "err.smtp_port"),
])
def test_a_wrong_channel_setting_is_refused_on_save(site, kind, config, key):
    engine, *_ = site
    with pytest.raises(ValidationError) as e:
        svc.save_channel(engine, ADMIN, None, kind, "渠道", config, [], True)
    assert key in [x.key for x in getattr(e.value, "errors", [e.value])]
    assert svc.channel_list(engine, ADMIN) == []


def test_a_template_with_an_unknown_placeholder_or_too_long_is_refused(site):
    engine, *_ = site
    with pytest.raises(ValidationError) as e:
        svc.save_template(engine, ADMIN, "fee_notice", "{owner}您好，{room}本月物业费{amont}元。")
    assert e.value.key == "err.template_placeholder_unknown" and e.value.params["name"] == "amont"
    with pytest.raises(ValidationError) as e:
        svc.save_template(engine, ADMIN, "fee_notice", "{owner}您好，" + "请及时缴纳物业费。" * 8)
    assert e.value.key == "err.sms_too_long"
    assert svc.templates(engine, ADMIN)[4].body == ""


def test_secrets_are_kept_and_never_shown(site):
    engine, *_ = site
    cid = svc.save_channel(engine, ADMIN, None, "dingtalk", "钉钉", {"url": "https://x.cn/robot", "secret": "SECxyz"},
                           ["red_line"], True)
    [view] = svc.channel_list(engine, ADMIN)
    assert view.config["secret"] == ""
    svc.save_channel(engine, ADMIN, cid, "dingtalk", "钉钉群", {"url": "https://x.cn/robot", "secret": ""}, ["red_line"],
                     True, expected_version=view.version)
    from db.notification_queries import channel
    assert channel(engine, cid).config["secret"] == "SECxyz" and channel(engine, cid).name == "钉钉群"


def test_a_dead_letter_can_be_resent(site):
    engine, pid, staff = site
    svc.save_channel(engine, ADMIN, None, "wecom", "群", {"url": "http://127.0.0.1:9/x"}, ["red_line"], True)
    red_line(engine, pid, staff["desk"])
    with engine.begin() as c:
        c.execute(update(OutboxRow).values(state="dead", attempts=5, last_error="timeout after 10 s"))
    log = svc.delivery_log(engine, ADMIN, "dead")
    assert list(log["last_error"]) == ["timeout after 10 s"]
    svc.resend(engine, ADMIN, int(log["id"][0]))
    assert svc.delivery_log(engine, ADMIN, "queued")["attempts"].tolist() == [0]
    with pytest.raises(DomainError):
        svc.resend(engine, ADMIN, int(log["id"][0]))


def test_my_settings_refuse_wrong_quiet_hours_and_address(site):
    engine, pid, staff = site
    with pytest.raises(ValidationErrors) as e:
        svc.save_my_settings(engine, staff["desk"], "not-an-address", "25:00-07:00", {})
    assert sorted(x.key for x in e.value.errors) == ["err.email", "err.quiet_format"]
