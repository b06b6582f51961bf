"""Alerts to staff and messages to owners: raising events into the outbox (inside the caller's
unit of work), the inbox, and the admin's channels, templates, delivery log and resend.

Raising is part of the change: `raise_event(uow, event)` writes the inbox entries and the
outbox rows in the caller's transaction, so a change that rolls back leaves no message behind
and one that commits cannot lose its message. Delivery to outside channels is the worker's
(worker/), which reads only the outbox."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.capabilities import Capability, roles_with
from core.complaints.model import Complaint, Escalation
from core.errors import DomainError, NotFound, ValidationError, ValidationErrors
from core.notifications import channels as channel_rules
from core.notifications import messages
from core.notifications.events import NEEDS_ACK, STAFF_KINDS, Event, Kind, recipients
from core.notifications.owner_templates import ALLOWED, OwnerTemplate, validate_body
from core.notifications.quiet import OWNER_QUIET, ROBOT_QUIET, QuietHours, deliver_at, format_quiet, parse_quiet
from core.templates import fill
from db import notification_queries as queries
from db import notification_repository as repository
from db.base import utcnow
from db.notification_models import ChannelRow, InboxRow, OutboxRow, OwnerOptOutRow, OwnerTemplateRow, PreferenceRow
from db.uow import UnitOfWork
from services import notification_channels

# ---------------------------------------------------------------- raising (inside a unit of work)


def raise_event(uow: UnitOfWork, event: Event, now: datetime | None = None) -> int:
    """Inbox entries and outside deliveries for everyone who must know; returns how many outside
    deliveries were queued. An event raised twice (same key) adds nothing."""
    s, now = uow.session, now or utcnow()
    named = repository.people(s, usernames=list(event.to)) if event.to else []
    holders = (repository.people(s, roles={r.value for r in roles_with(event.audience)},
                                 project_id=event.project_id) if event.audience is not None else [])
    by_name = {p.username: p for p in (*named, *holders)}
    people = [by_name[n] for n in recipients(event, [p.username for p in holders]) if n in by_name]
    needs_ack = event.kind in NEEDS_ACK and not event.outside_only
    if not event.outside_only:
        repository.add_inbox(s, [dict(username=p.username, event_key=event.key, kind=event.kind.value,
                                      title=str(event.params.get("number", ""))[:200], params=event.params,
                                      link=event.link, project_id=event.project_id, created_at=now, read_at=None,
                                      needs_ack=needs_ack, acknowledged_at=None, acknowledged_by=None)
                                 for p in people])
    enabled = repository.channels(s)      # one read of the switched-on channels for both kinds of row
    rows = _personal_rows(enabled, event, people, now) + _robot_rows(enabled, event, now)
    repository.add_outbox(s, rows)
    return len(rows)


def _row(event: Event, recipient: str, channel: str, channel_id: int | None, body: str, at: datetime,
         now: datetime, title: str = "", params: dict | None = None) -> dict:
    return dict(event_key=event.key, kind=event.kind.value, recipient=recipient, channel=channel,
                channel_id=channel_id, title=title[:200], body=body[:2000], link=event.link, params=params or {},
                project_id=event.project_id, urgent=event.urgent, state="queued", attempts=0, next_at=at,
                lease_until=None, lease_owner=None, last_error="", created_at=now, sent_at=None)


def _personal_rows(enabled, event: Event, people, now: datetime) -> list[dict]:
    smtp = [ch for ch in enabled if ch.kind == "email"]
    if not smtp:
        return []
    rows = []
    for p in people:
        if "email" in p.routes.get(event.kind.value, ()) and p.email:
            quiet = _quiet(p.quiet)
            rows.append(_row(event, p.username, "email", smtp[0].id,
                             messages.text(event.kind.value, event.params, p.language),
                             deliver_at(now, quiet, event.urgent), now, messages.title(event.kind.value, p.language)))
    return rows


def _quiet(text: str) -> QuietHours:
    try:
        return parse_quiet(text)
    except ValidationError:
        return QuietHours()


def _robot_rows(enabled, event: Event, now: datetime) -> list[dict]:
    rows = []
    for kind in channel_rules.ROBOTS:
        for ch in (c for c in enabled if c.kind == kind.value):
            if event.kind.value in (ch.events or ()):
                # A group robot keeps the night quiet (22:00-08:00 China time) unless it is urgent
                # or pressing: held, and posted when the quiet hours end.
                rows.append(_row(event, f"channel:{ch.id}", kind.value, ch.id,
                                 messages.text(event.kind.value, event.params, "zh"),
                                 deliver_at(now, ROBOT_QUIET, event.robot_urgent), now,
                                 messages.title(event.kind.value, "zh")))
    return rows


def message_owner(uow: UnitOfWork, template: str, owner_id: int | None, values: dict, key: str,
                  project_id: int | None = None, now: datetime | None = None) -> bool:
    """An SMS to an owner from the approved text of `template`. Nothing is queued (False) while
    the template is not approved, no SMS account is switched on, the owner has no phone or opted
    out. The phone is not copied into the outbox: the worker reads it when it sends."""
    s, now = uow.session, now or utcnow()
    kind = OwnerTemplate(template)
    tpl = repository.template(s, kind.value)
    sms = repository.channels(s, "sms")
    if owner_id is None or tpl is None or not tpl.approved_body or not sms or not repository.owner_reachable(s, owner_id):
        return False
    shown = {n: str(values.get(n, "")) for n in ALLOWED[kind]}
    body = fill(tpl.approved_body, shown)
    event = Event(Kind.OWNER_MESSAGE, key, project_id, {})
    # Owners are not messaged at night (21:00-08:00 China time): held until the morning.
    repository.add_outbox(s, [_row(event, f"owner:{owner_id}", "sms", sms[0].id, body,
                                   deliver_at(now, OWNER_QUIET, False), now, title=kind.value, params=shown)])
    return True


def _tell_complainant(uow: UnitOfWork, template: OwnerTemplate, after: Complaint, key: str,
                      project_id: int | None, now: datetime) -> bool:
    """The owner's SMS about their complaint: only when the complainant is an owner of the unit
    (the phone they gave is that owner's), so a tenant's complaint is never told to the landlord."""
    if after.unit_id is None or not after.phone:
        return False
    tpl = repository.template(uow.session, template.value)    # kept by the session for message_owner
    if tpl is None or not tpl.approved_body:
        return False
    found = repository.complainant_owner(uow.session, after.unit_id, after.phone)
    if found is None:
        return False
    owner_id, owner_name, project = found
    return message_owner(uow, template.value, owner_id, {"owner": owner_name, "number": after.number,
                                                         "project": project}, key, project_id, now)


def complaint_changed(uow: UnitOfWork, before: Complaint | None, after: Complaint, action: str,
                      project_id: int | None, now: datetime | None = None) -> None:
    """The alerts a complaint's registration or step raises (called by services.complaints).
    Keys carry the ticket's version before the change, so each change alerts once."""
    now = now or utcnow()
    n, v = after.number, (before.version if before is not None else 0)
    link = f"complaint?n={n}"
    base = dict(number=n, category=after.category.value)

    def go(kind: Kind, tail: str, to=(), **params):
        raise_event(uow, Event(kind, f"complaint:{n}:{tail}", project_id, {**base, **params}, link, tuple(to),
                               safety=after.category.value in ("security", "emergency")), now)

    if action == "register":
        _tell_complainant(uow, OwnerTemplate.COMPLAINT_RECEIVED, after, f"complaint:{n}:owner_received", project_id, now)
        if after.red_lines:
            go(Kind.RED_LINE, "red_line:0", flag=after.red_lines[0].value)
        if after.repeat_of:
            go(Kind.REPEAT_ESCALATED, "repeat", count=after.repeat_count, first=after.repeat_of)
        return
    if after.stage.value == "closed" and before is not None and before.stage.value != "closed" and after.valid is not False:
        _tell_complainant(uow, OwnerTemplate.COMPLAINT_RESOLVED, after, f"complaint:{n}:owner_resolved:{v}",
                          project_id, now)
    if action == "assign" and after.handler:
        go(Kind.TICKET_ASSIGNED, f"assign:{v}", to=(after.handler,))
    elif action == "flag_red_line":
        go(Kind.RED_LINE, f"red_line:{v}", flag=after.red_lines[-1].value)
    elif action == "feedback_confirmed" or (action == "feedback" and after.stage.value == "callback"):
        go(Kind.CALLBACK_DUE, f"callback_due:{v}")
        _tell_complainant(uow, OwnerTemplate.COMPLAINT_CALLBACK, after, f"complaint:{n}:owner_callback:{v}",
                          project_id, now)
    elif action == "callback" and after.stage.value == "investigate":
        sat = after.callbacks[-1].satisfaction if after.callbacks else ""
        go(Kind.CALLBACK_REOPENED, f"reopen:{v}", to=(after.receiver, after.handler or ""), satisfaction=sat)
    elif action == "acknowledge_escalation" and after.escalation == Escalation.SENIOR:
        repository.settle_acknowledged(uow.session, f"complaint:{n}:red_line", uow.actor, now)


# ---------------------------------------------------------------- the inbox (every user)

@dataclass(frozen=True)
class InboxItem:
    id: int
    kind: str
    title: str               # the event's name in the reader's language
    text: str                # the alert in the reader's language
    link: str                # "complaint?n=TS-…" or ""
    created_at: datetime
    read: bool
    needs_ack: bool          # a red line nobody has acknowledged yet
    acknowledged_by: str | None


def unread_count(engine: Engine, actor: Actor) -> int:
    """The badge: unread alerts, and red lines not yet acknowledged even when read."""
    return queries.badge_count(engine, actor.username)


def inbox(engine: Engine, actor: Actor, lang: str = "zh", include_read: bool = False,
          limit: int = 50) -> list[InboxItem]:
    rows = queries.inbox(engine, actor.username, include_read, limit)
    return [InboxItem(r.id, r.kind, messages.title(r.kind, lang), messages.text(r.kind, r.params, lang), r.link,
                      r.created_at, r.read_at is not None, bool(r.needs_ack and r.acknowledged_at is None),
                      r.acknowledged_by) for r in rows]


def mark_read(engine: Engine, actor: Actor, item_ids: list[int] | None = None,
              request_key: str | None = None) -> int:
    """Own alerts only; None: all of them. Returns how many were marked."""
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        marked = repository.mark_read(uow.session, actor.username, item_ids, utcnow())
        return uow.commit(marked)


def acknowledge(engine: Engine, actor: Actor, item_id: int, request_key: str | None = None) -> bool:
    """Acknowledge a red line from the inbox: the ticket's escalation is acknowledged (as on the
    ticket page, by someone who may), which takes it off every recipient's badge."""
    actor.require(Capability.ACKNOWLEDGE_RED_LINE)
    item = queries.inbox_item(engine, item_id)
    if item is None or item.username != actor.username:
        raise NotFound("err.notification_unknown")
    if item.acknowledged_at is not None:
        return True
    from services import complaints   # a ticket step, through the complaints use case

    number = item.link.split("n=", 1)[1] if "n=" in item.link else ""
    ticket = complaints.load(engine, actor, number)
    if ticket.escalation_acknowledged_by is None:
        complaints.act(engine, actor, number, ticket.version, "acknowledge_escalation", request_key=request_key)
    else:   # acknowledged on the ticket page meanwhile: only this entry was left over
        with UnitOfWork(engine, actor.username) as uow:
            repository.settle_acknowledged(uow.session, f"complaint:{number}:red_line", actor.username, utcnow())
            uow.commit()
    return True


@dataclass(frozen=True)
class MySettings:
    email: str
    quiet: str
    routes: dict             # kind -> ["email"]


def my_settings(engine: Engine, actor: Actor) -> MySettings:
    row = queries.preferences(engine, actor.username)
    return MySettings(row.email, row.quiet, dict(row.routes or {})) if row else MySettings("", "", {})


def save_my_settings(engine: Engine, actor: Actor, email: str, quiet: str, routes: dict,
                     request_key: str | None = None) -> MySettings:
    """Anyone's own e-mail, quiet hours and which events they also want by e-mail."""
    email = (email or "").strip()
    email, quiet_hours = ValidationErrors.collect(
        lambda: channel_rules._email(email, "email") if email else "", lambda: parse_quiet(quiet))
    kinds = {k.value for k in STAFF_KINDS}
    clean = {k: ["email"] for k, v in (routes or {}).items() if k in kinds and "email" in (v or ())}
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if uow.done_before() is not None:
            return my_settings(engine, actor)
        row = uow.session.get(PreferenceRow, actor.username)
        if row is None:
            row = PreferenceRow(username=actor.username)
            uow.session.add(row)
        row.email, row.quiet, row.routes = email, format_quiet(quiet_hours), clean
        uow.audit("save_alert_settings", "notification_prefs", actor.username,
                  after={"quiet": row.quiet, "routes": sorted(clean)})
        uow.commit(True)
    return MySettings(email, format_quiet(quiet_hours), clean)


# ---------------------------------------------------------------- admin: channels

SECRET_KEYS = ("secret", "password", "access_key_secret")


@dataclass(frozen=True)
class ChannelView:
    id: int
    kind: str
    name: str
    config: dict             # secrets blanked: never sent back to a browser
    events: list
    enabled: bool
    version: int


def channel_list(engine: Engine, actor: Actor) -> list[ChannelView]:
    actor.require(Capability.MANAGE_NOTIFICATIONS)
    return [ChannelView(r.id, r.kind, r.name, {k: ("" if k in SECRET_KEYS else v) for k, v in (r.config or {}).items()},
                        list(r.events or ()), r.enabled, r.version) for r in queries.channels(engine)]


def save_channel(engine: Engine, actor: Actor, channel_id: int | None, kind: str, name: str, config: dict,
                 events: list[str] = (), enabled: bool = False, expected_version: int | None = None,
                 request_key: str | None = None) -> int:
    """A new channel (channel_id None) or a change; an empty secret keeps the saved one."""
    actor.require(Capability.MANAGE_NOTIFICATIONS)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        row = s.get(ChannelRow, channel_id) if channel_id is not None else None
        if channel_id is not None and row is None:
            raise NotFound("err.notification_unknown")
        if row is not None and expected_version is not None and row.version != expected_version:
            from core.errors import ConflictError
            raise ConflictError()
        merged = dict(config or {})
        for k in SECRET_KEYS:
            if row is not None and not merged.get(k) and (row.config or {}).get(k):
                merged[k] = row.config[k]
        checked = channel_rules.validate(kind, name, merged)
        wanted = [k for k in (events or ()) if k in {e.value for e in Kind}]
        if row is None:
            row = ChannelRow(kind=checked.kind.value, updated_by=actor.username)
            s.add(row)
        row.kind, row.name, row.config, row.events = checked.kind.value, checked.name, checked.config, wanted
        row.enabled, row.updated_by, row.updated_at = bool(enabled), actor.username, utcnow()
        s.flush()
        uow.audit("save_channel", "notification_channel", row.id,
                  after={"kind": row.kind, "name": row.name, "enabled": row.enabled, "events": wanted})
        return uow.commit(row.id)


@dataclass(frozen=True)
class TestResult:
    ok: bool
    reason: str


def send_test(engine: Engine, actor: Actor, channel_id: int, to: str = "") -> TestResult:
    """Send one test message now over the channel (to `to` for e-mail and SMS) and say how it went;
    the attempt is kept in the delivery log like any other."""
    actor.require(Capability.MANAGE_NOTIFICATIONS)
    row = queries.channel(engine, channel_id)
    if row is None:
        raise NotFound("err.notification_unknown")
    now = utcnow()
    body = messages.text(Kind.TEST.value, {}, "zh")
    delivery = repository.Delivery(0, f"test:{channel_id}:{now.timestamp()}", Kind.TEST.value, row.kind,
                                   messages.title(Kind.TEST.value, "zh"), body, {}, 1, dict(row.config or {}),
                                   to.strip() or None, "")
    error = notification_channels.send(delivery, timeout=5.0)
    with UnitOfWork(engine, actor.username) as uow:
        event = Event(Kind.TEST, delivery.event_key)
        r = _row(event, f"channel:{channel_id}", row.kind, channel_id, body, now, now, delivery.title)
        r.update(state="dead" if error else "sent", attempts=1, last_error=(error or "")[:300],
                 sent_at=None if error else now)
        repository.add_outbox(uow.session, [r])
        uow.audit("send_test", "notification_channel", channel_id, after={"ok": error is None})
        uow.commit()
    return TestResult(error is None, error or "")


# ---------------------------------------------------------------- admin: log, dead letters, resend

def delivery_log(engine: Engine, actor: Actor, state: str | None = None, limit: int = 300) -> pd.DataFrame:
    """Newest first: event, channel, recipient (a username, 'owner #id' or the channel, never a
    phone or an address), state, attempts, reason."""
    actor.require(Capability.MANAGE_NOTIFICATIONS)
    return queries.delivery_log(engine, state, limit)


def resend(engine: Engine, actor: Actor, delivery_id: int, request_key: str | None = None) -> bool:
    """A dead letter back in the queue, with its attempts counted from zero."""
    actor.require(Capability.MANAGE_NOTIFICATIONS)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        row = uow.session.get(OutboxRow, delivery_id)
        if row is None:
            raise NotFound("err.notification_unknown")
        if row.state != "dead":
            raise DomainError("err.nothing_to_resend")
        row.state, row.attempts, row.next_at, row.lease_owner = "queued", 0, utcnow(), None
        uow.audit("resend", "notification", delivery_id, before={"reason": row.last_error})
        return uow.commit(True)


# ---------------------------------------------------------------- admin: owner templates, opt-outs

@dataclass(frozen=True)
class TemplateView:
    kind: str
    allowed: list[str]
    body: str
    approved_body: str | None
    approved_by: str | None
    provider_code: str


def templates(engine: Engine, actor: Actor) -> list[TemplateView]:
    actor.require(Capability.MANAGE_NOTIFICATIONS)
    rows = {r.kind: r for r in queries.templates(engine)}
    out = []
    for kind in OwnerTemplate:
        r = rows.get(kind.value)
        out.append(TemplateView(kind.value, sorted(ALLOWED[kind]), r.body if r else "", r.approved_body if r else None,
                                r.approved_by if r else None, r.provider_code if r else ""))
    return out


def save_template(engine: Engine, actor: Actor, kind: str, body: str, provider_code: str = "",
                  request_key: str | None = None) -> str:
    """A draft: checked now (placeholders, SMS length), sent only once approved."""
    actor.require(Capability.MANAGE_NOTIFICATIONS)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        sms = repository.channels(s, "sms", enabled_only=False)
        sign = (sms[0].config or {}).get("sign_name", "") if sms else ""
        body = validate_body(kind, body, sign)
        code = (provider_code or "").strip()
        if len(code) > 40:
            raise ValidationError("err.too_long", field="provider_code", max=40)
        row = s.get(OwnerTemplateRow, kind)
        if row is None:
            row = OwnerTemplateRow(kind=kind, edited_by=actor.username)
            s.add(row)
        before = {"body": row.body}
        row.body, row.provider_code, row.edited_by, row.edited_at = body, code, actor.username, utcnow()
        uow.audit("save_template", "owner_template", kind, before=before, after={"body": body})
        return uow.commit(body)


def approve_template(engine: Engine, actor: Actor, kind: str, request_key: str | None = None) -> str:
    actor.require(Capability.MANAGE_NOTIFICATIONS)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        row = uow.session.get(OwnerTemplateRow, OwnerTemplate(kind).value)
        if row is None or not row.body:
            raise ValidationError("err.required", field="body")
        before = {"approved_body": row.approved_body}
        row.approved_body, row.approved_by, row.approved_at = row.body, actor.username, utcnow()
        uow.audit("approve_template", "owner_template", kind, before=before, after={"approved_body": row.body})
        return uow.commit(row.body)


def record_optout(engine: Engine, actor: Actor, owner_id: int, note: str = "",
                  request_key: str | None = None) -> bool:
    """The owner asked for no more messages: recorded once, honoured from this commit on (messages
    already queued are dropped by the worker, which checks again before sending)."""
    actor.require(Capability.EDIT_OWNERS)
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError("err.too_long", field="note", max=200)
    with UnitOfWork(engine, actor.username, request_key) as uow:
        if (done := uow.done_before()) is not None:
            return done
        s = uow.session
        projects = repository.owner_projects(s, owner_id)
        if projects is None:
            raise NotFound("err.notification_unknown")
        if actor.project_ids is not None and not any(actor.sees(p) for p in projects):
            actor.require_project(projects[0] if projects else None)
        if s.get(OwnerOptOutRow, owner_id) is None:
            s.add(OwnerOptOutRow(owner_id=owner_id, recorded_by=actor.username, note=note))
            uow.audit("owner_optout", "owner", owner_id, after={"note": note})
        return uow.commit(True)
