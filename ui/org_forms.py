"""The forms that set a company up and keep its owners' records: company name, projects, buildings,
units; an owner's name and phone, co-owners, a transfer; the special-needs ledger. Each goes through
ui.submit (one request key per submission, every wrong field named, the input kept)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.clock import local_today
from core.collections.money import yuan
from core.org.model import Company, UnitStatus
from core.org.needs import NeedKind
from services import org
from ui import cache
from ui.i18n import t
from ui.seen import forget, latest_notice, seen_version
from ui.session import CurrentUser
from ui.submit import flash, show_flash, submit

CLEARS = ("org",)


def _done(form: str, message: str, fields: tuple[str, ...] = ()) -> None:
    """After a save: the message on the next run, and the form's fields empty for the next entry
    (a refused form keeps them: it never gets here)."""
    for key in fields:
        st.session_state.pop(key, None)
    flash(form, message)
    st.rerun()


# ---------------------------------------------------------------- company and projects

def company_form(user: CurrentUser, company: Company | None) -> None:
    engine = cache.engine()
    show_flash("company")
    current = company.version if company else None
    version = seen_version("company", current)      # as opened here: a rename meanwhile is refused
    if company:
        latest_notice("company", current, [(t("setup.company_name"), company.name)], ("company_name",))
    with st.form("company"):
        name = st.text_input(t("setup.company_name"), value=company.name if company else "", max_chars=60,
                             key="company_name")
        if not st.form_submit_button(t("setup.save"), type="primary"):
            return
    if submit("company", lambda key: org.name_company(engine, user.actor, name, version, request_key=key),
              values={"name": name, "version": version}, clears=CLEARS) is not None:
        forget("company")
        _done("company", t("setup.company_saved"))


def _project_fields(prefix: str, row: dict | None = None) -> dict:
    row = row or {}
    c1, c2, c3 = st.columns([1, 2, 1])
    target = row.get("collection_target_bp")
    return {"code": c1.text_input(t("setup.project_code"), value=row.get("code", ""), max_chars=20,
                                  key=f"{prefix}_code"),
            "name": c2.text_input(t("setup.project_name"), value=row.get("name", ""), max_chars=60,
                                  key=f"{prefix}_name"),
            "city": c3.text_input(t("setup.city"), value=row.get("city", ""), max_chars=20, key=f"{prefix}_city"),
            "address": st.text_input(t("setup.address"), value=row.get("address") or "", max_chars=200,
                                     key=f"{prefix}_address"),
            "target": st.text_input(t("setup.target"), help=t("setup.target_help"), max_chars=6,
                                    value="" if target is None or pd.isna(target) else f"{int(target) / 100:g}",
                                    key=f"{prefix}_target")}


def new_project_form(user: CurrentUser) -> None:
    engine = cache.engine()
    show_flash("new_project")
    with st.form("new_project"):
        st.markdown(f"**{t('setup.new_project')}**")
        v = _project_fields("np")
        if not st.form_submit_button(t("setup.add_project"), type="primary"):
            return
    done = submit("new_project", lambda key: org.create_project(engine, user.actor, v["code"], v["name"], v["city"],
                                                                v["address"], v["target"], request_key=key),
                  values=v, clears=CLEARS, fresh_after=True)
    if done is not None:
        _done("new_project", t("setup.project_added", code=v["code"].strip().upper()),
              tuple(f"np_{k}" for k in v))


def edit_project_form(user: CurrentUser, projects: pd.DataFrame) -> None:
    if projects.empty:
        return
    engine = cache.engine()
    show_flash("edit_project")
    names = dict(zip(projects["id"], projects["name"]))
    pid = st.selectbox(t("setup.edit_project"), list(names), format_func=names.get, key="edit_project_pick")
    row = projects.set_index("id").loc[pid].to_dict()
    version = seen_version(f"project.{int(pid)}", int(row["version"]))
    latest_notice(f"project.{int(pid)}", int(row["version"]), _project_lines(row),
                  tuple(f"ep{pid}_{k}" for k in ("code", "name", "city", "address", "target")))
    with st.form(f"edit_project_{pid}"):
        v = _project_fields(f"ep{pid}", row)
        if not st.form_submit_button(t("setup.save")):
            return
    done = submit("edit_project", lambda key: org.update_project(engine, user.actor, int(pid), v["code"], v["name"],
                                                                 v["city"], v["address"], v["target"], version,
                                                                 request_key=key),
                  values={**v, "pid": int(pid), "version": version}, clears=CLEARS)
    if done is not None:
        forget(f"project.{int(pid)}")
        _done("edit_project", t("setup.saved"))


def _project_lines(row: dict) -> list[tuple[str, str]]:
    target = row.get("collection_target_bp")
    return [(t("setup.project_code"), row.get("code", "")), (t("setup.project_name"), row.get("name", "")),
            (t("setup.city"), row.get("city", "")), (t("setup.address"), row.get("address") or "—"),
            (t("setup.target"), "—" if target is None or pd.isna(target) else f"{int(target) / 100:g}")]


def building_form(user: CurrentUser, project_id: int) -> None:
    engine = cache.engine()
    show_flash("building")
    with st.form(f"building_{project_id}"):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("setup.building_name"), help=t("setup.building_help"), max_chars=4, key="b_name")
        floors = c2.text_input(t("setup.floors"), max_chars=2, key="b_floors")
        if not st.form_submit_button(t("setup.add_building"), type="primary"):
            return
    done = submit("building", lambda key: org.add_building(engine, user.actor, project_id, name, floors,
                                                           request_key=key),
                  values={"project": project_id, "name": name, "floors": floors}, clears=CLEARS, fresh_after=True)
    if done is not None:
        _done("building", t("setup.building_added", name=name.strip().upper()), ("b_name", "b_floors"))


def unit_form(user: CurrentUser, buildings: pd.DataFrame) -> None:
    """One unit by hand; an import does many (ui/import_forms.py)."""
    if buildings.empty:
        st.info(t("setup.no_buildings"))
        return
    engine = cache.engine()
    show_flash("unit")
    names = dict(zip(buildings["id"], buildings["name"]))
    statuses = [s.value for s in UnitStatus]
    with st.form("unit"):
        c1, c2, c3 = st.columns(3)
        building = c1.selectbox(t("field.building"), list(names), format_func=names.get, key="u_building")
        room = c2.text_input(t("field.room_no"), help=t("units.search_help"), max_chars=12, key="u_room")
        area = c3.text_input(t("setup.area"), max_chars=10, key="u_area")
        status = c1.selectbox(t("field.status"), statuses, index=statuses.index("sold"),
                              format_func=lambda s: t(f"status.{s}"), key="u_status")
        owner = c2.text_input(t("field.owner_name"), max_chars=40, key="u_owner")
        phone = c3.text_input(t("field.phone"), help=t("setup.phone_help"), max_chars=24, key="u_phone")
        if not st.form_submit_button(t("setup.add_unit"), type="primary"):
            return
    values = {"building": int(building), "room": room, "area": area, "status": status, "owner": owner, "phone": phone}
    done = submit("unit", lambda key: org.add_unit(engine, user.actor, int(building), room, area, status, owner, phone,
                                                   request_key=key), values=values, clears=CLEARS, fresh_after=True)
    if done is not None:
        _done("unit", t("setup.unit_added", room=room.strip().upper()), ("u_room", "u_area", "u_owner", "u_phone"))


# ---------------------------------------------------------------- owners of a unit

def owner_edit_form(user: CurrentUser, unit_id: int, owner) -> None:
    """Correct the name or phone of one current owner (a new person is a transfer, not an edit)."""
    engine = cache.engine()
    seen = f"owner.{owner.owner_id}"
    version = seen_version(seen, owner.owner_version)
    latest_notice(seen, owner.owner_version, [(t("field.owner_name"), owner.name), (t("field.phone"), owner.phone or "—")],
                  (f"o_name_{owner.id}", f"o_phone_{owner.id}"))
    with st.form(f"owner_{owner.id}"):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("field.owner_name"), value=owner.name, max_chars=40, key=f"o_name_{owner.id}")
        phone = c2.text_input(t("field.phone"), value=owner.phone or "", help=t("setup.phone_help"), max_chars=24,
                              key=f"o_phone_{owner.id}")
        if not st.form_submit_button(t("owners.save")):
            return
    done = submit("owner_edit", lambda key: org.update_owner(engine, user.actor, unit_id, owner.owner_id, name, phone,
                                                             version, request_key=key),
                  values={"owner": owner.owner_id, "version": version, "name": name, "phone": phone},
                  clears=CLEARS)
    if done is not None:
        forget(seen)
        _done("owners", t("owners.saved"))


def co_owner_form(user: CurrentUser, unit_id: int) -> None:
    engine = cache.engine()
    with st.form(f"co_owner_{unit_id}"):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input(t("field.owner_name"), max_chars=40, key=f"co_name_{unit_id}")
        phone = c2.text_input(t("field.phone"), help=t("setup.phone_help"), max_chars=24, key=f"co_phone_{unit_id}")
        since = c3.date_input(t("field.since"), value=None, max_value=local_today(), key=f"co_since_{unit_id}")
        if not st.form_submit_button(t("owners.add_co_owner")):
            return
    done = submit("co_owner", lambda key: org.add_co_owner(engine, user.actor, unit_id, name, phone, since,
                                                           request_key=key),
                  values={"unit": unit_id, "name": name, "phone": phone, "since": str(since)}, clears=CLEARS,
                  fresh_after=True)
    if done is not None:
        forget(f"unit.{unit_id}")
        _done("owners", t("owners.co_owner_added", name=name.strip()),
              (f"co_name_{unit_id}", f"co_phone_{unit_id}", f"co_since_{unit_id}"))


def remove_owner_button(user: CurrentUser, unit_id: int, ownership_id: int, column) -> None:
    engine = cache.engine()
    if column.button(t("owners.remove"), key=f"rm_owner_{ownership_id}"):
        done = submit("remove_owner", lambda key: org.remove_owner(engine, user.actor, unit_id, ownership_id,
                                                                   request_key=key),
                      values={"ownership": ownership_id}, clears=CLEARS)
        if done is not None:
            forget(f"unit.{unit_id}")
            _done("owners", t("owners.removed"))


def transfer_form(user: CurrentUser, unit_id: int, unit_version: int, owed_cents: int) -> None:
    """The unit changes hands: the sellers' ownership ends, the buyers' begins, the history stays.
    What the unit owes stays on its ledger; the form says so, and asks to confirm it."""
    engine = cache.engine()
    # The owners this clerk saw: a transfer or a co-owner saved meanwhile refuses this one.
    current, unit_version = unit_version, seen_version(f"unit.{unit_id}", unit_version)
    latest_notice(f"unit.{unit_id}", current, [])     # the owners shown above are the stored ones
    with st.form(f"transfer_{unit_id}"):
        st.caption(t("owners.transfer_help"))
        c1, c2 = st.columns(2)
        name1 = c1.text_input(t("field.owner_name"), max_chars=40, key=f"tr_name1_{unit_id}")
        phone1 = c2.text_input(t("field.phone"), max_chars=24, key=f"tr_phone1_{unit_id}")
        name2 = c1.text_input(t("field.owner2_name"), max_chars=40, key=f"tr_name2_{unit_id}")
        phone2 = c2.text_input(t("field.phone2"), max_chars=24, key=f"tr_phone2_{unit_id}")
        on = st.date_input(t("field.transfer_on"), value=local_today(), max_value=local_today(),
                           key=f"tr_on_{unit_id}")
        acknowledged = False
        if owed_cents:
            st.info(t("owners.transfer_owed", amount=yuan(owed_cents)), icon=":material/account_balance_wallet:")
            acknowledged = st.checkbox(t("owners.transfer_owed_ok"), key=f"tr_ok_{unit_id}")
        if not st.form_submit_button(t("owners.transfer"), type="primary"):
            return
    pairs = [(name1, phone1), (name2, phone2)]
    done = submit("transfer", lambda key: org.transfer_ownership(engine, user.actor, unit_id, pairs, on, unit_version,
                                                                 acknowledged, request_key=key),
                  values={"unit": unit_id, "version": unit_version, "pairs": pairs, "on": str(on),
                          "ok": acknowledged}, clears=CLEARS, fresh_after=True)
    if done is not None:
        forget(f"unit.{unit_id}")
        _done("owners", t("owners.transferred", amount=yuan(done["owed_cents"])) if done["owed_cents"]
              else t("owners.transferred_clear"),
              tuple(f"tr_{k}_{unit_id}" for k in ("name1", "phone1", "name2", "phone2", "on", "ok")))


# ---------------------------------------------------------------- special needs

def need_form(user: CurrentUser, unit_id: int, owners: list) -> None:
    engine = cache.engine()
    whose = {None: t("needs.household"), **{o.owner_id: o.name for o in owners if o.until is None}}
    with st.form(f"need_{unit_id}"):
        c1, c2, c3 = st.columns(3)
        kind = c1.selectbox(t("field.need_kind"), [k.value for k in NeedKind], format_func=lambda k: t(f"need.{k}"),
                            key=f"need_kind_{unit_id}")
        owner_id = c2.selectbox(t("needs.whose"), list(whose), format_func=whose.get, key=f"need_owner_{unit_id}")
        noted_on = c3.date_input(t("field.noted_on"), value=local_today(), max_value=local_today(),
                                 key=f"need_on_{unit_id}")
        note = st.text_input(t("field.need_note"), help=t("needs.note_help"), max_chars=500, key=f"need_note_{unit_id}")
        if not st.form_submit_button(t("needs.add")):
            return
    done = submit("need", lambda key: org.add_special_need(engine, user.actor, unit_id, kind, note, noted_on, owner_id,
                                                           request_key=key),
                  values={"unit": unit_id, "kind": kind, "owner": owner_id, "on": str(noted_on), "note": note},
                  clears=CLEARS, fresh_after=True)
    if done is not None:
        _done("needs", t("needs.added"), (f"need_note_{unit_id}",))


def end_need_button(user: CurrentUser, need, column) -> None:
    engine = cache.engine()
    if column.button(t("needs.end"), key=f"end_need_{need.id}"):
        done = submit("end_need", lambda key: org.end_special_need(engine, user.actor, need.id, need.version,
                                                                   request_key=key),
                      values={"need": need.id, "version": need.version}, clears=CLEARS)
        if done is not None:
            _done("needs", t("needs.ended"))

