"""Login through streamlit-authenticator, with the store in charge of who may enter.

Around the library's known traps: the cookie key is ours (never 'some_key'); failed attempts are
counted per user in the store with a cooling-off lock; roles are checked by ui.guard; the cookie
is verified here on every new session (active account, not revoked) before the library sees it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt
import streamlit as st
import streamlit_authenticator as stauth

from core.auth import lockout
from core.auth.cookie_key import resolve_cookie_key
from db import users
from db.engine import ROOT
from db.models import utcnow
from ui import store
from ui.i18n import t
from ui.session import CurrentUser, clear_user, current_user, set_user

COOKIE_NAME = "pmcs_auth"
COOKIE_DAYS = 1.0
SECRETS_PATH = ROOT / ".streamlit" / "secrets.toml"
_TZ = timezone(timedelta(hours=8))


@st.cache_resource(show_spinner=False)
def cookie_key(path: str = str(SECRETS_PATH)) -> str:
    return resolve_cookie_key(Path(path))


def _cookie_issued_at(exp_date: float) -> datetime:
    return datetime.fromtimestamp(exp_date, timezone.utc) - timedelta(days=COOKIE_DAYS)


def _user_from_cookie(engine) -> CurrentUser | None:
    """Reads the cookie the browser sent with this session's request; no component round trip,
    so a reloaded tablet stays signed in on the very first run."""
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser behind this session (tests, scripts)
        return None
    if not token:
        return None
    try:
        claims = jwt.decode(token, cookie_key(), algorithms=["HS256"])
        username, exp_date = str(claims["username"]), float(claims["exp_date"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    if exp_date < utcnow().timestamp():
        return None
    account = users.get_account(engine, username)
    if account is None or not account.active or lockout.is_locked(
            lockout.LoginState(0, account.locked_until), utcnow()):
        return None
    valid_after = users.tokens_valid_after(engine, username)
    if valid_after is not None and _cookie_issued_at(exp_date) <= valid_after:
        return None
    return set_user(account)


def _still_allowed(engine, user: CurrentUser) -> CurrentUser | None:
    """Deactivation or a role change by an admin takes effect on the user's next click."""
    account = users.get_account(engine, user.username)
    if account is None or not account.active:
        return None
    if account.role.value != user.role or account.all_projects != (user.project_ids is None):
        return set_user(account)
    return user


def _authenticator(credentials: dict) -> stauth.Authenticate:
    authenticator = stauth.Authenticate(credentials, COOKIE_NAME, cookie_key(), COOKIE_DAYS)
    # Left alone, login() signs in from any unexpired cookie by itself: a cookie revoked by logout,
    # a locked account's, and for an unknown or deactivated user it raises before drawing the form.
    # _user_from_cookie is the only reader of the cookie.
    authenticator.cookie_controller.get_cookie = lambda: None
    return authenticator


def _login_form(engine) -> None:
    credentials = users.credentials(engine)
    authenticator = _authenticator(credentials)
    st.title(t("app.title"))
    if st.session_state.pop("signed_out", False):
        st.success(t("logout.done"))
    fields = {"Form name": t("login.title"), "Username": t("login.username"),
              "Password": t("login.password"), "Login": t("login.submit")}
    try:
        authenticator.login(location="main", fields=fields, key="login")
    except Exception:  # the library's LoginError and bcrypt's ValueError: never a traceback here
        st.session_state["authentication_status"] = False
    status = st.session_state.get("authentication_status")
    if status:
        username = st.session_state["username"]
        users.record_login_success(engine, username)
        set_user(users.get_account(engine, username))
        st.success(t("login.ok"))
        # No st.rerun(): the cookie component must reach the browser first; it reruns the app itself.
        st.stop()
    if status is False:
        # The library counts a wrong password in the dict we handed it: that names the account tried.
        tried = [u for u, d in credentials["usernames"].items() if d.get("failed_login_attempts")]
        state = users.record_login_failure(engine, tried[0]) if tried else None
        if state is not None and state.locked_until is not None:
            until = state.locked_until.astimezone(_TZ).strftime("%H:%M")
            st.error(t("login.locked", until=until))
        elif state is not None:
            st.error(t("login.failed_left", left=lockout.MAX_FAILED_ATTEMPTS - state.failed_attempts,
                       minutes=int(lockout.COOLING_OFF.total_seconds() // 60)))
        else:
            st.error(t("login.failed"))
    if users.demo_mode(engine):
        st.info(t("login.hint"))
    st.stop()


def login_gate() -> CurrentUser:
    """Returns the signed-in user, or draws the login form and stops the run."""
    engine = store.engine()
    user = current_user()
    if user is not None:
        user = _still_allowed(engine, user)
        if user is None:
            clear_user()
    if user is None:
        user = _user_from_cookie(engine)
    if user is None:
        _login_form(engine)
    st.session_state["authentication_status"] = True
    st.session_state["username"] = user.username
    return user


def logout(user: CurrentUser) -> None:
    engine = store.engine()
    users.revoke_tokens(engine, user.username)
    authenticator = _authenticator(users.credentials(engine))
    authenticator.logout(location="unrendered")
    clear_user()
    st.session_state.pop("lang", None)
    st.session_state["signed_out"] = True
    # The cookie is void on the server already (revoke_tokens), so a rerun shows the login form
    # and no trace of the previous user's menu, even if the browser kept the cookie.
    st.rerun()
