"""The engine (one per process) and the registry of cached reads, by feature.

Cached reads are shared by every user, so each takes everything that changes its answer (the
actor's project scope included) as an argument. A write clears the features it changed, and only
those: a payment leaves the complaint board's cache alone."""
from __future__ import annotations

from collections import defaultdict
from typing import Callable

import streamlit as st

from services.store import open_store, store_url

FEATURES = ("org", "users", "complaints", "movein", "collections", "cases", "notifications")
_REGISTRY: dict[str, list] = defaultdict(list)


@st.cache_resource(show_spinner=False)
def _engine_for(url: str):
    return open_store(url)


def engine():
    return _engine_for(store_url())


def url() -> str:
    return store_url()


def cached(feature: str, ttl: int) -> Callable:
    """st.cache_data for one feature's reads, registered so that `clear(feature)` empties it."""
    if feature not in FEATURES:
        raise ValueError(feature)

    def wrap(fn):
        wrapped = st.cache_data(ttl=ttl, show_spinner=False)(fn)
        _REGISTRY[feature].append(wrapped)
        return wrapped
    return wrap


def clear(*features: str) -> None:
    for feature in features:
        if feature not in FEATURES:
            raise ValueError(feature)
        for fn in _REGISTRY[feature]:
            fn.clear()
