"""The signed-in user's own work in one list, soonest deadline first: open tickets they received
or handle, call-backs they may make, and the dunning steps due today on the buildings they collect. Each row links to its record."""
from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.capabilities import Capability
from core.clock import CHINA
from db import complaint_queries
from db.base import utcnow
from services import collections

COLUMNS = ["kind", "ref", "what", "deadline", "link"]


def _tickets(engine: Engine, actor: Actor) -> list[dict]:
    if not actor.can(Capability.HANDLE_COMPLAINT):
        return []
    rows = complaint_queries.open_tickets_of(engine, actor.username, actor.scope())
    mine = [{"kind": "receiver" if r.is_receiver else "handler", "ref": r.number, "what": f"stage.{r.stage}",
             "deadline": r.stage_deadline, "link": f"/complaint?n={r.number}"} for r in rows]
    # Call-backs are the desk's shared pool: anyone but the ticket's receiver and handler may call.
    calls = [{"kind": "callback", "ref": r.number, "what": "stage.callback", "deadline": r.stage_deadline,
              "link": f"/complaint?n={r.number}"}
             for r in complaint_queries.callbacks_due(engine, actor.username, actor.scope())]
    return mine + calls


def _dunning(engine: Engine, actor: Actor, today: date) -> list[dict]:
    if not (actor.can(Capability.COLLECT_ON_ROUNDS) and actor.can(Capability.VIEW_COLLECTIONS)):
        return []
    work = collections.worklist(engine, actor, today)
    if work.empty or "staff" not in work:
        return []
    mine = work[work["staff"] == actor.username]
    due = datetime.combine(today, time(18, 0), tzinfo=CHINA)   # today's round
    return [{"kind": "dunning", "ref": f"{r['project']} {r['room_no']}",
             "what": "mywork.what.dunning", "deadline": due,
             "link": "/collection_worklist"} for r in mine.to_dict("records")]


def my_work(engine: Engine, actor: Actor, now: datetime | None = None) -> pd.DataFrame:
    """One list for every role: rows of (kind, ref, what, deadline, link), soonest first, no deadline last."""
    now = now or utcnow()
    rows = _tickets(engine, actor) + _dunning(engine, actor, now.astimezone(CHINA).date())
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame["deadline"] = pd.to_datetime(frame["deadline"], utc=True)
    return frame.sort_values("deadline", na_position="last", kind="stable").reset_index(drop=True)
