"""Move-in pages (planning, the live day on a tablet) and what the home page shows of each module
(move-in progress, complaint counts, the collections headline), against the store."""
from __future__ import annotations


import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.auth.actor import Actor
from core.auth.roles import Role, can_open
from core.clock import local_today
from core.errors import ValidationError
from core.i18n import translate
from core.movein.hall import Zone
from core.movein.staffing import waiting_zone_for
from db.models import Unit, utcnow
from db.movein_models import MoveinAppointment, MoveinBatch
from page_helpers import APP, ROLES, TIMEOUT, current_user
from services import complaints, movein
from ui.movein_views import WEEKDAYS
from ui.widgets import md_plain

t = translate
ALLOWED = [r for r in ROLES if can_open(r, "movein_plan")]
REFUSED = [r for r in ROLES if not can_open(r, "movein_plan")]
MANAGER = Actor("manager", Role.MANAGER)     # reads the store as the pages' users do, every project


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
    planned = movein.plan_per_day(page_db.engine, MANAGER, batch.id).groupby("day")["households"].sum()
    assert len(days) == batch.days == len(planned)
    assert days[t("mplan.day")].tolist() == [d.isoformat() for d in planned.index]
    assert days[t("mplan.planned")].tolist() == planned.tolist()
    assert t("mplan.no_forecast") not in [i.value for i in at.info]
    # The per-station table: every day times every station.
    settings, _, _, _ = movein.load_batch(page_db.engine, MANAGER, batch.id)
    per_station = tables(at)[1]
    assert len(per_station) == batch.days * len(settings.stations)
    # The hall tab sizes the waiting zone from the busiest day's simulated peak, and puts M/M/c/K
    # beside the simulation for the station where people wait most.
    forecasts = movein.forecast(page_db.engine, MANAGER, batch.id)
    busiest = max(forecasts, key=lambda f: f.result.peak_waiting)
    day = f"{busiest.day.isoformat()} {t('mplan.wd.' + WEEKDAYS[busiest.day.weekday()])}"
    m2 = waiting_zone_for(busiest.result.peak_waiting, settings.m2_per_waiting_person)
    assert t("mhall.sized", day=day, peak=busiest.result.peak_waiting, m2=m2, have=48.0) in [c.value for c in at.caption]
    assert t("mplan.waiting_short", peak=busiest.result.peak_waiting, cap=40) in [w.value for w in at.warning]
    crosscheck = tables(at)[2]
    assert crosscheck[t("mplan.day")].tolist() == [busiest.day.isoformat()]
    assert crosscheck[t("field.station")].tolist() == [t(f"station.{busiest.result.bottleneck}")]


def test_recommendation_is_shown(page_db, run_page, batch):
    """Two labelled tables: per day whether the target is met now and with the recommendation
    (re-simulated), and per day and station the staff now and recommended."""
    at = ok(run_page("movein_plan", "manager"))
    at.button(key="recommend").click().run()
    ok(at)
    verdicts, per_station = tables(at)[0], tables(at)[1]
    assert len(verdicts) == batch.days
    settings = movein.load_batch(page_db.engine, MANAGER, batch.id).settings
    names = [t(f"station.{s.code}") for s in settings.stations]
    assert len(per_station) == batch.days * len(names)
    assert per_station[t("field.station")].tolist() == names * batch.days
    assert set(per_station[t("mplan.s.now")]) == {s.staff for s in settings.stations} and \
        (per_station[t("mplan.s.rec")] >= 1).all()
    assert (per_station[t("mplan.s.rec")] - per_station[t("mplan.s.now")] == per_station[t("mplan.s.change")]).all()
    # the seed's weekend days need more escorts than the default, and every day meets the target
    walk = per_station[per_station[t("field.station")] == t("station.inspection")][t("mplan.s.rec")].tolist()
    assert walk[1] > settings.stations[2].staff and walk[2] > settings.stations[2].staff and walk[1] > walk[0]
    assert all(c.startswith(t("mplan.yes")) for c in verdicts[t("mplan.v.rec")])
    assert t("mplan.apply") in [b.label for b in at.button]
    erlang = tables(at)[2]                        # the cross-check, for the busiest day
    assert list(erlang[t("field.station")]) == names
    assert set(erlang[t("mplan.why")]) <= {t(f"erlang.{r}") for r in ("agree", "peaks", "series", "rush", "finite")}


def test_applying_the_recommendation_redraws_the_forecast_with_it(page_db, run_page, batch):
    engine = page_db.engine
    before = movein.load_batch(engine, MANAGER, batch.id)
    at = ok(run_page("movein_plan", "supervisor"))
    at.button(key="recommend").click().run()
    recommended = tables(ok(at))[1]
    try:
        at.button(key="apply_rec").click().run()
        ok(at)
        assert t("mplan.applied") in [s.value for s in at.success]
        saved = movein.load_batch(engine, MANAGER, batch.id)
        assert set(saved.staffing) == {d.isoformat() for d, _ in movein.booked_days(engine, MANAGER, batch.id)}
        days, per_station = tables(at)[0], tables(at)[1]      # the forecast, drawn without asking
        assert len(days) == batch.days and t("mplan.no_forecast") not in [i.value for i in at.info]
        walk = per_station[per_station[t("field.station")] == t("station.inspection")][t("mplan.staff")].tolist()
        assert walk == recommended[recommended[t("field.station")] == t("station.inspection")][t("mplan.s.rec")].tolist()
        assert all(cell.startswith(str(200 * 95 // 100)) or int(cell.split("/")[0]) >= 190
                   for cell in days[t("mplan.meets")])
    finally:   # the other tests expect the demo's plan
        current = movein.load_batch(engine, MANAGER, batch.id)
        movein.save_plan(engine, current_user(engine, "supervisor").actor, batch.id, current.version,
                         list(before.settings.stations), before.zones, before.staffing)


def test_the_seed_days_are_typed_in_and_the_rest_shared(page_db, run_page, batch):
    """The appointments tab: type one day's count, share the rest evenly, save."""
    engine = page_db.engine
    before = movein.day_bookings(engine, MANAGER, batch.id)
    at = AppTest.from_file(str(APP.parent / "pages" / "movein_plan.py"), default_timeout=TIMEOUT)
    at.session_state["current_user"] = current_user(engine, "supervisor")
    at.session_state[f"days_{batch.id}_0"] = {"edited_rows": {3: {"households": 100}}, "added_rows": [],
                                               "deleted_rows": []}
    ok(at.run())
    try:
        at.button(key=f"fill_{batch.id}").click().run()
        ok(at)
        draft = at.session_state[f"days_draft_{batch.id}"]
        assert draft[3] == 100 and sum(draft) == 799
        # the two days already done keep theirs; today keeps at least those already in the hall,
        # and the days to come share the rest
        assert draft[:2] == [sum(slots.values()) for _, slots in before[:2]]
        in_hall = sum(n for (d, _), n in movein.started_per_slot(engine, MANAGER, batch.id).items() if d == before[2][0])
        assert draft[2] >= in_hall
        rest = draft[4:] + ([draft[2]] if draft[2] > in_hall else [])
        assert max(rest) - min(rest) <= 1
        at.button(key=f"save_days_{batch.id}").click().run()
        ok(at)
        assert t("mappt.saved") in [s.value for s in at.success]
        assert [n for _, n in movein.booked_days(engine, MANAGER, batch.id)] == draft
    finally:
        version = movein.load_batch(engine, MANAGER, batch.id).version
        movein.save_quotas(engine, current_user(engine, "supervisor").actor, batch.id, version,
                           {d.isoformat(): slots for d, slots in before})
    assert movein.day_bookings(engine, MANAGER, batch.id) == before


def test_zones_larger_than_the_hall_are_refused(page_db, run_page, batch):
    engine = page_db.engine
    settings, zones, staffing, version = movein.load_batch(engine, MANAGER, batch.id)
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
    assert movein.load_batch(engine, MANAGER, batch.id)[3] == version  # nothing saved
    # The store refuses it too, whoever calls.
    bigger = [Zone(z.code, 500.0 if z.code == "waiting" else z.m2) for z in zones]
    with pytest.raises(ValidationError) as refusal:
        movein.save_plan(engine, current_user(engine, "supervisor").actor, batch.id, version, list(settings.stations),
                         bigger, staffing)
    assert refusal.value.key == "err.hall_too_small"
    assert movein.load_batch(engine, MANAGER, batch.id)[1] == zones


# ---------------------------------------------------------------- movein_live

@pytest.mark.parametrize("role", ALLOWED)
def test_live_renders_for_allowed_roles(run_page, role):
    at = ok(run_page("movein_live", role))
    # Opens on today's list: a count line, a button per household, the board.
    assert any(c.value.startswith(t("mlive.list_counts").split("{")[0]) for c in at.caption)
    assert [b for b in at.button if b.key and b.key.startswith("row_")]
    assert {t("mlive.plan_today"), t("mlive.done_today")} <= {m.label for m in at.metric}


@pytest.mark.parametrize("role", REFUSED)
def test_live_refuses(run_page, role):
    refused(run_page, "movein_live", role)


def find(at: AppTest, room: str) -> AppTest:
    at.text_input(key="live_room").input(room)
    by_label(at.button, t("mlive.find")).click().run()
    return at


def card_texts(at: AppTest) -> list[str]:
    return [x.value for x in at.text] + [x.value.replace("\\", "") for x in at.subheader]


def test_live_board_matches_the_store(page_db, run_page, batch):
    at = ok(run_page("movein_live", "supervisor"))
    day = at.selectbox(key="live_day").value
    assert day == local_today()  # the batch started two days ago: today is one of its days
    board = movein.live_board(page_db.engine, MANAGER, batch.id, day)
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
    settings, _, _, _ = movein.load_batch(engine, MANAGER, batch.id)
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
        movein.advance(engine, current_user(engine, "supervisor").actor, batch.id, before.id, codes[0])
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
    board = movein.live_board(engine, MANAGER, batch.id, local_today())
    assert shown[batch.name] == f"{board['finished']} / {board['planned']}"
    # Complaint counts as the board counts them.
    counts = complaints.counts(engine, MANAGER, utcnow())
    for key in ("open", "overdue", "at_risk", "red_line"):
        assert shown[t(f"board.{key}")] == str(counts[key])
    pending = counts["red_line"] + counts["repeat"]
    assert pending  # the demo has escalated repeats
    assert t("home.escalations_pending", n=pending) in [w.value for w in at.warning]
    # The collections headline: the last complete month's rate, named, and the month so far.
    from services.collections import last_complete_month
    rate = shown[t("home.rate_month", period=last_complete_month(local_today()))]
    assert rate == "—" or rate.endswith("%")
    assert t("home.rate_to_date", period=f"{local_today():%Y-%m}") in shown
    assert t("home.limitation_count") in shown


def test_home_supervisor_sees_the_overdue_checklist(page_db):
    engine = page_db.engine
    overdue = movein.overdue_checklist(engine, current_user(engine, "supervisor").actor, local_today())
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
    supervisor = current_user(engine, "supervisor").actor
    items = movein.checklist(engine, MANAGER, batch.id)
    late = items[(~items["done"].astype(bool)) & (items["due"] < today)]
    assert not late.empty
    for r in late.itertuples():
        movein.set_checklist_item(engine, supervisor, int(r.id), int(r.version), True, r.owner, r.due)
    try:
        at = ok(open_page(engine, "home", "supervisor"))
        prefix = t("home.checklist_overdue").split("{n}")[0]
        assert not [w.value for w in at.warning if w.value.startswith(prefix)]
        assert t("home.movein") in subheaders(at)  # today's progress is still shown
    finally:  # leave the store as the other tests expect it
        for r in movein.checklist(engine, MANAGER, batch.id).itertuples():
            if int(r.id) in set(late["id"].astype(int)):
                movein.set_checklist_item(engine, supervisor, int(r.id), int(r.version), False, r.owner, r.due)


def test_defect_form_keeps_a_refused_entry_and_empties_after_a_save(page_db, run_page, batch):
    """Through ui.submit: a refused defect keeps what was typed; a saved one empties the form and
    is stored once."""
    engine = page_db.engine
    with engine.connect() as conn:
        room = conn.scalar(select(Unit.room_no).join(MoveinAppointment, MoveinAppointment.unit_id == Unit.id)
                           .where(MoveinAppointment.batch_id == batch.id).order_by(MoveinAppointment.id.desc()))
    appt = appointment(engine, batch.id, room)
    form = f"defect_{appt.id}"

    def defects() -> int:
        return len(movein.open_defects(engine, MANAGER, unit_id=appt.unit_id))

    before = defects()
    at = ok(find(run_page("movein_live", "supervisor"), room))
    # Nothing is chosen for the supervisor: every missing choice is named at once.
    assert [at.selectbox(key=f"{form}.0.{f}").value for f in ("location", "kind", "severity", "responsible")] == \
        [None] * 4
    by_label(at.button, t("mlive.defect")).click().run()
    assert [e.value for e in at.error] == [t("err.required", field=f) for f in
                                           ("location", "kind", "severity", "responsible")]
    at.selectbox(key=f"{form}.0.severity").set_value("major")
    at.selectbox(key=f"{form}.0.location").set_value("kitchen")
    at.selectbox(key=f"{form}.0.kind").set_value("wall")
    at.selectbox(key=f"{form}.0.responsible").set_value("contractor")
    by_label(at.button, t("mlive.defect")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.defect_note")]
    assert at.selectbox(key=f"{form}.0.location").value == "kitchen"        # still as chosen
    assert defects() == before
    at.text_area(key=f"{form}.0.note").input("厨房墙面开裂")
    by_label(at.button, t("mlive.defect")).click().run()
    ok(at)
    assert t("mlive.saved") in [s.value for s in at.success]
    assert defects() == before + 1
    assert at.text_area(key=f"{form}.1.note").value == ""                   # a fresh, empty form
    assert at.selectbox(key=f"{form}.1.severity").value is None
    assert at.selectbox(key=f"{form}.1.location").value == "kitchen"        # the room last chosen
    # The card lists it, with its deadline from the severity.
    assert any(t("mlive.defects_logged", n=1).split("（")[0] in m.value for m in at.markdown)


def test_a_station_another_tablet_just_finished_is_refused_on_the_card(page_db, run_page, batch):
    engine = page_db.engine
    with engine.connect() as conn:
        room = conn.scalar(select(Unit.room_no).join(MoveinAppointment, MoveinAppointment.unit_id == Unit.id)
                           .where(MoveinAppointment.batch_id == batch.id, MoveinAppointment.arrived_at.is_(None),
                                  MoveinAppointment.no_show.is_(False))
                           .order_by(MoveinAppointment.id.desc()))
    appt = appointment(engine, batch.id, room)
    at = ok(find(run_page("movein_live", "supervisor"), room))
    first = current_user(engine, "supervisor").actor
    movein.check_in(engine, first, batch.id, appt.id)      # the other tablet was quicker
    at.button(key=f"in_{appt.id}").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.household_checked_in")]
    # the card now shows the household as stored: checked in, the first station next
    assert [b.key for b in at.button if b.key and b.key.startswith(("in_", "adv_"))] == [
        f"adv_{appt.id}_{movein.load_batch(engine, MANAGER, batch.id).settings.stations[0].code}"]


def test_the_household_card_offers_the_handover_form_and_defect_list(page_db, run_page, batch):
    """The last desk prints what the owner signs from the card itself, no other page to find."""
    at = ok(find(run_page("movein_live", "supervisor"), "3-1906"))
    labels = [b.label for b in at.get("download_button")]
    assert t("docs.handover_button") in labels and t("docs.defects_button") in labels
