"""Complaint domain data."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum


class Stage(str, Enum):
    """The step a ticket is waiting for. Registering completes 受理, so a new ticket waits for 判定."""
    RECEIVED = "received"        # 受理
    JUDGE = "judge"              # 判定
    INVESTIGATE = "investigate"  # 调查
    ASSIGN = "assign"            # 指派
    PROPOSE = "propose"          # 方案
    AGREE = "agree"              # 约定
    IMPLEMENT = "implement"      # 处理
    FEEDBACK = "feedback"        # 反馈确认
    CALLBACK = "callback"        # 回访
    CLOSED = "closed"            # 关闭


STAGE_ORDER = list(Stage)
OPEN_STAGES = [s for s in Stage if s not in (Stage.RECEIVED, Stage.CLOSED)]


class Channel(str, Enum):
    PHONE = "phone"              # 电话
    WALK_IN = "walk_in"          # 来访
    PROXY = "proxy"              # 委托他人
    LETTER = "letter"            # 信函
    SUGGESTION_BOX = "box"       # 意见箱
    RELAYED = "relayed"          # 员工转达 (guard, cleaner...): who relayed it is required
    FAX = "fax"                  # 传真
    ONLINE = "online"            # 网上


class Category(str, Enum):
    SERVICE = "service"          # 物业服务
    FEES = "fees"                # 收费
    COMMUNITY = "community"      # 社区文化
    EMERGENCY = "emergency"      # 突发事件
    NEIGHBOURS = "neighbours"    # 邻里关系
    REPAIRS = "repairs"          # 维修
    SECURITY = "security"        # 安全
    CLEANING = "cleaning"        # 保洁
    GREENING = "greening"        # 绿化
    OTHER = "other"              # 其他


# Safety and emergencies never wait for office hours.
ROUND_THE_CLOCK = frozenset({Category.SECURITY, Category.EMERGENCY})


class Want(str, Enum):
    """What the customer wants (the seed's A–G); several may apply."""
    SERIOUS = "A"      # take me seriously
    RESPECT = "B"      # respect me
    FIX_NOW = "C"      # fix it now
    COMPENSATE = "D"   # compensate me
    PUNISH = "E"       # punish the person
    NEVER_AGAIN = "F"  # make sure it never happens again
    HEAR_ME = "G"      # listen to my opinion


class RedLine(str, Enum):
    MEDIA = "media"                  # media exposure
    FINANCIAL_LOSS = "financial"     # large financial loss
    BRAND = "brand"                  # brand damage


class Escalation(str, Enum):
    NONE = "none"
    MANAGER = "manager"    # repeat complaints
    SENIOR = "senior"      # red lines


class ClosedAs(str, Enum):
    """How a closed ticket ended, when not the normal way (a satisfied call-back): None then."""
    UNREACHABLE = "unreachable"  # the owner could not be reached on enough different days


class ClockPauseReason(str, Enum):
    """Why a ticket's clocks stand still (not the dunning ladder's PauseReason)."""
    CUSTOMER = "customer"        # waiting on the customer
    THIRD_PARTY = "third_party"  # waiting on a developer, utility, contractor...


@dataclass(frozen=True)
class Callback:
    by: str
    at: datetime
    reached: bool
    satisfaction: int | None = None
    comment: str = ""


@dataclass(frozen=True)
class Complaint:
    """A ticket as the rules see it. Changes return a new Complaint plus timeline events."""
    number: str
    received_at: datetime
    channel: Channel
    complainant: str
    phone: str | None
    unit_id: int | None
    place: str
    content: str
    category: Category
    receiver: str                         # owns the ticket end to end
    stage: Stage = Stage.JUDGE
    relayed_by: str | None = None
    subject: str = ""                     # person or department complained about
    wants: tuple[Want, ...] = ()
    valid: bool | None = None
    invalid_reason: str = ""
    invalid_proposed_by: str | None = None   # who said "not valid": never the one who signs it off
    signoff_by: str | None = None
    reply: str = ""
    cause: str = ""
    department: str = ""
    handler: str | None = None            # responsible person for the work
    options: tuple[str, ...] = ()
    agreed_steps: str = ""
    agreed_at: datetime | None = None     # the agreed time: deadline of the implementation stage
    implementation: str = ""
    customer_confirmed: bool = False
    callbacks: tuple[Callback, ...] = ()
    callback_attempts: int = 0
    root_cause: str = ""
    prevention: str = ""
    red_lines: tuple[RedLine, ...] = ()
    escalation: Escalation = Escalation.NONE
    escalation_acknowledged_by: str | None = None
    repeat_of: str | None = None          # number of the first complaint on this unit and matter
    repeat_count: int = 1                 # 第N次
    reopened: int = 0
    stage_started_at: datetime | None = None
    stage_deadline: datetime | None = None
    due_at: datetime | None = None        # overall deadline
    paused_since: datetime | None = None
    pause_reason: ClockPauseReason | None = None
    closed_at: datetime | None = None
    closed_as: ClosedAs | None = None    # 0025: the closing reason when not a satisfied call-back
    calendar_version: str | None = None   # the working calendar the current deadlines were set on
    version: int = 1

    def with_(self, **changes) -> "Complaint":
        return replace(self, **changes)

    @property
    def satisfied_callback(self) -> Callback | None:
        for cb in reversed(self.callbacks):
            if cb.reached:
                return cb if (cb.satisfaction or 0) >= SATISFIED_FROM else None
        return None


SATISFIED_FROM = 3  # 1–2 on the 1–5 scale counts as dissatisfied and reopens the ticket


@dataclass(frozen=True)
class Event:
    """One line of the timeline: who did what, when."""
    at: datetime
    actor: str
    action: str
    stage_from: Stage | None
    stage_to: Stage | None
    detail: dict = field(default_factory=dict)
