"""Download buttons of the documents: a receipt per payment, a letter per unit, the handover
papers of a household, a training session's handouts. Each button makes its PDF when clicked
(Streamlit calls the service then), so every click is one print counted in the store and a page
that is only looked at prints nothing."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.auth.capabilities import Capability
from core.clock import CHINA
from core.collections.money import yuan
from core.documents.letters import LETTER_KINDS
from core.documents.rounds import natural
from services import documents, org
from ui import cache
from ui.i18n import lang, t

PDF = "application/pdf"
OWNER_LANG = "zh"   # paper for owners is in Chinese, whatever language the desk reads


def _button(label: str, make, file_name: str, key: str, container=st) -> None:
    container.download_button(label, data=make, file_name=file_name, mime=PDF, key=key, icon=":material/print:",
                              on_click="ignore")


def receipt_downloads(user, payments: pd.DataFrame) -> None:
    """A receipt for one of the unit's payments (the newest first): a reprint says 补打, a void one 作废."""
    if not user.actor.can(Capability.RECORD_PAYMENT) or payments.empty:
        return
    actor = user.actor
    labels = {int(p.id): f"{p.receipt_no} · ¥{yuan(int(p.amount_cents))} · {p.paid_on}"
              for p in payments.itertuples()}
    st.markdown(f"**{t('docs.receipt')}**")
    c1, c2 = st.columns([3, 1])
    payment_id = c1.selectbox(t("docs.receipt_pick"), list(labels), format_func=labels.get,
                              key=f"receipt_pick_{payments['id'].iloc[0]}")
    receipt = labels[payment_id].split(" · ")[0]
    with c2:
        _button(t("docs.receipt_button"), lambda: documents.issue_receipt(cache.engine(), actor, payment_id,
                                                                           OWNER_LANG).pdf,
                f"receipt_{receipt}.pdf", f"receipt_pdf_{payment_id}")
    st.caption(t("docs.receipt_reprint_note"))


def letter_downloads(user, unit_id: int, owed: int, key: str = "") -> None:
    """A reminder and a lawyer's letter for a unit that owes, from the newest templates."""
    if not user.actor.can(Capability.RECORD_DUNNING) or owed <= 0:
        return
    actor = user.actor
    cols = st.columns(len(LETTER_KINDS))
    for col, kind in zip(cols, LETTER_KINDS):
        with col:
            _button(t("docs.letter_button", kind=t(f"letter.kind.{kind}")),
                    lambda kind=kind: documents.issue_letter(cache.engine(), actor, unit_id, kind, OWNER_LANG).pdf,
                    f"{kind}_{unit_id}.pdf", f"letter_{kind}_{unit_id}_{key}")
    st.caption(t("docs.letter_note"))


def unit_papers(user, unit_id: int, payments: pd.DataFrame, owed: int) -> None:
    """The documents of the units page's fee ledger: receipts and the dunning letters."""
    receipt_downloads(user, payments)
    if user.actor.can(Capability.RECORD_DUNNING) and owed > 0:
        st.markdown(f"**{t('docs.letters')}**")
        letter_downloads(user, unit_id, owed, key="ledger")


def handover_downloads(user, batch_id: int, appointment_id: int, container=st) -> None:
    """The handover form and the defect list of a household, for the move-in hall's card."""
    if not user.actor.can(Capability.RUN_MOVEIN_HALL):
        return
    actor = user.actor
    c1, c2 = container.columns(2)
    _button(t("docs.handover_button"), lambda: documents.issue_handover(cache.engine(), actor, appointment_id,
                                                                        OWNER_LANG).pdf,
            f"handover_{appointment_id}.pdf", f"handover_pdf_{batch_id}_{appointment_id}", c1)
    _button(t("docs.defects_button"), lambda: documents.issue_defect_list(cache.engine(), actor, appointment_id,
                                                                         OWNER_LANG).pdf,
            f"defects_{appointment_id}.pdf", f"defects_pdf_{batch_id}_{appointment_id}", c2)


def handout_downloads(user, session_id: int) -> None:
    """Trainee and trainer handouts and the sign-in sheet of a session, in the trainer's language."""
    if not user.actor.can(Capability.RUN_TRAINING):
        return
    actor, language = user.actor, lang()
    c1, c2, c3 = st.columns(3)
    for col, version in ((c1, "trainee"), (c2, "trainer")):
        _button(t(f"docs.handout_{version}"),
                lambda version=version: documents.issue_handout(cache.engine(), actor, session_id, version,
                                                                language).pdf,
                f"handout_{session_id}_{version}.pdf", f"handout_{version}_{session_id}", col)
    _button(t("docs.sign_in"), lambda: documents.issue_sign_in(cache.engine(), actor, session_id, language).pdf,
            f"sign_in_{session_id}.pdf", f"sign_in_{session_id}", c3)


def found_table(found: list) -> pd.DataFrame:
    return pd.DataFrame({
        t("docs.col.number"): [f.number or "—" for f in found],
        t("docs.col.kind"): [t(f"docs.kind.{f.kind}") for f in found],
        t("docs.col.ref"): [f.record_ref for f in found],
        t("docs.col.room"): [f.room_no or "—" for f in found],
        t("docs.col.reprint"): [t("docs.yes") if f.reprint else "" for f in found],
        t("docs.col.version"): ["" if f.template_version is None else str(f.template_version) for f in found],
        t("docs.col.issued_by"): [f.issued_by for f in found],
        t("docs.col.issued_at"): [f.issued_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if f.issued_at else ""
                                  for f in found]})


def notice_places(user) -> tuple[dict[int, str], dict[int, list[tuple[int, str]]]]:
    """The actor's projects and their buildings, in round order, for the notices form."""
    engine = cache.engine()
    projects = org.list_projects(engine, user.actor)
    buildings = org.list_buildings(engine, user.actor)
    by_project: dict[int, list[tuple[int, str]]] = {}
    for b in sorted(buildings.itertuples(), key=lambda b: natural(b.name)):
        by_project.setdefault(int(b.project_id), []).append((int(b.id), b.name))
    return dict(zip(projects["id"].astype(int), projects["name"])), by_project


def letter_picker(user, work: pd.DataFrame) -> None:
    """The letters of one unit of the worklist on screen (it owes: it is on the list)."""
    labels = dict(zip(work["unit_id"].astype(int), work["project"] + " " + work["room_no"]))
    owed = dict(zip(work["unit_id"].astype(int), work["arrears"].astype(int)))
    unit_id = st.selectbox(t("docs.letter_unit"), list(labels), format_func=labels.get, key="letter_unit")
    letter_downloads(user, unit_id, owed[unit_id], key="worklist")
