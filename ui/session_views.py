"""What the admin page shows about sign-ins: recent bursts of failed tries (login storms)."""
from __future__ import annotations

import streamlit as st

from services import sessions
from ui import cache
from ui.fmt import local
from ui.i18n import t
from ui.session import CurrentUser
from ui.widgets import md_plain


def storm_lines(storms: list[dict]) -> list[str]:
    """One line per storm; the target is a typed username or a client address: shown as typed."""
    return [t("admin.storm_line", at=local(s["at"]), target=md_plain(s.get("target", "?")),
              scope=t(f"storm.{s.get('scope', 'account')}"), failures=s.get("failures", "?"))
            for s in storms]


def storm_notice(user: CurrentUser) -> None:
    """Nothing when all is quiet; else a warning with the last 24 hours' storms, newest first."""
    storms = sessions.recent_storms(cache.engine(), user.actor)
    if not storms:
        return
    lines = "\n".join(f"- {line}" for line in storm_lines(storms))
    st.warning(t("admin.storms", n=len(storms)) + "\n\n" + lines, icon=":material/shield:")
