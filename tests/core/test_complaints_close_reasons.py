"""Closing explains itself (issue 14): the same rule that refuses close() lists what is missing,
each with the action that supplies it for the person looking; the page's preselected action is the
stage's next step, never "pause the clock". Phone numbers as people write them. No database."""
import pytest

from core.complaints import workflow as wf
from core.complaints.model import Stage
from core.complaints.replies import Situation, appended, fits, validate_wording
from core.errors import DomainError, ValidationErrors
from core.org.rules import validate_phone
from test_complaints_workflow import DATA, DESK, DESK2, H, HANDLER, MANAGER, T0, at, ready_to_close


def keys(missing) -> list[str]:
    return [m.key for m in missing]


def test_the_missing_list_is_the_rule_that_refuses_close():
    for c in (at(Stage.FEEDBACK), at(Stage.CALLBACK), ready_to_close().with_(root_cause="")):
        with pytest.raises(DomainError) as refused:
            wf.close(c, DESK, T0 + 20 * H)
        assert keys(wf.close_missing(c, DESK)) == refused.value.params["reasons"] == wf.close_blockers(c)
    assert wf.close_missing(ready_to_close(), DESK) == []


def test_at_the_callback_stage_the_receiver_is_told_who_calls_back():
    c = at(Stage.CALLBACK)
    missing = {m.key: m for m in wf.close_missing(c, DESK)}
    assert list(missing) == ["close.need_callback", "close.need_root_cause"]
    # The receiver may not call back: no button, a hint to ask a colleague; the root cause is theirs.
    assert (missing["close.need_callback"].action, missing["close.need_callback"].hint) == (None, "close.hint_colleague")
    assert missing["close.need_root_cause"].action == "record_root_cause"
    # A colleague who neither received nor handles it is offered the call-back itself.
    assert {m.key: m.action for m in wf.close_missing(c, DESK2)}["close.need_callback"] == "callback"
    assert {m.key: m.action for m in wf.close_missing(c, HANDLER)}["close.need_callback"] is None


def test_at_the_feedback_stage_confirmation_opens_the_feedback_form():
    missing = wf.close_missing(at(Stage.FEEDBACK), DESK)
    assert keys(missing)[:2] == ["close.need_callback_stage", "close.need_confirmation"]
    assert [m.action for m in missing[:2]] == ["feedback", "feedback"]


def test_a_paused_clock_is_supplied_by_resuming():
    c = ready_to_close().with_(paused_since=T0 + 11 * H)
    assert [(m.key, m.action) for m in wf.close_missing(c, DESK)] == [("close.paused", "resume")]


def test_close_is_offered_once_nothing_is_missing_and_is_then_the_default():
    c = ready_to_close()
    assert "close" in wf.allowed_actions(c, DESK)
    assert wf.default_action(c, DESK) == "close"
    assert "close" not in wf.allowed_actions(at(Stage.CALLBACK), DESK)


@pytest.mark.parametrize("stage", [Stage.JUDGE, Stage.INVESTIGATE, Stage.ASSIGN, Stage.PROPOSE, Stage.AGREE,
                                   Stage.IMPLEMENT, Stage.FEEDBACK, Stage.CALLBACK])
@pytest.mark.parametrize("actor", [DESK, DESK2, MANAGER, HANDLER], ids=lambda a: a.username)
def test_the_default_action_is_never_pause(stage, actor):
    c = at(stage)
    actions = wf.allowed_actions(c, actor)
    default = wf.default_action(c, actor, actions)
    assert default != "pause"
    assert default is None or default in actions


def test_the_default_is_the_stage_step_or_what_closing_needs():
    assert wf.default_action(at(Stage.JUDGE), DESK) == "judge_valid"
    assert wf.default_action(at(Stage.FEEDBACK), DESK) == "feedback"
    # The receiver at the call-back stage cannot call back: the root cause closing needs comes first.
    assert wf.default_action(at(Stage.CALLBACK), DESK) == "record_root_cause"
    assert wf.default_action(at(Stage.CALLBACK), DESK2) == "callback"
    done, _ = wf.record_root_cause(at(Stage.CALLBACK), DESK, T0 + 10 * H, **DATA["record_root_cause"])
    assert wf.default_action(done, DESK) is None            # waiting for a colleague's call-back


@pytest.mark.parametrize("typed,stored", [
    ("138-1234-5678", "13812345678"), ("138 1234 5678", "13812345678"), ("+86 13812345678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"), ("0086 13812345678", "13812345678"), ("８６１３８１２３４５６７８", "13812345678"),
    ("0755-12345678", "0755-12345678"), ("(0755) 1234 5678", "0755-12345678"), ("010 1234 5678", "010-12345678"),
])
def test_phone_numbers_as_people_write_them(typed, stored):
    assert validate_phone(typed) == stored


@pytest.mark.parametrize("typed", ["1381234", "23812345678", "abc", "+1 415 555 0100"])
def test_phone_numbers_that_cannot_be_called_back_are_refused(typed):
    with pytest.raises(DomainError) as refused:
        validate_phone(typed)
    assert refused.value.key == "err.phone_format"


def test_a_wording_names_every_wrong_field_at_once():
    with pytest.raises(ValidationErrors) as refused:
        validate_wording("nonsense", "nonsense", "", "")
    assert [e.field for e in refused.value.errors] == ["situation", "category", "reply_title", "reply_body"]
    w = validate_wording("apology", "", " 致歉 ", " 很抱歉。 ")
    assert (w.situation, w.category, w.title, w.body) == (Situation.APOLOGY, None, "致歉", "很抱歉。")


def test_a_wording_fits_its_category_or_every_category_and_is_appended():
    callbacks = (Situation.CALLBACK,)
    assert fits(None, "callback", "repairs", callbacks) and fits("repairs", "callback", "repairs", callbacks)
    assert not fits("cleaning", "callback", "repairs", callbacks) and not fits(None, "apology", "repairs", callbacks)
    assert appended("", "您好。") == "您好。"
    assert appended("客户已验收。\n", "您好。") == "客户已验收。\n您好。"
