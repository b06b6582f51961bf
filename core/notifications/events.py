"""The events the services raise and who must know of each.

An event's `key` names the change once ("complaint:TS-20260501-0003:red_line:2"): the outbox
keeps one row per (key, recipient, channel), so raising the same event again (a retry, a
scheduler run after a restart) adds nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from core.auth.capabilities import Capability


class Kind(str, Enum):
    TICKET_ASSIGNED = "ticket_assigned"
    RED_LINE = "red_line"
    REPEAT_ESCALATED = "repeat_escalated"
    DEADLINE_AT_RISK = "deadline_at_risk"
    DEADLINE_OVERDUE = "deadline_overdue"
    CALLBACK_DUE = "callback_due"
    CALLBACK_REOPENED = "callback_reopened"
    LIMITATION_WARNING = "limitation_warning"
    MOVEIN_TOMORROW = "movein_tomorrow"
    QUEUE_OVER = "queue_over"
    DEFECT_OVERDUE = "defect_overdue"     # a move-in defect past its rectification deadline
    PLAN_MISSED = "plan_missed"           # an instalment of an approved payment plan missed
    DAILY_DIGEST = "daily_digest"
    OWNER_MESSAGE = "owner_message"       # a templated text to an owner (SMS)
    TEST = "test"                         # "send a test" on the admin screen


# Who must know, when the event does not name its people: holders of this capability in the
# event's project. Events that name people (a handler, a receiver) add them.
AUDIENCE: dict[Kind, Capability | None] = {
    Kind.TICKET_ASSIGNED: None,
    Kind.RED_LINE: Capability.RECEIVE_RED_LINES,
    Kind.REPEAT_ESCALATED: Capability.MANAGE_COMPLAINTS,
    Kind.DEADLINE_AT_RISK: None,
    Kind.DEADLINE_OVERDUE: Capability.MANAGE_COMPLAINTS,
    Kind.CALLBACK_DUE: Capability.MANAGE_COMPLAINTS,
    Kind.CALLBACK_REOPENED: Capability.MANAGE_COMPLAINTS,
    Kind.LIMITATION_WARNING: Capability.APPROVE_PAYMENT_PLAN,   # the managers; the collector is named
    Kind.MOVEIN_TOMORROW: Capability.PLAN_MOVEIN,
    Kind.QUEUE_OVER: Capability.PLAN_MOVEIN,
    Kind.DEFECT_OVERDUE: Capability.PLAN_MOVEIN,
    Kind.PLAN_MISSED: Capability.RECORD_DUNNING,      # the front desk and the managers of the project
    Kind.DAILY_DIGEST: None,                          # one per manager, naming them
    Kind.OWNER_MESSAGE: None,
    Kind.TEST: None,
}

# Never held back by quiet hours: a red line must reach senior management at night too.
URGENT_KINDS = frozenset({Kind.RED_LINE})
# Stays on the inbox badge after it is read, until someone acknowledges it.
NEEDS_ACK = frozenset({Kind.RED_LINE})
# Staff events a user may route to their own channels (the rest are inbox only or owner-bound).
STAFF_KINDS = tuple(k for k in Kind if k not in (Kind.OWNER_MESSAGE, Kind.TEST))


@dataclass(frozen=True)
class Event:
    kind: Kind
    key: str                               # names the change once; max 120 characters
    project_id: int | None = None
    params: dict = field(default_factory=dict)   # plain values the message is written from
    link: str = ""                         # "complaint?number=TS-…": the record it is about
    to: tuple[str, ...] = ()               # usernames named by the change (handler, receiver)
    safety: bool = False                   # a safety or emergency matter: no quiet hours
    # Only to outside channels (a reminder of a red line): the inbox entry already stands.
    outside_only: bool = False
    # Pressing enough to wake a group robot in its quiet hours (an overdue long past its deadline).
    pressing: bool = False

    def __post_init__(self):
        if not self.key or len(self.key) > 120:
            raise ValueError("event key must be 1..120 characters")
        object.__setattr__(self, "kind", Kind(self.kind))

    @property
    def urgent(self) -> bool:
        return self.safety or self.kind in URGENT_KINDS

    @property
    def robot_urgent(self) -> bool:
        """Posted to a group robot at night too: urgent, or pressing."""
        return self.urgent or self.pressing

    @property
    def audience(self) -> Capability | None:
        return AUDIENCE[self.kind]


def recipients(event: Event, holders: list[str]) -> list[str]:
    """The people an event goes to: those it names, then the holders of its audience capability
    (in its project), each once, in that order; nobody twice because they are both."""
    out: list[str] = []
    for name in (*event.to, *(holders if event.audience is not None else ())):
        if name and name not in out:
            out.append(name)
    return out
