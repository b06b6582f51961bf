"""A migrated store with no rows at all, for the page tests of a company's first start (no demo):
DATABASE_URL and APP_COOKIE_KEY point at it while the context is open, as page_db does for the
demo store."""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from dataclasses import dataclass

import pytest


@dataclass
class EmptyStore:
    url: str
    engine: object


@contextmanager
def empty_store(path):
    import streamlit as st

    from db.engine import make_engine
    from db.migrate import upgrade
    from ui.auth import cookie_key

    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        mp.setenv("APP_COOKIE_KEY", secrets.token_urlsafe(36))
        upgrade(url)
        engine = make_engine(url)
        cookie_key.clear()
        st.cache_data.clear()
        try:
            yield EmptyStore(url, engine)
        finally:
            engine.dispose()
            st.cache_data.clear()
            cookie_key.clear()
