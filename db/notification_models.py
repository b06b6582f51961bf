"""Storage of alerts and owner messages (0018): the outbox of outside deliveries, the in-app
inbox, channel settings, each user's routes and quiet hours, owner templates and opt-outs, and
the scheduler's last run per job."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class OutboxRow(Base):
    """One delivery: an event to one recipient over one channel. Written in the transaction of the
    change that caused it; (event_key, recipient, channel) is unique, so raising the same event
    twice queues nothing more. States: queued -> sending (leased by one worker) -> sent, or back to
    queued with a later next_at, finally dead (a dead letter, resent only by an admin)."""
    __tablename__ = "notification_outbox"
    __table_args__ = (UniqueConstraint("event_key", "recipient", "channel"),
                      Index("ix_notification_outbox_state_next", "state", "next_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    recipient: Mapped[str] = mapped_column(String(64))      # username, "owner:<id>" or "channel:<id>"
    channel: Mapped[str] = mapped_column(String(12))
    channel_id: Mapped[int | None] = mapped_column(Integer)  # the configured robot, SMTP or SMS account
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(String(2000), default="")
    link: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # an SMS template's values
    project_id: Mapped[int | None] = mapped_column(Integer)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InboxRow(Base):
    """An alert in a user's in-app inbox, written with the change itself (no worker needed to see
    it). A red line stays on the badge after it is read, until someone acknowledges it."""
    __tablename__ = "notification_inbox"
    __table_args__ = (UniqueConstraint("event_key", "username"),
                      Index("ix_notification_inbox_user_read", "username", "read_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    event_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)   # shown in the reader's language
    link: Mapped[str] = mapped_column(String(200), default="")
    project_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    needs_ack: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))


class ChannelRow(Base):
    """A configured outside channel: a group robot (with the events it receives), the SMTP server
    or the SMS account. Nothing is sent over a channel that is not enabled."""
    __tablename__ = "notification_channels"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(40))
    config: Mapped[dict] = mapped_column(JSON, default=dict)
    events: Mapped[list] = mapped_column(JSON, default=list)   # event kinds a group robot receives
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class PreferenceRow(Base):
    """A user's e-mail address, quiet hours and, per event kind, the outside channels they want
    it on (the inbox always has it)."""
    __tablename__ = "notification_prefs"
    username: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(120), default="")
    quiet: Mapped[str] = mapped_column(String(11), default="")      # "22:00-07:30" China time
    routes: Mapped[dict] = mapped_column(JSON, default=dict)        # kind -> ["email", ...]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class OwnerTemplateRow(Base):
    """An owner message text: the draft an admin edits, and the approved text, the only one sent."""
    __tablename__ = "owner_templates"
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    body: Mapped[str] = mapped_column(String(500), default="")
    approved_body: Mapped[str | None] = mapped_column(String(500))
    provider_code: Mapped[str] = mapped_column(String(40), default="")   # the SMS provider's template id
    edited_by: Mapped[str] = mapped_column(String(32))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(32))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class OwnerOptOutRow(Base):
    """An owner who asked for no more messages: recorded with who took it and when, honoured at
    raise time and again at delivery."""
    __tablename__ = "owner_optouts"
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(200), default="")


class JobRunRow(Base):
    """The last slot each scheduled job ran for ('2026-05-01' for a daily one): a restarted or a
    second worker does not run it again."""
    __tablename__ = "scheduled_jobs"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_slot: Mapped[str] = mapped_column(String(20))
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
