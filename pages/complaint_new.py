"""Register a complaint fast; the unit's open items show before anything is saved, and an earlier
ticket of the same category is put beside the new one: the same problem (a repeat, 第N次) or not."""
import streamlit as st

from ui.guard import require

user = require("complaint_new")

from core.errors import DomainError  # noqa: E402
from services import complaints  # noqa: E402
from ui import cache, org_cache  # noqa: E402
from ui.complaint_forms import empty_for_next, prefill_caller, registration_form, same_problem, wants_next  # noqa: E402
from ui.complaint_views import show_same_question, show_unit_history  # noqa: E402
from ui.complaint_attachments import registration_attachments  # noqa: E402
from ui.i18n import error_text, t  # noqa: E402
from ui.submit import new_entry, submit  # noqa: E402

engine = cache.engine()
if st.session_state.pop("cnew_clear", False):   # "save and register the next" was pressed last run
    empty_for_next()
st.title(t("page.complaint_new"))
if (last := st.session_state.pop("cnew_last", None)) is not None:
    st.success(t("cnew.done_next", number=last))
    st.page_link("pages/complaint.py", label=t("cnew.open_ticket_n", number=last), query_params={"n": last},
                 icon=":material/open_in_new:")
projects = org_cache.projects(cache.url(), user.reader)
if projects.empty:
    st.info(t("home.no_projects"))
    st.stop()
names = dict(zip(projects["id"], projects["name"]))
c1, c2 = st.columns(2)
project_id = c1.selectbox(t("cnew.project"), list(names), format_func=names.get, key="cnew_project")
room_text = c2.text_input(t("cnew.room"), max_chars=12, key="cnew_room", placeholder="3-1906")

unit_id = None
if room_text.strip():
    try:
        unit_id = complaints.find_unit(engine, user.actor, project_id, room_text)
    except DomainError as e:
        st.error(error_text(e))
        st.stop()
    history, _ = complaints.unit_history(engine, user.actor, unit_id)
    show_unit_history(history)
    prefill_caller(unit_id, *complaints.unit_caller(engine, user.actor, unit_id))

# What the receiver answered to "the same problem?" for each entry registered: the same entry sent
# again (a double tap, the button pressed on the unchanged form) carries the same answer, hence
# the same request key, and the service answers with the ticket already registered instead of a
# duplicate that would also count as a repeat and escalate to the manager.
answered: dict = st.session_state.setdefault("cnew_answered", {})


slots: dict = {}   # a place beside each field of the form for its error message


def register(entry: dict, same_as: str | None, entry_key: str, then_next: bool = False) -> str | None:
    # An open complaint also pauses the unit's dunning, so the collections worklist is read again.
    number = submit("complaint_new", lambda key: complaints.register(engine, user.actor, **entry, same_as=same_as,
                                                                     request_key=key),
                    values={**entry, "same_as": same_as}, clears=("complaints", "collections"), fields=slots)
    if number is not None:
        answered[entry_key] = same_as
        st.session_state.pop("cnew_pending", None)
        if then_next:   # the next caller: an empty form but for the channel and who relayed it
            new_entry("complaint_new")
            st.session_state["cnew_clear"] = True
            st.session_state["cnew_last"] = number
            st.rerun()
    return number


values = registration_form(slots)
then_next = wants_next()
number = same_as = None
if values is not None:
    st.session_state.pop("cnew_pending", None)
    entry = {"unit_id": unit_id, "project_id": project_id, **values}
    entry_key = repr(sorted(entry.items()))
    found = [] if unit_id is None or entry_key in answered else complaints.repeat_candidates(
        engine, user.actor, unit_id, values["category"], values["place"], values["subject"], values["content"])
    if found:   # ask before anything is saved
        st.session_state["cnew_pending"] = {"entry": entry, "key": entry_key, "found": found, "next": then_next}
    else:
        same_as = answered.get(entry_key)
        number = register(entry, same_as, entry_key, then_next)

pending = st.session_state.get("cnew_pending")
if pending is not None and (pending["entry"]["unit_id"], pending["entry"]["project_id"]) != (unit_id, project_id):
    st.session_state.pop("cnew_pending")   # another room typed since: that question is void
    pending = None
if pending is not None and number is None:
    show_same_question(pending["found"], pending["entry"]["content"])
    same_as = same_problem(pending["found"], pending["key"])
    if same_as is not None:
        number = register(pending["entry"], same_as, pending["key"], pending.get("next", False))

if number is not None:
    saved = complaints.load(engine, user.actor, number)
    st.success(t("cnew.done", number=number, receiver=user.display_name))
    if saved.repeat_of:
        st.warning(t("cnew.repeat", n=saved.repeat_count, first=saved.repeat_of))
    elif same_as == "":
        st.info(t("cnew.history_only"))
    st.page_link("pages/complaint.py", label=t("cnew.open_ticket"), query_params={"n": number},
                 icon=":material/open_in_new:")

# Photos and scans for the ticket just registered (also after "save and register the next").
registration_attachments(engine, user, number or globals().get("last"))
