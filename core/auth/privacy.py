"""Personal data as a role may see it: the one rule every view of an owner's or complainant's
phone number goes through (PIPL: in full only to roles that call people back)."""
from __future__ import annotations

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.org.rules import mask_phone


def may_see_full_phone(actor: Actor) -> bool:
    return actor.can(Capability.SEE_FULL_PHONE)


def phone_as_seen(actor: Actor, phone: str | None) -> str:
    """The number in full for roles that need it, else 138****1234; '' for none."""
    if not phone:
        return ""
    return phone if may_see_full_phone(actor) else mask_phone(phone)
