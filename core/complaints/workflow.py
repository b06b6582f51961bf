"""The handling method as a state machine. Each action checks stage, role and required data,
and returns the changed ticket and its timeline event; a refused action raises and changes nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.complaints import deadlines
from core.complaints.repeats import REPEAT_WINDOW, Earlier, find_repeat, matter_text  # noqa: F401 (re-exported)
from core.complaints.unreachable import close_unreachable, unreachable_blockers
from core.complaints.model import (OPEN_STAGES, SATISFIED_FROM, Callback, Category, Channel, Complaint,
                                   ClockPauseReason, Escalation, Event, RedLine, Stage, Want)
from core.errors import DomainError, PermissionDenied, ValidationError, ValidationErrors, checked_text
from core.org.rules import validate_phone

MAX_TEXT = 2000
MAX_SHORT = 100
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)   # a received time before this is a typo


def _text(value, field: str, required: bool = True, max_len: int = MAX_TEXT) -> str:
    return checked_text(value, field, max_len, required)


def _choice(kind, value, field: str):
    """A value picked from a list on the form; anything else is refused, not a crash."""
    try:
        return kind(value)
    except ValueError:
        raise ValidationError("err.required", field=field) from None


def check_received_at(received_at: datetime, now: datetime) -> datetime:
    """Not in the future (five minutes' grace between clocks), not implausibly early."""
    if received_at > now + timedelta(minutes=5):
        raise ValidationError("err.future_time", field="received_at")
    if received_at < EARLIEST:
        raise ValidationError("err.date_past", field="received_at")
    return received_at


def _aware(moment: datetime, field: str) -> datetime:
    if moment is None or moment.tzinfo is None:
        raise ValidationError("err.required", field=field)
    return moment


def _is_manager(actor: Actor) -> bool:
    return actor.can(Capability.MANAGE_COMPLAINTS)


def _owns(c: Complaint, actor: Actor) -> bool:
    """谁受理、谁跟进、谁回复: the receiver follows the ticket to the end; managers may step in."""
    return actor.username == c.receiver or _is_manager(actor)


def _enter(c: Complaint, stage: Stage, now: datetime, config: deadlines.ClockConfig) -> Complaint:
    """A new stage is timed on the calendar in force now; the version says which one it was."""
    deadline = deadlines.stage_deadline(c.category, stage, now, c.agreed_at, config)
    return c.with_(stage=stage, stage_started_at=now, stage_deadline=deadline,
                   calendar_version=deadlines.timed_on(c.category, config))


# ---------------------------------------------------------------- registration and repeats

@dataclass(frozen=True)
class Registration:
    """A registration form's values, checked and cleaned."""
    received_at: datetime
    channel: Channel
    category: Category
    wants: tuple[Want, ...]
    red_lines: tuple[RedLine, ...]
    relayed_by: str
    complainant: str
    phone: str | None
    place: str
    content: str
    subject: str


def _maybe(kind, value):
    try:
        return kind(value)
    except ValueError:
        return None


def validate_registration(now: datetime, channel: Channel, complainant: str, phone: str | None,
                          unit_id: int | None, place: str, content: str, category: Category,
                          wants: tuple[Want, ...] = (), subject: str = "", relayed_by: str | None = None,
                          red_lines: tuple[RedLine, ...] = (), received_at: datetime | None = None) -> Registration:
    """Every wrong field of the form at once (ValidationErrors), in the order the form shows them."""
    picked = _maybe(Channel, channel)   # what the other fields require depends on the channel
    values = ValidationErrors.collect(
        lambda: check_received_at(received_at or now, now),
        lambda: _choice(Channel, channel, "channel"),
        lambda: _choice(Category, category, "category"),
        lambda: tuple(_choice(Want, w, "wants") for w in wants),
        lambda: tuple(_choice(RedLine, r, "red_lines") for r in red_lines),
        lambda: _text(relayed_by, "relayed_by", required=picked == Channel.RELAYED, max_len=MAX_SHORT),
        lambda: _text(complainant, "complainant", max_len=40),
        lambda: validate_phone(phone, required=picked in (Channel.PHONE, Channel.ONLINE)),
        lambda: _text(place, "place", required=unit_id is None, max_len=MAX_SHORT),
        lambda: _text(content, "content"),
        lambda: _text(subject, "subject", required=False, max_len=MAX_SHORT))
    return Registration(*values)


def register(number: str, now: datetime, receiver: Actor, channel: Channel, complainant: str,
             phone: str | None, unit_id: int | None, place: str, content: str, category: Category,
             wants: tuple[Want, ...] = (), subject: str = "", relayed_by: str | None = None,
             red_lines: tuple[RedLine, ...] = (), earlier: list[Earlier] = (),
             received_at: datetime | None = None, same_as: str | None = None,
             config: deadlines.ClockConfig = deadlines.DEFAULT_CLOCKS) -> tuple[Complaint, list[Event]]:
    """`earlier`: the unit's earlier tickets; `same_as`: the receiver's answer to "the same problem
    as TS-…?" (a number, '' for another matter, None when not asked; see core.complaints.repeats)."""
    f = validate_registration(now, channel, complainant, phone, unit_id, place, content, category, wants,
                              subject, relayed_by, red_lines, received_at)
    matter = matter_text(f.place, f.subject, f.content)
    repeat_of, n = (find_repeat(f.category, f.received_at, list(earlier), matter=matter, same_as=same_as)
                    if unit_id is not None else (None, 1))
    escalation = Escalation.SENIOR if f.red_lines else (Escalation.MANAGER if repeat_of else Escalation.NONE)
    c = Complaint(number=number, received_at=f.received_at, channel=f.channel, complainant=f.complainant,
                  phone=f.phone, unit_id=unit_id, place=f.place, content=f.content, category=f.category,
                  receiver=receiver.username, relayed_by=f.relayed_by or None, subject=f.subject,
                  wants=f.wants, red_lines=f.red_lines, escalation=escalation, repeat_of=repeat_of,
                  repeat_count=n, due_at=deadlines.overall_deadline(f.category, f.received_at, config))
    c = _enter(c, Stage.JUDGE, f.received_at, config)
    events = [Event(now, receiver.username, "register", Stage.RECEIVED, Stage.JUDGE,
                    {"channel": f.channel.value, "category": f.category.value})]
    if repeat_of:
        detail = {"first": repeat_of, "n": n} | ({"confirmed": same_as} if same_as else {})
        events.append(Event(now, receiver.username, "repeat", None, None, detail))
    if f.red_lines:
        events.append(Event(now, receiver.username, "red_line", None, None,
                            {"flags": [r.value for r in c.red_lines]}))
    return c, events


# ---------------------------------------------------------------- the steps

def _require_stage(c: Complaint, *stages: Stage) -> None:
    if c.stage not in stages:
        raise DomainError("err.wrong_stage", stage=c.stage.value)


def _independent_of(c: Complaint, actor: Actor) -> bool:
    """Neither proposed "not valid" nor received the ticket: nobody decides "not our business" alone."""
    return actor.username not in (c.invalid_proposed_by, c.receiver)


def _require_owner(c: Complaint, actor: Actor) -> None:
    if not _owns(c, actor):
        raise PermissionDenied("err.not_owner", receiver=c.receiver)


def _step(c: Complaint, actor: Actor, now: datetime, action: str, to: Stage, config, **changes):
    before = c.stage
    c = _enter(c.with_(**changes), to, now, config)
    return c, Event(now, actor.username, action, before, to,
                    {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in changes.items()
                     if isinstance(v, (str, int, bool, datetime, tuple)) and k != "callbacks"})


def judge_valid(c, actor, now, category: Category | None = None, config=deadlines.DEFAULT_CLOCKS):
    _require_stage(c, Stage.JUDGE)
    _require_owner(c, actor)
    changes = {"valid": True}
    if category is not None and Category(category) != c.category:
        changes["category"] = Category(category)
        # The overall limit follows the corrected category too: a leak judged to be a safety
        # matter is due within the safety limit from when it was received, not in five working days.
        changes["due_at"] = deadlines.overall_deadline(changes["category"], c.received_at, config)
    return _step(c, actor, now, "judge_valid", Stage.INVESTIGATE, config, **changes)


def propose_invalid(c, actor, now, reason: str, config=deadlines.DEFAULT_CLOCKS):
    """Not valid needs a reason now and a supervisor's sign-off next; the clock keeps running."""
    _require_stage(c, Stage.JUDGE)
    _require_owner(c, actor)
    reason = _text(reason, "invalid_reason", max_len=500)
    c = c.with_(invalid_reason=reason, invalid_proposed_by=actor.username, valid=None, signoff_by=None)
    return c, Event(now, actor.username, "propose_invalid", c.stage, c.stage, {"reason": reason})


def sign_off_invalid(c, actor, now, reply: str, config=deadlines.DEFAULT_CLOCKS):
    """A manager other than the proposer signs off; a polite reply to the customer is still owed."""
    _require_stage(c, Stage.JUDGE)
    if not c.invalid_reason:
        raise DomainError("err.no_invalid_reason")
    if not _is_manager(actor):
        raise PermissionDenied("err.signoff_role")
    if not _independent_of(c, actor):
        raise PermissionDenied("err.signoff_self")
    reply = _text(reply, "reply", max_len=1000)
    return _step(c, actor, now, "sign_off_invalid", Stage.FEEDBACK, config,
                 valid=False, signoff_by=actor.username, reply=reply)


def investigate(c, actor, now, cause: str, config=deadlines.DEFAULT_CLOCKS):
    _require_stage(c, Stage.INVESTIGATE)
    _require_owner(c, actor)
    return _step(c, actor, now, "investigate", Stage.ASSIGN, config, cause=_text(cause, "cause"))


def assign(c, actor, now, department: str, handler: str, config=deadlines.DEFAULT_CLOCKS):
    _require_stage(c, Stage.ASSIGN)
    _require_owner(c, actor)
    return _step(c, actor, now, "assign", Stage.PROPOSE, config,
                 department=_text(department, "department", max_len=MAX_SHORT),
                 handler=_text(handler, "handler", max_len=40))


def propose(c, actor, now, options: list[str], config=deadlines.DEFAULT_CLOCKS):
    _require_stage(c, Stage.PROPOSE)
    _require_owner(c, actor)
    cleaned = tuple(o for o in (_text(o, "options", required=False, max_len=500) for o in options) if o)
    if not cleaned:
        raise ValidationError("err.required", field="options")
    return _step(c, actor, now, "propose", Stage.AGREE, config, options=cleaned)


def agree(c, actor, now, steps: str, agreed_at: datetime, config=deadlines.DEFAULT_CLOCKS):
    """The time agreed with the customer becomes the deadline of the implementation stage."""
    _require_stage(c, Stage.AGREE)
    _require_owner(c, actor)
    agreed_at = _aware(agreed_at, "agreed_at")
    if agreed_at <= now:
        raise ValidationError("err.agreed_in_past", field="agreed_at")
    if agreed_at > now + timedelta(days=180):
        raise ValidationError("err.agreed_too_far", field="agreed_at")
    return _step(c, actor, now, "agree", Stage.IMPLEMENT, config,
                 agreed_steps=_text(steps, "agreed_steps"), agreed_at=agreed_at)


def implement(c, actor, now, record: str, config=deadlines.DEFAULT_CLOCKS):
    _require_stage(c, Stage.IMPLEMENT)
    if not (_owns(c, actor) or actor.username == c.handler):
        raise PermissionDenied("err.not_owner", receiver=c.receiver)
    return _step(c, actor, now, "implement", Stage.FEEDBACK, config,
                 implementation=_text(record, "implementation"))


def feedback(c, actor, now, confirmed: bool, note: str = "", config=deadlines.DEFAULT_CLOCKS):
    """Report back; the customer confirms, or the search for a solution starts again."""
    _require_stage(c, Stage.FEEDBACK)
    _require_owner(c, actor)
    note = _text(note, "note", required=not confirmed, max_len=1000)
    if confirmed:
        return _step(c, actor, now, "feedback_confirmed", Stage.CALLBACK, config, customer_confirmed=True)
    back = Stage.JUDGE if c.valid is False else Stage.PROPOSE
    return _step(c, actor, now, "feedback_rejected", back, config, customer_confirmed=False,
                 reopened=c.reopened + 1)


def callback(c, actor, now, reached: bool, satisfaction: int | None = None, comment: str = "",
             config=deadlines.DEFAULT_CLOCKS):
    """回访 by someone other than the receiver and the handler. Unreachable: retried and counted.
    Dissatisfied: the ticket reopens at investigation."""
    _require_stage(c, Stage.CALLBACK)
    if actor.username in (c.receiver, c.handler):
        raise PermissionDenied("err.callback_by_handler")
    comment = _text(comment, "comment", required=False, max_len=1000)
    if not reached:
        cb = Callback(actor.username, now, False, None, comment)
        c = c.with_(callbacks=c.callbacks + (cb,), callback_attempts=c.callback_attempts + 1)
        return c, Event(now, actor.username, "callback_unreached", c.stage, c.stage,
                        {"attempt": c.callback_attempts})
    if satisfaction is None or not 1 <= int(satisfaction) <= 5:
        raise ValidationError("err.satisfaction_range", field="satisfaction")
    cb = Callback(actor.username, now, True, int(satisfaction), comment)
    c = c.with_(callbacks=c.callbacks + (cb,), callback_attempts=c.callback_attempts + 1)
    if cb.satisfaction < SATISFIED_FROM:
        return _step(c, actor, now, "callback_dissatisfied", Stage.INVESTIGATE, config,
                     customer_confirmed=False, reopened=c.reopened + 1)
    return c, Event(now, actor.username, "callback_satisfied", c.stage, c.stage,
                    {"satisfaction": cb.satisfaction})


def record_root_cause(c, actor, now, root_cause: str, prevention: str, config=deadlines.DEFAULT_CLOCKS):
    if c.stage not in OPEN_STAGES:
        raise DomainError("err.wrong_stage", stage=c.stage.value)
    _require_owner(c, actor)
    root_cause, prevention = _text(root_cause, "root_cause", max_len=1000), _text(prevention, "prevention", max_len=1000)
    c = c.with_(root_cause=root_cause, prevention=prevention)
    return c, Event(now, actor.username, "root_cause", c.stage, c.stage,
                    {"root_cause": root_cause, "prevention": prevention})


def close_blockers(c: Complaint) -> list[str]:
    """What still stands between this ticket and closing, as catalogue keys."""
    blockers = []
    if c.stage != Stage.CALLBACK:
        blockers.append("close.need_callback_stage")
    if not c.customer_confirmed:
        blockers.append("close.need_confirmation")
    if c.satisfied_callback is None:
        blockers.append("close.need_callback")
    if not (c.root_cause and c.prevention):
        blockers.append("close.need_root_cause")
    if c.paused_since is not None:
        blockers.append("close.paused")
    return blockers


# The stages where closing is in sight: the page shows the close action there, blocked or not.
CLOSE_STAGES = (Stage.FEEDBACK, Stage.CALLBACK)


@dataclass(frozen=True)
class Missing:
    """One condition closing still needs (`key`, a catalogue key from close_blockers) and the
    action that supplies it, when this actor may take it now (`action`); else `hint` says who can."""
    key: str
    action: str | None = None
    hint: str | None = None


def close_missing(c: Complaint, actor: Actor) -> list[Missing]:
    """close_blockers (the one rule close() applies), each with the way to supply it for this actor."""
    allowed = set(_actions_without_close(c, actor))

    def supplied_by(*names: str, hint: str | None = None) -> Missing:
        return next((Missing(key, name) for name in names if name in allowed), Missing(key, None, hint))

    out = []
    for key in close_blockers(c):
        if key == "close.need_callback_stage":
            out.append(supplied_by(*STAGE_ACTIONS.get(c.stage, ()), hint="close.hint_other"))
        elif key == "close.need_confirmation":
            out.append(supplied_by("feedback", hint="close.hint_feedback_stage"))
        elif key == "close.need_callback":
            out.append(supplied_by("callback", hint="close.hint_colleague"))
        elif key == "close.need_root_cause":
            out.append(supplied_by("record_root_cause", hint="close.hint_owner"))
        elif key == "close.paused":
            out.append(supplied_by("resume", hint="close.hint_owner"))
        else:
            out.append(Missing(key))
    return out


def close(c, actor, now, config=deadlines.DEFAULT_CLOCKS):
    _require_owner(c, actor)
    blockers = close_blockers(c)
    if blockers:
        raise DomainError("err.cannot_close", reasons=blockers)
    before = c.stage
    c = c.with_(stage=Stage.CLOSED, closed_at=now, stage_started_at=now, stage_deadline=None)
    return c, Event(now, actor.username, "close", before, Stage.CLOSED, {})


# ---------------------------------------------------------------- clocks and escalation

def pause(c, actor, now, reason: ClockPauseReason, note: str, config=deadlines.DEFAULT_CLOCKS):
    if c.stage not in OPEN_STAGES:
        raise DomainError("err.wrong_stage", stage=c.stage.value)
    if not (_owns(c, actor) or actor.username == c.handler):
        raise PermissionDenied("err.not_owner", receiver=c.receiver)
    if c.paused_since is not None:
        raise DomainError("err.already_paused")
    reason, note = _choice(ClockPauseReason, reason, "pause_reason"), _text(note, "note", max_len=500)
    c = c.with_(paused_since=now, pause_reason=reason)
    return c, Event(now, actor.username, "pause", c.stage, c.stage, {"reason": c.pause_reason.value, "note": note})


def resume(c, actor, now, config=deadlines.DEFAULT_CLOCKS):
    if c.paused_since is None:
        raise DomainError("err.not_paused")
    if not (_owns(c, actor) or actor.username == c.handler):
        raise PermissionDenied("err.not_owner", receiver=c.receiver)
    since = c.paused_since
    c = c.with_(paused_since=None, pause_reason=None,
                stage_deadline=deadlines.extend_for_pause(c.category, c.stage_deadline, since, now, config)
                if not (c.stage == Stage.IMPLEMENT and c.agreed_at) else c.stage_deadline,
                due_at=deadlines.extend_for_pause(c.category, c.due_at, since, now, config),
                calendar_version=deadlines.timed_on(c.category, config))
    return c, Event(now, actor.username, "resume", c.stage, c.stage,
                    {"paused_minutes": int((now - since).total_seconds() // 60)})


def flag_red_line(c, actor, now, flag: RedLine, note: str, config=deadlines.DEFAULT_CLOCKS):
    """Media, a large financial loss or brand damage: straight to senior management."""
    if c.stage == Stage.CLOSED:
        raise DomainError("err.wrong_stage", stage=c.stage.value)
    flag, note = _choice(RedLine, flag, "flag"), _text(note, "note", max_len=500)
    flags = c.red_lines if flag in c.red_lines else c.red_lines + (flag,)
    c = c.with_(red_lines=flags, escalation=Escalation.SENIOR, escalation_acknowledged_by=None)
    return c, Event(now, actor.username, "red_line", c.stage, c.stage, {"flag": flag.value, "note": note})


def acknowledge_escalation(c, actor, now, config=deadlines.DEFAULT_CLOCKS):
    if c.escalation == Escalation.NONE:
        raise DomainError("err.not_escalated")
    if not actor.can(Capability.ACKNOWLEDGE_RED_LINE):
        raise PermissionDenied("err.ack_role")
    c = c.with_(escalation_acknowledged_by=actor.username)
    return c, Event(now, actor.username, "acknowledge", c.stage, c.stage, {"level": c.escalation.value})


def reassign(c, actor, now, handler: str, reason: str, config=deadlines.DEFAULT_CLOCKS):
    """Another handler for an assigned ticket, with a reason; the stage and its clock stand.
    Whether the new handler is staff of the ticket's project the service checks."""
    if c.stage not in OPEN_STAGES or not c.handler:
        raise DomainError("err.wrong_stage", stage=c.stage.value)
    if not actor.can(Capability.REASSIGN_COMPLAINT):
        raise PermissionDenied("err.reassign_role")
    handler, reason = ValidationErrors.collect(lambda: _text(handler, "handler", max_len=40),
                                               lambda: _text(reason, "reassign_reason", max_len=500))
    if handler == c.handler:
        raise ValidationError("err.same_handler", field="handler")
    before = c.handler
    c = c.with_(handler=handler)
    return c, Event(now, actor.username, "reassign", c.stage, c.stage,
                    {"from": before, "to": handler, "reason": reason})


ACTIONS = {
    "judge_valid": judge_valid, "propose_invalid": propose_invalid, "sign_off_invalid": sign_off_invalid,
    "investigate": investigate, "assign": assign, "propose": propose, "agree": agree,
    "implement": implement, "feedback": feedback, "callback": callback,
    "record_root_cause": record_root_cause, "close": close, "pause": pause, "resume": resume,
    "flag_red_line": flag_red_line, "acknowledge_escalation": acknowledge_escalation,
    "close_unreachable": close_unreachable, "reassign": reassign,
}

# Which step actions belong to which stage (the detail page offers only these, plus the
# stage-independent ones when the role allows them).
STAGE_ACTIONS = {
    Stage.JUDGE: ("judge_valid", "propose_invalid", "sign_off_invalid"),
    Stage.INVESTIGATE: ("investigate",), Stage.ASSIGN: ("assign",), Stage.PROPOSE: ("propose",),
    Stage.AGREE: ("agree",), Stage.IMPLEMENT: ("implement",), Stage.FEEDBACK: ("feedback",),
    Stage.CALLBACK: ("callback", "close"),
}


# The capability each action needs, and the message a refusal shows; every other action needs
# HANDLE_COMPLAINT. Checked before the ticket is loaded, whoever calls.
_RIGHTS = {"sign_off_invalid": (Capability.MANAGE_COMPLAINTS, "err.signoff_role"),
           "acknowledge_escalation": (Capability.ACKNOWLEDGE_RED_LINE, "err.ack_role"),
           "close_unreachable": (Capability.MANAGE_COMPLAINTS, "err.unreachable_role"),
           "reassign": (Capability.REASSIGN_COMPLAINT, "err.reassign_role")}
_ANY_STEP = (Capability.HANDLE_COMPLAINT, "err.not_allowed")


def capability_for(action: str) -> Capability:
    return _RIGHTS.get(action, _ANY_STEP)[0]


def require_right(actor: Actor, action: str) -> None:
    capability, key = _RIGHTS.get(action, _ANY_STEP)
    if not actor.can(capability):
        raise PermissionDenied(key)


def allowed_actions(c: Complaint, actor: Actor) -> list[str]:
    """The actions this actor may try now; the action itself still checks its data."""
    out = _actions_without_close(c, actor)
    if c.stage in STAGE_ACTIONS and "close" in STAGE_ACTIONS[c.stage] and _owns(c, actor) and not close_blockers(c):
        steps = [a for a in out if a in STAGE_ACTIONS[c.stage]]
        out.insert(len(steps), "close")          # after the stage's own steps, before the rest
    if c.stage == Stage.CALLBACK and _is_manager(actor) and not unreachable_blockers(c):
        out.insert(len([a for a in out if a in STAGE_ACTIONS[c.stage]]), "close_unreachable")  # owner not reached
    return out


def default_action(c: Complaint, actor: Actor, actions: list[str] | None = None) -> str | None:
    """The action preselected on the ticket page: the stage's step this actor may take, else
    closing, else what closing still needs from them; never "pause the clock" (None: nothing
    preselected, the user picks)."""
    actions = allowed_actions(c, actor) if actions is None else actions
    if "close" in actions:
        return "close"
    steps = [a for a in STAGE_ACTIONS.get(c.stage, ()) if a in actions]
    if steps:
        return steps[0]
    needed = [m.action for m in close_missing(c, actor) if m.action] if c.stage in CLOSE_STAGES else []
    if "resume" in actions:
        return "resume"
    if needed:
        return needed[0]
    if "acknowledge_escalation" in actions:
        return "acknowledge_escalation"
    return None


def _actions_without_close(c: Complaint, actor: Actor) -> list[str]:
    if c.stage == Stage.CLOSED:
        return []
    owner = _owns(c, actor)
    out: list[str] = []
    for name in STAGE_ACTIONS.get(c.stage, ()):
        if name == "sign_off_invalid":
            if _is_manager(actor) and c.invalid_reason and _independent_of(c, actor):
                out.append(name)
        elif name == "callback":
            if actor.username not in (c.receiver, c.handler):
                out.append(name)
        elif name == "implement":
            if owner or actor.username == c.handler:
                out.append(name)
        elif name == "close":
            continue                             # allowed_actions adds it when nothing is missing
        elif owner:
            out.append(name)
    if owner or actor.username == c.handler:
        out.append("resume" if c.paused_since else "pause")
    if owner:
        out.append("record_root_cause")
    if c.handler and actor.can(Capability.REASSIGN_COMPLAINT):
        out.append("reassign")
    out.append("flag_red_line")
    if _is_manager(actor) and c.escalation != Escalation.NONE and not c.escalation_acknowledged_by:
        out.append("acknowledge_escalation")
    return out


def apply(c: Complaint, action: str, actor: Actor, now: datetime, **data) -> tuple[Complaint, Event]:
    if action not in ACTIONS:
        raise DomainError("err.unknown_action")
    if c.stage == Stage.CLOSED:
        raise DomainError("err.wrong_stage", stage=c.stage.value)
    return ACTIONS[action](c, actor, now, **data)
