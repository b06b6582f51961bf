"""Every working-calendar write as every role, with every project scope: refused exactly where the
capability matrix (core/auth/capabilities.py) says so, with nothing written. A project's hours need
that project in the actor's scope; the company's hours and the official years are company-wide, so
only an actor of every project may change them. On SQLite and PostgreSQL."""
from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.errors import PermissionDenied
from db.calendar_models import OfficialYearRow, WorkingHoursRow
from db.models import AuditLog
from services import calendar as svc
from store_helpers import add_project

ADMIN = Actor("admin", Role.ADMIN)


@dataclass
class Site:
    engine: object
    own: int
    other: int


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory):
    from db.engine import make_engine
    from db.migrate import upgrade

    server = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('calperm') / 'app.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        name = f"calperm_{os.getpid()}"
        url = server.create_database(name)
    upgrade(url)
    engine = make_engine(url)
    yield Site(engine, add_project(engine, "P001", "深圳·翠湖园", "深圳"),
               add_project(engine, "P002", "广州·星河苑", "广州"))
    engine.dispose()
    if server is not None:
        server.drop_database(name)


def hours_version(site: Site, project_id: int | None) -> int:
    return svc.overview(site.engine, ADMIN, project_id).hours.version


def year_version(site: Site, year: int) -> int:
    with site.engine.connect() as conn:
        return conn.scalar(select(OfficialYearRow.version).where(OfficialYearRow.year == year)) or 0


def _year_entered(site: Site, year: int = 2027) -> None:
    if not year_version(site, year):
        svc.save_year(site.engine, ADMIN, year, "2027-02-06..2027-02-13", "")


def _own_hours(site: Site) -> None:
    if not hours_version(site, site.own):
        svc.save_hours(site.engine, ADMIN, site.own, "seven_days")


# Each write, set up so that only the capability and the scope can refuse it:
# (project-scoped?, prepare(site), write(site, actor)).
CASES = {
    "save_hours (company)": (False, lambda site: None, lambda site, actor: svc.save_hours(
        site.engine, actor, None, "saturday_morning", expected_version=hours_version(site, None))),
    "save_hours (project)": (True, lambda site: None, lambda site, actor: svc.save_hours(
        site.engine, actor, site.own, "seven_days", open_on_holidays=True,
        expected_version=hours_version(site, site.own))),
    "use_company_hours": (True, _own_hours, lambda site, actor: svc.use_company_hours(
        site.engine, actor, site.own, hours_version(site, site.own))),
    "save_year": (False, lambda site: None, lambda site, actor: svc.save_year(
        site.engine, actor, 2028, "2028-01-26..2028-02-02", "", expected_version=year_version(site, 2028))),
    "drop_year": (False, _year_entered, lambda site, actor: svc.drop_year(
        site.engine, actor, 2027, year_version(site, 2027))),
}
SCOPES = ("all projects", "own project", "other project")


def actor_of(role: Role, scope: str, site: Site) -> Actor:
    projects = {"all projects": None, "own project": (site.own,), "other project": (site.other,)}[scope]
    return Actor(f"{role.value}-{scope.split()[0]}", role, projects)


def written(site: Site) -> tuple:
    with site.engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(AuditLog)),
                conn.scalar(select(func.coalesce(func.sum(WorkingHoursRow.version), 0))),
                conn.scalar(select(func.coalesce(func.sum(OfficialYearRow.version), 0))),
                conn.scalar(select(func.count()).select_from(OfficialYearRow)),
                conn.scalar(select(func.count()).select_from(WorkingHoursRow)))


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_write_as_every_role(site, role, case, scope):
    project_scoped, prepare, write = CASES[case]
    actor = actor_of(role, scope, site)
    prepare(site)
    before = written(site)
    allowed = can(role, Capability.MANAGE_CALENDAR)
    in_scope = scope == "all projects" or (project_scoped and scope == "own project")
    if allowed and in_scope:
        write(site, actor)
        assert written(site) != before
        return
    with pytest.raises(PermissionDenied) as info:
        write(site, actor)
    assert info.value.key == ("err.other_project" if allowed else "err.not_allowed")
    assert written(site) == before


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_reading_the_calendar_follows_the_matrix(site, role):
    actor = Actor(f"{role.value}-read", role)
    if can(role, Capability.VIEW_CALENDAR):
        assert svc.overview(site.engine, actor).hours.project_id is None
        return
    with pytest.raises(PermissionDenied):
        svc.overview(site.engine, actor)


def test_only_admin_changes_the_calendar_and_managers_read_it():
    """The matrix itself, as the issue puts it: admin edits; manager may view."""
    assert {r for r in Role if can(r, Capability.MANAGE_CALENDAR)} == {Role.ADMIN}
    assert {r for r in Role if can(r, Capability.VIEW_CALENDAR)} == {Role.ADMIN, Role.MANAGER}
