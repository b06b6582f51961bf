"""The signed-in user as the server knows it. Only server code writes these keys."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.auth.actor import Actor

USER_KEY = "current_user"


@dataclass(frozen=True)
class CurrentUser:
    username: str
    display_name: str
    role: str
    # None: every project (admin, manager); else the projects this user may see.
    project_ids: tuple[int, ...] | None

    @property
    def actor(self) -> Actor:
        """Who the services see acting."""
        return Actor(self.username, self.role, self.project_ids)

    @property
    def reader(self) -> Actor:
        """The actor for shared cached reads: role and scope only, so every user with the same
        role and projects shares one cache entry."""
        return self.actor.as_reader()


def current_user() -> CurrentUser | None:
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, CurrentUser) else None


def set_user(account) -> CurrentUser:
    user = CurrentUser(account.username, account.display_name, account.role.value,
                       None if account.all_projects else tuple(sorted(account.project_ids)))
    st.session_state[USER_KEY] = user
    st.session_state["lang"] = account.language
    return user


def clear_user() -> None:
    for key in (USER_KEY, "authentication_status", "username", "name", "roles"):
        st.session_state.pop(key, None)
