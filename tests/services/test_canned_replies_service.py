"""Canned replies (统一说词) and registration prefill, on SQLite and PostgreSQL: the demo's wordings,
who may edit them, the version check between two managers, the audit trail, the wordings a ticket's
form is offered; the owner prefilled from the unit, the phone only for roles that see it in full."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.auth.roles import Role
from core.complaints.replies import Situation
from core.complaints.workflow import Actor
from core.errors import ConflictError, PermissionDenied, ValidationErrors
from db.models import AuditLog
from services import canned_replies as svc
from services import complaints
from test_complaints_service import make_site

MANAGER = Actor("zhou", Role.MANAGER)
MANAGER2 = Actor("wu", Role.MANAGER)
ADMIN = Actor("admin", Role.ADMIN)
DESK = Actor("chen", Role.FRONTDESK)
SUPERVISOR = Actor("lin", Role.SUPERVISOR)
TRAINER = Actor("su", Role.TRAINER)


@pytest.fixture
def engine(engine):
    """A migrated store (the table starts empty) with the demo's wordings."""
    from demo.replies import seed_replies

    assert svc.all_replies(engine, MANAGER) == []
    seed_replies(engine)
    return engine


def test_the_demo_has_a_wording_for_every_situation(engine):
    library = svc.all_replies(engine, DESK)
    assert {r.situation for r in library} == {s.value for s in Situation}
    assert all(r.active and r.version == 1 and r.body and r.updated_by == "system" for r in library)
    assert any(r.category is None for r in library) and any(r.category == "repairs" for r in library)


@pytest.mark.parametrize("actor", [DESK, SUPERVISOR, TRAINER], ids=lambda a: a.username)
def test_only_managers_edit_wordings(engine, actor):
    first = svc.all_replies(engine, MANAGER)[0]
    with pytest.raises(PermissionDenied):
        svc.save_reply(engine, actor, reply_id=first.id, expected_version=first.version, situation=first.situation,
                       category=first.category, title="改过的标题", body=first.body)
    with pytest.raises(PermissionDenied):
        svc.save_reply(engine, actor, situation="apology", category=None, title="新说词", body="抱歉。")
    assert svc.all_replies(engine, MANAGER)[0] == first


def test_the_trainer_does_not_read_the_library(engine):
    with pytest.raises(PermissionDenied):
        svc.all_replies(engine, TRAINER)


def test_a_manager_adds_and_edits_a_wording_and_each_write_is_audited(engine):
    new_id = svc.save_reply(engine, MANAGER, situation="apology", category="greening", title="绿化致歉",
                            body="很抱歉草坪修剪的噪音打扰了您。")
    added = next(r for r in svc.all_replies(engine, DESK) if r.id == new_id)
    assert (added.category, added.title, added.version, added.updated_by) == ("greening", "绿化致歉", 1, "zhou")
    svc.save_reply(engine, ADMIN, reply_id=new_id, expected_version=1, situation="apology", category="greening",
                   title="绿化致歉", body="很抱歉，修剪时间已改到上午九点以后。", active=False)
    edited = next(r for r in svc.all_replies(engine, DESK) if r.id == new_id)
    assert (edited.body, edited.active, edited.version, edited.updated_by) == (
        "很抱歉，修剪时间已改到上午九点以后。", False, 2, "admin")
    with engine.connect() as conn:
        trail = conn.execute(select(AuditLog.actor, AuditLog.action, AuditLog.before, AuditLog.after)
                             .where(AuditLog.entity == "canned_reply", AuditLog.entity_id == str(new_id))
                             .order_by(AuditLog.id)).all()
    assert [(a, act) for a, act, _, _ in trail] == [("zhou", "add"), ("admin", "edit")]
    assert trail[1].before["body"] == "很抱歉草坪修剪的噪音打扰了您。" and trail[1].after["active"] is False
    # A retired wording stays in the library but is no longer offered on a ticket.
    assert new_id not in [r.id for r in svc.for_action(engine, DESK, "feedback", "greening")]


def test_two_managers_editing_one_wording_never_overwrite_each_other(engine):
    target = svc.all_replies(engine, MANAGER)[0]
    common = dict(reply_id=target.id, expected_version=target.version, situation=target.situation,
                  category=target.category, title=target.title)
    svc.save_reply(engine, MANAGER, body="第一位经理的版本。", **common)
    with pytest.raises(ConflictError):      # the second saves on the version both had loaded
        svc.save_reply(engine, MANAGER2, body="第二位经理的版本。", **common)
    now = next(r for r in svc.all_replies(engine, DESK) if r.id == target.id)
    assert (now.body, now.version, now.updated_by) == ("第一位经理的版本。", target.version + 1, "zhou")
    with engine.connect() as conn:
        edits = conn.execute(select(AuditLog.actor).where(AuditLog.entity == "canned_reply",
                                                          AuditLog.action == "edit")).scalars().all()
    assert edits == ["zhou"]


def test_a_wrong_wording_names_every_field_and_writes_nothing(engine):
    before = svc.all_replies(engine, MANAGER)
    with pytest.raises(ValidationErrors) as refused:
        svc.save_reply(engine, MANAGER, situation="apology", category=None, title="", body=" ")
    assert {e.field for e in refused.value.errors} == {"reply_title", "reply_body"}
    assert svc.all_replies(engine, MANAGER) == before


def test_the_same_save_sent_twice_adds_one_wording(engine):
    args = dict(situation="first_reply", category=None, title="夜间首次答复", body="您好，夜班已记录。")
    first = svc.save_reply(engine, MANAGER, request_key="k-1", **args)
    assert svc.save_reply(engine, MANAGER, request_key="k-1", **args) == first
    assert [r.title for r in svc.all_replies(engine, MANAGER)].count("夜间首次答复") == 1


def test_a_ticket_form_is_offered_the_wordings_that_fit_it(engine):
    offered = svc.for_action(engine, DESK, "callback", "repairs")
    assert offered and {r.situation for r in offered} <= {"callback", "apology"}
    assert offered[0].situation == "callback" and offered[0].category == "repairs"   # its own category first
    assert all(r.category in (None, "repairs") for r in offered)
    not_valid = svc.for_action(engine, DESK, "sign_off_invalid", "neighbours")
    assert not_valid[0].situation == "not_valid" and not_valid[0].category == "neighbours"
    assert svc.for_action(engine, DESK, "assign", "repairs") == []


def test_the_caller_is_prefilled_from_the_unit_phone_only_for_who_sees_it(engine):
    site = make_site(engine)
    unit = site.units[("P001", "3-1906")]
    assert complaints.unit_caller(engine, DESK, unit) == ("王伟", "13812345678")
    assert complaints.unit_caller(engine, SUPERVISOR, unit) == ("王伟", "")    # masked for this role: not prefilled
    with pytest.raises(PermissionDenied):
        complaints.unit_caller(engine, TRAINER, unit)
    with pytest.raises(PermissionDenied):   # a desk scoped to another project does not learn the owner
        complaints.unit_caller(engine, Actor("gz", Role.FRONTDESK, (site.gz,)), unit)
    # Registered with the prefilled caller: what the form would send.
    name, phone = complaints.unit_caller(engine, DESK, unit)
    number = complaints.register(engine, DESK, unit_id=unit, channel="phone", complainant=name, phone=phone,
                                 content="阳台下水道返味。", category="repairs")
    saved = complaints.load(engine, MANAGER, number)
    assert (saved.complainant, saved.phone) == ("王伟", "13812345678")
