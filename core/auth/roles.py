"""The page matrix: which page each role may open. What a role may do (and whether it sees owners'
phone numbers in full) is the capability matrix of core/auth/capabilities.py."""
from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    ADMIN = "admin"
    MANAGER = "manager"
    SUPERVISOR = "supervisor"
    FRONTDESK = "frontdesk"
    TRAINER = "trainer"


# Every page the product will have, by its stable URL path, in menu order.
# Pages of modules not built yet stay in this table so the matrix is reviewed once;
# app.py only registers the pages whose script exists.
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "home": frozenset(Role),
    # Everyone's own list: tickets received or handled, dunning steps due (services/my_work.py).
    "my_work": frozenset(Role),
    "movein_plan": frozenset({Role.ADMIN, Role.MANAGER, Role.SUPERVISOR}),
    "movein_live": frozenset({Role.ADMIN, Role.MANAGER, Role.SUPERVISOR}),
    "complaint_new": frozenset({Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.FRONTDESK}),
    "complaint_board": frozenset({Role.ADMIN, Role.MANAGER, Role.FRONTDESK}),
    # Ticket detail (hidden from the menu, opened from the board or after registering).
    "complaint": frozenset({Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.FRONTDESK}),
    "complaint_analysis": frozenset({Role.ADMIN, Role.MANAGER}),
    # The canned replies (统一说词) managers keep; the desk inserts them on the ticket page.
    "replies": frozenset({Role.ADMIN, Role.MANAGER}),
    "collections": frozenset({Role.ADMIN, Role.MANAGER, Role.FRONTDESK}),
    "collection_worklist": frozenset({Role.ADMIN, Role.MANAGER, Role.FRONTDESK}),
    "billing": frozenset({Role.ADMIN, Role.MANAGER}),   # fee schedules and the monthly run (RUN_BILLING)
    # Documents found again by number; letter templates and how to pay (MANAGE_DOCUMENTS).
    "paperwork": frozenset({Role.ADMIN, Role.MANAGER, Role.FRONTDESK}),
    "cases": frozenset({Role.ADMIN, Role.MANAGER, Role.TRAINER}),
    "training": frozenset({Role.ADMIN, Role.MANAGER, Role.TRAINER}),
    # Unit records hold owners' personal data: never for trainers.
    "units": frozenset({Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.FRONTDESK}),
    # Complaints found by the words of their content, in the user's projects (issue 14 item 9).
    "search": frozenset({Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.FRONTDESK}),
    "calendar": frozenset({Role.ADMIN, Role.MANAGER}),
    # Every write, who made it, before and after (capability VIEW_AUDIT).
    "audit": frozenset({Role.ADMIN, Role.MANAGER}),
    # A company's set-up from an empty store: company, projects, buildings, units (MANAGE_ORG).
    "setup": frozenset({Role.ADMIN}),
    # Everyone's inbox and alert settings; channels, templates and the delivery log for
    # MANAGE_NOTIFICATIONS (admin).
    "notifications": frozenset(Role),
    "admin": frozenset({Role.ADMIN}),
}

def parse_role(value: str | None) -> Role | None:
    try:
        return Role(value) if value else None
    except ValueError:
        return None


def can_open(role: str | Role | None, page: str) -> bool:
    r = parse_role(role.value if isinstance(role, Role) else role)
    return r is not None and r in PAGE_ROLES.get(page, frozenset())


def pages_for(role: str | Role | None, available: list[str] | None = None) -> list[str]:
    names = available if available is not None else list(PAGE_ROLES)
    return [p for p in PAGE_ROLES if p in names and can_open(role, p)]
