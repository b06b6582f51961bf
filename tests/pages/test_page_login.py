"""Sign-in through app.py's real form (streamlit-authenticator under AppTest): each role gets in and
sees its own menu; wrong passwords are counted in the store, five lock the account, and nothing
the user types (a >72-byte password) ends in a traceback."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.auth.roles import pages_for
from core.i18n import translate
from core.auth.actor import Actor
from core.auth.roles import Role
from datetime import timedelta

from db.models import utcnow
from services import sessions, users
from db.models import StaffUser
from page_helpers import APP, DEMO_PASSWORD, ROLES, TIMEOUT, by_label, page_names, submit_login

TEST = Actor("test", Role.ADMIN)   # who sets up accounts for these tests


def fresh_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    return at


def login_state(engine, username):
    with engine.connect() as conn:
        row = conn.execute(select(StaffUser.failed_attempts, StaffUser.locked_until)
                           .where(StaffUser.username == username)).one()
    return row.failed_attempts, row.locked_until


def forget_client_counts(engine):
    from sqlalchemy import delete

    from db.user_session_models import LoginThrottleRow
    with engine.begin() as conn:
        conn.execute(delete(LoginThrottleRow).where(LoginThrottleRow.scope == "client"))


def signed_in(at):
    return at.session_state["current_user"] if "current_user" in at.session_state else None


def test_login_form_is_shown_to_nobody(page_db):
    at = fresh_app()
    assert [w.label for w in at.text_input] == [translate("login.username"), translate("login.password")]
    assert translate("login.submit") in [b.label for b in at.button]
    assert signed_in(at) is None
    # Demo store: the hint with the demo accounts is on the form.
    assert [i.value for i in at.info] == [translate("login.hint")]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_and_gets_its_menu(page_db, role):
    at = submit_login(fresh_app(), role, DEMO_PASSWORD)
    assert not at.exception
    assert not at.error
    assert [s.value for s in at.success] == [translate("login.ok")]
    user = signed_in(at)
    assert user is not None and user.role == role and user.username == role
    if role in ("admin", "manager"):
        assert user.project_ids is None
    elif role in ("supervisor", "frontdesk"):
        assert user.project_ids == (page_db.batch_project,)
    else:
        assert user.project_ids == ()

    at.run()  # the rerun the cookie component triggers in a browser
    assert not at.exception and not at.error
    account = users.get_account(page_db.engine, role)
    assert [t.value for t in at.title] == [translate("home.greeting", name=account.display_name)]
    assert login_state(page_db.engine, role) == (0, None)
    # The menu holds exactly the pages this role may open; the others are not registered at all.
    allowed = pages_for(role, page_names())
    for page in page_names():
        if page in allowed:
            at.switch_page(f"pages/{page}.py")
        else:
            with pytest.raises(ValueError):
                at.switch_page(f"pages/{page}.py")


def test_wrong_password_is_refused_and_counted(page_db):
    users.create_user(page_db.engine, TEST, "wrong.once", "错一次", "trainer", DEMO_PASSWORD,
                      is_demo=True, hash_rounds=4)
    at = fresh_app()
    for attempt in (1, 2):
        at = submit_login(at, "wrong.once", "not-the-password")
        assert not at.exception
        assert signed_in(at) is None
        assert [e.value for e in at.error] == [translate("login.failed")]
        assert login_state(page_db.engine, "wrong.once")[0] == attempt
    # The right password afterwards gets in and clears the count.
    at = submit_login(at, "wrong.once", DEMO_PASSWORD)
    assert signed_in(at) is not None and not at.error
    assert login_state(page_db.engine, "wrong.once") == (0, None)


def test_unknown_user_gets_the_same_plain_refusal(page_db):
    at = submit_login(fresh_app(), "nobody-here", DEMO_PASSWORD)
    assert not at.exception
    assert signed_in(at) is None
    assert [e.value for e in at.error] == [translate("login.failed")]


def test_a_throttled_account_says_exactly_what_a_wrong_password_says(page_db):
    """Repeated failures make this client wait; even the right password is refused meanwhile,
    with the one message every refusal shows (nothing says 'locked')."""
    users.create_user(page_db.engine, TEST, "lock.me", "锁定测试", "frontdesk", DEMO_PASSWORD,
                      [page_db.batch_project], is_demo=True, hash_rounds=4)
    forget_client_counts(page_db.engine)   # the module's other tests failed from "?" too
    at = submit_login(fresh_app(), "lock.me", "wrong-0")
    assert [e.value for e in at.error] == [translate("login.failed")]
    # Nine more from elsewhere, each after the last wait (so each counts): the account waits a minute now.
    for attempt in range(1, 10):
        with pytest.raises(sessions.LoginRefused):
            sessions.sign_in(page_db.engine, "lock.me", f"wrong-{attempt}", "10.0.0.9",
                             now=utcnow() - timedelta(seconds=130 * (9 - attempt)))
    at = submit_login(fresh_app(), "lock.me", DEMO_PASSWORD)   # inside the account's wait
    assert not at.exception
    assert signed_in(at) is None
    assert [e.value for e in at.error] == [translate("login.failed")]
    # An admin's unlock lifts the waits at once.
    users.unlock(page_db.engine, TEST, "lock.me")
    assert signed_in(submit_login(fresh_app(), "lock.me", DEMO_PASSWORD)) is not None


@pytest.mark.parametrize("password", ["a" * 73, "密" * 25, "Demo-2026!" * 10])
def test_overlong_password_is_an_error_not_a_traceback(page_db, password):
    assert len(password.encode("utf-8")) > 72
    at = submit_login(fresh_app(), "manager", password)
    assert not at.exception
    assert signed_in(at) is None
    assert len(at.error) == 1
    assert at.error[0].value.startswith(translate("login.failed").rstrip("。."))


def test_username_with_markup_is_an_error_not_a_traceback(page_db):
    at = submit_login(fresh_app(), "<script>alert(1)</script>", "x")
    assert not at.exception
    assert signed_in(at) is None
    assert [e.value for e in at.error] == [translate("login.failed")]


def test_login_form_speaks_english_when_the_session_is_english(page_db):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    by_label(at.text_input, "Username")
    by_label(at.text_input, "Password")
    by_label(at.button, "Sign in")


def test_signing_out_says_so_and_shows_the_form_again(page_db):
    at = submit_login(fresh_app(), "frontdesk", DEMO_PASSWORD)
    at.run()
    assert signed_in(at) is not None
    at.button(key="logout_button").click().run()
    assert not at.exception
    assert signed_in(at) is None
    assert [s.value for s in at.success] == [translate("logout.done")]
    assert [w.label for w in at.text_input] == [translate("login.username"), translate("login.password")]
    at.run()  # the message is said once, not on every later visit to the form
    assert not at.success
