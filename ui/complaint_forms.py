"""The complaint forms that write: registering, and one small form per step of the method. Each
returns what was entered when submitted, else None; the page sends it through ui.submit."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import streamlit as st

from core.clock import CHINA, local_now
from core.complaints.model import Category, Channel, ClockPauseReason, Complaint, RedLine, Want
from core.complaints.replies import appended
from ui.i18n import t
from ui.widgets import choose_many


def _area(field: str, key: str) -> str:
    return st.text_area(t(f"field.{field}"), max_chars=2000, key=key)


# The text area of an action's form that a canned reply goes into (its widget key's suffix).
REPLY_TARGET = {"sign_off_invalid": "", "feedback": "n", "callback": "m", "pause": "n"}


def reply_picker(action: str, c: Complaint, wordings: list) -> None:
    """Choose an approved wording (统一说词); "insert" appends it to the form's text, where it can
    be edited before saving. Outside the form: a form's widgets cannot act before it is sent."""
    if action not in REPLY_TARGET or not wordings:
        return
    target = f"{action}_{c.number}{REPLY_TARGET[action]}"
    by_id = {w.id: w for w in wordings}
    with st.expander(t("replies.insert_title"), icon=":material/forum:"):
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        chosen = left.selectbox(t("replies.pick"), list(by_id), key=f"reply_pick_{target}",
                                format_func=lambda i: f"{t(f'situation.{by_id[i].situation}')} · {by_id[i].title}")
        if chosen is not None:
            st.text(by_id[chosen].body)

        def insert() -> None:
            st.session_state[target] = appended(st.session_state.get(target), by_id[chosen].body)

        right.button(t("replies.insert"), key=f"reply_insert_{target}", on_click=insert, disabled=chosen is None)


def _person_pick(staff: dict[str, str], key: str, current: str | None = None) -> str | None:
    """A person of the ticket's project, shown by display name, sent as the login name."""
    people = [u for u in staff if u != current]
    if not people:
        st.caption(t("handler.none_staff"))
    return st.selectbox(t("field.handler"), people, index=None, key=key, placeholder=t("handler.pick"),
                        format_func=lambda u: staff.get(u, u))


def action_form(action: str, c: Complaint, wordings: list = (), staff: dict | None = None) -> dict | None:
    """`staff`: username -> display name of the project's staff, for the handler pickers."""
    staff = staff or {}
    reply_picker(action, c, list(wordings))
    with st.form(f"act_{action}", clear_on_submit=False):
        data: dict = {}
        k = f"{action}_{c.number}"
        if action == "judge_valid":
            cats = [x.value for x in Category]
            data["category"] = st.selectbox(t("field.category"), cats, index=cats.index(c.category.value),
                                            format_func=lambda v: t(f"category.{v}"), key=k)
        elif action == "propose_invalid":
            data["reason"] = _area("invalid_reason", k)
        elif action == "sign_off_invalid":
            st.caption(f"{t('field.invalid_reason')}:")
            st.text(c.invalid_reason)
            data["reply"] = _area("reply", k)
        elif action == "investigate":
            data["cause"] = _area("cause", k)
        elif action == "assign":
            data["department"] = st.text_input(t("field.department"), max_chars=100, key=k + "d")
            data["handler"] = _person_pick(staff, k + "h")
        elif action == "reassign":
            st.caption(t("detail.reassign_from", name=staff.get(c.handler, c.handler)))
            data["handler"] = _person_pick(staff, k + "h", current=c.handler)
            data["reason"] = _area("reassign_reason", k + "r")
        elif action == "propose":
            data["options"] = _area("options", k).splitlines()
        elif action == "agree":
            data["steps"] = _area("agreed_steps", k + "s")
            default = (local_now() + timedelta(days=1)).replace(second=0, microsecond=0, tzinfo=None)
            moment = st.datetime_input(t("field.agreed_at"), value=default, key=k + "t")
            data["agreed_at"] = moment.replace(tzinfo=CHINA) if moment else None
        elif action == "implement":
            data["record"] = _area("implementation", k)
        elif action == "feedback":
            data["confirmed"] = st.checkbox(t("field.confirmed"), value=True, key=k + "c")
            data["note"] = _area("note", k + "n")
        elif action == "callback":
            data["reached"] = st.checkbox(t("field.reached"), value=True, key=k + "r")
            data["satisfaction"] = st.slider(t("field.satisfaction"), 1, 5, 4, key=k + "s")
            data["comment"] = _area("comment", k + "m")
        elif action == "record_root_cause":
            data["root_cause"] = _area("root_cause", k + "r")
            data["prevention"] = _area("prevention", k + "p")
        elif action == "pause":
            data["reason"] = st.selectbox(t("field.pause_reason"), [p.value for p in ClockPauseReason],
                                          format_func=lambda v: t(f"pause.{v}"), key=k + "r")
            data["note"] = _area("note", k + "n")
        elif action == "flag_red_line":
            data["flag"] = st.selectbox(t("field.flag"), [r.value for r in RedLine],
                                        format_func=lambda v: t(f"redline.{v}"), key=k + "f")
            data["note"] = _area("note", k + "n")
        elif action == "close_unreachable":   # owner never reached on enough days (core.complaints.unreachable)
            data["note"] = _area("note", k + "n")
        submitted = st.form_submit_button(t(f"action.{action}"), type="primary")
    return data if submitted else None


# The registration form's widget keys. "Save and register the next" empties all of them but the
# channel and the relaying staff member (the same desk often takes several by the same way).
REG_KEYS = {name: f"cnew_f_{name}" for name in ("channel", "category", "relayed_by", "complainant", "phone",
                                                "place", "subject", "content", "wants", "red_lines")}
REG_KEPT = ("channel", "relayed_by")
NEXT_BUTTON = "cnew_next_btn"


def registration_form(slots: dict | None = None) -> dict | None:
    """The complaint as the desk takes it down. The form keeps its values after a save, so the
    same form sent again carries the same request key and registers nothing new. `slots` is filled
    with a place beside each field for its error message (ui.submit's `fields`)."""
    slots = {} if slots is None else slots
    k = REG_KEYS

    def beside(name: str, container) -> None:
        slots[name] = container.container()

    with st.form("complaint_new", clear_on_submit=False):
        f1, f2, f3 = st.columns(3)
        values = {"channel": f1.selectbox(t("field.channel"), [c.value for c in Channel], key=k["channel"],
                                          format_func=lambda v: t(f"channel.{v}"))}
        beside("channel", f1)
        values["category"] = f2.selectbox(t("field.category"), [c.value for c in Category], key=k["category"],
                                          format_func=lambda v: t(f"category.{v}"))
        beside("category", f2)
        values["relayed_by"] = f3.text_input(t("field.relayed_by"), max_chars=100, key=k["relayed_by"])
        beside("relayed_by", f3)
        values["complainant"] = f1.text_input(t("field.complainant"), max_chars=40, key=k["complainant"])
        beside("complainant", f1)
        values["phone"] = f2.text_input(t("field.phone"), max_chars=20, key=k["phone"],
                                        placeholder="138 1234 5678 / 0755-12345678")
        beside("phone", f2)
        values["place"] = f3.text_input(t("field.place"), max_chars=100, key=k["place"])
        beside("place", f3)
        values["subject"] = st.text_input(t("field.subject"), max_chars=100, key=k["subject"])
        beside("subject", st)
        values["content"] = st.text_area(t("field.content"), max_chars=2000, key=k["content"])
        beside("content", st)
        values["wants"] = tuple(choose_many(t("field.wants"), [w.value for w in Want], key=k["wants"],
                                               format_func=lambda v: t(f"want.{v}"), placeholder=t("form.choose")))
        values["red_lines"] = tuple(choose_many(t("field.red_lines"), [r.value for r in RedLine], key=k["red_lines"],
                                                   placeholder=t("form.choose"), format_func=lambda v: t(f"redline.{v}")))
        b1, b2 = st.columns(2)
        submitted = b1.form_submit_button(t("cnew.submit"), type="primary")
        then_next = b2.form_submit_button(t("cnew.submit_next"), key=NEXT_BUTTON)
    return values if (submitted or then_next) else None


def wants_next() -> bool:
    """True on the run where "save and register the next" was pressed."""
    return bool(st.session_state.get(NEXT_BUTTON))


def empty_for_next() -> None:
    """Empty the form for the next caller, keeping the channel and who relayed it. Runs before the
    widgets are drawn (a flag set on the saving run, acted on in the next)."""
    for name, key in REG_KEYS.items():
        if name not in REG_KEPT:
            st.session_state.pop(key, None)
    st.session_state.pop("cnew_room", None)
    st.session_state.pop("cnew_prefilled_for", None)


def prefill_caller(unit_id: int | None, name: str, phone: str) -> None:
    """The unit's owner as the caller, once per unit typed: editable (a tenant may be calling)."""
    if unit_id is None or st.session_state.get("cnew_prefilled_for") == unit_id:
        return
    st.session_state["cnew_prefilled_for"] = unit_id
    st.session_state[REG_KEYS["complainant"]] = name
    st.session_state[REG_KEYS["phone"]] = phone


def same_problem(found: list, entry_key: str) -> str | None:
    """Asks "is this the same problem as TS-…?" about the unit's earlier tickets of the category
    (most alike first, the likely one preselected). Returns the answer once confirmed: a number,
    or '' for another matter; None until then."""
    options = [c.number for c in found] + [""]
    suggested = next((c.number for c in found if c.similar), "")
    k = "cnew_same_" + hashlib.sha256(entry_key.encode()).hexdigest()[:12]   # a new entry asks afresh
    answer = st.radio(t("cnew.same_pick"), options, index=options.index(suggested), key=k,
                      format_func=lambda n: t("cnew.same_as", number=n) if n else t("cnew.same_none"))
    return answer if st.button(t("cnew.confirm"), type="primary", key=k + "_ok") else None
