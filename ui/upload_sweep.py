"""Uploaded files of sessions that have ended are dropped from the server's memory.

Streamlit frees a session's uploads when the session shuts down. A browser that goes away does not
shut its session down: the session is kept resumable for `server.disconnectedSessionTTL` and then
forgotten by its storage (a TTL cache with no eviction hook), and its files stay in the upload
manager until the server restarts (issue 16: 100 uploads of 4.9 MB by a visitor, 200 → 692 MB,
never released). A sweep per process drops the files of every session the session manager no
longer knows, active or resumable."""
from __future__ import annotations

import threading

import streamlit as st

SWEEP_SECONDS = 30


def drop_orphans(file_storage: dict, known_sessions: set[str], remove) -> int:
    """Removes (through `remove(session_id)`) the files of sessions not in `known_sessions`; how many
    sessions' files went."""
    orphans = [sid for sid in list(file_storage) if sid not in known_sessions]
    for sid in orphans:
        remove(sid)
    return len(orphans)


def sweep_once() -> int:
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return 0
    runtime = Runtime.instance()
    files = runtime.uploaded_file_mgr
    storage = getattr(files, "file_storage", None)   # the in-memory manager (the only one Streamlit ships)
    if storage is None:
        return 0
    # list_sessions() is the active ones and the still-resumable ones (expired entries fall out).
    known = {info.session.id for info in runtime._session_mgr.list_sessions()}   # noqa: SLF001  (pinned by a test)
    return drop_orphans(storage, known, files.remove_session_files)


@st.cache_resource(show_spinner=False)
def start_sweeper(every: float = SWEEP_SECONDS) -> threading.Thread:
    """Once per process (the resource cache is per process), a daemon thread sweeping for good."""
    stop = threading.Event()

    def loop():
        while not stop.wait(every):
            try:
                sweep_once()
            except Exception:  # noqa: BLE001  a failed sweep must never stop the next one
                pass

    thread = threading.Thread(target=loop, name="upload-sweep", daemon=True)
    thread.start()
    return thread
