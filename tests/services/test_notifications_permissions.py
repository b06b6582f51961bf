"""Every alerts write as every role, in the actor's project and in another: refused exactly where
the capability matrix says so (MANAGE_NOTIFICATIONS for channels, templates, resend; EDIT_OWNERS
and the owner's project for an opt-out; ACKNOWLEDGE_RED_LINE to acknowledge from the inbox), with
nothing written; one's own inbox and alert settings are everyone's. On SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.errors import PermissionDenied
from db.models import AuditLog, Owner, Unit
from db.notification_models import OutboxRow
from notify_helpers import ADMIN, add_staff
from services import complaints, notifications as svc
from services import org
from store_helpers import add_project, row

ROLES = list(Role)


def audit_count(engine) -> int:
    with engine.connect() as c:
        return c.scalar(select(func.count()).select_from(AuditLog))


@pytest.fixture
def site(engine):
    own = add_project(engine, "P001", "深圳·翠湖园", "深圳")
    other = add_project(engine, "P002", "广州·星河苑", "广州")
    org.import_units(engine, ADMIN, own, [row("3-1906", "王伟", "13812345678")])
    org.import_units(engine, ADMIN, other, [row("3-1907", "李娜", "13912345678")])
    with engine.connect() as c:
        owners = dict(c.execute(select(Unit.project_id, Unit.owner_id)).all())
    svc.save_channel(engine, ADMIN, None, "wecom", "群", {"url": "http://127.0.0.1:9/x"}, ["red_line"], True)
    add_staff(engine, own)
    return engine, own, other, owners


def attempt(fn) -> bool:
    try:
        fn()
        return True
    except PermissionDenied:
        return False


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["own", "other"])
def test_admin_writes_follow_the_matrix(site, role, where):
    engine, own, other, owners = site
    actor = Actor(f"u_{role.value}", role, (own if where == "own" else other,))
    allowed = can(role, Capability.MANAGE_NOTIFICATIONS)
    before = audit_count(engine)
    assert attempt(lambda: svc.save_channel(engine, actor, None, "wecom", "新群", {"url": "https://x.cn/h"},
                                            [], True)) == allowed
    assert attempt(lambda: svc.save_template(engine, actor, "complaint_received", "{owner}您好，投诉{number}已受理。")) \
        == allowed
    assert attempt(lambda: svc.approve_template(engine, actor, "complaint_received")) == allowed
    with engine.begin() as c:
        c.execute(update(OutboxRow).values(state="dead"))
    ids = svc.delivery_log(engine, ADMIN, "dead")["id"].tolist()
    if ids:
        assert attempt(lambda: svc.resend(engine, actor, int(ids[0]))) == allowed
    if not allowed:
        assert audit_count(engine) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["own", "other"])
def test_an_owner_opt_out_needs_edit_owners_in_the_owners_project(site, role, where):
    engine, own, other, owners = site
    actor = Actor(f"u_{role.value}", role, (own,))
    owner = owners[own if where == "own" else other]
    allowed = can(role, Capability.EDIT_OWNERS) and where == "own"
    assert attempt(lambda: svc.record_optout(engine, actor, owner, "不要短信")) == allowed


@pytest.mark.parametrize("role", ROLES)
def test_everyone_keeps_their_own_inbox_and_settings(site, role):
    engine, own, *_ = site
    actor = Actor(f"u_{role.value}", role, (own,))
    assert svc.save_my_settings(engine, actor, "", "22:00-07:00", {}).quiet == "22:00-07:00"
    assert svc.mark_read(engine, actor) == 0
    assert svc.unread_count(engine, actor) == 0


@pytest.mark.parametrize("role", ROLES)
def test_acknowledging_a_red_line_from_the_inbox_follows_the_matrix(site, role):
    engine, own, *_ = site
    desk = Actor("desk", Role.FRONTDESK, (own,))
    complaints.register(engine, desk, channel="phone", complainant="王先生", phone="13912345678", place="南门",
                        content="媒体来访", category="service", project_id=own, red_lines=("media",))
    [item] = svc.inbox(engine, Actor("boss", Role.MANAGER), "zh")
    # the item belongs to boss; another person may not acknowledge someone else's entry
    actor = Actor("boss", role)
    allowed = can(role, Capability.ACKNOWLEDGE_RED_LINE)
    assert attempt(lambda: svc.acknowledge(engine, actor, item.id)) == allowed
    assert (svc.unread_count(engine, Actor("root", Role.ADMIN)) == 0) == allowed
