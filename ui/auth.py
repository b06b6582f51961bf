"""Sign-in with a server-side session per login, checked on every rerun.

The login cookie (a signed token) only names a session in the store; the store says whether it
still lives. So a logout, "sign out everywhere", a password reset, a deactivation or a role change
end it on every device at its next rerun, and a reactivated account gets none of them back.
The form is our own (one message and one timing for every refusal, services.sessions); the
cookie is written and deleted through the same cookie component streamlit-authenticator uses."""
from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import extra_streamlit_components as stx
import streamlit as st

from core.auth import tokens
from core.auth.cookie_key import resolve_cookie_key
from core.auth.sessions import SessionPolicy
from services import sessions, users
from ui import cache
from ui.i18n import t
from ui.pages import PAGES_DIR, built_pages
from ui.session import CurrentUser, clear_user, current_user, set_user
from ui.submit import flash, show_flash, submit

COOKIE_NAME = "pmcs_auth"
SESSION_KEY = "login_session"        # this browser session's server-side session id
VERSION_KEY = "login_account_version"
CHECKED_KEY = "login_checked_at"     # monotonic time of this session's last server-side check
RECHECK_SECONDS = 2.0                # shorter than any board's refresh interval
SECRETS_PATH = Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.toml"
TRUST_PROXY = "APP_TRUST_PROXY"      # "1" behind a reverse proxy: the client is X-Forwarded-For


@st.cache_resource(show_spinner=False)
def cookie_key(path: str = str(SECRETS_PATH)) -> str:
    return resolve_cookie_key(Path(path))


def session_policy() -> SessionPolicy:
    """Environment first, then `[sessions]` in .streamlit/secrets.toml, else the defaults."""
    try:
        table = dict(st.secrets.get("sessions", {}))
    except Exception:  # no secrets file at all
        table = {}
    named = {"SESSION_LIFETIME_HOURS": table.get("lifetime_hours"), "SESSION_IDLE_MINUTES": table.get("idle_minutes")}
    return sessions.policy(named)


def _context(name: str):
    try:
        return getattr(st.context, name)
    except Exception:  # no browser behind this session (tests, scripts)
        return None


def _header(name: str) -> str | None:
    try:
        value = (_context("headers") or {}).get(name)
    except Exception:
        return None
    return value if isinstance(value, str) and value else None


def client_address() -> str:
    forwarded = _header("X-Forwarded-For")
    if os.environ.get(TRUST_PROXY) == "1" and forwarded:
        return forwarded.split(",")[0].strip()[:60]
    address = _context("ip_address")
    return address[:60] if isinstance(address, str) and address else "?"


def _user_agent() -> str | None:
    agent = _header("User-Agent")
    return agent[:200] if agent else None


def _adopt(session_id: str, username: str) -> CurrentUser | None:
    account = users.get_account(cache.engine(), username)
    if account is None or not account.active:
        return None
    st.session_state[SESSION_KEY] = session_id
    st.session_state[VERSION_KEY] = account.version
    return set_user(account)


def _user_from_cookie(engine) -> CurrentUser | None:
    """Reads the cookie the browser sent with this session's first request (no component round
    trip, so a reloaded tablet stays signed in on the very first run)."""
    cookies = _context("cookies")
    claims = tokens.decode(cookies.get(COOKIE_NAME) if cookies else None, cookie_key(), datetime.now(timezone.utc))
    if claims is None:
        return None
    live = sessions.check(engine, claims.session_id, session_policy=session_policy())
    if live is None or live.username != claims.username:
        return None
    return _adopt(live.session_id, live.username)


def _still_allowed(engine, user: CurrentUser) -> CurrentUser | None:
    """Every rerun: the session must still live. A change to the account (its projects) is read
    again when its version moved; a role change has ended the session already."""
    live = sessions.check(engine, st.session_state.get(SESSION_KEY), session_policy=session_policy())
    if live is None or live.username != user.username:
        return None
    if st.session_state.get(VERSION_KEY) != live.version:
        return _adopt(live.session_id, live.username)
    return user


def _cookie_manager() -> stx.CookieManager:
    return stx.CookieManager(key="pmcs_cookies")


def _set_cookie(signed: sessions.SignedIn) -> None:
    token = tokens.encode(signed.session_id, signed.account.username, signed.issued_at, signed.expires_at,
                          cookie_key())
    # The component takes a naive local time, as the browser reads it.
    expires = datetime.fromtimestamp(signed.expires_at.timestamp())
    _cookie_manager().set(COOKIE_NAME, token, key="pmcs_cookie_set", expires_at=expires, same_site="strict")


def _forget_cookie() -> None:
    try:
        _cookie_manager().delete(COOKIE_NAME, key="pmcs_cookie_delete")
    except KeyError:   # the component had not reported the cookie: it is void on the server anyway
        pass


def _first_run_form(engine) -> None:
    """A store with no account at all (set up without the demo) asks for its first administrator.
    The service makes one only while no account exists, under a lock: two browsers racing here
    make one admin, and once any account exists this form is never drawn again."""
    st.title(t("app.title"))
    st.subheader(t("first.title"))
    st.info(t("first.intro"))
    with st.form("first_admin"):
        username = st.text_input(t("admin.username"), max_chars=32)
        display = st.text_input(t("admin.display_name"), max_chars=40)
        password = st.text_input(t("login.password"), type="password", max_chars=72)
        again = st.text_input(t("first.password_again"), type="password", max_chars=72)
        submitted = st.form_submit_button(t("first.create"), type="primary")
    if submitted:
        done = submit("first_admin", lambda key: users.create_first_admin(engine, username, display, password, again,
                                                                          request_key=key),
                      values={"username": username, "display": display}, clears=("users",))
        if done is not None:
            flash("login", t("first.created", username=username.strip().lower()))
            st.rerun()
    st.stop()


def _login_form(engine) -> None:
    st.title(t("app.title"))
    show_flash("login")
    if st.session_state.pop("signed_out", False):
        st.success(t("logout.done"))
    elif st.session_state.pop("session_over", False):
        st.info(t("login.session_over"))
    with st.form("login"):
        st.subheader(t("login.title"))
        username = st.text_input(t("login.username"), max_chars=64, autocomplete="username")
        password = st.text_input(t("login.password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(t("login.submit"), type="primary")
    if submitted:
        try:
            signed = sessions.sign_in(engine, username, password, client_address(), _user_agent(),
                                      session_policy=session_policy())
        except sessions.LoginRefused:
            st.error(t("login.failed"))
        else:
            _adopt(signed.session_id, signed.account.username)
            _set_cookie(signed)
            st.success(t("login.ok"))
            # No st.rerun(): the cookie component must reach the browser first; it reruns the app itself.
            st.stop()
    if users.demo_mode(engine):
        st.info(t("login.hint"))
    st.stop()


def session_live() -> bool:
    """The gate's check for a fragment rerun (a live board refreshing itself), which never passes
    through app.py: is this browser's session still alive? Skipped when checked a moment ago
    (a full run's gate, or another fragment of the page), so N boards cost one read per interval."""
    user = current_user()
    if user is None:
        return False
    now = time.monotonic()
    if now - st.session_state.get(CHECKED_KEY, float("-inf")) < RECHECK_SECONDS:
        return True
    if _still_allowed(cache.engine(), user) is None:
        return False
    st.session_state[CHECKED_KEY] = now
    return True


def _no_menu() -> None:
    """A run that ends at the login form never reaches app.py's navigation, so the browser would go
    on drawing the menu of whoever was signed in here before. A hidden navigation clears it; it
    lists every page so that a bookmarked URL is kept (not 'page not found') for after the sign-in.
    None of them runs: the gate stops first."""
    home = st.Page(lambda: None, title=t("app.title"), url_path="start", default=True)
    st.navigation([home, *(st.Page(str(PAGES_DIR / f"{name}.py"), title=t(f"page.{name}"), url_path=name)
                           for name in built_pages())], position="hidden")


def login_gate() -> CurrentUser:
    """Returns the signed-in user, or draws the login form and stops the run."""
    engine = cache.engine()
    st.session_state.pop(CHECKED_KEY, None)
    user = current_user()
    if user is not None:
        user = _still_allowed(engine, user)
        if user is None:
            _sign_out_here()
            st.session_state["session_over"] = True
    if user is None:
        user = _user_from_cookie(engine)
    if user is None:
        _no_menu()
    if user is None and users.first_run(engine):
        _first_run_form(engine)
    if user is None:
        _login_form(engine)
    st.session_state["authentication_status"] = True
    st.session_state["username"] = user.username
    st.session_state[CHECKED_KEY] = time.monotonic()
    return user


def _sign_out_here() -> None:
    clear_user()
    for key in (SESSION_KEY, VERSION_KEY, CHECKED_KEY):
        st.session_state.pop(key, None)


def _leave() -> None:
    _forget_cookie()
    _sign_out_here()
    st.session_state.pop("lang", None)
    st.session_state["signed_out"] = True
    # The session is over on the server already, so a rerun shows the login form and no trace of
    # the previous user's menu, even if the browser kept the cookie.
    st.rerun()


def logout(user: CurrentUser) -> None:
    sessions.end(cache.engine(), user.actor, st.session_state.get(SESSION_KEY))
    _leave()


def logout_everywhere(user: CurrentUser) -> None:
    sessions.end_everywhere(cache.engine(), user.actor)
    _leave()
