"""One upload-validate-import form for every import the admin runs (units, bills, payments):
every bad row is listed with its number and reason, and a file with any bad row imports nothing."""
from __future__ import annotations

import hashlib
from typing import Callable, Iterable

import pandas as pd
import streamlit as st

from core.errors import DomainError
from core.importing.files import read_table
from core.importing.template import unit_template
from ui.i18n import error_text, lang, t
from ui.submit import submit


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_button(key: str) -> None:
    """The units-and-owners template in the user's language, built only when clicked."""
    language = lang()
    st.download_button(t("admin.template"), data=lambda: unit_template(language), mime=XLSX,
                       file_name=t("template.file"), key=f"{key}_template", icon=":material/download:")


def import_form(key: str, help_key: str, project_id: int, validate: Callable[[list[dict]], tuple[list, list]],
                write: Callable[[list, str], int], clears: Iterable[str], template: bool = False,
                done_key: str = "admin.import_done") -> None:
    """`validate(raw rows) -> (rows, errors)`; `write(rows, request_key) -> rows written`."""
    st.caption(t(help_key))
    if template:
        template_button(key)
    upload = st.file_uploader(t("admin.import_file"), type=["csv", "xlsx"], key=f"{key}_file")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        rows, errors = validate(read_table(upload.name, data))
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
        # The same file sent twice (a double tap, a resent form) is imported once.
        done = submit(f"import_{key}", lambda request_key: write(rows, request_key),
                      values={"project": project_id, "file": hashlib.sha256(data).hexdigest()}, clears=clears)
        if done is not None:
            st.success(t(done_key, n=len(rows)))
