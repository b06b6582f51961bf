"""The engine and cached reads, in one place. Cached functions take everything that changes
their answer (project scope included) as arguments, because the cache is shared by all users.
Writes go straight to db/ and then call clear_caches()."""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from core.collections.dunning import assign_collector
from core.collections.rates import PeriodSums, current_rate
from db import collections, complaint_views, movein, org, users
from db.engine import database_url, make_engine
from db.migrate import upgrade
from db.models import utcnow


@st.cache_resource(show_spinner=False)
def _engine_for(url: str):
    upgrade(url)
    return make_engine(url)


def engine():
    return _engine_for(database_url())


def clear_caches() -> None:
    st.cache_data.clear()


# ---------------------------------------------------------------- shared core

@st.cache_data(ttl=60, show_spinner=False)
def units_by_status(url: str, project_ids: tuple[int, ...] | None):
    return org.units_by_status(_engine_for(url), project_ids)


@st.cache_data(ttl=300, show_spinner=False)
def projects(url: str, project_ids: tuple[int, ...] | None):
    return org.list_projects(_engine_for(url), project_ids)


@st.cache_data(ttl=300, show_spinner=False)
def buildings(url: str, project_ids):
    return org.list_buildings(_engine_for(url), project_ids)


@st.cache_data(ttl=300, show_spinner=False)
def staff_names(url: str) -> dict[str, str]:
    """username -> display name, to show people rather than login names."""
    staff = users.list_users(_engine_for(url))
    return dict(zip(staff["username"], staff["display_name"]))


def person(url: str, username: str | None) -> str:
    """'陈客服 (frontdesk)'; a name typed by hand (a trade's handler) is shown as typed."""
    if not username:
        return ""
    name = staff_names(url).get(username)
    return f"{name} ({username})" if name else username


# ---------------------------------------------------------------- complaints

@st.cache_data(ttl=10, show_spinner=False)
def complaint_board(url: str, project_ids, building_id, category, handler):
    """Ten-second cache: any number of wall screens and desks cost one query per ten seconds."""
    now = utcnow()
    engine = _engine_for(url)
    return (now, complaint_views.board_counts(engine, now, project_ids),
            complaint_views.board(engine, now, project_ids, building_id, category, handler),
            complaint_views.escalations(engine, project_ids))


@st.cache_data(ttl=10, show_spinner=False)
def complaint_counts(url: str, project_ids):
    return complaint_views.board_counts(_engine_for(url), utcnow(), project_ids)


@st.cache_data(ttl=60, show_spinner=False)
def complaint_analysis(url: str, project_ids, since, until, by: str):
    return complaint_views.analysis(_engine_for(url), since, until, utcnow(), project_ids, by)


@st.cache_data(ttl=300, show_spinner=False)
def complaint_patterns(url: str, project_ids, since):
    engine = _engine_for(url)
    return (complaint_views.frequent_complainants(engine, since, project_ids),
            complaint_views.recurring_root_causes(engine, since, project_ids))


# ---------------------------------------------------------------- move-in

@st.cache_data(ttl=30, show_spinner=False)
def movein_today(url: str, project_ids, today):
    """Progress of today's handover (all batches in scope) and overdue checklist items."""
    engine = _engine_for(url)
    batches = movein.list_batches(engine, project_ids)
    boards = [(r.name, movein.live_board(engine, int(r.id), today)) for r in batches.itertuples()
              if r.start <= today < r.start + timedelta(days=int(r.days))]
    return boards, movein.overdue_checklist(engine, today, project_ids)


# ---------------------------------------------------------------- collections

@st.cache_data(ttl=300, show_spinner=False)
def collection_figures(url: str, project_ids, period: str, trend_from: str, today):
    """Everything the collections page draws, aggregated in SQL (the trend from the month sums the
    database keeps), cached for five minutes."""
    engine = _engine_for(url)
    return (collections.period_sums(engine, period, period, project_ids),
            collections.monthly_trend(engine, trend_from, period, project_ids),
            collections.aging(engine, today, project_ids), collections.prepayments(engine, project_ids))


UNASSIGNED = "—"  # a building whose project has no front desk to collect


@st.cache_data(ttl=120, show_spinner=False)
def collection_worklist(url: str, project_ids, today):
    """The ladder's work for today, each row with the collector of its building, one of its
    project's front desk (made once per cache, not on every click of every user)."""
    engine = _engine_for(url)
    work, collectors = collections.worklist(engine, today, project_ids), collections.collectors(engine, project_ids)
    where = list(zip(work["project"], work["building"]))
    staff_of = {pb: assign_collector(*pb, collectors.get(pb[0], [])) or UNASSIGNED for pb in set(where)}
    return work.assign(staff=[staff_of[pb] for pb in where])


@st.cache_data(ttl=300, show_spinner=False)
def collection_headline(url: str, project_ids, period: str, today):
    """This month's current-period rate so far and the number of limitation warnings."""
    engine = _engine_for(url)
    sums = collections.period_sums(engine, period, period, project_ids)
    rate = current_rate(PeriodSums(int(sums["billed"].sum()), int(sums["collected"].sum()), 0, 0))
    return rate, collections.limitation_warnings(engine, today, project_ids)
