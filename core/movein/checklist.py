"""The preparation checklist of a handover batch (from the seed), with owners and due dates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import ValidationError
from core.org.rules import normalise_text

# Item code and how many days before the first handover day it should be done.
DEFAULT_ITEMS = [
    ("documents", 21),      # 资料准备
    ("boards", 14),         # 展板制作
    ("process", 21),        # 流程设计
    ("training", 7),        # 入住培训: flow, points of attention, unified wording
    ("site", 3),            # 场地布置
    ("drill", 2),           # 模拟演练与流程优化
    ("organisation", 1),    # 现场组织
    ("emergency", 5),       # 应急预案及问题处理小组
    ("ambassadors", 5),     # 客户大使
]


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    owner: str
    due: date
    done: bool = False

    def overdue(self, today: date) -> bool:
        return not self.done and self.due < today


def default_checklist(first_day: date, owner: str) -> list[ChecklistItem]:
    return [ChecklistItem(code, owner, first_day - timedelta(days=days)) for code, days in DEFAULT_ITEMS]


def validate_owner(owner: str) -> str:
    """Every item has someone answering for it."""
    owner = normalise_text(owner)
    if not owner:
        raise ValidationError("err.required", field="owner")
    if len(owner) > 40:
        raise ValidationError("err.too_long", field="owner", max=40)
    return owner
