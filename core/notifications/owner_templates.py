"""Messages to owners, from texts an admin writes and approves. Each kind offers its own
placeholders; a text naming another is refused on save (core/templates), and one longer than an
SMS segment once filled with the longest usual values is refused too."""
from __future__ import annotations

from enum import Enum

from core.notifications.channels import check_sms_length
from core.templates import check, fill


class OwnerTemplate(str, Enum):
    MOVEIN_REMINDER = "movein_reminder"
    COMPLAINT_RECEIVED = "complaint_received"
    COMPLAINT_RESOLVED = "complaint_resolved"
    COMPLAINT_CALLBACK = "complaint_callback"
    FEE_NOTICE = "fee_notice"
    FEE_REMINDER = "fee_reminder"


ALLOWED: dict[OwnerTemplate, frozenset[str]] = {
    OwnerTemplate.MOVEIN_REMINDER: frozenset({"owner", "project", "room", "date", "time"}),
    OwnerTemplate.COMPLAINT_RECEIVED: frozenset({"owner", "number", "project"}),
    OwnerTemplate.COMPLAINT_RESOLVED: frozenset({"owner", "number", "project"}),
    OwnerTemplate.COMPLAINT_CALLBACK: frozenset({"owner", "number", "project"}),
    OwnerTemplate.FEE_NOTICE: frozenset({"owner", "project", "room", "amount", "month"}),
    OwnerTemplate.FEE_REMINDER: frozenset({"owner", "project", "room", "amount", "month"}),
}

# Long but usual values: a text that fits with these fits an SMS segment in practice.
SAMPLE = {"owner": "欧阳先生", "project": "翠湖园", "room": "12-2906", "date": "10月12日", "time": "14:00",
          "number": "TS-20260501-0012", "amount": "12,345.67", "month": "2026-05"}


def validate_body(kind: str, body: str, sign_name: str = "") -> str:
    kind = OwnerTemplate(kind)
    body = (body or "").strip()
    check(body, ALLOWED[kind])
    check_sms_length(fill(body, SAMPLE), sign_name)
    return body
