"""A session's uploaded files leave the server's memory once the session is gone (issue 16, item 3).
Streamlit forgets a disconnected session after its TTL without shutting it down, so its files
would stay until a restart; ui/upload_sweep.py drops them."""
from __future__ import annotations

import inspect

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.runtime import Runtime
from streamlit.runtime.session_manager import SessionInfo
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from ui.upload_sweep import drop_orphans

MB = 1024 * 1024


def _upload(files: MemoryUploadedFileManager, session_id: str, n: int) -> None:
    for i in range(n):
        files.add_file(session_id, UploadedFileRec(f"{session_id}-{i}", "units.xlsx", "application/octet-stream",
                                                   b"x" * (5 * MB)))


def _held(files: MemoryUploadedFileManager) -> dict[str, int]:
    return {sid: sum(len(r.data) for r in recs.values()) for sid, recs in files.file_storage.items() if recs}


def test_the_files_of_a_forgotten_session_are_dropped_and_the_others_kept():
    files = MemoryUploadedFileManager("/_stcore/upload_file")
    _upload(files, "visitor-gone", 3)
    _upload(files, "desk-still-here", 1)
    assert _held(files) == {"visitor-gone": 15 * MB, "desk-still-here": 5 * MB}
    assert drop_orphans(files.file_storage, {"desk-still-here"}, files.remove_session_files) == 1
    assert _held(files) == {"desk-still-here": 5 * MB}
    # the desk's file still opens for its import
    assert len(files.get_files("desk-still-here", ["desk-still-here-0"])) == 1
    assert drop_orphans(files.file_storage, {"desk-still-here"}, files.remove_session_files) == 0


def test_the_streamlit_parts_the_sweep_reads_are_still_there():
    """The sweep reads the runtime's session manager (a private attribute): pinned here, so a
    Streamlit upgrade that moves it fails this test instead of leaking memory quietly."""
    assert isinstance(inspect.getattr_static(Runtime, "uploaded_file_mgr"), property)
    assert "_session_mgr" in inspect.getsource(Runtime.__init__)
    assert callable(WebsocketSessionManager.list_sessions)
    assert "session" in inspect.signature(SessionInfo).parameters
    assert callable(MemoryUploadedFileManager.remove_session_files)
