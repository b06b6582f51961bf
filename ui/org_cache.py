"""Cached reads of projects, buildings, units and staff names. Each takes the reader (role and
project scope) that changes its answer, so users with the same scope share one cache entry."""
from __future__ import annotations

from core.auth.actor import Actor
from services import org, users
from ui.cache import _engine_for, cached


@cached("org", ttl=60)
def units_by_status(url: str, reader: Actor):
    return org.units_by_status(_engine_for(url), reader)


@cached("org", ttl=300)
def projects(url: str, reader: Actor):
    return org.list_projects(_engine_for(url), reader)


@cached("org", ttl=300)
def buildings(url: str, reader: Actor):
    return org.list_buildings(_engine_for(url), reader)


@cached("users", ttl=300)
def staff_names(url: str, active_only: bool = False) -> dict[str, str]:
    """username -> display name, to show people rather than login names (no personal data of
    owners, so one entry for every reader)."""
    return users.staff_names(_engine_for(url), active_only)


def person(url: str, username: str | None) -> str:
    """The person's display name ('陈客服'), never the login; a name typed by hand (a trade's
    handler in older tickets) is shown as typed."""
    if not username:
        return ""
    name = staff_names(url).get(username)
    return name or username


@cached("org", ttl=300)
def company_name(url: str) -> str | None:
    """The company's name, for the sidebar (None until the set-up names it)."""
    company = org.company(_engine_for(url))
    return company.name if company else None
