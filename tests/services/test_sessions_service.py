"""Sign-in and server-side sessions through services.sessions, on SQLite and PostgreSQL: a session
per login, checked on every rerun; what ends one (logout, sign out everywhere, a password reset,
a deactivation, a role change, its lifetime, idleness); one answer and one amount of work for every
refused sign-in; throttling that a stranger cannot turn against a real user; storms audited."""
from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest

from core.auth.actor import Actor
from core.auth.roles import Role
from core.auth.sessions import SessionPolicy
from core.auth.throttle import RULES, Scope
from db.models import utcnow
from services import sessions, users
from store_helpers import FAST, audit_rows

PW = "Demo-2026!"
ADMIN = Actor("admin", Role.ADMIN)
POLICY = SessionPolicy(timedelta(hours=12), timedelta(hours=2))


def make(engine, username="wangwei", role="frontdesk", rounds=FAST):
    users.create_user(engine, ADMIN, username, "王伟", role, PW, hash_rounds=rounds)
    return users.get_account(engine, username)


def sign_in(engine, username="wangwei", password=PW, client="10.0.0.1", now=None):
    return sessions.sign_in(engine, username, password, client, "Mozilla/5.0 (iPad)", now=now,
                            session_policy=POLICY)


def live(engine, session_id, now=None):
    return sessions.check(engine, session_id, now=now, session_policy=POLICY)


def test_a_login_opens_a_session_that_logout_ends(engine):
    make(engine)
    signed = sign_in(engine)
    assert signed.account.username == "wangwei" and signed.expires_at == signed.issued_at + POLICY.lifetime
    assert len(signed.session_id) >= 43
    assert live(engine, signed.session_id).username == "wangwei"
    mine = sessions.my_sessions(engine, Actor("wangwei", Role.FRONTDESK), session_policy=POLICY)
    assert mine["user_agent"].tolist() == ["Mozilla/5.0 (iPad)"] and mine["client"].tolist() == ["10.0.0.1"]
    assert sessions.end(engine, Actor("wangwei", Role.FRONTDESK), signed.session_id) is True
    assert live(engine, signed.session_id) is None
    assert sessions.end(engine, Actor("wangwei", Role.FRONTDESK), signed.session_id) is False   # once


def test_logout_ends_only_this_browser_and_everywhere_ends_all(engine):
    make(engine)
    make(engine, "other")
    desk, tablet, theirs = sign_in(engine), sign_in(engine, client="10.0.0.2"), sign_in(engine, "other")
    me = Actor("wangwei", Role.FRONTDESK)
    assert sessions.end(engine, Actor("other", Role.FRONTDESK), desk.session_id) is False   # not theirs to end
    sessions.end(engine, me, desk.session_id)
    assert live(engine, tablet.session_id) is not None
    assert sessions.end_everywhere(engine, me) == 1
    assert live(engine, tablet.session_id) is None and live(engine, theirs.session_id) is not None


@pytest.mark.parametrize("change", ["reset_password", "deactivate", "set_role"])
def test_an_admins_change_ends_every_session_and_reactivation_revives_none(engine, change):
    account = make(engine)
    first, second = sign_in(engine), sign_in(engine, client="10.0.0.9")
    if change == "reset_password":
        users.reset_password(engine, ADMIN, "wangwei", "New-pass-2026")
    elif change == "deactivate":
        users.set_active(engine, ADMIN, "wangwei", False, account.version)
        users.set_active(engine, ADMIN, "wangwei", True, users.get_account(engine, "wangwei").version)
    else:
        users.set_role(engine, ADMIN, "wangwei", "trainer", account.version)
        assert users.get_account(engine, "wangwei").role is Role.TRAINER
    assert live(engine, first.session_id) is None and live(engine, second.session_id) is None
    assert audit_rows(engine)[-1].after["sessions_ended" if change != "deactivate" else "active"] in (2, True)


def test_a_role_change_to_the_same_role_ends_nothing_and_an_admin_keeps_their_own(engine):
    account = make(engine)
    signed = sign_in(engine)
    users.set_role(engine, ADMIN, "wangwei", "frontdesk", account.version)
    assert live(engine, signed.session_id) is not None
    make(engine, "boss", "admin")
    with pytest.raises(Exception) as info:
        users.set_role(engine, Actor("boss", Role.ADMIN), "boss", "trainer", users.get_account(engine, "boss").version)
    assert info.value.key == "err.cannot_change_own_role"


def test_lifetime_and_idle_time_are_counted_on_the_server(engine):
    make(engine)
    t0 = utcnow()
    signed = sign_in(engine, now=t0)
    assert live(engine, signed.session_id, t0 + timedelta(hours=1, minutes=59)) is not None   # touches it
    assert live(engine, signed.session_id, t0 + timedelta(hours=3)) is not None               # seen at 1:59
    assert live(engine, signed.session_id, t0 + timedelta(hours=5)) is None                   # idle
    busy = sign_in(engine, now=t0)
    for minutes in range(60, 12 * 60, 60):
        assert live(engine, busy.session_id, t0 + timedelta(minutes=minutes)) is not None
    assert live(engine, busy.session_id, t0 + timedelta(hours=12)) is None                    # lifetime
    for bad in (None, "", "x" * 43, "y" * 500):
        assert live(engine, bad) is None


def test_every_refusal_is_the_same_answer_after_the_same_work(engine, monkeypatch, capsys):
    """Wrong password, unknown user, deactivated account and a throttled try: the same refusal
    after exactly one bcrypt check at the real accounts' cost. Times are printed, not asserted."""
    make(engine, "real", rounds=12)
    gone = make(engine, "gone", rounds=12)
    users.set_active(engine, ADMIN, "gone", False, gone.version)
    make(engine, "slowed", rounds=12)
    for n in range(1, 10):   # each after the last wait, so each counts: a two-minute wait now
        with pytest.raises(sessions.LoginRefused):
            sign_in(engine, "slowed", "bad", client="10.9.9.9", now=utcnow() - timedelta(seconds=130 * (9 - n)))
    from core.auth import passwords
    checks = []
    real_check = passwords.check_password
    monkeypatch.setattr(sessions, "check_password", lambda p, h: checks.append(h) or real_check(p, h))
    cases = {"wrong password": ("real", "not-it", "10.0.0.1"), "unknown user": ("nobody", PW, "10.0.0.2"),
             "deactivated": ("gone", PW, "10.0.0.3"), "throttled, right password": ("slowed", PW, "10.9.9.9")}
    timings = {}
    for case, (name, password, client) in cases.items():
        spent = []
        for _ in range(3):
            checks.clear()
            started = time.perf_counter()
            with pytest.raises(sessions.LoginRefused) as info:
                sign_in(engine, name, password, client=client)
            spent.append(time.perf_counter() - started)
            assert info.value.key == "login.failed", case
            assert len(checks) == 1 and checks[0].startswith("$2b$12$"), case
        timings[case] = statistics.median(spent)
    with capsys.disabled():
        print("\nsign-in refusals, median of 3 (s):", {k: round(v, 3) for k, v in timings.items()})


def test_a_stranger_cannot_keep_a_real_user_out(engine):
    make(engine)
    sessions.end(engine, Actor("wangwei", Role.FRONTDESK), sign_in(engine, client="10.0.0.1").session_id)
    t0 = utcnow()
    for n in range(30):   # a guesser on other addresses, each try after the last wait
        with pytest.raises(sessions.LoginRefused):
            sign_in(engine, password="guess", client=f"203.0.113.{n}", now=t0 + timedelta(minutes=2 * n))
    later = t0 + timedelta(minutes=58, seconds=10)   # inside the account's one-minute wait
    assert sign_in(engine, client="10.0.0.1", now=later).account.username == "wangwei"   # known tablet
    with pytest.raises(sessions.LoginRefused):
        sign_in(engine, client="198.51.100.7", now=later)                                # a new device waits
    assert sign_in(engine, client="198.51.100.7", now=later + timedelta(minutes=1, seconds=1))
    storms = sessions.recent_storms(engine, ADMIN, now=later)
    assert [(s["scope"], s["target"]) for s in storms] == [("account", "wangwei")]
    assert storms[0]["failures"] == RULES[Scope.ACCOUNT].storm_at


def test_the_admins_unlock_lifts_the_accounts_waits(engine):
    make(engine)
    t0 = utcnow()
    for n in range(8):
        with pytest.raises(sessions.LoginRefused):
            sign_in(engine, password="guess", client="10.0.0.5", now=t0 - timedelta(minutes=3 * (7 - n)))
    assert users.get_account(engine, "wangwei").locked_until is not None
    with pytest.raises(sessions.LoginRefused):
        sign_in(engine, client="10.0.0.5")
    users.unlock(engine, ADMIN, "wangwei")
    assert sign_in(engine, client="10.0.0.5").account.username == "wangwei"
    assert users.get_account(engine, "wangwei").locked_until is None


def test_sign_in_writes_no_password_and_names_the_client(engine):
    make(engine)
    with pytest.raises(sessions.LoginRefused):
        sign_in(engine, password="Secret-typo-1")
    sign_in(engine)
    rows = audit_rows(engine)[-2:]
    assert [r.action for r in rows] == ["login_failed", "login"]
    assert rows[1].after == {"client": "10.0.0.1"}
    assert all("Secret-typo-1" not in str(r.after) and PW not in str(r.after) for r in rows)
