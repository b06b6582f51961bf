"""The move-in forms and buttons that write, each through ui.submit (one request key per
submission, so a double tap on a station or a resent form is written once: the service decides),
and the planning tabs built around them: appointments, staffing, the hall, the checklist, after
the day."""
from __future__ import annotations

import hashlib
from datetime import time

import pandas as pd
import streamlit as st

from core.auth.capabilities import Capability
from core.clock import local_today
from core.errors import DomainError, ValidationError
from core.movein.appointments import fill_evenly, split_slots
from core.movein.defects import KINDS, LOCATIONS, RESPONSIBLE, SEVERITIES
from core.movein.flow import Action, Chip, Stage
from core.movein.forecast import CURRENT, RECOMMENDED, STAFFINGS, drawn, staff_changes
from core.movein.hall import Zone, check_hall
from core.movein.model import OVERFLOWS, BatchSettings, Station, booking_hours
from core.movein.staffing import CONFIDENCE, GOAL, REPLICATIONS, needed_successes
from services import movein
from ui import cache, movein_cache
from ui.export import excel_button
from ui.i18n import t
from ui.movein_hall_views import tap_text
from ui.movein_views import (
    actual_table,
    busiest,
    day_label,
    defect_table,
    erlang_table,
    forecast_tables,
    hall_crosscheck,
    hall_sketch,
    p90_chart,
    seats_needed,
    staff_change_table,
    staff_days,
    station_name,
    station_table,
    unreachable_days,
    verdict_table,
    zone_name,
)
from ui.submit import flash, show_errors, submit

# The "saved" messages (ui.submit.flash) of the live page and of the plan page.
LIVE = "movein_live"
PLAN = "movein_plan"
_MAX_IMPORT_BYTES = 200_000


def _saved(where: str, message: str) -> None:
    flash(where, message)
    st.rerun()


def _forget_simulations(batch_id: int) -> None:
    """What was simulated for the old plan or bookings is no longer the plan's."""
    for key in (f"forecast_{batch_id}", f"rec_{batch_id}"):
        st.session_state.pop(key, None)


# ---------------------------------------------------------------- planning: a new batch

def new_batch_form(user, projects) -> None:
    with st.form("new_batch"):
        c1, c2, c3 = st.columns(3)
        names = dict(zip(projects["id"], projects["name"]))
        project_id = c1.selectbox(t("mplan.project"), list(names), format_func=names.get)
        name = c2.text_input(t("mplan.name"), max_chars=60)
        buildings = c3.text_input(t("mplan.buildings"), max_chars=60, placeholder="1,2,3")
        start = c1.date_input(t("mplan.start"), value=local_today())
        days = c2.number_input(t("mplan.days"), 1, 60, 10)
        hall = c3.number_input(t("mplan.hall"), 10.0, 5000.0, 150.0, step=10.0)
        opens = c1.time_input(t("mplan.opens"), time(9, 0))
        closes = c2.time_input(t("mplan.closes"), time(17, 0))
        if not st.form_submit_button(t("mplan.create"), type="primary"):
            return
    settings = BatchSettings(start=start, days=int(days), opens=opens, closes=closes, hall_m2=float(hall))
    chosen = [b.strip().upper() for b in buildings.split(",") if b.strip()]
    values = {"project": project_id, "name": name, "buildings": chosen, "settings": settings}
    new_id = submit("new_batch", lambda key: movein.create_batch(cache.engine(), user.actor, project_id, name, settings,
                                                               chosen, request_key=key),
                    values=values, clears=("movein",))
    if new_id is not None:
        households = movein.list_batches(cache.engine(), user.actor).set_index("id").loc[new_id, "households"]
        _saved(PLAN, t("mplan.created", n=int(households)))


def save_plan(user, batch_id, version, stations, zones, staffing, overflow=None, message: str | None = None) -> bool:
    """Stations, zones and staffing saved together; what was simulated for the old plan goes."""
    values = {"version": version, "stations": stations, "zones": zones, "staffing": staffing, "overflow": overflow}
    saved = submit(f"plan_{batch_id}", lambda key: movein.save_plan(cache.engine(), user.actor, batch_id, version,
                                                                   stations, zones, staffing, overflow,
                                                                   request_key=key),
                   values=values, clears=("movein",))
    if saved is None:
        return False
    _forget_simulations(batch_id)
    _saved(PLAN, message or t("mplan.saved"))
    return True


# ---------------------------------------------------------------- appointments

def _generation(batch_id: int) -> int:
    """Bumped after a save or a fill: the editors start again from what is stored (or filled)."""
    return st.session_state.get(f"appt_gen_{batch_id}", 0)


def _renew(batch_id: int) -> None:
    st.session_state[f"appt_gen_{batch_id}"] = _generation(batch_id) + 1


def _cell(value) -> int | None:
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() and value >= 0 else None


def _save_quotas(user, batch_id: int, version: int, grid: dict) -> None:
    def write(key):
        bad = [i for i, per in enumerate(grid.values(), start=1) if any(n is None for n in per.values())]
        if bad:
            raise ValidationError("err.quota_count", field="day", day=bad[0])
        return movein.save_quotas(cache.engine(), user.actor, batch_id, version, grid, request_key=key)
    if submit(f"quotas_{batch_id}", write, values={"version": version, "grid": grid}, clears=("movein",)) is not None:
        st.session_state.pop(f"days_draft_{batch_id}", None)
        _renew(batch_id)
        _forget_simulations(batch_id)
        _saved(PLAN, t("mappt.saved"))


def _days_editor(user, batch_id: int, plan, per_day, started: dict) -> None:
    """Households per day: type the days you know, let the rest share what is left. A day whose
    households have all come (or stayed away) keeps its count."""
    total = sum(sum(slots.values()) for _, slots in per_day)
    done = {i: sum(slots.values()) for i, (d, slots) in enumerate(per_day)
            if sum(n for (day, _), n in started.items() if day == d) >= sum(slots.values())}
    draft = st.session_state.get(f"days_draft_{batch_id}")
    counts = draft or [sum(slots.values()) for _, slots in per_day]
    key = f"days_{batch_id}_{_generation(batch_id)}"
    edited = st.data_editor(
        pd.DataFrame({"day": [day_label(d) for d, _ in per_day], "households": counts}), hide_index=True, key=key,
        disabled=["day"], width="stretch",
        column_config={"day": t("mplan.day"), "households": st.column_config.NumberColumn(
            t("field.households"), min_value=0, max_value=20000, step=1)})
    st.caption(t("mappt.days_hint", total=total, n=sum(_cell(n) or 0 for n in edited["households"])))
    c1, c2 = st.columns(2)
    if c1.button(t("mappt.fill"), key=f"fill_{batch_id}", width="stretch"):
        changed = st.session_state.get(key, {}).get("edited_rows", {})
        fixed = {**done, **{int(i): _cell(row["households"]) for i, row in changed.items() if "households" in row}}
        try:
            floors = {i: sum(n for (day, _), n in started.items() if day == d) for i, (d, _) in enumerate(per_day)}
            st.session_state[f"days_draft_{batch_id}"] = fill_evenly(total, len(per_day), fixed, floors)
        except DomainError as e:
            show_errors(e)
        else:
            _renew(batch_id)
            st.rerun()
    if c2.button(t("mappt.save_days"), type="primary", key=f"save_days_{batch_id}", width="stretch"):
        hours = booking_hours(plan.settings)
        grid = {}
        for (day, slots), value in zip(per_day, edited["households"]):
            n = _cell(value)
            # A day whose count stays keeps its slots as set; a new count is spread over the hours.
            least = {h: c for (d, h), c in started.items() if d == day}
            grid[day.isoformat()] = slots if n == sum(slots.values()) else (
                split_slots(n, hours, least) if n is not None else {h: None for h in hours})
        _save_quotas(user, batch_id, plan.version, grid)


def _slots_editor(user, batch_id: int, plan, per_day) -> None:
    hours = booking_hours(plan.settings)
    names = {h: f"{h}:00" for h in hours}
    frame = pd.DataFrame([{"day": day_label(d), **{names[h]: slots.get(h, 0) for h in hours}} for d, slots in per_day])
    edited = st.data_editor(frame, hide_index=True, key=f"slots_{batch_id}_{_generation(batch_id)}", disabled=["day"],
                            width="stretch",
                            column_config={"day": t("mplan.day"), **{names[h]: st.column_config.NumberColumn(
                                names[h], min_value=0, max_value=2000, step=1) for h in hours}})
    if st.button(t("mappt.save_slots"), key=f"save_slots_{batch_id}", width="stretch"):
        grid = {d.isoformat(): {h: _cell(row[names[h]]) for h in hours}
                for (d, _), row in zip(per_day, edited.to_dict("records"))}
        _save_quotas(user, batch_id, plan.version, grid)


def _import_form(user, batch_id: int, plan) -> None:
    with st.expander(t("mappt.import")):
        with st.form(f"import_{batch_id}"):
            text = st.text_area(t("mappt.lines"), placeholder="3-1906, 2026-05-09, 10", height=120)
            upload = st.file_uploader(t("mappt.file"), type=["csv", "txt"])
            if not st.form_submit_button(t("mappt.import_do"), width="stretch"):
                return
        if upload is not None and upload.size > _MAX_IMPORT_BYTES:
            st.error(t("mappt.too_big", kb=_MAX_IMPORT_BYTES // 1000))
            return
        lines = text.splitlines() + (upload.getvalue().decode("utf-8-sig", "replace").splitlines() if upload else [])
        moved = submit(f"import_{batch_id}", lambda key: movein.import_bookings(
            cache.engine(), user.actor, batch_id, plan.version, lines, request_key=key),
            values={"version": plan.version, "lines": lines}, clears=("movein",))
    if moved is not None:
        _renew(batch_id)
        _forget_simulations(batch_id)
        _saved(PLAN, t("mappt.imported", n=moved))


def appointments_tab(user, batch_id: int, plan, per_day) -> None:
    st.caption(t("mappt.intro"))
    _days_editor(user, batch_id, plan, per_day, movein.started_per_slot(cache.engine(), user.actor, batch_id))
    st.subheader(t("mappt.slots"), anchor=False)
    _slots_editor(user, batch_id, plan, per_day)
    _import_form(user, batch_id, plan)


# ---------------------------------------------------------------- staffing

def _progress(bar):
    return lambda i, n: bar.progress(i / n, text=t("mplan.progress", i=i, n=n))


def _stations_editor(batch_id: int, settings) -> list[Station]:
    frame = pd.DataFrame([{"code": s.code, "name": station_name(s.code), "mean": s.mean_min, "sd": s.sd_min,
                           "staff": s.staff, "max": s.max_staff} for s in settings.stations])
    number = st.column_config.NumberColumn
    edited = st.data_editor(frame, hide_index=True, key=f"stations_{batch_id}", disabled=["code", "name"],
                            column_config={"code": None, "name": t("field.station"),
                                           "mean": number(t("mplan.mean"), min_value=0.5, max_value=480),
                                           "sd": number(t("mplan.sd"), min_value=0, max_value=480),
                                           "staff": number(t("mplan.staff"), min_value=1, max_value=100, step=1),
                                           "max": number(t("mplan.max_staff"), min_value=1, max_value=100, step=1)})
    return [Station(r.code, float(r.mean), float(r.sd), int(r.staff), int(r.max)) for r in edited.itertuples()]


def _simulate(kind: str, user, batch_id: int, stations, plan):
    bar = st.progress(0.0)
    run = movein.forecast if kind == "forecast" else movein.recommend_staffing
    try:
        return run(cache.engine(), user.actor, batch_id, stations=stations, staffing=plan.staffing,
                   progress=_progress(bar))
    except DomainError as e:
        show_errors(e)
        return None
    finally:
        bar.empty()


def _recommendation(user, batch_id: int, plan, stations, rec) -> None:
    settings = plan.settings
    changes = staff_changes(rec)
    st.subheader(t("mplan.v_title"), anchor=False)
    st.caption(t("mplan.v_note", n=REPLICATIONS, goal=round(100 * GOAL), m=f"{settings.target_p90_wait_min:g}"))
    st.dataframe(verdict_table(rec, changes), hide_index=True, width="stretch")
    st.caption(t("mplan.overtime_note"))
    for message in unreachable_days(rec):
        st.warning(message)
    if st.button(t("mplan.apply"), key="apply_rec", type="primary"):
        st.session_state[f"refresh_{batch_id}"] = True
        if not save_plan(user, batch_id, plan.version, stations, plan.zones, rec.plan, message=t("mplan.applied")):
            st.session_state.pop(f"refresh_{batch_id}", None)
    st.subheader(t("mplan.s_title"), anchor=False)
    st.caption(t("mplan.rule", goal=round(100 * GOAL), conf=round(100 * CONFIDENCE), n=REPLICATIONS,
                 need=needed_successes(REPLICATIONS)))
    only = st.toggle(t("mplan.s.only_changed"), key=f"only_changed_{batch_id}")
    st.dataframe(staff_change_table(changes, only), hide_index=True, width="stretch", height=320,
                 column_config={t("mplan.s.change"): st.column_config.NumberColumn(format="%+d")})
    st.caption(t("mplan.s_note"))
    with st.expander(t("mplan.erlang_title")):
        days = {d: r for d, r in rec.days}
        heaviest = max(days, key=lambda d: days[d].booked)
        day = st.selectbox(t("mplan.day"), list(days), index=list(days).index(heaviest), format_func=day_label,
                           key=f"erlang_day_{batch_id}")
        st.dataframe(erlang_table(days[day]), hide_index=True, width="stretch")
        st.caption(t("mplan.erlang_note"))


def shown_forecast(batch_id: int) -> tuple[str | None, list | None]:
    """(which staffing, its forecast) as the staffing tab draws it: with a recommendation on
    screen, the staffing the toggle picks (the recommended one unless the supervisor turns it
    back), drawn from the recommendation's own re-simulation; otherwise the last forecast run
    for the staffing planned now. The hall tab sizes its waiting area on the same figures."""
    rec = st.session_state.get(f"rec_{batch_id}")
    if rec:
        which = st.session_state.get(f"drawn_{batch_id}", RECOMMENDED)
        return which, drawn(rec, which)
    ran = st.session_state.get(f"forecast_{batch_id}")
    return (CURRENT, ran) if ran else (None, None)


def _forecast(settings, batch_id: int) -> None:
    if st.session_state.get(f"rec_{batch_id}"):
        st.radio(t("mplan.drawn"), STAFFINGS, format_func=lambda v: t(f"mplan.drawn.{v}"), horizontal=True,
                 key=f"drawn_{batch_id}", index=STAFFINGS.index(RECOMMENDED))
    which, forecasts = shown_forecast(batch_id)
    if not forecasts:
        st.info(t("mplan.no_forecast"))
        return
    days, per_station = forecast_tables(forecasts)
    st.subheader(t("mplan.forecast_title"), anchor=False)
    st.caption(t(f"mplan.drawn_{which}", n=staff_days(forecasts), days=len(forecasts)))
    st.caption(t("mplan.forecast_note", n=REPLICATIONS))
    st.dataframe(days, hide_index=True, width="stretch")
    st.altair_chart(p90_chart(per_station, settings.target_p90_wait_min), width="stretch")
    shown = station_table(per_station)
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={t("mplan.util"): st.column_config.ProgressColumn(format="%d%%", min_value=0,
                                                                                 max_value=100)})
    excel_button(shown, "movein_forecast.xlsx", key="forecast_export")


def staffing_tab(user, batch_id: int, plan, capacity: int) -> None:
    settings = plan.settings
    st.caption(t("mplan.target", m=settings.target_p90_wait_min, c=capacity, goal=round(100 * GOAL)))
    stations = _stations_editor(batch_id, settings)
    b1, b2, b3 = st.columns(3)
    if b1.button(t("mplan.save"), key="save_stations", width="stretch"):
        save_plan(user, batch_id, plan.version, stations, plan.zones, plan.staffing)
    key = f"forecast_{batch_id}"
    # Once a recommendation is applied, the forecast is redrawn for the staffing now planned.
    applied = st.session_state.pop(f"refresh_{batch_id}", False)
    if b2.button(t("mplan.run"), type="primary", key="run_forecast", width="stretch") or applied:
        st.session_state[key] = _simulate("forecast", user, batch_id, stations, plan)
        # the forecast just run is of the staffing planned now: a recommendation beside it would
        # draw something else
        st.session_state.pop(f"rec_{batch_id}", None)
    if b3.button(t("mplan.recommend"), key="recommend", width="stretch"):
        st.session_state[f"rec_{batch_id}"] = _simulate("recommend", user, batch_id, stations, plan)
        st.session_state.pop(f"drawn_{batch_id}", None)     # a new recommendation is drawn first
    rec = st.session_state.get(f"rec_{batch_id}")
    if rec:
        _recommendation(user, batch_id, plan, stations, rec)
    _forecast(settings, batch_id)


# ---------------------------------------------------------------- the hall

def _zones_editor(batch_id: int, zones) -> list[Zone]:
    frame = pd.DataFrame([{"code": z.code, "name": zone_name(z.code), "m2": z.m2} for z in zones])
    edited = st.data_editor(frame, hide_index=True, key=f"zones_{batch_id}", disabled=["code", "name"],
                            column_config={"code": None, "name": t("mplan.zone"),
                                           "m2": st.column_config.NumberColumn(t("mplan.area"), min_value=0.0,
                                                                               max_value=5000.0)})
    return [Zone(r.code, float(r.m2)) for r in edited.itertuples()]


def _seats(user, batch_id: int, plan, zones, check, per_day) -> int | None:
    """The waiting zone against the simulated peak of the busiest day of the forecast drawn on
    the staffing tab, M/M/c/K beside it; the peak, or None before any forecast."""
    f = busiest(shown_forecast(batch_id)[1])
    if f is None:
        st.caption(t("mhall.no_forecast"))
        return None
    seats, m2 = seats_needed(f, plan.settings)
    have = sum(z.m2 for z in zones if z.code == "waiting")
    st.caption(t("mhall.sized", day=day_label(f.day), peak=seats, m2=m2, have=have))
    if seats > check.waiting_capacity:
        st.warning(t("mplan.waiting_short", peak=seats, cap=check.waiting_capacity))
        if st.button(t("mhall.size_it", m2=m2), key="size_waiting"):
            sized = [Zone(z.code, m2) if z.code == "waiting" else z for z in zones]
            save_plan(user, batch_id, plan.version, list(plan.settings.stations), sized, plan.staffing)
    table = hall_crosscheck(f, plan.settings, dict(per_day).get(f.day, f.households))
    if table is not None:
        st.caption(t("mhall.mmck_note"))
        st.dataframe(table, hide_index=True, width="stretch")
    return seats


def hall_tab(user, batch_id: int, plan, per_day) -> None:
    settings = plan.settings
    new_zones = _zones_editor(batch_id, plan.zones)
    check = check_hall(new_zones, settings.hall_m2, settings.m2_per_waiting_person)
    st.caption(t("mplan.total", total=round(check.total_m2, 1), hall=settings.hall_m2))
    (st.success if check.fits else st.error)(
        t("mplan.fits") if check.fits else t("err.hall_too_small", total=round(check.total_m2, 1), hall=settings.hall_m2))
    st.caption(t("mplan.waiting_cap", cap=check.waiting_capacity, m2=settings.m2_per_waiting_person))
    overflow = st.radio(t("mhall.overflow"), OVERFLOWS, index=OVERFLOWS.index(settings.overflow),
                        format_func=lambda v: t(f"mhall.{v}"), horizontal=True, key=f"overflow_{batch_id}")
    peak = _seats(user, batch_id, plan, new_zones, check, per_day)
    sketch, keyed = hall_sketch(new_zones, settings.hall_m2, [s.code for s in settings.stations],
                                check.waiting_capacity, peak)
    st.altair_chart(sketch, width="content")
    st.caption(t("mhall.flow_note"))
    if keyed:
        st.caption(t("mhall.key", rows=" · ".join(keyed)))
    if st.button(t("mplan.save"), key="save_zones"):
        save_plan(user, batch_id, plan.version, list(settings.stations), new_zones, plan.staffing, overflow)


# ---------------------------------------------------------------- the checklist, after the day

def checklist_item(user, r, today) -> None:
    """One preparation item; a change of owner, due date or tick is saved as it is made."""
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
        c1.markdown(f"**{t(f'check.{r.code}')}**" + (" · :red[!]" if (not r.done and r.due < today) else ""))
        owner = c2.text_input(t("mplan.owner"), value=r.owner, key=f"owner_{r.id}", max_chars=40)
        due = c3.date_input(t("mplan.due"), value=r.due, key=f"due_{r.id}")
        done = c4.checkbox(t("mplan.done"), value=bool(r.done), key=f"done_{r.id}")
        if (owner, due, done) == (r.owner, r.due, bool(r.done)):
            return
        values = {"owner": owner, "due": due, "done": done, "version": int(r.version)}
        if submit(f"checklist_{r.id}", lambda key: movein.set_checklist_item(
                cache.engine(), user.actor, int(r.id), int(r.version), done, owner, due, request_key=key),
                values=values, clears=("movein",)) is not None:
            st.rerun()


def checklist_tab(user, batch_id) -> None:
    today = local_today()
    for r in movein.checklist(cache.engine(), user.actor, batch_id).itertuples():
        checklist_item(user, r, today)


def fix_defect_form(user, defects) -> None:
    ids = {int(r.id): f"{r.room_no} · {t(f'loc.{r.location}')} · {t(f'kind.{r.kind}')}" for r in defects.itertuples()}
    versions = dict(zip(defects["id"].astype(int), defects["version"].astype(int)))
    c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(t("mplan.defects"), list(ids), format_func=ids.get, key="fix_pick")
    confirmed = c2.checkbox(t("mlive.owner_confirmed"), key="fix_confirmed")
    if c3.button(t("mplan.fixed"), key="fix_defect"):
        version = versions[chosen]
        if submit("fix_defect", lambda key: movein.fix_defect(cache.engine(), user.actor, chosen, version,
                                                            owner_confirmed=confirmed, request_key=key),
                  values={"defect": chosen, "version": version, "ok": confirmed}, clears=("movein",)) is not None:
            st.rerun()


def after_tab(user, batch_id) -> None:
    st.subheader(t("mplan.defects"))
    defects = movein.open_defects(cache.engine(), user.actor, batch_id=batch_id)
    if defects.empty:
        st.caption(t("mplan.no_defects"))
    else:
        shown = defect_table(defects)
        st.dataframe(shown, hide_index=True, width="stretch")
        fix_defect_form(user, defects)
        excel_button(shown, "movein_defects.xlsx", key="defects_export")
    st.subheader(t("mplan.actual"))
    table = actual_table(movein_cache.actual_vs_plan(cache.url(), user.reader, batch_id))
    st.dataframe(table, hide_index=True, width="stretch")
    excel_button(table, "movein_actual_vs_plan.xlsx", key="actual_export")


# ---------------------------------------------------------------- the hall on the day

class _Refusals:
    """Where submit's messages go from a button callback: kept for the card of the run that follows."""

    key = "movein_live.refusals"

    def error(self, text: str) -> None:
        st.session_state.setdefault(self.key, []).append(text)


def _tap(form: str, values: dict, write) -> None:
    # A button callback runs before the script, so the same run already shows the new state:
    # one run per tap on the tablet.
    st.session_state.pop(_Refusals.key, None)
    if submit(form, write, values=values, clears=("movein",), container=_Refusals()) is not None:
        flash(LIVE, t("mlive.saved"))


def tap_refusals() -> list[str]:
    """What the last tap was refused with, once."""
    return st.session_state.pop(_Refusals.key, [])


def _button(where, label: str, key: str, form: str, values: dict, write, primary: bool = True) -> None:
    where.button(label, type="primary" if primary else "secondary", width="stretch", key=key, on_click=_tap,
                 args=(form, values, write))


def _confirming(key: str) -> bool:
    return bool(st.session_state.get(key))


def _ask(key: str) -> None:
    st.session_state[key] = True


def _forget(key: str) -> None:
    st.session_state.pop(key, None)


def _no_show_button(where, user, batch_id: int, appointment_id: int, room_no: str, version: int) -> None:
    """No-show sits beside check-in: it asks once more before it counts (and can still be undone,
    or reversed by a late arrival)."""
    ask = f"noshow_ask_{appointment_id}"
    if not _confirming(ask):
        where.button(t("mlive.no_show_room", room=room_no), width="stretch", key=f"noshow_{appointment_id}",
                     on_click=_ask, args=(ask,))
        return
    engine = cache.engine()

    def confirmed() -> None:
        _forget(ask)
        _tap(f"household_{appointment_id}", {"do": "no_show", "v": version},
             lambda key: movein.mark_no_show(engine, user.actor, batch_id, appointment_id, request_key=key))

    with where.container(border=True):
        st.warning(t("mlive.no_show_confirm", room=room_no))
        st.button(t("mlive.no_show_yes"), type="primary", width="stretch", key=f"noshow_yes_{appointment_id}",
                  on_click=confirmed)
        st.button(t("mlive.cancel"), width="stretch", key=f"noshow_no_{appointment_id}", on_click=_forget, args=(ask,))


def household_actions(user, batch_id: int, h, today) -> None:
    """The next action core offers this household, as the largest button; beside it what may
    be needed now and then (no-show, asked to confirm; undo). The button names the station it
    finishes, so a tap cannot finish the wrong one; a second tap of the same button is the same
    request and writes nothing more."""
    form = f"household_{h.id}"
    engine = cache.engine()
    other_day = h.day != today
    if h.action is Action.CHECK_IN and other_day:
        st.warning(t("mlive.other_day", day=day_label(h.day)))
        _button(st, t("mlive.check_in_today"), f"in_{h.id}", form, {"do": "check_in", "other_day": True, "v": h.version},
                lambda key: movein.check_in(engine, user.actor, batch_id, h.id, hall_day=today, other_day=True,
                                            request_key=key))
    elif h.action is Action.CHECK_IN:
        b1, b2 = st.columns([3, 1])
        _button(b1, t("mlive.check_in"), f"in_{h.id}", form, {"do": "check_in", "v": h.version},
                lambda key: movein.check_in(engine, user.actor, batch_id, h.id, hall_day=today, request_key=key))
        _no_show_button(b2, user, batch_id, h.id, h.room_no, h.version)
    elif h.stage is Stage.NO_SHOW:
        st.info(t("err.household_no_show"))
        _button(st, t("mlive.late_arrival"), f"late_{h.id}", form, {"do": "late", "v": h.version},
                lambda key: movein.check_in(engine, user.actor, batch_id, h.id, hall_day=today, other_day=other_day,
                                            late=True, request_key=key))
    elif h.action is Action.ADVANCE:
        station = h.next_station
        _button(st, t("mlive.advance", station=station_name(station)), f"adv_{h.id}_{station}", form,
                {"do": "advance", "station": station, "v": h.version},
                lambda key: movein.advance(engine, user.actor, batch_id, h.id, station, request_key=key))
    else:
        st.success(t("mlive.finished"))


def undo_control(user, batch_id: int, h, events) -> None:
    """Take back the household's latest tap: one's own within minutes in one tap; a manager, later,
    with a reason that goes into the timeline (the service decides who may)."""
    live = [e for e in events if e["undone_at"] is None]
    if not live:
        return
    last = live[-1]
    form = f"undo_{h.id}"
    engine = cache.engine()
    label = t("mlive.undo", tap=tap_text(last["kind"], last["station"]))
    if user.actor.can(Capability.UNDO_MOVEIN_TAP):
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        reason = c1.text_input(t("mlive.undo_reason"), max_chars=200, key=f"undo_reason_{h.id}_{last['id']}")
        c2.button(label, width="stretch", key=f"undo_{h.id}", on_click=_tap,
                  args=(form, {"tap": last["id"], "reason": reason},
                        lambda key: movein.undo_last(engine, user.actor, batch_id, h.id, reason=reason, request_key=key)))
    else:
        st.button(label, width="stretch", key=f"undo_{h.id}", on_click=_tap,
                  args=(form, {"tap": last["id"]},
                        lambda key: movein.undo_last(engine, user.actor, batch_id, h.id, request_key=key)))


# ---------------------------------------------------------------- station mode

def arrivals(user, batch_id: int, rows, today) -> None:
    """The first station's desk checks arrivals in with one tap each; a no-show that turns up
    late is checked in from here too."""
    engine = cache.engine()
    expected = [r for r in rows if r.chip is Chip.EXPECTED]
    st.markdown(f"**{t('mlive.arrivals', n=len(expected))}**")
    cols = st.columns(3)
    for i, r in enumerate(expected):
        _button(cols[i % 3], t("mlive.arrived", room=r.room_no, hour=r.slot_hour), f"in_{r.id}", f"household_{r.id}",
                {"do": "check_in", "v": r.version}, lambda key, r=r: movein.check_in(engine, user.actor, batch_id, r.id,
                                                                    hall_day=today, request_key=key), primary=False)
    if expected:
        with st.expander(t("mlive.mark_no_shows")):
            cols = st.columns(3)
            for i, r in enumerate(expected):
                _no_show_button(cols[i % 3], user, batch_id, r.id, r.room_no, r.version)
    absent = [r for r in rows if r.chip is Chip.NO_SHOW]
    if absent:
        with st.expander(t("mlive.no_shows_late", n=len(absent))):
            cols = st.columns(3)
            for i, r in enumerate(absent):
                _button(cols[i % 3], t("mlive.late_room", room=r.room_no), f"late_{r.id}", f"household_{r.id}",
                        {"do": "late", "v": r.version}, lambda key, r=r: movein.check_in(engine, user.actor, batch_id, r.id,
                                                                        hall_day=today, late=True, request_key=key),
                        primary=False)


def desk_controls(user, batch_id: int, queue, day) -> None:
    """Station mode: take the next household (one tap), finish one in service (one tap), and
    take back one's own last tap."""
    engine = cache.engine()
    station = queue.station
    for e in sorted(queue.serving, key=lambda e: e.by != user.actor.username):
        who = "" if e.by == user.actor.username else f" ({e.by})"
        _button(st, t("mlive.finish", station=station_name(station), room=e.room_no) + who, f"fin_{e.id}",
                f"household_{e.id}", {"do": "advance", "station": station, "v": e.version},
                lambda key, e=e: movein.advance(engine, user.actor, batch_id, e.id, station, request_key=key))
    if queue.waiting:
        head = queue.waiting[0]
        # The key names the household shown as next: a resent tap is the same take, a new tap
        # (with a new head) a new one; if another desk was quicker, the service takes the next.
        _button(st, t("mlive.take_next", room=head.room_no, m=head.minutes), "hall_next", f"take_{station}",
                {"do": "take", "head": head.id, "version": head.version},
                lambda key: movein.take_next(engine, user.actor, batch_id, station, day, request_key=key))
    else:
        st.button(t("mlive.take_none"), width="stretch", key="hall_next", disabled=True)


def my_undo(user, batch_id: int) -> None:
    tap = movein.last_tap(cache.engine(), user.actor, batch_id)
    if tap is None:
        return
    engine = cache.engine()
    _button(st, t("mlive.undo_mine", tap=tap_text(tap.kind, tap.station), room=tap.room_no), "undo_mine",
            f"undo_{tap.appointment_id}", {"tap": tap.id},
            lambda key: movein.undo_last(engine, user.actor, batch_id, tap.appointment_id, request_key=key),
            primary=False)


def _form_generation(form: str) -> int:
    """Bumped after a save: the form's widgets come back empty, while a refused entry keeps
    what was typed."""
    return st.session_state.get(f"{form}.gen", 0)


def _emptied(form: str) -> None:
    st.session_state[f"{form}.gen"] = _form_generation(form) + 1


_LAST_ROOM = "movein_live.last_location"   # the supervisor walks room by room: the next defect starts there


def _choice(where, label: str, options, prefix: str, key: str, index=None):
    """A choice the supervisor must make: nothing preselected, a placeholder says so."""
    return where.selectbox(label, options, index=index, format_func=lambda v: t(f"{prefix}.{v}"), key=key,
                           placeholder=t("mlive.choose"))


def defect_form(user, batch_id: int, h) -> None:
    form = f"defect_{h.id}"
    g = _form_generation(form)
    with st.expander(t("mlive.defect")):
        camera = st.toggle(t("mlive.camera"), key=f"{form}.{g}.camera")
        with st.form(form):
            c1, c2 = st.columns(2)
            last = st.session_state.get(_LAST_ROOM)
            location = _choice(c1, t("field.location"), LOCATIONS, "loc", f"{form}.{g}.location",
                               LOCATIONS.index(last) if last in LOCATIONS else None)
            kind = _choice(c2, t("field.kind"), KINDS, "kind", f"{form}.{g}.kind")
            severity = _choice(c1, t("field.severity"), SEVERITIES, "sev", f"{form}.{g}.severity")
            responsible = _choice(c2, t("field.responsible"), RESPONSIBLE, "resp", f"{form}.{g}.responsible")
            due = c1.date_input(t("mlive.due_input"), value=None, min_value=local_today(), key=f"{form}.{g}.due",
                                format="YYYY-MM-DD")
            c2.caption(t("mlive.due_hint"))
            note = st.text_area(t("mlive.note"), max_chars=500, key=f"{form}.{g}.note")
            shot = st.camera_input(t("mlive.camera"), key=f"{form}.{g}.shot") if camera else None
            photo = st.file_uploader(t("field.photo"), type=["jpg", "jpeg", "png", "webp"], key=f"{form}.{g}.photo")
            if not st.form_submit_button(t("mlive.defect"), width="stretch"):
                return
            picture = (shot or photo).getvalue() if (shot or photo) else None
            if location is not None:
                st.session_state[_LAST_ROOM] = location
            # What the user entered names the entry; an emptied form sent again is a double tap.
            values = {"location": location, "kind": kind, "severity": severity, "responsible": responsible,
                      "due": due, "note": note, "photo": hashlib.sha256(picture).hexdigest() if picture else None}
            saved = submit(form, lambda key: movein.log_defect(
                cache.engine(), user.actor, batch_id, h.unit_id, location=location, kind=kind, severity=severity,
                responsible=responsible, note=note, photo=picture, due=due, request_key=key),
                values=values, clears=("movein",), fresh_after=True)
    if saved is not None:
        _emptied(form)
        _saved(LIVE, t("mlive.saved"))


def close_defect_form(user, d) -> None:
    """Closing a defect: only once the owner has confirmed the repair, and how."""
    form = f"close_{d['id']}"
    with st.popover(t("mlive.close_defect"), width="stretch"):
        with st.form(form, border=False):
            confirmed = st.checkbox(t("mlive.owner_confirmed"), key=f"{form}.ok")
            note = st.text_input(t("mlive.closing_note"), max_chars=200, key=f"{form}.note")
            if not st.form_submit_button(t("mlive.close_defect"), type="primary", width="stretch"):
                return
            done = submit(form, lambda key: movein.fix_defect(cache.engine(), user.actor, int(d["id"]), int(d["version"]),
                                                             owner_confirmed=confirmed, note=note, request_key=key),
                          values={"ok": confirmed, "note": note, "v": int(d["version"])}, clears=("movein",))
    if done is not None:
        _saved(LIVE, t("mlive.defect_closed"))


def dispute_form(user, batch_id: int, h) -> None:
    form = f"dispute_{h.id}"
    g = _form_generation(form)
    with st.expander(t("mlive.dispute")):
        with st.form(form):
            note = st.text_area(t("mlive.note"), max_chars=500, key=f"{form}.{g}.note")
            if not st.form_submit_button(t("mlive.dispute"), width="stretch"):
                return
            saved = submit(form, lambda key: movein.log_dispute(cache.engine(), user.actor, batch_id, h.unit_id, note,
                                                              request_key=key),
                           values={"note": note}, clears=("movein",), fresh_after=True)
    if saved is not None:
        _emptied(form)
        _saved(LIVE, t("mlive.saved"))
