"""The admin's forms on staff accounts: create, (de)activate, unlock, reset a password."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.auth.roles import Role
from services import users
from ui import cache
from ui.i18n import t
from ui.seen import forget, latest_notice, seen_version
from ui.session import CurrentUser
from ui.submit import flash, show_flash, submit
from ui.widgets import choose_many

CLEARS = ("users",)


def new_user_form(user: CurrentUser, project_names: dict[int, str]) -> None:
    engine = cache.engine()
    with st.form("add_user", clear_on_submit=False):
        st.subheader(t("admin.add_user"))
        c1, c2 = st.columns(2)
        username = c1.text_input(t("admin.username"), max_chars=32)
        display = c2.text_input(t("admin.display_name"), max_chars=40)
        role = c1.selectbox(t("admin.role"), [r.value for r in Role], format_func=lambda r: t(f"role.{r}"))
        password = c2.text_input(t("admin.password"), type="password", max_chars=72)
        chosen = choose_many(t("admin.projects"), list(project_names), format_func=project_names.get)
        if not st.form_submit_button(t("admin.create"), type="primary"):
            return
    values = {"username": username, "display": display, "role": role, "password": password, "projects": chosen}
    done = submit("add_user", lambda key: users.create_user(engine, user.actor, username, display, role, password,
                                                            chosen, request_key=key),
                  values=values, clears=CLEARS)
    if done is not None:
        st.success(t("admin.created", username=username.strip().lower()))


def _button(name: str, label: str, write, values: dict, column) -> None:
    """A one-click write; the page is drawn again with the account as it is now."""
    if column.button(label, key=name) and submit(name, write, values=values, clears=CLEARS) is not None:
        forget(f"account.{values['target']}")
        st.rerun()


def manage_user_form(user: CurrentUser, accounts: pd.DataFrame) -> None:
    engine = cache.engine()
    st.subheader(t("admin.manage_user"))
    target = st.selectbox(t("admin.pick_user"), accounts["username"].tolist(), key="admin_target")
    row = accounts.set_index("username").loc[target]
    # The account as this admin opened it: another admin's change meanwhile refuses this one.
    version = seen_version(f"account.{target}", int(row["version"]))
    latest_notice(f"account.{target}", int(row["version"]),
                  [(t("admin.col.role"), t(f"role.{row['role']}")),
                   (t("admin.col.active"), t("ledger.yes" if bool(row["active"]) else "ledger.no"))])
    seen = {"target": target, "version": version}
    b1, b2, _ = st.columns([1, 1, 3])
    active = bool(row["active"])
    _button("deactivate" if active else "activate", t("admin.deactivate" if active else "admin.activate"),
            lambda key: users.set_active(engine, user.actor, target, not active, version, request_key=key),
            seen, b1)
    if row["failed_attempts"] or not pd.isna(row["locked_until"]):
        _button("unlock", t("admin.unlock"),
                lambda key: users.unlock(engine, user.actor, target, request_key=key),
                {**seen, "failed": int(row["failed_attempts"]), "until": str(row["locked_until"])}, b2)
    with st.form("reset_password", clear_on_submit=True):
        new_password = st.text_input(t("admin.new_password"), type="password", max_chars=72)
        if not st.form_submit_button(t("admin.reset_password")):
            return
    done = submit("reset_password",
                  lambda key: users.reset_password(engine, user.actor, target, new_password, request_key=key),
                  values={"target": target, "password": new_password}, clears=CLEARS)
    if done is not None:
        st.success(t("admin.saved"))


def remove_demo_form(user: CurrentUser) -> None:
    """The demo's accounts (their password is in the README) removed in one action, once the
    company has its own: refused to a demo account itself."""
    engine = cache.engine()
    show_flash("demo_remove")
    demo = users.demo_accounts(engine, user.actor)
    if not demo:
        return
    st.subheader(t("admin.demo_accounts"))
    st.warning(t("admin.demo_accounts_help", n=len(demo), names=", ".join(demo)))
    sure = st.checkbox(t("admin.demo_remove_confirm", n=len(demo)), key="demo_remove_sure")
    if st.button(t("admin.demo_remove", n=len(demo)), key="demo_remove", disabled=not sure, type="primary"):
        done = submit("demo_remove", lambda key: users.remove_demo_accounts(engine, user.actor, request_key=key),
                      values={"demo": demo}, clears=CLEARS)
        if done is not None:
            flash("demo_remove", t("admin.demo_removed", n=done))
            st.rerun()
