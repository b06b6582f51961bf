"""Search use cases: the case library, complaints by their content, units by room, owner or project.

Words are segmented (jieba), looked up in the stored index (db/search_index.py keeps it in step),
ranked by core.search.rank and returned with a snippet of (text, is_match) parts around the best
match. Scope: complaints and units of the actor's projects only; phones as the role may see them."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from core.auth.actor import Actor
from core.auth.capabilities import Capability as C
from core.auth.privacy import phone_as_seen
from core.errors import PermissionDenied
from core.search import rank as rules
from core.search import segment
from core.search.documents import CASE_FIELDS, COMPLAINT_FIELDS, fields
from db import search_index, search_queries

LIMIT = 50
_warmed = False


def warm_up() -> None:
    """Start loading the segmentation dictionary in the background, once per process."""
    global _warmed
    if not _warmed:
        _warmed = True
        segment.warm_up()


@dataclass(frozen=True)
class Hit:
    id: int
    score: int
    rank: rules.Rank
    snippet: list[tuple[str, bool]]
    record: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every word of the query is in this hit."""
        return self.rank.matched == self.record.get("_words", self.rank.matched)


def _score(r: rules.Rank) -> int:
    """The rank as one number (for a column to sort by): matched, in title, together, weight."""
    return ((r.matched * 100 + r.in_title) * 10 + r.together) * 100_000 + min(r.weight, 99_999)


def _ranked(records: list[dict], spec, groups, limit: int, offset: int = 0) -> list[Hit]:
    hits = []
    for rec in records:
        fs = fields(spec, rec)
        r = rules.rank(fs, groups)
        if not r.matched:
            continue
        best = rules.best_field(fs, groups)
        parts = rules.snippet(best.text, groups) if best is not None else []
        hits.append(Hit(int(rec["id"]), _score(r), r, parts, {**rec, "_words": len(groups)}))
    hits.sort(key=lambda h: (-h.score, h.id))
    return hits[offset:offset + limit]


def _catch_up(engine: Engine, kind: str) -> None:
    if search_index.pending(engine, kind):
        search_index.catch_up(engine, kind)


def cases(engine: Engine, see_drafts: bool, query: str, case_filter=None, limit: int = LIMIT,
          offset: int = 0) -> list[Hit] | None:
    """Case hits for a query, best first; None when the query has no word to look up (the caller
    then searches the text as typed). Reading the library is open to every role that has the page."""
    groups = segment.query_groups(query)
    if not groups or all(len(g[0]) == 1 and not g[0].isascii() for g in groups):
        return None
    _catch_up(engine, "case")
    ids = search_queries.candidates(engine, "case", groups, None, case_filter)
    records = [r for r in search_queries.cases(engine, ids) if see_drafts or r["status"] == "published"]
    return _ranked(records, CASE_FIELDS, groups, limit, offset)


def complaints(engine: Engine, actor: Actor, query: str, limit: int = LIMIT) -> list[Hit]:
    """Complaints of the actor's projects whose subject, place or content hold the query's words."""
    if not (actor.can(C.HANDLE_COMPLAINT) or actor.can(C.VIEW_UNITS)):
        raise PermissionDenied("err.not_allowed")
    groups = segment.query_groups(query)
    if not groups:
        return []
    _catch_up(engine, "complaint")
    ids = search_queries.candidates(engine, "complaint", groups, actor.scope())
    records = [r for r in search_queries.complaints(engine, ids) if actor.sees(r["project_id"])]
    for r in records:
        r["phone"] = phone_as_seen(actor, r["phone"])
    return _ranked(records, COMPLAINT_FIELDS, groups, limit)


def units(engine: Engine, actor: Actor, query: str, limit: int = LIMIT) -> pd.DataFrame:
    """Units of the actor's projects: every term of the query is the start of the room number or
    part of the owner's or project's name (阳光花园 3-19 王); an exact room or owner first."""
    actor.require(C.VIEW_UNITS)
    found = search_queries.units(engine, segment.unit_terms(query), actor.scope(), limit)
    if found.empty:
        return found
    found = found.assign(phone=found["phone"].map(lambda p: phone_as_seen(actor, p)))
    if not actor.can(C.SEE_SPECIAL_NEEDS):
        found = found.assign(special_needs=[()] * len(found))
    return found
