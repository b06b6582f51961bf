"""The one path every writing form takes.

Each form on screen has a request key, made from a per-form nonce and what the user entered. The
service runs a write at most once per key (db/uow.py), so a double tap, a resent form or a rerun
that interrupted the first write is answered with the first result: the page does not decide it.
A refused write shows every message at once and the form keeps what was typed; a done write clears
the caches of the features it changed, and of no other."""
from __future__ import annotations

import hashlib
import time
import uuid
from typing import Callable, Iterable, TypeVar

import streamlit as st

from core.errors import DomainError, ValidationErrors
from ui import cache
from ui.i18n import error_text

T = TypeVar("T")
_DOUBLE_TAP_S = 5.0


def request_key(form: str, values: object = None) -> str:
    nonce = st.session_state.setdefault(f"_submit.nonce.{form}", uuid.uuid4().hex)
    return hashlib.sha256(f"{nonce}|{values!r}".encode()).hexdigest()[:40]


def new_entry(form: str) -> None:
    """The next submission of this form is a new entry, even with the same values."""
    st.session_state.pop(f"_submit.nonce.{form}", None)


def show_errors(exc: DomainError, container=st, fields: dict | None = None) -> None:
    """Every message; with `fields` (field name -> a slot beside that field) each one beside its field."""
    for e in (exc.errors if isinstance(exc, ValidationErrors) else [exc]):
        slot = (fields or {}).get(getattr(e, "field", "") or "")
        (slot or container).error(error_text(e))


def _blank(values: object) -> bool:
    items = values.values() if isinstance(values, dict) else ()
    return bool(items) and all(v in (None, "", (), []) for v in items)


def submit(form: str, write: Callable[[str], T], *, values: object = None, clears: Iterable[str] = (),
           fresh_after: bool = False, container=st, fields: dict | None = None) -> T | None:
    """Run `write(request_key)`; None when refused (messages shown). `values` is what the user
    entered: the same values sent again carry the same key. `fresh_after`: the form empties
    itself after a save, so the next submission is a new entry; a blank one sent within seconds
    of the save is the second tap of a double tap, answered with the saved result."""
    last = st.session_state.get(f"_submit.last.{form}")
    if fresh_after and last and _blank(values) and time.monotonic() - last[0] < _DOUBLE_TAP_S:
        return last[1]
    try:
        result = write(request_key(form, values))
    except DomainError as e:
        show_errors(e, container, fields)
        return None
    cache.clear(*clears)
    st.session_state[f"_submit.last.{form}"] = (time.monotonic(), result)
    if fresh_after:
        new_entry(form)
    return result


def flash(form: str, message: str) -> None:
    """A message to show on the next run (after st.rerun()), once."""
    st.session_state[f"_submit.flash.{form}"] = message


def show_flash(form: str, container=st) -> bool:
    message = st.session_state.pop(f"_submit.flash.{form}", None)
    if message:
        container.success(message)
    return bool(message)
