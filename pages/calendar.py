"""The working calendar every complaint clock counts on: opening hours of the company and of
projects that keep other hours, and the official years. Admins edit; managers read."""
import streamlit as st

from ui.guard import require

user = require("calendar")

from core.auth.capabilities import Capability  # noqa: E402
from core.clock import local_today  # noqa: E402
from services import calendar  # noqa: E402
from ui import cache, calendar_cache, org_cache  # noqa: E402
from ui.calendar_forms import hours_form, year_form  # noqa: E402
from ui.calendar_views import show_hours, show_to_enter, show_year_days, show_years, source_label  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.submit import flash, show_flash, submit  # noqa: E402

engine = cache.engine()
editor = user.actor.can(Capability.MANAGE_CALENDAR)
today = local_today()
st.title(t("page.calendar"))
st.caption(t("cal.caption"))

projects = org_cache.projects(cache.url(), user.reader)
names = {None: t("cal.company"), **{int(i): n for i, n in zip(projects["id"], projects["name"])}}
scope = st.selectbox(t("cal.scope"), list(names), format_func=names.get, key="cal_scope")
# An editor reads the store itself: the version a save is checked against must be the one shown.
view = (calendar.overview(engine, user.actor, scope, today) if editor
        else calendar_cache.overview(cache.url(), user.reader, scope, today))
show_to_enter(view.to_enter)


def seen(kind: str, key, version: int) -> int:
    """The version this user is looking at, kept across reruns, so that a save made meanwhile by
    someone else is refused (ConflictError) rather than overwritten."""
    name = f"cal_seen_{kind}_{key}"
    shown = st.session_state.setdefault(name, version)
    if shown != version:
        st.warning(t("err.conflict"))
        if st.button(t("detail.reload"), key=f"{name}_reload"):
            st.session_state[name] = version
            st.rerun()
    return shown


def saved(kind: str, key, version: int, form: str, message: str) -> None:
    st.session_state[f"cal_seen_{kind}_{key}"] = version
    flash(form, message)
    st.rerun()


# ---------------------------------------------------------------- opening hours
st.subheader(t("cal.hours"))
show_flash("cal_hours")
show_hours(view.hours)
if not editor:
    st.caption(t("cal.view_only"))
else:
    expected = seen("hours", scope, view.hours.version)
    values = hours_form(view.hours)
    if values is not None:
        version = submit("cal_hours", lambda key: calendar.save_hours(
            engine, user.actor, scope, **values, expected_version=expected, request_key=key),
            values={"scope": scope, "version": expected, **values}, clears=("org",))
        if version is not None:
            saved("hours", scope, version, "cal_hours", t("cal.hours_saved"))
    if scope is not None and view.hours.own and st.button(t("cal.use_company"), key="cal_use_company"):
        done = submit("cal_use_company", lambda key: calendar.use_company_hours(
            engine, user.actor, scope, expected, request_key=key),
            values={"scope": scope, "version": expected}, clears=("org",))
        if done is not None:
            saved("hours", scope, 0, "cal_hours", t("cal.hours_saved"))

# ---------------------------------------------------------------- official years
st.subheader(t("cal.years"))
show_flash("cal_year")
show_years(view.years)
by_year = {y.year: y for y in view.years}
first = view.to_enter[0] if view.to_enter else today.year
year = st.selectbox(t("field.year"), list(by_year), index=list(by_year).index(first), key="cal_year_pick",
                    format_func=lambda y: f"{y} · {source_label(by_year[y].source)}")
shown = by_year[year]
show_year_days(shown)
if editor:
    st.markdown(f"**{t('cal.enter_year')}**")
    expected_year = seen("year", year, shown.version)
    values = year_form(shown)
    if values is not None:
        version = submit("cal_year", lambda key: calendar.save_year(
            engine, user.actor, year, **values, expected_version=expected_year, request_key=key),
            values={"year": year, "version": expected_year, **values}, clears=("org",))
        if version is not None:
            saved("year", year, version, "cal_year", t("cal.year_saved", year=year))
    if shown.source == "entered" and st.button(t("cal.drop_year", year=year), key="cal_drop_year"):
        done = submit("cal_drop_year", lambda key: calendar.drop_year(
            engine, user.actor, year, expected_year, request_key=key),
            values={"year": year, "version": expected_year}, clears=("org",))
        if done is not None:
            saved("year", year, 0, "cal_year", t("cal.year_dropped", year=year))
