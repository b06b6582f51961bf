"""Move-in pages (planning, the live day on a tablet) and what the home page shows of each module
(move-in progress, complaint counts, the collections headline), against the store."""
from __future__ import annotations


import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.auth.roles import can_open
from core.clock import local_today
from core.errors import ValidationError
from core.i18n import translate
from core.movein.hall import Zone
from db import complaint_views, movein
from db.models import Unit, utcnow
from db.movein_models import MoveinAppointment, MoveinBatch
from page_helpers import APP, ROLES, TIMEOUT, current_user
from ui.widgets import md_plain

t = translate
ALLOWED = [r for r in ROLES if can_open(r, "movein_plan")]
REFUSED = [r for r in ROLES if not can_open(r, "movein_plan")]


def open_page(engine, page: str, username: str) -> AppTest:
    """The page as a signed-in user reaches it: app.py runs (login gate, navigation) and routes to it."""
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(engine, username)
    at.switch_page(f"pages/{page}.py")
    return at.run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def refused(run_page, page: str, role: str) -> None:
    at = run_page(page, role)
    assert not at.exception
    assert [e.value for e in at.error] == [t("guard.refused", role=t(f"role.{role}"))]
    assert not at.title and not at.button


def by_label(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, (label, [e.label for e in elements])
    return found[0]


@pytest.fixture(scope="module")
def batch(page_db):
    with page_db.engine.connect() as conn:
        row = conn.execute(select(MoveinBatch.id, MoveinBatch.name, MoveinBatch.days, MoveinBatch.hall_m2)).one()
    return row


def tables(at: AppTest) -> list:
    """Read-only tables (the stations and zones editors are data_editors)."""
    return [d.value for d in at.dataframe if d.editing_mode == "read_only"]


def appointment(engine, batch_id, room):
    with engine.connect() as conn:
        return conn.execute(select(MoveinAppointment).join(Unit, Unit.id == MoveinAppointment.unit_id)
                            .where(MoveinAppointment.batch_id == batch_id, Unit.room_no == room)).one()


# ---------------------------------------------------------------- movein_plan

@pytest.mark.parametrize("role", ALLOWED)
def test_plan_shows_the_batch(run_page, batch, role):
    at = ok(run_page("movein_plan", role))
    assert [x.value for x in at.title] == [t("page.movein_plan")]
    chosen = at.selectbox(key="mplan_batch")
    assert chosen.value == batch.id
    assert batch.name in chosen.options[0] and chosen.options[0].endswith(" · 799")
    assert t("mplan.fits") in [s.value for s in at.success]  # the hall tab
    assert t("mplan.no_forecast") in [i.value for i in at.info]


@pytest.mark.parametrize("role", REFUSED)
def test_plan_refuses(run_page, role):
    refused(run_page, "movein_plan", role)


def test_forecast_has_one_row_per_batch_day(page_db, run_page, batch):
    at = ok(run_page("movein_plan", "supervisor"))
    at.button(key="run_forecast").click().run()
    ok(at)
    days = tables(at)[0]
    planned = movein.plan_per_day(page_db.engine, batch.id).groupby("day")["households"].sum()
    assert len(days) == batch.days == len(planned)
    assert days[t("mplan.day")].tolist() == [d.isoformat() for d in planned.index]
    assert days[t("mplan.planned")].tolist() == planned.tolist()
    assert t("mplan.no_forecast") not in [i.value for i in at.info]
    # The per-station table: every day times every station.
    settings, _, _, _ = movein.load_batch(page_db.engine, batch.id)
    per_station = tables(at)[1]
    assert len(per_station) == batch.days * len(settings.stations)


def test_recommendation_is_shown(page_db, run_page, batch):
    at = ok(run_page("movein_plan", "manager"))
    at.button(key="recommend").click().run()
    ok(at)
    table = tables(at)[0]
    assert len(table) == batch.days
    assert (table.to_numpy() >= 1).all()
    assert t("mplan.apply") in [b.label for b in at.button]


def test_zones_larger_than_the_hall_are_refused(page_db, run_page, batch):
    engine = page_db.engine
    settings, zones, staffing, version = movein.load_batch(engine, batch.id)
    waiting = next(i for i, z in enumerate(zones) if z.code == "waiting")
    too_big = float(sum(z.m2 for z in zones) - zones[waiting].m2 + 500)
    # Editing the waiting area to 500 m² in the hall tab's table.
    at = AppTest.from_file(str(APP.parent / "pages" / "movein_plan.py"), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(engine, "supervisor")
    at.session_state[f"zones_{batch.id}"] = {"edited_rows": {waiting: {"m2": 500.0}}, "added_rows": [],
                                              "deleted_rows": []}
    at.run()
    assert not at.exception
    message = t("err.hall_too_small", total=round(too_big, 1), hall=batch.hall_m2)
    assert [e.value for e in at.error] == [message]
    at.button(key="save_zones").click().run()
    assert not at.exception
    assert message in [e.value for e in at.error]
    assert movein.load_batch(engine, batch.id)[3] == version  # nothing saved
    # The store refuses it too, whoever calls.
    bigger = [Zone(z.code, 500.0 if z.code == "waiting" else z.m2) for z in zones]
    with pytest.raises(ValidationError) as refusal:
        movein.save_plan(engine, "supervisor", batch.id, version, list(settings.stations), bigger, staffing)
    assert refusal.value.key == "err.hall_too_small"
    assert movein.load_batch(engine, batch.id)[1] == zones


# ---------------------------------------------------------------- movein_live

@pytest.mark.parametrize("role", ALLOWED)
def test_live_renders_for_allowed_roles(run_page, role):
    at = ok(run_page("movein_live", role))
    assert t("mlive.hint") in [c.value for c in at.caption]
    assert {t("mlive.plan_today"), t("mlive.done_today")} <= {m.label for m in at.metric}


@pytest.mark.parametrize("role", REFUSED)
def test_live_refuses(run_page, role):
    refused(run_page, "movein_live", role)


def find(at: AppTest, room: str) -> AppTest:
    at.text_input(key="live_room").input(room)
    by_label(at.button, t("mlive.find")).click().run()
    return at


def card_texts(at: AppTest) -> list[str]:
    return [x.value for x in at.text]


def test_live_board_matches_the_store(page_db, run_page, batch):
    at = ok(run_page("movein_live", "supervisor"))
    day = at.selectbox(key="live_day").value
    assert day == local_today()  # the batch started two days ago: today is one of its days
    board = movein.live_board(page_db.engine, batch.id, day)
    shown = {m.label: m.value for m in at.metric}
    assert shown[t("mlive.plan_today")] == str(board["planned"])
    assert shown[t("mlive.done_today")] == str(board["finished"])
    assert shown[t("mlive.no_shows")] == str(board["no_shows"])


def test_household_moves_one_station_per_tap(page_db, run_page, batch):
    engine = page_db.engine
    before = appointment(engine, batch.id, "3-1906")
    assert before.arrived_at is None and before.stations_done == 0
    at = ok(find(run_page("movein_live", "supervisor"), "3-1906"))
    assert "3-1906" in card_texts(at)
    assert t("mlive.progress", done=0, total=6) in " ".join(c.value for c in at.caption)
    at.button(key=f"in_{before.id}").click().run()
    ok(at)
    after = appointment(engine, batch.id, "3-1906")
    assert after.arrived_at is not None and after.stations_done == 0
    settings, _, _, _ = movein.load_batch(engine, batch.id)
    codes = [s.code for s in settings.stations]
    for n in (1, 2):
        station = codes[n - 1]
        button = at.button(key=f"adv_{before.id}_{station}")
        name = t(f"station.{station}")
        assert button.label == t("mlive.advance", station=station if name == f"station.{station}" else name)
        button.click().run()
        ok(at)
        assert appointment(engine, batch.id, "3-1906").stations_done == n
        assert t("mlive.progress", done=n, total=len(codes)) in " ".join(c.value for c in at.caption)
    # A stale tap on a station already finished (a second tablet) is refused and counts nothing.
    with pytest.raises(Exception):
        movein.advance(engine, "supervisor", batch.id, before.id, codes[0])
    assert appointment(engine, batch.id, "3-1906").stations_done == 2


def test_room_not_in_the_batch(run_page):
    for room in ("7-101", "9-9901"):  # an older building of the project; a room that does not exist
        at = find(run_page("movein_live", "supervisor"), room)
        assert not at.exception
        assert [e.value for e in at.error] == [t("err.household_not_in_batch", room=md_plain(room))]
        assert not [b for b in at.button if b.key and b.key.startswith(("in_", "adv_"))]


def test_finished_household_shows_done_no_buttons(page_db, run_page, batch):
    with page_db.engine.connect() as conn:
        room = conn.scalar(select(Unit.room_no).join(MoveinAppointment, MoveinAppointment.unit_id == Unit.id)
                           .where(MoveinAppointment.batch_id == batch.id, MoveinAppointment.finished_at.is_not(None))
                           .limit(1))
    at = ok(find(run_page("movein_live", "manager"), room))
    assert t("mlive.finished") in [s.value for s in at.success]
    assert not [b for b in at.button if b.key and b.key.startswith(("in_", "adv_"))]


# ---------------------------------------------------------------- home: the module sections

def metrics(at):
    return {m.label: m.value for m in at.metric}


def subheaders(at):
    return [s.value for s in at.subheader]


def test_home_manager_sees_every_module(page_db, batch):
    engine = page_db.engine
    at = ok(open_page(engine, "home", "manager"))
    shown = metrics(at)
    heads = subheaders(at)
    assert {t("home.movein"), t("home.complaints"), t("home.collections")} <= set(heads)
    # Move-in progress of today's day.
    board = movein.live_board(engine, batch.id, local_today())
    assert shown[batch.name] == f"{board['finished']} / {board['planned']}"
    # Complaint counts as the board counts them.
    counts = complaint_views.board_counts(engine, utcnow(), None)
    for key in ("open", "overdue", "at_risk", "red_line"):
        assert shown[t(f"board.{key}")] == str(counts[key])
    pending = counts["red_line"] + counts["repeat"]
    assert pending  # the demo has escalated repeats
    assert t("home.escalations_pending", n=pending) in [w.value for w in at.warning]
    # The collections headline for this month.
    month = f"{local_today():%Y-%m}"
    rate = shown[t("rate.current") + f" · {month}"]
    assert rate == "—" or rate.endswith("%")
    assert t("home.limitation_count") in shown


def test_home_supervisor_sees_the_overdue_checklist(page_db):
    engine = page_db.engine
    scope = current_user(engine, "supervisor").project_ids
    overdue = movein.overdue_checklist(engine, local_today(), scope)
    assert len(overdue) >= 1
    at = ok(open_page(engine, "home", "supervisor"))
    assert t("home.checklist_overdue", n=len(overdue)) in [w.value for w in at.warning]
    assert t("home.movein") in subheaders(at)
    # Not a complaint-board or collections role.
    assert t("home.complaints") not in subheaders(at) and t("home.collections") not in subheaders(at)


def test_home_frontdesk_has_no_collections_headline(page_db):
    at = ok(open_page(page_db.engine, "home", "frontdesk"))
    assert t("home.complaints") in subheaders(at)
    assert t("home.collections") not in subheaders(at) and t("home.movein") not in subheaders(at)


def test_home_trainer_sees_no_owner_data(page_db):
    at = ok(open_page(page_db.engine, "home", "trainer"))
    heads = subheaders(at)
    for key in ("home.movein", "home.complaints", "home.collections", "home.units_by_status"):
        assert t(key) not in heads
    assert not at.metric and not at.dataframe and not at.warning


def test_home_overdue_checklist_goes_when_done(page_db, batch):
    """Ticking the overdue items off (as the checklist tab does) clears the supervisor's warning."""
    engine = page_db.engine
    today = local_today()
    items = movein.checklist(engine, batch.id)
    late = items[(~items["done"].astype(bool)) & (items["due"] < today)]
    assert not late.empty
    for r in late.itertuples():
        movein.set_checklist_item(engine, "supervisor", int(r.id), int(r.version), True, r.owner, r.due)
    try:
        at = ok(open_page(engine, "home", "supervisor"))
        prefix = t("home.checklist_overdue").split("{n}")[0]
        assert not [w.value for w in at.warning if w.value.startswith(prefix)]
        assert t("home.movein") in subheaders(at)  # today's progress is still shown
    finally:  # leave the store as the other tests expect it
        for r in movein.checklist(engine, batch.id).itertuples():
            if int(r.id) in set(late["id"].astype(int)):
                movein.set_checklist_item(engine, "supervisor", int(r.id), int(r.version), False, r.owner, r.due)
