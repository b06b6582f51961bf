"""Photos and scans on a complaint: a strip of thumbnails, each opened large (a PDF as a download),
an upload form, removal with a reason. Used on the ticket page, right after registering, and on the
unit's record. File names are user text: shown through st.text / escaped captions only."""
from __future__ import annotations

import hashlib

import streamlit as st

from core.complaints.attachments import UNDO_WINDOW
from core.errors import DomainError
from services import complaint_attachments as svc
from ui import cache, org_cache
from ui.fmt import local
from ui.i18n import error_text, t
from ui.submit import flash, show_flash, submit
from ui.widgets import md_plain

PER_ROW = 4
THUMB_WIDTH = 160
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "pdf"]   # the browser's filter; the server decides


def _person(username: str | None) -> str:
    return org_cache.person(cache.url(), username)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


def _show_large(engine, user, attachment_id: int) -> None:
    try:
        f = svc.open_file(engine, user.actor, attachment_id)   # checked again: scope and existence
    except DomainError as e:
        st.error(error_text(e))
        return
    st.text(f.name)
    if f.kind.is_image:
        st.image(f.data, width="stretch")
    else:
        st.caption(t("att.pdf"))
        st.download_button(t("att.download"), data=f.data, file_name=f.name if f.name.lower().endswith(".pdf")
                           else f"{f.number}-{f.id}.pdf", mime=f.mime, icon=":material/download:",
                           key=f"att_dl_{f.id}", type="primary", on_click="ignore")   # the dialog stays


def _remove_form(engine, user, a, form: str) -> None:
    with st.popover(t("att.remove"), icon=":material/delete:"):
        st.caption(t("att.remove_help", minutes=int(UNDO_WINDOW.total_seconds() // 60)))
        with st.form(f"att_rm_{a.id}", clear_on_submit=False):
            reason = st.text_input(t("field.remove_reason"), max_chars=300, key=f"att_rm_reason_{a.id}")
            go = st.form_submit_button(t("att.remove_submit"), type="primary")
        if go:
            done = submit("att_remove", lambda key: svc.remove(engine, user.actor, a.id, reason, request_key=key),
                          values={"id": a.id, "reason": reason}, clears=("complaints",))
            if done is not None:
                flash(form, t("att.removed"))
                st.rerun()


def thumbnails(engine, user, items: list, form: str, with_number: bool = False, removable: bool = True) -> None:
    """The attachments as a grid of thumbnails; "view large" opens the file in a dialog."""
    for start in range(0, len(items), PER_ROW):
        cols = st.columns(PER_ROW)
        for col, a in zip(cols, items[start:start + PER_ROW]):
            with col.container(border=True):
                if a.thumb:
                    st.image(a.thumb, width=THUMB_WIDTH)
                else:
                    st.markdown(f":material/picture_as_pdf: **{t('att.pdf')}**")
                if with_number:
                    st.page_link("pages/complaint.py", label=t("att.ticket", number=a.number),
                                 query_params={"n": a.number}, icon=":material/open_in_new:")
                st.caption(md_plain(t("att.caption", name=a.name, who=_person(a.uploaded_by),
                                      time=local(a.uploaded_at))) + f" · {_size(a.size)}")
                if st.button(t("att.open"), key=f"att_open_{form}_{a.id}", icon=":material/zoom_in:",
                             width="stretch"):
                    st.dialog(t("att.title"), width="large")(_show_large)(engine, user, a.id)
                if removable and a.removable:
                    _remove_form(engine, user, a, form)


def upload_form(engine, user, number: str, form: str) -> None:
    """Several files at once; each is checked on the server and attached once, however often sent."""
    with st.form(f"{form}_upload", clear_on_submit=True):
        files = st.file_uploader(t("att.upload"), type=UPLOAD_TYPES, accept_multiple_files=True,
                                 help=t("att.upload_help"), key=f"{form}_files")
        sent = st.form_submit_button(t("att.submit"), type="primary", icon=":material/upload:")
    if not sent or not files:
        return
    saved = 0
    for f in files:
        data = f.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        done = submit(form, lambda key: svc.upload(engine, user.actor, number, data, f.name, request_key=key),
                      values={"number": number, "sha256": digest}, clears=("complaints",))
        if done is None:
            st.text(f.name)          # which file the message above is about
        else:
            saved += 1
    if saved == len(files):
        flash(form, t("att.saved"))
        st.rerun()


def ticket_attachments(engine, user, number: str) -> None:
    """The ticket page's section: thumbnails, then the upload form."""
    form = f"att_{number}"
    st.subheader(t("att.title"))
    show_flash(form)
    items = svc.for_ticket(engine, user.actor, number)
    if items:
        thumbnails(engine, user, items, form)
    else:
        st.caption(t("att.none"))
    upload_form(engine, user, number, form)


def registration_attachments(engine, user, number: str | None) -> None:
    """Right after registering: photos and scans for the ticket just saved (it stays offered until the
    next registration)."""
    if number:
        st.session_state["cnew_attach_for"] = number
    current = st.session_state.get("cnew_attach_for")
    if not current:
        return
    form = f"att_{current}"
    with st.container(border=True):
        st.markdown(f"**{t('att.for_new', number=current)}**")
        show_flash(form)
        items = svc.for_ticket(engine, user.actor, current)
        if items:
            thumbnails(engine, user, items, form)
        upload_form(engine, user, current, form)


def unit_attachments(engine, user, unit_id: int) -> None:
    """The unit's record: every attachment of its complaints, newest first, each with its ticket."""
    st.subheader(t("att.unit_title"))
    items = svc.for_unit(engine, user.actor, unit_id)
    if not items:
        st.caption(t("att.unit_none"))
        return
    thumbnails(engine, user, items, f"att_unit_{unit_id}", with_number=True, removable=False)
