"""The four tabs of the move-in planning page."""
from __future__ import annotations


import pandas as pd
import streamlit as st

from core.clock import local_today
from core.errors import DomainError
from core.movein.forecast import forecast, recommend_batch
from core.movein.hall import Zone, check_hall
from core.movein.model import Station
from db import movein
from ui.export import excel_button
from ui.i18n import error_text, t
from ui.movein_views import defect_table, forecast_tables, hall_sketch, p90_chart, station_name, zone_name


def _save(engine, user, batch_id, version, stations, zones, staffing) -> None:
    try:
        movein.save_plan(engine, user.username, batch_id, version, stations, zones, staffing)
    except DomainError as e:
        st.error(error_text(e))
        return
    st.session_state.pop(f"forecast_{batch_id}", None)
    st.success(t("mplan.saved"))
    st.rerun()


def _progress(bar):
    return lambda i, n: bar.progress(i / n, text=t("mplan.progress", i=i, n=n))


def forecast_tab(engine, user, batch_id, settings, zones, staffing, version, per_day, capacity) -> None:
    st.caption(t("mplan.target", m=settings.target_p90_wait_min, c=capacity))
    frame = pd.DataFrame([{"code": s.code, "name": station_name(s.code), "mean": s.mean_min, "sd": s.sd_min,
                           "staff": s.staff} for s in settings.stations])
    edited = st.data_editor(frame, hide_index=True, key=f"stations_{batch_id}", disabled=["code", "name"],
                            column_config={"code": None, "name": t("field.station"),
                                           "mean": st.column_config.NumberColumn(t("mplan.mean"), min_value=0.5, max_value=480),
                                           "sd": st.column_config.NumberColumn(t("mplan.sd"), min_value=0, max_value=480),
                                           "staff": st.column_config.NumberColumn(t("mplan.staff"), min_value=1, max_value=100, step=1)})
    stations = [Station(r.code, float(r.mean), float(r.sd), int(r.staff)) for r in edited.itertuples()]
    b1, b2, b3 = st.columns(3)
    if b1.button(t("mplan.save"), key="save_stations"):
        _save(engine, user, batch_id, version, stations, zones, staffing)
    key = f"forecast_{batch_id}"
    plan_settings = settings.__class__(**{**settings.__dict__, "stations": tuple(stations)})
    if b2.button(t("mplan.run"), type="primary", key="run_forecast"):
        bar = st.progress(0.0)
        st.session_state[key] = forecast(plan_settings, per_day, staffing, progress=_progress(bar))
        bar.empty()
    if b3.button(t("mplan.recommend"), key="recommend"):
        bar = st.progress(0.0)
        st.session_state[f"rec_{batch_id}"] = recommend_batch(plan_settings, per_day, capacity, progress=_progress(bar))
        bar.empty()
    rec = st.session_state.get(f"rec_{batch_id}")
    if rec:
        table = pd.DataFrame(rec).T.rename(columns=station_name)
        st.dataframe(table, width="stretch")
        if st.button(t("mplan.apply"), key="apply_rec"):
            _save(engine, user, batch_id, version, stations, zones, rec)
    forecasts = st.session_state.get(key)
    if not forecasts:
        st.info(t("mplan.no_forecast"))
        return
    days, per_station = forecast_tables(forecasts)
    st.dataframe(days, hide_index=True, width="stretch")
    st.altair_chart(p90_chart(per_station, settings.target_p90_wait_min), width="stretch")
    shown = per_station.rename(columns={"day": t("mplan.day"), "station": t("field.station"), "staff": t("mplan.staff"),
                                        "p90": t("mplan.p90"), "util": t("mplan.util"), "erlang": t("mplan.erlang")})
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={t("mplan.util"): st.column_config.ProgressColumn(format="percent")})
    excel_button(shown, "movein_forecast.xlsx", key="forecast_export")


def hall_tab(engine, user, batch_id, settings, zones, staffing, version, capacity) -> None:
    frame = pd.DataFrame([{"code": z.code, "name": zone_name(z.code), "m2": z.m2} for z in zones])
    edited = st.data_editor(frame, hide_index=True, key=f"zones_{batch_id}", disabled=["code", "name"],
                            column_config={"code": None, "name": t("mplan.zone"),
                                           "m2": st.column_config.NumberColumn(t("mplan.area"), min_value=0.0, max_value=5000.0)})
    new_zones = [Zone(r.code, float(r.m2)) for r in edited.itertuples()]
    forecasts = st.session_state.get(f"forecast_{batch_id}")
    peak = max((f.result.peak_waiting for f in forecasts), default=None) if forecasts else None
    check = check_hall(new_zones, settings.hall_m2, settings.m2_per_waiting_person, peak)
    st.caption(t("mplan.total", total=round(check.total_m2, 1), hall=settings.hall_m2))
    (st.success if check.fits else st.error)(
        t("mplan.fits") if check.fits else t("err.hall_too_small", total=round(check.total_m2, 1), hall=settings.hall_m2))
    st.caption(t("mplan.waiting_cap", cap=check.waiting_capacity, m2=settings.m2_per_waiting_person))
    if not check.waiting_ok:
        st.warning(t("mplan.waiting_short", peak=peak, cap=check.waiting_capacity))
    st.altair_chart(hall_sketch(new_zones, settings.hall_m2), width="stretch")
    if st.button(t("mplan.save"), key="save_zones"):
        _save(engine, user, batch_id, version, list(settings.stations), new_zones, staffing)


def checklist_tab(engine, user, batch_id) -> None:
    items = movein.checklist(engine, batch_id)
    today = local_today()
    for r in items.itertuples():
        with st.container(border=True):
            c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
            c1.markdown(f"**{t(f'check.{r.code}')}**" + (" · :red[!]" if (not r.done and r.due < today) else ""))
            owner = c2.text_input(t("mplan.owner"), value=r.owner, key=f"owner_{r.id}", max_chars=40)
            due = c3.date_input(t("mplan.due"), value=r.due, key=f"due_{r.id}")
            done = c4.checkbox(t("mplan.done"), value=bool(r.done), key=f"done_{r.id}")
            if (owner, due, done) != (r.owner, r.due, bool(r.done)):
                try:
                    movein.set_checklist_item(engine, user.username, int(r.id), int(r.version), done, owner, due)
                    st.rerun()
                except DomainError as e:
                    st.error(error_text(e))


def after_tab(engine, user, batch_id) -> None:
    st.subheader(t("mplan.defects"))
    defects = movein.open_defects(engine, batch_id=batch_id)
    if defects.empty:
        st.caption(t("mplan.no_defects"))
    else:
        shown = defect_table(defects)
        st.dataframe(shown, hide_index=True, width="stretch")
        ids = {int(r.id): f"{r.room_no} · {t(f'loc.{r.location}')} · {t(f'kind.{r.kind}')}" for r in defects.itertuples()}
        versions = dict(zip(defects["id"].astype(int), defects["version"].astype(int)))
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        chosen = c1.selectbox(t("mplan.defects"), list(ids), format_func=ids.get, key="fix_pick")
        if c2.button(t("mplan.fixed"), key="fix_defect"):
            try:
                movein.fix_defect(engine, user.username, chosen, versions[chosen])
                st.rerun()
            except DomainError as e:
                st.error(error_text(e))
        excel_button(shown, "movein_defects.xlsx", key="defects_export")
    st.subheader(t("mplan.actual"))
    actual = movein.actual_vs_plan(engine, batch_id)
    actual["station"] = actual["station"].map(station_name)
    table = actual.rename(columns={"station": t("field.station"), "households": t("field.households"),
                                   "planned_min": t("mplan.planned_min"), "actual_min": t("mplan.actual_min")})
    st.dataframe(table, hide_index=True, width="stretch")
    excel_button(table, "movein_actual_vs_plan.xlsx", key="actual_export")
