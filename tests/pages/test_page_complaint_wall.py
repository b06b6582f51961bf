"""The wall screen (complaint_board?wall=1): counts per stage, the red-line and overdue tickets
first with hours late, and pages that turn by themselves. The layout, the font sizes and the
turning in real time are checked in the browser (tests/browser/test_browser_12_wall.py)."""
from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.auth.roles import can_open
from core.complaints.model import OPEN_STAGES
from core.i18n import translate
from page_helpers import APP, ROLES, TIMEOUT, current_user
from services import complaints
from ui import complaint_wall

t = translate
READS_ALL = None


def open_wall(engine, username: str, shown_before: int | None = None) -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(engine, username)
    if shown_before is not None:
        at.session_state[complaint_wall.PAGE_KEY] = shown_before
    at.query_params["wall"] = "1"
    at.switch_page("pages/complaint_board.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def ticket_lines(at: AppTest) -> list[str]:
    """The ticket lines: markdown that starts with a clock (coloured) or the red-line badge."""
    return [m.value for m in at.markdown if re.match(r"^:(red|orange|green|gray|red-background)\[", m.value)]


def page_caption(at: AppTest) -> str:
    found = [m.value for m in at.markdown if m.value.startswith(t("wall.page", i="", n="", s="").split(" ")[0])]
    return found[0] if found else ""


@pytest.fixture(scope="module")
def manager(page_db):
    return current_user(page_db.engine, "manager")


def test_wall_shows_counts_per_stage_and_the_overdue_total(page_db, manager):
    at = open_wall(page_db.engine, "manager")
    board = complaints.board(page_db.engine, manager.actor, per_stage=10_000)
    counts = complaints.counts(page_db.engine, manager.actor)
    want = {t(f"stage.{s.value}"): f"{int((board['stage'] == s.value).sum()):,}" for s in OPEN_STAGES}
    want |= {t("wall.overdue"): f"{counts['overdue']:,}", t("wall.red_line"): f"{counts['red_line']:,}"}
    assert {m.label: m.value for m in at.metric} == want
    assert sum(int(v.replace(",", "")) for k, v in want.items() if k not in (t("wall.overdue"), t("wall.red_line"))) \
        == counts["open"]
    # No filters, toggles or page title of the desk board: nothing to operate on a wall.
    assert not at.selectbox and not at.toggle and not at.text_input
    assert [x.value for x in at.title] == [t("wall.title")]


def test_red_lines_then_overdue_come_first_latest_first(page_db, manager):
    at = open_wall(page_db.engine, "manager")
    lines = ticket_lines(at)
    assert len(lines) == min(complaint_wall.PER_PAGE, complaints.counts(page_db.engine, manager.actor)["open"])
    badge = f":red-background[**{t('wall.red_line')}**]"
    hours_late = re.compile(r"^:red\[\*\*" + re.escape(t("wall.late", hours="HHH")).replace("HHH", r"([0-9.]+)"))
    days_late = re.compile(r"^:red\[\*\*" + re.escape(t("wall.late_days", days="DDD", hours="HHH"))
                           .replace("DDD", r"(\d+)").replace("HHH", r"(\d+)"))

    def late(line: str) -> float | None:
        if m := hours_late.match(line):
            return float(m.group(1))
        if m := days_late.match(line):
            return int(m.group(1)) * 24 + int(m.group(2))
        return None
    kinds = ["red_line" if x.startswith(badge) else "late" if late(x) is not None else "other" for x in lines]
    assert "late" in kinds, lines[:5]              # the demo has overdue tickets
    # red lines, then the late ones, then the rest: never a late one after an on-time one
    assert kinds == sorted(kinds, key=["red_line", "late", "other"].index), kinds
    hours = [late(x) for x in lines if not x.startswith(badge) and late(x) is not None]
    assert hours == sorted(hours, reverse=True)


def test_page_two_shows_the_next_tickets(page_db, manager):
    board = complaints.board(page_db.engine, manager.actor, per_stage=10_000)
    n = complaint_wall.pages(len(board))
    assert n >= 2, "the demo store should hold more open tickets than one wall page"
    first = open_wall(page_db.engine, "manager", shown_before=0)
    second = open_wall(page_db.engine, "manager", shown_before=1)
    assert t("wall.page", i=1, n=n, s=complaint_wall.TURN_SECONDS) in page_caption(first)
    assert t("wall.page", i=2, n=n, s=complaint_wall.TURN_SECONDS) in page_caption(second)
    assert ticket_lines(second) and ticket_lines(second) != ticket_lines(first)
    # and the screen counts on: its next refresh shows page 3 (or page 1 again after the last)
    assert second.session_state[complaint_wall.PAGE_KEY] == 2


def test_the_order_and_the_pages_as_plain_data():
    import pandas as pd
    from datetime import datetime, timedelta, timezone

    now = datetime(2026, 11, 30, 4, 0, tzinfo=timezone.utc)
    h = timedelta(hours=1)
    rows = [  # number, stage deadline, paused, escalation
        ("A-on-time", now + 30 * h, None, "none"), ("B-late-2h", now - 2 * h, None, "none"),
        ("C-late-9h", now - 9 * h, None, "none"), ("D-paused", now - 50 * h, now - 60 * h, "none"),
        ("E-red-line", now + 40 * h, None, "senior"), ("F-soon", now + h, None, "none")]
    frame = pd.DataFrame([{"number": n, "stage": "implement", "category": "repairs", "receiver": "desk",
                           "handler": None, "room_no": "1-101", "project": "P", "stage_started_at": now - 100 * h,
                           "stage_deadline": d, "paused_since": p, "escalation": e} for n, d, p, e in rows])
    ordered = complaint_wall.wall_tickets(frame, now)
    assert [w.number for w in ordered] == ["E-red-line", "C-late-9h", "B-late-2h", "F-soon", "A-on-time", "D-paused"]
    assert ordered[1].hours == 9.0 and ordered[-1].hours is None
    assert complaint_wall.late_text(9.0) == t("wall.late", hours=9.0)
    assert complaint_wall.late_text(75.5) == t("wall.late_days", days=3, hours=3)
    items = list(range(complaint_wall.PER_PAGE * 2 + 1))
    assert complaint_wall.pages(len(items)) == 3
    assert complaint_wall.page_of(items, 1) == (1, items[complaint_wall.PER_PAGE:2 * complaint_wall.PER_PAGE])
    assert complaint_wall.page_of(items, 3) == (0, items[:complaint_wall.PER_PAGE])    # round again


@pytest.mark.parametrize("role", [r for r in ROLES if not can_open(r, "complaint_board")])
def test_the_wall_keeps_the_role_guard(page_db, role):
    """The page script run on its own (as Streamlit's old router may): ?wall=1 does not skip the guard."""
    from page_helpers import PAGES_DIR

    st.cache_data.clear()
    at = AppTest.from_file(str(PAGES_DIR / "complaint_board.py"), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(page_db.engine, role)
    at.query_params["wall"] = "1"
    at.run()
    assert [e.value for e in at.error] == [t("guard.refused", role=t(f"role.{role}"))]
    assert not at.metric
