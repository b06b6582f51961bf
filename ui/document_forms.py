"""The documents' forms that write, each through ui.submit: payment notices in bulk (with the
layout's progress), a letter template (placeholders listed, previewed before it is saved), how to
pay per project."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import streamlit as st

from core.clock import local_today
from core.documents.letters import LETTER_KINDS
from services import documents
from ui import cache
from ui.i18n import t
from ui.submit import flash, show_flash, submit

PDF = "application/pdf"
OWNER_LANG = "zh"


def notices_form(user, projects: dict[int, str], buildings: dict[int, list[tuple[int, str]]]) -> None:
    """One PDF of notices for a project or one of its buildings and a period, for the round."""
    form = "payment_notices"
    today = local_today()
    with st.form(form):
        c1, c2, c3 = st.columns(3)
        project_id = c1.selectbox(t("docs.notices_project"), list(projects), format_func=projects.get)
        options = [None, *[b for b, _ in buildings.get(project_id, [])]]
        names = dict(buildings.get(project_id, []))
        building_id = c2.selectbox(t("docs.notices_building"), options,
                                   format_func=lambda b: t("docs.notices_all_buildings") if b is None else names.get(b, b))
        period = c3.text_input(t("field.period"), value=f"{today:%Y-%m}", max_chars=7)
        if not st.form_submit_button(t("docs.notices_make"), type="primary"):
            made = st.session_state.get("notices_pdf")
            if made:
                st.download_button(t("docs.notices_download"), data=made[1], file_name=made[0], mime=PDF,
                                   icon=":material/download:", key="notices_download")
            return
    bar = st.progress(0.0, text=t("docs.notices_progress", done=0, total="…"))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=t("docs.notices_progress", done=done, total=total))

    issued = submit(form, lambda key: documents.payment_notices(
        cache.engine(), user.actor, project_id, period, building_id, OWNER_LANG, progress, request_key=key,
        today=today), values={"project": project_id, "building": building_id, "period": period})
    if issued is None:
        bar.empty()
        return
    st.success(t("docs.notices_done", n=issued.count, number=issued.number))
    st.session_state["notices_pdf"] = (f"notices_{issued.number}.pdf", issued.pdf)
    st.download_button(t("docs.notices_download"), data=issued.pdf, file_name=f"notices_{issued.number}.pdf",
                       mime=PDF, icon=":material/download:", key="notices_download")


def _first_page_png(pdf: bytes) -> bytes | None:
    """The preview's first page as an image, where poppler's pdftoppm is installed; else None
    (the preview PDF is offered either way)."""
    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "p.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(src), str(Path(tmp) / "p")],
                       check=True, timeout=30)
        return (Path(tmp) / "p.png").read_bytes()


def template_form(user) -> None:
    """Edit a letter template: the placeholders it may use are listed, a preview renders it on
    sample data, saving makes a new version (an unknown placeholder is refused by name)."""
    kind = st.selectbox(t("docs.template_kind"), LETTER_KINDS, format_func=lambda k: t(f"letter.kind.{k}"),
                        key="template_kind")
    current = documents.letter_template(cache.engine(), user.actor, kind)
    st.caption(t("docs.template_version", v=current.version, who=current.saved_by) if current.version
               else t("docs.template_default"))
    st.caption(t("docs.placeholders") + "： " + "　".join(f"{{{p}}} {t(f'ph.{p}')}"
                                                        for p in documents.placeholders(kind)))
    form = f"letter_template_{kind}"
    show_flash(form)
    with st.form(form):
        title = st.text_input(t("field.letter_title"), value=current.title, max_chars=60)
        body = st.text_area(t("field.body"), value=current.body, height=360, max_chars=5000)
        c1, c2 = st.columns(2)
        preview = c1.form_submit_button(t("docs.preview"))
        save = c2.form_submit_button(t("docs.save_template"), type="primary")
    if preview:
        shown = submit(f"{form}_preview", lambda key: documents.preview_letter(cache.engine(), user.actor, kind, title,
                                                                              body, OWNER_LANG),
                       values={"title": title, "body": body})
        if shown is not None:
            png = _first_page_png(shown.pdf)
            if png:
                st.image(png, caption=t("docs.preview_caption"), width=520)
            st.download_button(t("docs.preview_download"), data=shown.pdf, file_name=f"preview_{kind}.pdf",
                               mime=PDF, key=f"preview_{kind}")
    if save:
        version = submit(form, lambda key: documents.save_letter_template(cache.engine(), user.actor, kind, title,
                                                                         body, request_key=key),
                         values={"title": title, "body": body})
        if version is not None:
            flash(form, t("docs.template_saved", v=version))
            st.rerun()


def how_to_pay_form(user, projects: dict[int, str]) -> None:
    form = "how_to_pay"
    show_flash(form)
    project_id = st.selectbox(t("docs.notices_project"), list(projects), format_func=projects.get,
                              key="how_to_pay_project")
    text, _own = documents.how_to_pay(cache.engine(), user.actor, project_id, OWNER_LANG)
    with st.form(form):
        value = st.text_area(t("docs.how_to_pay"), value=text, max_chars=500, key=f"how_to_pay_{project_id}")
        if not st.form_submit_button(t("docs.how_to_pay_save")):
            return
    done = submit(form, lambda key: documents.set_how_to_pay(cache.engine(), user.actor, project_id, value,
                                                            request_key=key), values={"p": project_id, "v": value})
    if done is not None:
        flash(form, t("docs.how_to_pay_saved"))
        st.rerun()
