"""The complaint handling method as the software enforces it (DESIGN §2): 判定 → 调查 → 指派 → 方案 →
约定 → 处理 → 反馈确认 → 回访 → 关闭, who may do each step, what each step needs, repeats, red lines,
pauses and the actions a screen offers. No database here."""
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from core.auth.capabilities import Capability
from core.auth.roles import Role
from core.complaints import workflow as wf
from core.clock import CHINA
from core.complaints.model import (OPEN_STAGES, Callback, Category, Channel, ClockPauseReason, Complaint,
                                   Escalation, RedLine, Stage, Want)
from core.complaints.workflow import Actor, Earlier
from core.errors import DomainError, PermissionDenied, ValidationError, ValidationErrors

H = timedelta(hours=1)
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=CHINA)   # a Monday morning

DESK = Actor("chen", Role.FRONTDESK)          # received the complaint: owns it to the end
DESK2 = Actor("li", Role.FRONTDESK)           # a colleague at the same desk
SUPERVISOR = Actor("lin", Role.SUPERVISOR)
MANAGER = Actor("zhou", Role.MANAGER)
ADMIN = Actor("admin", Role.ADMIN)
TRAINER = Actor("su", Role.TRAINER)
HANDLER = Actor("wang", Role.SUPERVISOR)      # the trade's responsible person, assigned by name

# Valid data of every step, so that only the rule under test can refuse it.
DATA = {
    "judge_valid": {},
    "propose_invalid": {"reason": "商户预付卡纠纷不属物业服务范围"},
    "sign_off_invalid": {"reply": "已协助您联系消协，感谢理解。"},
    "investigate": {"cause": "楼上卫生间防水层破损"},
    "assign": {"department": "工程部", "handler": HANDLER.username},
    "propose": {"options": ["重做防水层", "先临时接水再彻底整改"]},
    "agree": {"steps": "周四上午重做防水并闭水试验", "agreed_at": T0 + timedelta(days=3)},
    "implement": {"record": "已重做防水，闭水试验48小时无渗漏"},
    "feedback": {"confirmed": True},
    "callback": {"reached": True, "satisfaction": 5, "comment": "客户满意"},
    "record_root_cause": {"root_cause": "交付前防水验收抽检不足", "prevention": "维修后一律闭水试验48小时"},
}
# The step each stage waits for, along the valid path.
PATH = [(Stage.JUDGE, "judge_valid"), (Stage.INVESTIGATE, "investigate"), (Stage.ASSIGN, "assign"),
        (Stage.PROPOSE, "propose"), (Stage.AGREE, "agree"), (Stage.IMPLEMENT, "implement"),
        (Stage.FEEDBACK, "feedback")]
STEP_ACTIONS = ["judge_valid", "propose_invalid", "sign_off_invalid", "investigate", "assign", "propose",
                "agree", "implement", "feedback", "callback"]
HOME = {"judge_valid": Stage.JUDGE, "propose_invalid": Stage.JUDGE, "sign_off_invalid": Stage.JUDGE,
        "investigate": Stage.INVESTIGATE, "assign": Stage.ASSIGN, "propose": Stage.PROPOSE,
        "agree": Stage.AGREE, "implement": Stage.IMPLEMENT, "feedback": Stage.FEEDBACK,
        "callback": Stage.CALLBACK}


def new(**changes) -> Complaint:
    c, _ = register(**changes)
    return c


def register(**changes):
    args = dict(number="TS-20250303-0001", now=T0, receiver=DESK, channel=Channel.PHONE, complainant="王伟",
                phone="13812345678", unit_id=7, place="", content="卫生间天花板渗水三天了", category=Category.REPAIRS)
    args.update(changes)
    return wf.register(**args)


def at(stage: Stage, c: Complaint | None = None, start: datetime = T0, by: Actor = DESK) -> Complaint:
    """A ticket driven along the valid path (by its receiver) from where it is until it waits at `stage`."""
    c = c or new()
    now = start
    for home, action in PATH:
        if c.stage == stage:
            break
        if c.stage != home:
            continue
        now += H
        c, _ = getattr(wf, action)(c, by, now, **DATA[action])
    assert c.stage == stage
    return c


def ready_to_close() -> Complaint:
    c = at(Stage.CALLBACK)
    c, _ = wf.record_root_cause(c, DESK, T0 + 10 * H, **DATA["record_root_cause"])
    c, _ = wf.callback(c, DESK2, T0 + 11 * H, **DATA["callback"])
    return c


def closed() -> Complaint:
    c, _ = wf.close(ready_to_close(), DESK, T0 + 12 * H)
    return c


def refused(exc_type, fn, *args, **kwargs) -> DomainError:
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    return info.value


def ticket_at(stage: Stage) -> Complaint:
    return closed() if stage == Stage.CLOSED else at(stage)


# --- the valid path -------------------------------------------------------------------------

def test_the_whole_method_from_judging_to_closing():
    c, events = register()
    assert (c.stage, [e.action for e in events]) == (Stage.JUDGE, ["register"])
    assert (events[0].stage_from, events[0].stage_to) == (Stage.RECEIVED, Stage.JUDGE)
    seen = []
    now = T0
    for home, action in PATH:
        now += H
        before = c.stage
        c, event = getattr(wf, action)(c, DESK, now, **DATA[action])
        seen.append((event.action, event.stage_from, event.stage_to, c.stage_started_at == now))
        assert event.at == now and event.actor == DESK.username and before == home
    assert seen == [
        ("judge_valid", Stage.JUDGE, Stage.INVESTIGATE, True),
        ("investigate", Stage.INVESTIGATE, Stage.ASSIGN, True),
        ("assign", Stage.ASSIGN, Stage.PROPOSE, True),
        ("propose", Stage.PROPOSE, Stage.AGREE, True),
        ("agree", Stage.AGREE, Stage.IMPLEMENT, True),
        ("implement", Stage.IMPLEMENT, Stage.FEEDBACK, True),
        ("feedback_confirmed", Stage.FEEDBACK, Stage.CALLBACK, True)]
    # what each step recorded is on the ticket
    assert c.valid is True and c.cause == "楼上卫生间防水层破损"
    assert (c.department, c.handler) == ("工程部", "wang")
    assert c.options == ("重做防水层", "先临时接水再彻底整改")
    assert c.agreed_at == T0 + timedelta(days=3) and c.agreed_steps.startswith("周四")
    assert c.implementation.startswith("已重做防水") and c.customer_confirmed
    c, e1 = wf.record_root_cause(c, DESK, now + H, **DATA["record_root_cause"])
    c, e2 = wf.callback(c, DESK2, now + 2 * H, **DATA["callback"])
    assert (c.stage, e1.action, e2.action) == (Stage.CALLBACK, "root_cause", "callback_satisfied")
    assert c.callbacks == (Callback("li", now + 2 * H, True, 5, "客户满意"),)
    c, e3 = wf.close(c, DESK, now + 3 * H)
    assert (c.stage, c.closed_at, c.stage_deadline) == (Stage.CLOSED, now + 3 * H, None)
    assert (e3.action, e3.stage_from, e3.stage_to) == ("close", Stage.CALLBACK, Stage.CLOSED)
    assert c.number == "TS-20250303-0001"      # the same number on every form


def test_each_stage_gets_its_own_deadline():
    c = new()
    assert c.stage_deadline == T0 + 2 * H                   # judge within 2 working hours
    assert c.due_at == datetime(2025, 3, 10, 9, 0, tzinfo=CHINA)   # five working days overall
    c, _ = wf.judge_valid(c, DESK, T0 + H)
    assert c.stage_deadline == datetime(2025, 3, 4, 10, 0, tzinfo=CHINA)   # 9 working hours from 10:00


def test_judging_may_correct_the_category_and_its_clock():
    c = new()
    c, event = wf.judge_valid(c, DESK, T0 + H, category=Category.SECURITY)
    assert c.category == Category.SECURITY and event.detail["category"] == "security"
    assert c.stage_deadline == T0 + 3 * H                   # urgent: 2 hours, round the clock
    assert c.due_at == wf.deadlines.overall_deadline(Category.SECURITY, c.received_at)
    assert c.due_at < new().due_at                           # sooner than the repair's five working days


def test_event_details_are_plain_values_for_the_timeline():
    c = at(Stage.AGREE)
    c, event = wf.agree(c, DESK, T0 + 5 * H, **DATA["agree"])
    assert event.detail == {"agreed_steps": "周四上午重做防水并闭水试验",
                            "agreed_at": (T0 + timedelta(days=3)).isoformat()}


# --- wrong stage ----------------------------------------------------------------------------

WRONG = [(action, stage) for action in STEP_ACTIONS for stage in OPEN_STAGES + [Stage.CLOSED]
         if stage != HOME[action]]


@pytest.mark.parametrize("action, stage", WRONG, ids=[f"{a}@{s.value}" for a, s in WRONG])
def test_every_step_is_refused_in_every_other_stage(action, stage):
    c = ticket_at(stage)
    if action == "sign_off_invalid":
        c = c.with_(invalid_reason="理由")              # so that only the stage is wrong
    snapshot = replace(c)
    actor = MANAGER                                     # may act on any ticket, never the receiver
    error = refused(DomainError, getattr(wf, action), c, actor, T0 + 20 * H, **DATA[action])
    assert type(error) is DomainError
    assert (error.key, error.params) == ("err.wrong_stage", {"stage": stage.value})
    assert c == snapshot


@pytest.mark.parametrize("action", sorted(wf.ACTIONS))
def test_a_closed_ticket_takes_no_action_at_all(action):
    c = closed()
    error = refused(DomainError, wf.apply, c, action, MANAGER, T0 + 20 * H, **DATA.get(action, {}))
    assert (error.key, error.params) == ("err.wrong_stage", {"stage": "closed"})
    assert wf.allowed_actions(c, MANAGER) == [] and wf.allowed_actions(c, DESK) == []


def test_closing_before_the_callback_stage_says_why():
    c = at(Stage.IMPLEMENT)
    error = refused(DomainError, wf.close, c, DESK, T0 + 9 * H)
    assert error.key == "err.cannot_close"
    assert error.params["reasons"] == ["close.need_callback_stage", "close.need_confirmation",
                                       "close.need_callback", "close.need_root_cause"]


def test_unknown_action_is_refused():
    assert refused(DomainError, wf.apply, new(), "delete", MANAGER, T0).key == "err.unknown_action"


# --- who may act ----------------------------------------------------------------------------

OWNER_STEPS = [(Stage.JUDGE, "judge_valid"), (Stage.JUDGE, "propose_invalid"), (Stage.INVESTIGATE, "investigate"),
               (Stage.ASSIGN, "assign"), (Stage.PROPOSE, "propose"), (Stage.AGREE, "agree"),
               (Stage.FEEDBACK, "feedback"), (Stage.JUDGE, "record_root_cause"),
               (Stage.CALLBACK, "record_root_cause")]


@pytest.mark.parametrize("stage, action", OWNER_STEPS, ids=[f"{a}@{s.value}" for s, a in OWNER_STEPS])
@pytest.mark.parametrize("actor", [DESK2, SUPERVISOR, TRAINER, HANDLER], ids=lambda a: a.username)
def test_only_the_receiver_or_a_manager_takes_a_step(stage, action, actor):
    c = at(stage)
    error = refused(PermissionDenied, getattr(wf, action), c, actor, T0 + 20 * H, **DATA[action])
    assert (error.key, error.params) == ("err.not_owner", {"receiver": "chen"})


@pytest.mark.parametrize("stage, action", OWNER_STEPS, ids=[f"{a}@{s.value}" for s, a in OWNER_STEPS])
@pytest.mark.parametrize("actor", [DESK, MANAGER, ADMIN], ids=lambda a: a.username)
def test_receiver_manager_and_admin_may_take_each_step(stage, action, actor):
    c = at(stage)
    after, event = getattr(wf, action)(c, actor, T0 + 20 * H, **DATA[action])
    assert event.actor == actor.username
    assert event.action == {"feedback": "feedback_confirmed", "record_root_cause": "root_cause"}.get(action, action)
    assert after.receiver == "chen"        # stepping in does not take the ticket away


def test_the_handler_may_record_the_implementation():
    c = at(Stage.IMPLEMENT)
    after, event = wf.implement(c, HANDLER, T0 + 20 * H, **DATA["implement"])
    assert after.stage == Stage.FEEDBACK and event.actor == "wang"


@pytest.mark.parametrize("actor", [DESK2, SUPERVISOR, TRAINER], ids=lambda a: a.username)
def test_nobody_else_records_the_implementation(actor):
    error = refused(PermissionDenied, wf.implement, at(Stage.IMPLEMENT), actor, T0 + 20 * H, **DATA["implement"])
    assert error.key == "err.not_owner"


# --- not valid ------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   ", None])
def test_not_valid_needs_a_reason(reason):
    error = refused(ValidationError, wf.propose_invalid, new(), DESK, T0 + H, reason=reason)
    assert (error.key, error.field) == ("err.required", "invalid_reason")


def test_proposing_not_valid_waits_for_a_sign_off():
    c, event = wf.propose_invalid(new(), DESK, T0 + H, reason="  " + DATA["propose_invalid"]["reason"])
    assert c.stage == Stage.JUDGE and c.valid is None
    assert c.invalid_reason == DATA["propose_invalid"]["reason"]
    assert (event.action, event.detail) == ("propose_invalid", {"reason": c.invalid_reason})


@pytest.mark.parametrize("actor", [MANAGER, ADMIN], ids=lambda a: a.username)
def test_sign_off_needs_a_reason_first_even_for_a_manager(actor):
    error = refused(DomainError, wf.sign_off_invalid, new(), actor, T0 + H, **DATA["sign_off_invalid"])
    assert error.key == "err.no_invalid_reason"


@pytest.mark.parametrize("actor", [DESK, DESK2, SUPERVISOR, TRAINER], ids=lambda a: a.username)
def test_sign_off_needs_a_manager_or_admin(actor):
    c, _ = wf.propose_invalid(new(), DESK, T0 + H, **DATA["propose_invalid"])
    error = refused(PermissionDenied, wf.sign_off_invalid, c, actor, T0 + 2 * H, **DATA["sign_off_invalid"])
    assert error.key == "err.signoff_role"


@pytest.mark.parametrize("reply", ["", "  ", None])
def test_a_polite_reply_is_still_owed(reply):
    c, _ = wf.propose_invalid(new(), DESK, T0 + H, **DATA["propose_invalid"])
    error = refused(ValidationError, wf.sign_off_invalid, c, MANAGER, T0 + 2 * H, reply=reply)
    assert (error.key, error.field) == ("err.required", "reply")


@pytest.mark.parametrize("actor", [MANAGER, ADMIN], ids=lambda a: a.username)
def test_signed_off_not_valid_goes_to_feedback(actor):
    c, _ = wf.propose_invalid(new(), DESK, T0 + H, **DATA["propose_invalid"])
    c, event = wf.sign_off_invalid(c, actor, T0 + 2 * H, **DATA["sign_off_invalid"])
    assert (c.stage, c.valid, c.signoff_by) == (Stage.FEEDBACK, False, actor.username)
    assert c.reply == DATA["sign_off_invalid"]["reply"]
    assert (event.action, event.stage_from, event.stage_to) == ("sign_off_invalid", Stage.JUDGE, Stage.FEEDBACK)


def test_a_manager_cannot_sign_off_their_own_not_valid():
    # The seed's story: a manager alone decided a vanished salon was "not our business".
    c, _ = wf.propose_invalid(new(), MANAGER, T0 + H, **DATA["propose_invalid"])
    assert c.invalid_proposed_by == MANAGER.username
    assert "sign_off_invalid" not in wf.allowed_actions(c, MANAGER)
    error = refused(PermissionDenied, wf.sign_off_invalid, c, MANAGER, T0 + 2 * H, **DATA["sign_off_invalid"])
    assert error.key == "err.signoff_self"
    assert "sign_off_invalid" in wf.allowed_actions(c, ADMIN)
    c, _ = wf.sign_off_invalid(c, ADMIN, T0 + 2 * H, **DATA["sign_off_invalid"])
    assert c.signoff_by == ADMIN.username


def test_a_manager_who_received_the_complaint_cannot_sign_off_either():
    c, _ = wf.propose_invalid(new(receiver=MANAGER), ADMIN, T0 + H, **DATA["propose_invalid"])
    error = refused(PermissionDenied, wf.sign_off_invalid, c, MANAGER, T0 + 2 * H, **DATA["sign_off_invalid"])
    assert error.key == "err.signoff_self"


def not_valid_at_feedback() -> Complaint:
    c, _ = wf.propose_invalid(new(), DESK, T0 + H, **DATA["propose_invalid"])
    c, _ = wf.sign_off_invalid(c, MANAGER, T0 + 2 * H, **DATA["sign_off_invalid"])
    return c


def test_customer_rejecting_a_not_valid_reply_goes_back_to_judging():
    c, event = wf.feedback(not_valid_at_feedback(), DESK, T0 + 3 * H, confirmed=False, note="客户坚持要求物业负责")
    assert (c.stage, c.reopened, c.customer_confirmed) == (Stage.JUDGE, 1, False)
    assert (event.action, event.stage_to) == ("feedback_rejected", Stage.JUDGE)
    assert c.stage_deadline == T0 + 5 * H                 # a fresh 2-hour judging clock


def test_a_not_valid_ticket_still_gets_a_callback_and_closes():
    c, _ = wf.feedback(not_valid_at_feedback(), DESK, T0 + 3 * H, confirmed=True)
    assert c.stage == Stage.CALLBACK
    c, _ = wf.record_root_cause(c, DESK, T0 + 4 * H, root_cause="客户不了解服务范围", prevention="入住时说明服务范围")
    c, _ = wf.callback(c, DESK2, T0 + 5 * H, reached=True, satisfaction=3)
    c, _ = wf.close(c, DESK, T0 + 6 * H)
    assert (c.stage, c.valid) == (Stage.CLOSED, False)


# --- feedback -------------------------------------------------------------------------------

def test_customer_rejecting_the_result_goes_back_to_the_solutions():
    c, event = wf.feedback(at(Stage.FEEDBACK), DESK, T0 + 20 * H, confirmed=False, note="仍有渗水痕迹")
    assert (c.stage, c.reopened, c.customer_confirmed) == (Stage.PROPOSE, 1, False)
    assert event.action == "feedback_rejected"


def test_a_rejection_needs_a_note():
    error = refused(ValidationError, wf.feedback, at(Stage.FEEDBACK), DESK, T0 + 20 * H, confirmed=False)
    assert (error.key, error.field) == ("err.required", "note")


# --- closing --------------------------------------------------------------------------------

def test_close_blockers_lists_each_missing_item():
    c = at(Stage.CALLBACK)
    assert wf.close_blockers(c) == ["close.need_callback", "close.need_root_cause"]
    assert wf.close_blockers(c.with_(customer_confirmed=False)) == [
        "close.need_confirmation", "close.need_callback", "close.need_root_cause"]
    ready = ready_to_close()
    assert wf.close_blockers(ready) == []
    assert wf.close_blockers(ready.with_(root_cause="")) == ["close.need_root_cause"]
    assert wf.close_blockers(ready.with_(prevention="")) == ["close.need_root_cause"]
    assert wf.close_blockers(ready.with_(paused_since=T0 + 11 * H)) == ["close.paused"]


def test_close_without_a_callback_or_root_cause_is_refused_with_the_reasons():
    c = at(Stage.CALLBACK)
    error = refused(DomainError, wf.close, c, DESK, T0 + 20 * H)
    assert (error.key, error.params) == ("err.cannot_close",
                                         {"reasons": ["close.need_callback", "close.need_root_cause"]})


def test_an_unreached_callback_does_not_allow_closing():
    c = at(Stage.CALLBACK)
    c, _ = wf.record_root_cause(c, DESK, T0 + 10 * H, **DATA["record_root_cause"])
    c, _ = wf.callback(c, DESK2, T0 + 11 * H, reached=False)
    assert wf.close_blockers(c) == ["close.need_callback"]


@pytest.mark.parametrize("actor", [DESK2, SUPERVISOR, HANDLER, TRAINER], ids=lambda a: a.username)
def test_only_the_receiver_or_a_manager_closes(actor):
    error = refused(PermissionDenied, wf.close, ready_to_close(), actor, T0 + 12 * H)
    assert error.key == "err.not_owner"


@pytest.mark.parametrize("actor", [DESK, MANAGER, ADMIN], ids=lambda a: a.username)
def test_receiver_or_manager_closes_a_ready_ticket(actor):
    c, _ = wf.close(ready_to_close(), actor, T0 + 12 * H)
    assert (c.stage, c.closed_at) == (Stage.CLOSED, T0 + 12 * H)


# --- callbacks ------------------------------------------------------------------------------

@pytest.mark.parametrize("actor", [DESK, HANDLER], ids=["receiver", "handler"])
def test_no_callback_by_the_receiver_or_the_handler(actor):
    error = refused(PermissionDenied, wf.callback, at(Stage.CALLBACK), actor, T0 + 20 * H, **DATA["callback"])
    assert error.key == "err.callback_by_handler"


def test_the_receiver_stays_barred_from_callback_even_as_a_manager():
    c = at(Stage.CALLBACK, c=new(receiver=MANAGER), by=MANAGER)
    assert refused(PermissionDenied, wf.callback, c, MANAGER, T0 + 20 * H, **DATA["callback"]).key == \
        "err.callback_by_handler"


def test_unreached_callbacks_are_counted_and_the_ticket_waits():
    c = at(Stage.CALLBACK)
    c, e1 = wf.callback(c, DESK2, T0 + 20 * H, reached=False, comment="无人接听")
    c, e2 = wf.callback(c, MANAGER, T0 + 22 * H, reached=False)
    assert (c.stage, c.callback_attempts) == (Stage.CALLBACK, 2)
    assert [(cb.by, cb.reached, cb.satisfaction) for cb in c.callbacks] == [("li", False, None), ("zhou", False, None)]
    assert (e1.action, e1.detail, e2.detail) == ("callback_unreached", {"attempt": 1}, {"attempt": 2})
    c, _ = wf.callback(c, DESK2, T0 + 24 * H, reached=True, satisfaction=4)
    assert c.callback_attempts == 3 and c.satisfied_callback.satisfaction == 4


@pytest.mark.parametrize("satisfaction", [0, 6, -1, None])
def test_satisfaction_must_be_1_to_5(satisfaction):
    error = refused(ValidationError, wf.callback, at(Stage.CALLBACK), DESK2, T0 + 20 * H,
                    reached=True, satisfaction=satisfaction)
    assert (error.key, error.field) == ("err.satisfaction_range", "satisfaction")


@pytest.mark.parametrize("satisfaction", [1, 2])
def test_dissatisfied_callback_reopens_at_investigation(satisfaction):
    c = at(Stage.CALLBACK)
    c, event = wf.callback(c, DESK2, T0 + 20 * H, reached=True, satisfaction=satisfaction, comment="还在渗水")
    assert (c.stage, c.reopened, c.customer_confirmed) == (Stage.INVESTIGATE, 1, False)
    assert (event.action, event.stage_from, event.stage_to) == ("callback_dissatisfied", Stage.CALLBACK, Stage.INVESTIGATE)
    assert c.callbacks[-1].satisfaction == satisfaction


@pytest.mark.parametrize("satisfaction", [3, 4, 5])
def test_satisfied_callback_keeps_the_ticket_at_callback(satisfaction):
    c, event = wf.callback(at(Stage.CALLBACK), DESK2, T0 + 20 * H, reached=True, satisfaction=satisfaction)
    assert (c.stage, c.reopened, event.action) == (Stage.CALLBACK, 0, "callback_satisfied")
    assert c.satisfied_callback.satisfaction == satisfaction


def test_a_reopened_ticket_needs_a_new_satisfied_callback_before_closing():
    c = at(Stage.CALLBACK)
    c, _ = wf.record_root_cause(c, DESK, T0 + 10 * H, **DATA["record_root_cause"])
    c, _ = wf.callback(c, DESK2, T0 + 11 * H, reached=True, satisfaction=2)
    c = at(Stage.CALLBACK, c=c, start=T0 + 12 * H)      # the whole way again
    assert c.reopened == 1 and c.customer_confirmed
    assert wf.close_blockers(c) == ["close.need_callback"]          # the old, unhappy call does not count
    c, _ = wf.callback(c, DESK2, T0 + 30 * H, reached=True, satisfaction=4)
    c, _ = wf.close(c, DESK, T0 + 31 * H)
    assert c.stage == Stage.CLOSED and len(c.callbacks) == 2


# --- agreeing the time ----------------------------------------------------------------------

@pytest.mark.parametrize("agreed, key", [
    (T0 + 4 * H, "err.agreed_in_past"),                         # exactly now
    (T0 + 3 * H, "err.agreed_in_past"),
    (T0 + 4 * H + timedelta(days=180, seconds=1), "err.agreed_too_far"),
])
def test_agreed_time_must_be_ahead_and_within_180_days(agreed, key):
    c = at(Stage.AGREE)                                          # reached at T0 + 4 h
    error = refused(ValidationError, wf.agree, c, DESK, T0 + 4 * H, steps="重做防水", agreed_at=agreed)
    assert (error.key, error.field) == (key, "agreed_at")


def test_agreed_time_needs_a_time_zone():
    c = at(Stage.AGREE)
    error = refused(ValidationError, wf.agree, c, DESK, T0 + 4 * H, steps="重做防水",
                    agreed_at=datetime(2025, 3, 6, 10, 0))
    assert error.field == "agreed_at"


def test_agreed_time_becomes_the_implementation_deadline():
    c = at(Stage.AGREE)
    agreed = T0 + 4 * H + timedelta(days=180)                    # the far limit is still allowed
    c, _ = wf.agree(c, DESK, T0 + 4 * H, steps="重做防水", agreed_at=agreed)
    assert (c.stage, c.stage_deadline, c.agreed_at) == (Stage.IMPLEMENT, agreed, agreed)
    soon = T0 + 5 * H                                            # sooner than the usual 27 working hours
    c2, _ = wf.agree(at(Stage.AGREE), DESK, T0 + 4 * H, steps="今天下午处理", agreed_at=soon)
    assert c2.stage_deadline == soon


# --- registering ----------------------------------------------------------------------------

@pytest.mark.parametrize("changes, field", [
    ({"complainant": ""}, "complainant"),
    ({"complainant": "   "}, "complainant"),
    ({"content": ""}, "content"),
    ({"phone": None}, "phone"),                                 # a phone complaint needs the number
    ({"phone": ""}, "phone"),
    ({"channel": Channel.RELAYED}, "relayed_by"),               # who relayed it (guard, cleaner...)
    ({"channel": Channel.RELAYED, "relayed_by": "  "}, "relayed_by"),
    ({"unit_id": None}, "place"),                               # no unit: where did it happen?
])
def test_register_requires(changes, field):
    error = refused(ValidationError, register, **changes)
    assert (error.key, error.field) == ("err.required", field)


@pytest.mark.parametrize("phone", ["12345", "1381234567", "138123456789", "abc", "23812345678"])
def test_register_refuses_a_malformed_phone(phone):
    error = refused(ValidationError, register, phone=phone)
    assert (error.key, error.field) == ("err.phone_format", "phone")


def test_register_accepts_a_walk_in_without_phone_and_a_place_without_unit():
    c = new(channel=Channel.WALK_IN, phone=None, unit_id=None, place="地下车库B2")
    assert (c.phone, c.unit_id, c.place) == (None, None, "地下车库B2")
    relayed = new(channel=Channel.RELAYED, phone=None, relayed_by="保安 张强")
    assert relayed.relayed_by == "保安 张强"


def test_register_refuses_a_received_time_in_the_future():
    error = refused(ValidationError, register, received_at=T0 + timedelta(minutes=10))
    assert (error.key, error.field) == ("err.future_time", "received_at")
    assert new(received_at=T0 + timedelta(minutes=4)).received_at == T0 + timedelta(minutes=4)   # clock skew


def test_register_backdated_counts_the_clock_from_receipt():
    """Written up at 09:00 on Monday, received on Friday at 17:00: the clock started on Friday."""
    friday = datetime(2025, 2, 28, 17, 0, tzinfo=CHINA)
    c, events = register(received_at=friday)
    assert c.received_at == friday and events[0].at == T0
    assert c.stage_deadline == T0 + H                           # half an hour Friday + 1.5 h Monday


def test_register_names_every_wrong_field_at_once():
    """A desk fixes the whole form in one go, in the order the form shows the fields."""
    error = refused(ValidationErrors, register, received_at=T0 + timedelta(hours=1), channel="carrier pigeon",
                    complainant="", phone="12345", content=" ", unit_id=None, place="")
    assert [(e.key, e.field) for e in error.errors] == [
        ("err.future_time", "received_at"), ("err.required", "channel"), ("err.required", "complainant"),
        ("err.phone_format", "phone"), ("err.required", "place"), ("err.required", "content")]
    assert (error.key, error.field) == ("err.future_time", "received_at")      # the first, as before
    error = refused(ValidationErrors, register, channel=Channel.ONLINE, phone="12345", content="")
    assert [(e.key, e.field) for e in error.errors] == [("err.phone_format", "phone"), ("err.required", "content")]


def test_register_keeps_what_the_customer_wants():
    c = new(wants=("C", Want.NEVER_AGAIN), subject="工程部", content="  渗水  ")
    assert c.wants == (Want.FIX_NOW, Want.NEVER_AGAIN) and c.subject == "工程部" and c.content == "渗水"
    assert (c.escalation, c.repeat_of, c.repeat_count, c.receiver) == (Escalation.NONE, None, 1, "chen")


def test_texts_keep_their_chinese_punctuation():
    """Regression: free text went through NFKC, so a reply to the customer came out as "消协,感谢"."""
    c = new(content="\u3000停电了，电工说（明天）来：到现在没人！ ")
    assert c.content == "停电了，电工说（明天）来：到现在没人！"
    assert refused(ValidationError, register, content="\u3000\u3000").field == "content"   # full-width blanks


@pytest.mark.parametrize("flags", [(RedLine.MEDIA,), (RedLine.FINANCIAL_LOSS,), (RedLine.BRAND, RedLine.MEDIA)])
def test_red_lines_go_straight_to_senior_management(flags):
    c, events = register(red_lines=flags)
    assert (c.escalation, c.red_lines) == (Escalation.SENIOR, flags)
    assert [e.action for e in events] == ["register", "red_line"]
    assert events[1].detail == {"flags": [f.value for f in flags]}


# --- repeats --------------------------------------------------------------------------------

LEAK = "卫生间天花板渗水三天了"          # the matter of the ticket register() makes


def earlier(number, days_ago, category=Category.REPAIRS, repeat_of=None, matter=LEAK, stage=None,
            repeat_count=1) -> Earlier:
    return Earlier(number, category, T0 - timedelta(days=days_ago), repeat_of, matter, repeat_count, stage)


def test_second_complaint_on_the_same_matter_is_a_repeat_of_the_first():
    assert wf.find_repeat(Category.REPAIRS, T0, [earlier("TS-1", 30)], matter=LEAK) == ("TS-1", 2)


def test_third_complaint_links_to_the_first_of_the_series():
    series = [earlier("TS-2", 10, repeat_of="TS-1"), earlier("TS-1", 30)]
    assert wf.find_repeat(Category.REPAIRS, T0, series, matter=LEAK) == ("TS-1", 3)


@pytest.mark.parametrize("history", [
    [earlier("TS-1", 30, category=Category.CLEANING)],          # another category
    [earlier("TS-1", 30, matter="昨晚家里突然停电，电工说明天来")],   # the same category, another matter
    [earlier("TS-1", 91)],                                      # too long ago
    [],
], ids=["category", "matter", "too-old", "none"])
def test_not_a_repeat(history):
    assert wf.find_repeat(Category.REPAIRS, T0, history, matter=LEAK) == (None, 1)


def test_repeat_window_is_90_days_inclusive():
    assert wf.find_repeat(Category.REPAIRS, T0, [earlier("TS-1", 90)], matter=LEAK) == ("TS-1", 2)


def test_register_links_a_repeat_and_tells_the_manager():
    c, events = register(earlier=[earlier("TS-20250201-0003", 30)])
    assert (c.repeat_of, c.repeat_count, c.escalation) == ("TS-20250201-0003", 2, Escalation.MANAGER)
    assert [e.action for e in events] == ["register", "repeat"]
    assert events[1].detail == {"first": "TS-20250201-0003", "n": 2}
    c3 = new(earlier=[earlier("TS-20250201-0003", 30), earlier("TS-20250220-0001", 11, repeat_of="TS-20250201-0003")])
    assert (c3.repeat_of, c3.repeat_count) == ("TS-20250201-0003", 3)


def test_a_red_line_outranks_a_repeat():
    c = new(earlier=[earlier("TS-1", 30)], red_lines=(RedLine.MEDIA,))
    assert (c.escalation, c.repeat_of) == (Escalation.SENIOR, "TS-1")


def test_without_a_unit_nothing_is_a_repeat():
    c = new(unit_id=None, place="小区广场", earlier=[earlier("TS-1", 30)])
    assert (c.repeat_of, c.escalation) == (None, Escalation.NONE)


# --- escalations ----------------------------------------------------------------------------

@pytest.mark.parametrize("actor", [DESK, DESK2, SUPERVISOR, TRAINER], ids=lambda a: a.username)
def test_only_management_acknowledges_an_escalation(actor):
    c = new(red_lines=(RedLine.MEDIA,))
    assert refused(PermissionDenied, wf.acknowledge_escalation, c, actor, T0 + H).key == "err.ack_role"


@pytest.mark.parametrize("actor", [MANAGER, ADMIN], ids=lambda a: a.username)
def test_manager_or_admin_acknowledges(actor):
    c, event = wf.acknowledge_escalation(new(red_lines=(RedLine.MEDIA,)), actor, T0 + H)
    assert c.escalation_acknowledged_by == actor.username and event.detail == {"level": "senior"}


def test_nothing_to_acknowledge_without_an_escalation():
    assert refused(DomainError, wf.acknowledge_escalation, new(), MANAGER, T0 + H).key == "err.not_escalated"


def test_a_new_red_line_needs_a_new_acknowledgement():
    c = new(earlier=[earlier("TS-1", 30)])
    c, _ = wf.acknowledge_escalation(c, MANAGER, T0 + H)
    c, event = wf.flag_red_line(at(Stage.IMPLEMENT, c=c), DESK2, T0 + 10 * H, flag=RedLine.MEDIA, note="业主发了微博")
    assert (c.escalation, c.escalation_acknowledged_by, c.red_lines) == (Escalation.SENIOR, None, (RedLine.MEDIA,))
    assert event.detail == {"flag": "media", "note": "业主发了微博"}
    c, _ = wf.flag_red_line(c, DESK, T0 + 11 * H, flag=RedLine.MEDIA, note="又上了本地新闻")
    assert c.red_lines == (RedLine.MEDIA,)                      # the same flag is not listed twice


def test_a_red_line_needs_a_note():
    error = refused(ValidationError, wf.flag_red_line, new(), DESK, T0 + H, flag=RedLine.BRAND, note="")
    assert error.field == "note"


# --- pause and resume -----------------------------------------------------------------------

def test_pause_needs_a_note():
    error = refused(ValidationError, wf.pause, new(), DESK, T0 + H, reason=ClockPauseReason.CUSTOMER, note=" ")
    assert (error.key, error.field) == ("err.required", "note")


def test_pause_twice_is_refused_and_resume_needs_a_pause():
    c, event = wf.pause(new(), DESK, T0 + H, reason="customer", note="业主出差，下周回来")
    assert (c.paused_since, c.pause_reason, event.detail["reason"]) == (T0 + H, ClockPauseReason.CUSTOMER, "customer")
    assert refused(DomainError, wf.pause, c, DESK, T0 + 2 * H, reason="third_party", note="x").key == \
        "err.already_paused"
    assert refused(DomainError, wf.resume, new(), DESK, T0 + H).key == "err.not_paused"


def test_resume_moves_both_deadlines_by_the_working_time_paused():
    c = at(Stage.INVESTIGATE)                                   # judged at 10:00 Monday
    assert c.stage_deadline == datetime(2025, 3, 4, 10, 0, tzinfo=CHINA)
    assert c.due_at == datetime(2025, 3, 10, 9, 0, tzinfo=CHINA)
    paused = datetime(2025, 3, 3, 16, 30, tzinfo=CHINA)
    c, _ = wf.pause(c, DESK, paused, reason=ClockPauseReason.THIRD_PARTY, note="等开发商提供图纸")
    c, event = wf.resume(c, DESK, datetime(2025, 3, 4, 9, 30, tzinfo=CHINA))   # 2 working hours, 17 on the clock
    assert (c.paused_since, c.pause_reason) == (None, None)
    assert c.stage_deadline == datetime(2025, 3, 4, 12, 0, tzinfo=CHINA)
    assert c.due_at == datetime(2025, 3, 10, 11, 0, tzinfo=CHINA)
    assert event.detail == {"paused_minutes": 17 * 60}


def test_resume_after_a_weekend_pause_adds_only_working_time():
    c = new(received_at=datetime(2025, 2, 28, 16, 0, tzinfo=CHINA), now=datetime(2025, 2, 28, 16, 0, tzinfo=CHINA))
    assert c.stage_deadline == datetime(2025, 3, 3, 9, 0, tzinfo=CHINA)
    c, _ = wf.pause(c, DESK, datetime(2025, 2, 28, 17, 0, tzinfo=CHINA), reason="customer", note="业主周末不在家")
    c, _ = wf.resume(c, DESK, datetime(2025, 3, 3, 8, 0, tzinfo=CHINA))   # half an hour of working time
    assert c.stage_deadline == datetime(2025, 3, 3, 9, 30, tzinfo=CHINA)


def test_resume_leaves_the_agreed_time_alone_but_moves_the_overall_deadline():
    c = at(Stage.IMPLEMENT)
    agreed, due = c.stage_deadline, c.due_at
    c, _ = wf.pause(c, HANDLER, T0 + 6 * H, reason="third_party", note="等材料到货")   # the handler may pause
    c, _ = wf.resume(c, HANDLER, T0 + 7 * H)
    assert c.stage_deadline == agreed == T0 + timedelta(days=3)   # the promise to the customer stands
    assert c.due_at == due + H


@pytest.mark.parametrize("actor", [DESK2, TRAINER], ids=lambda a: a.username)
def test_only_owner_or_handler_pauses(actor):
    error = refused(PermissionDenied, wf.pause, new(), actor, T0 + H, reason="customer", note="x")
    assert error.key == "err.not_owner"


# --- what a screen offers -------------------------------------------------------------------

ALWAYS_OWNER = ["pause", "record_root_cause", "flag_red_line"]


@pytest.mark.parametrize("stage, actor, expected", [
    (Stage.JUDGE, DESK, ["judge_valid", "propose_invalid"] + ALWAYS_OWNER),
    (Stage.JUDGE, MANAGER, ["judge_valid", "propose_invalid"] + ALWAYS_OWNER),   # no reason yet: no sign-off
    (Stage.JUDGE, DESK2, ["flag_red_line"]),
    (Stage.INVESTIGATE, DESK, ["investigate"] + ALWAYS_OWNER),
    (Stage.IMPLEMENT, DESK, ["implement"] + ALWAYS_OWNER),
    (Stage.IMPLEMENT, HANDLER, ["implement", "pause", "flag_red_line"]),
    (Stage.IMPLEMENT, SUPERVISOR, ["flag_red_line"]),
    (Stage.FEEDBACK, HANDLER, ["pause", "flag_red_line"]),
    (Stage.CALLBACK, DESK, ALWAYS_OWNER),                                         # no callback, not closable yet
    (Stage.CALLBACK, DESK2, ["callback", "flag_red_line"]),
    (Stage.CALLBACK, MANAGER, ["callback"] + ALWAYS_OWNER),
    (Stage.CALLBACK, HANDLER, ["pause", "flag_red_line"]),
], ids=lambda v: v.value if isinstance(v, Stage) else v.username if isinstance(v, Actor) else None)
def test_allowed_actions(stage, actor, expected):
    c = at(stage)
    if c.handler and actor.can(Capability.REASSIGN_COMPLAINT):    # an assigned ticket: its handler may change
        expected = expected[:expected.index("flag_red_line")] + ["reassign"] + expected[expected.index("flag_red_line"):]
    assert wf.allowed_actions(c, actor) == expected


def test_sign_off_offered_to_managers_once_a_reason_is_given():
    c, _ = wf.propose_invalid(new(), DESK, T0 + H, **DATA["propose_invalid"])
    assert "sign_off_invalid" in wf.allowed_actions(c, MANAGER)
    assert "sign_off_invalid" in wf.allowed_actions(c, ADMIN)
    assert "sign_off_invalid" not in wf.allowed_actions(c, DESK)


def test_close_offered_only_when_nothing_blocks_it():
    ready = ready_to_close()
    assert "close" in wf.allowed_actions(ready, DESK)
    assert "close" in wf.allowed_actions(ready, MANAGER)
    assert "close" not in wf.allowed_actions(ready, DESK2)       # not the owner
    assert "close" not in wf.allowed_actions(ready.with_(root_cause=""), DESK)


def test_paused_ticket_offers_resume_and_not_close():
    c, _ = wf.pause(ready_to_close(), DESK, T0 + 12 * H, reason="customer", note="业主出差")
    actions = wf.allowed_actions(c, DESK)
    assert "resume" in actions and "pause" not in actions and "close" not in actions


def test_acknowledge_offered_to_management_until_done():
    c = new(red_lines=(RedLine.MEDIA,))
    assert "acknowledge_escalation" in wf.allowed_actions(c, MANAGER)
    assert "acknowledge_escalation" not in wf.allowed_actions(c, DESK)
    c, _ = wf.acknowledge_escalation(c, MANAGER, T0 + H)
    assert "acknowledge_escalation" not in wf.allowed_actions(c, ADMIN)


def _variants():
    """Tickets in every state a screen can meet."""
    out = {s.value: at(s) for s in OPEN_STAGES}
    out["invalid_proposed"] = wf.propose_invalid(new(), DESK, T0 + H, **DATA["propose_invalid"])[0]
    out["ready"] = ready_to_close()
    out["paused"] = wf.pause(at(Stage.ASSIGN), DESK, T0 + 5 * H, reason="customer", note="出差")[0]
    out["escalated"] = new(red_lines=(RedLine.BRAND,))
    return out


STATE_DATA = {**DATA, "pause": {"reason": "customer", "note": "出差"},
              "flag_red_line": {"flag": "media", "note": "记者来电"},
              "reassign": {"handler": "zhao", "reason": "原负责人休假"}}


@pytest.mark.parametrize("actor", [DESK, DESK2, SUPERVISOR, MANAGER, ADMIN, TRAINER, HANDLER],
                         ids=lambda a: a.username)
def test_what_is_offered_is_exactly_what_goes_through(actor):
    """A button that is shown must work, and an action that works must not be hidden."""
    for name, c in _variants().items():
        offered = wf.allowed_actions(c, actor)
        for action in wf.ACTIONS:
            try:
                wf.apply(c, action, actor, T0 + 20 * H, **STATE_DATA.get(action, {}))
                went_through = True
            except DomainError:
                went_through = False
            assert went_through == (action in offered), (name, action)


# --- who may try a step at all --------------------------------------------------------------

@pytest.mark.parametrize("action, key", [("judge_valid", "err.not_allowed"), ("flag_red_line", "err.not_allowed"),
                                         ("sign_off_invalid", "err.signoff_role"),
                                         ("acknowledge_escalation", "err.ack_role")])
def test_a_step_needs_its_capability(action, key):
    error = refused(PermissionDenied, wf.require_right, TRAINER, action)
    assert error.key == key
    wf.require_right(ADMIN, action)
    assert (refused(PermissionDenied, wf.require_right, DESK, "sign_off_invalid").key,
            refused(PermissionDenied, wf.require_right, SUPERVISOR, "acknowledge_escalation").key) == (
        "err.signoff_role", "err.ack_role")
    wf.require_right(MANAGER, "acknowledge_escalation")
