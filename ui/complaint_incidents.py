"""The ticket page's incident section (open an incident from this ticket; its tickets, one-step
registration of a further caller, the fix, closing) and the notes on call-backs that went unanswered.
User text (titles, causes, names) is shown through st.text / dataframes / escaped markdown only."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.complaints.incidents import may_open
from core.complaints.model import Channel, ClosedAs, Complaint, Stage
from core.complaints.unreachable import ATTEMPT_DAYS, attempt_days
from services import complaint_incidents as svc
from services import complaints
from ui.i18n import t
from ui.submit import flash, show_flash, submit
from ui.widgets import field, md_plain


def _reload_ticket(number: str) -> None:
    """The incident changed this ticket: the page shows its new version, not a conflict."""
    st.session_state.pop(f"seen_version_{number}", None)


def unreachable_note(c: Complaint) -> None:
    """How many different days the owner went unanswered; why a ticket closed as unreachable."""
    if c.closed_as == ClosedAs.UNREACHABLE:
        st.info(t("unreachable.closed"))
    elif c.stage == Stage.CALLBACK and (days := attempt_days(c)):
        st.caption(t("unreachable.days", n=len(days), needed=ATTEMPT_DAYS))


def _members_table(members: list[dict]) -> None:
    frame = pd.DataFrame([{
        t("col.number"): f"complaint?n={m['number']}",
        t("col.room"): m["room_no"] or t("inc.no_room"),
        t("col.stage"): t(f"stage.{m['stage']}"),
        t("field.complainant"): m["complainant"],
        t("inc.col.satisfaction"): "—" if m["satisfaction"] is None else str(m["satisfaction"]),
        t("inc.col.attempts"): int(m["callback_attempts"] or 0)} for m in members])
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        t("col.number"): st.column_config.LinkColumn(display_text=r"n=(.*)$")})


def _open_form(engine, user, number: str) -> None:
    with st.expander(t("inc.open"), icon=":material/crisis_alert:"):
        st.caption(t("inc.open_help"))
        with st.form(f"inc_open_{number}"):
            title = st.text_input(t("field.incident_title"), max_chars=100, key=f"inc_title_{number}")
            cause = st.text_area(t("field.incident_cause"), max_chars=1000, key=f"inc_cause_{number}")
            go = st.form_submit_button(t("inc.open_submit"), type="primary")
        if go:
            done = submit("inc_open", lambda key: svc.open_incident(engine, user.actor, number, title=title,
                                                                    cause=cause, request_key=key),
                          values={"number": number, "title": title, "cause": cause}, clears=("complaints",))
            if done is not None:
                _reload_ticket(number)
                flash("incident", t("inc.opened"))
                st.rerun()


def _add_form(engine, user, inc) -> None:
    with st.expander(t("inc.add"), icon=":material/person_add:"):
        with st.form(f"inc_add_{inc.id}", clear_on_submit=False):
            c1, c2, c3 = st.columns(3)
            room = c1.text_input(t("cnew.room"), max_chars=12, placeholder="3-1906", key=f"inc_room_{inc.id}")
            channel = c2.selectbox(t("field.channel"), [c.value for c in Channel],
                                   format_func=lambda v: t(f"channel.{v}"), key=f"inc_channel_{inc.id}")
            complainant = c3.text_input(t("field.complainant"), max_chars=40, key=f"inc_who_{inc.id}")
            phone = c1.text_input(t("field.phone"), max_chars=20, key=f"inc_phone_{inc.id}")
            content = st.text_area(t("field.content"), max_chars=2000, key=f"inc_content_{inc.id}")
            go = st.form_submit_button(t("inc.add_submit"), type="primary")
        if go:
            values = {"room": room, "channel": channel, "complainant": complainant, "phone": phone, "content": content}

            def write(key):
                unit_id = complaints.find_unit(engine, user.actor, inc.project_id, room) if room.strip() else None
                return svc.add_child(engine, user.actor, inc.id, unit_id=unit_id, channel=channel,
                                     complainant=complainant, phone=phone, content=content, request_key=key)

            number = submit(f"inc_add_{inc.id}", write, values=values, clears=("complaints", "collections"))
            if number is not None:
                flash("incident", t("inc.added", number=number))
                for k in ("room", "who", "phone", "content"):      # the next caller starts blank
                    st.session_state.pop(f"inc_{k}_{inc.id}", None)
                st.rerun()


def _fix_form(engine, user, inc, number: str) -> None:
    with st.expander(t("inc.fix"), icon=":material/build:", expanded=False):
        st.caption(t("inc.fix_help"))
        with st.form(f"inc_fix_{inc.id}"):
            fix = st.text_area(t("field.incident_fix"), max_chars=1000, key=f"inc_fix_{inc.id}")
            prevention = st.text_area(t("field.prevention"), max_chars=1000, key=f"inc_prev_{inc.id}")
            go = st.form_submit_button(t("inc.fix_submit"), type="primary")
        if go:
            done = submit("inc_fix", lambda key: svc.record_fix(engine, user.actor, inc.id, inc.version, fix=fix,
                                                                prevention=prevention, request_key=key),
                          values={"id": inc.id, "version": inc.version, "fix": fix, "prevention": prevention},
                          clears=("complaints",))
            if done is not None:
                _reload_ticket(number)
                flash("incident", t("inc.fixed"))
                st.rerun()


def _close_button(engine, user, inc, members: list[dict], number: str) -> None:
    still_open = [m for m in members if m["stage"] != Stage.CLOSED.value]
    if not still_open:
        st.caption(t("inc.none_left"))
        return
    label = t("inc.close_again") if inc.closed_at else t("inc.close")
    if st.button(label, type="primary", key=f"inc_close_{inc.id}", icon=":material/task_alt:"):
        done = submit("inc_close", lambda key: svc.close(engine, user.actor, inc.id, request_key=key),
                      values={"id": inc.id, "open": [m["number"] for m in still_open],
                              "scores": [m["satisfaction"] for m in still_open]},
                      clears=("complaints", "collections"))
        if done is not None:
            _reload_ticket(number)
            message = t("inc.closed_n", n=len(done.closed))
            if done.left_open:
                message += "  \n" + t("inc.left_open", numbers="、".join(done.left_open))
            flash("incident", message)
            st.rerun()


def incident_section(engine, user, number: str, c: Complaint) -> None:
    """The ticket's incident, or a way to open one from it."""
    show_flash("incident")
    view = svc.for_ticket(engine, user.actor, number)
    if view is None:
        if may_open(user.actor) and c.stage != Stage.CLOSED:
            _open_form(engine, user, number)
        return
    inc = view.incident
    with st.container(border=True):
        st.subheader(t("inc.section", title=md_plain(inc.title)))
        st.markdown(f":orange-badge[{t(f'inc.status.{inc.status}')}]")
        left, right = st.columns(2)
        field(t("field.incident_cause"), inc.cause, left)
        if inc.fix:
            field(t("field.incident_fix"), inc.fix, right)
            field(t("field.prevention"), inc.prevention, right)
        st.caption(t("inc.members", n=len(view.members)))
        _members_table(view.members)
        if view.may_add:
            _add_form(engine, user, inc)
        if view.may_run:
            if inc.fixed_at is None:
                _fix_form(engine, user, inc, number)
            else:
                _close_button(engine, user, inc, view.members, number)
