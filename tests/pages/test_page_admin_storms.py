"""The admin page tells of bursts of failed sign-ins (login storms) of the last 24 hours, and says
nothing when all is quiet."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.i18n import translate
from db.models import utcnow
from services import sessions


def guess(page_db, username: str, tries: int) -> None:
    """A guesser's tries from many addresses, spaced past the account's waits (so each one counts)."""
    start = utcnow() - timedelta(hours=2)
    for i in range(tries):
        with pytest.raises(sessions.LoginRefused):
            sessions.sign_in(page_db.engine, username, f"guess-{i}", f"203.0.113.{i}", now=start + timedelta(minutes=2 * i))


def warnings_of(at) -> list[str]:
    return [str(w.value) for w in at.warning]


def test_quiet_admin_page_has_no_storm_line(run_page):
    at = run_page("admin", "admin")
    assert not at.exception
    assert not any(translate("admin.storms", n=1)[:6] in w for w in warnings_of(at))


def test_a_storm_against_an_account_is_named_on_the_admin_page(page_db, run_page):
    guess(page_db, "trainer", 20)
    at = run_page("admin", "admin")
    assert not at.exception
    shown = [w for w in warnings_of(at) if w.startswith(translate("admin.storms", n=1)[:6])]
    assert len(shown) == 1, warnings_of(at)
    assert translate("storm.account") in shown[0] and "trainer" in shown[0]
    assert "20" in shown[0]
    # Who may not manage users sees no such line (and the page refuses them anyway).
    refused = run_page("admin", "manager")
    assert not [w for w in warnings_of(refused) if "trainer" in w]
