"""One upload-validate-import panel for every import the admin runs (units, bills, payments):
every bad row is listed with its number and reason, and a file with any bad row imports nothing."""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from core.errors import DomainError
from core.importing.files import read_table
from ui import store
from ui.i18n import error_text, t


def import_panel(key: str, help_key: str, validate: Callable[[list[dict]], tuple[list, list]],
                 write: Callable[[list], int]) -> None:
    st.caption(t(help_key))
    upload = st.file_uploader(t("admin.import_file"), type=["csv", "xlsx"], key=f"{key}_file")
    if upload is None:
        return
    try:
        rows, errors = validate(read_table(upload.name, upload.getvalue()))
    except DomainError as e:
        st.error(error_text(e))
        return
    if errors:
        st.error(t("admin.import_bad", n=len(errors)))
        st.dataframe(pd.DataFrame([{t("admin.col.row"): e.row, t("admin.col.reason"): t(e.key, **e.params)}
                                   for e in errors]), hide_index=True, width="stretch")
        return
    st.success(t("admin.import_preview", n=len(rows)))
    if st.button(t("admin.import_run", n=len(rows)), type="primary", key=f"{key}_run"):
        try:
            write(rows)
        except DomainError as e:
            st.error(error_text(e))
            return
        store.clear_caches()
        st.success(t("admin.import_done", n=len(rows)))
