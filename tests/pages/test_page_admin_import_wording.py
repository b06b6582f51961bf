"""The admin page's imports say what they imported: bills and payments are not "units".
AppTest cannot drive st.file_uploader, so the uploader hands the page a file the test made."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
import streamlit
from sqlalchemy import select

from core.i18n import translate
from db.models import Unit
from page_helpers import by_label


@dataclass
class FakeUpload:
    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


@pytest.fixture
def uploaded(monkeypatch):
    files: dict[str, FakeUpload] = {}
    real = streamlit.file_uploader

    def file_uploader(label, *args, key=None, **kwargs):
        return files.get(key) or real(label, *args, key=key, **kwargs)

    monkeypatch.setattr(streamlit, "file_uploader", file_uploader)
    return files


def test_bills_import_says_bills_imported(page_db, run_page, uploaded):
    at = run_page("admin", "admin")
    project_id = by_label(at.selectbox, translate("admin.import_project")).value
    with page_db.engine.connect() as conn:
        rooms = conn.scalars(select(Unit.room_no).where(Unit.project_id == project_id).order_by(Unit.id).limit(2)).all()
    csv = "room_no,period,item,amount\n" + "".join(f"{room},2026-01,other,123.40\n" for room in rooms)
    uploaded["bills_file"] = FakeUpload("bills.csv", csv.encode())
    by_label(at.radio, translate("admin.import")).set_value("bills").run()
    assert not at.error, at.dataframe[-1].value.to_dict("records")
    by_label(at.button, translate("admin.import_run", n=2)).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    said = [s.value for s in at.success]
    assert translate("admin.import_bills_done", n=2) in said, said
    assert translate("admin.import_done", n=2) not in said
    assert "账单" in translate("admin.import_bills_done", n=2, lang="zh")
