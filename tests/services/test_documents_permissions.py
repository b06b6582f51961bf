"""Every write of services.documents (issuing a document records it; saving a template or how to
pay) as every role, in the actor's project and in another: refused exactly where
ROLE_CAPABILITIES says so."""
from __future__ import annotations

import pytest

from core.auth.actor import Actor
from core.auth.capabilities import Capability, can
from core.auth.roles import Role
from core.errors import PermissionDenied
from services import documents
from test_documents_service import _pay, household, session, store  # noqa: F401  (fixtures)

C = Capability


def refusal(call) -> str | None:
    try:
        call()
    except PermissionDenied as e:
        return e.key
    return None


def expected(role: Role, capability: Capability, in_scope: bool = True) -> str | None:
    if not can(role, capability):
        return "err.not_allowed"
    return None if in_scope else "err.other_project"


@pytest.mark.parametrize("in_scope", [True, False], ids=["own_project", "other_project"])
@pytest.mark.parametrize("role", list(Role))
def test_collection_papers(store, role, in_scope):
    engine, pid, units = store
    actor = Actor("someone", role, (pid,) if in_scope else (pid + 99,))
    paid = _pay(engine, units["3-1906"], "100.00")
    assert refusal(lambda: documents.issue_receipt(engine, actor, paid.payment_id)) == \
        expected(role, C.RECORD_PAYMENT, in_scope)
    assert refusal(lambda: documents.issue_letter(engine, actor, units["3-201"], "reminder")) == \
        expected(role, C.RECORD_DUNNING, in_scope)
    assert refusal(lambda: documents.payment_notices(engine, actor, pid, "2026-02")) == \
        expected(role, C.RECORD_DUNNING, in_scope)
    assert refusal(lambda: documents.set_how_to_pay(engine, actor, pid, "前台缴费")) == \
        expected(role, C.MANAGE_DOCUMENTS, in_scope)


@pytest.mark.parametrize("role", list(Role))
def test_letter_templates(engine, role):
    actor = Actor("someone", role)
    assert refusal(lambda: documents.save_letter_template(engine, actor, "reminder", "催缴函", "{owner}您好")) == \
        expected(role, C.MANAGE_DOCUMENTS)
    assert refusal(lambda: documents.preview_letter(engine, actor, "reminder", "催缴函", "{owner}您好")) == \
        expected(role, C.MANAGE_DOCUMENTS)


@pytest.mark.parametrize("in_scope", [True, False], ids=["own_project", "other_project"])
@pytest.mark.parametrize("role", list(Role))
def test_handover_papers(household, role, in_scope):
    engine, pid, batch, appt = household
    actor = Actor("someone", role, (pid,) if in_scope else (pid + 99,))
    assert refusal(lambda: documents.issue_handover(engine, actor, appt)) == expected(role, C.RUN_MOVEIN_HALL, in_scope)
    assert refusal(lambda: documents.issue_defect_list(engine, actor, appt)) == \
        expected(role, C.RUN_MOVEIN_HALL, in_scope)


@pytest.mark.parametrize("role", list(Role))
def test_training_papers(session, role):
    engine, sid = session
    actor = Actor("someone", role)
    assert refusal(lambda: documents.issue_handout(engine, actor, sid, "trainee")) == expected(role, C.RUN_TRAINING)
    assert refusal(lambda: documents.issue_sign_in(engine, actor, sid)) == expected(role, C.RUN_TRAINING)
