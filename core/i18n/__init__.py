"""Every visible label, in Simplified Chinese (default) and English: one catalogue assembled from
one section per module, each section two dicts with the same keys. A test fails when a key is
missing in either language or when code asks for a key that does not exist."""
from __future__ import annotations

from core.i18n import calendar, cases, collections, common, complaints, exports, movein, notifications, security, uploads
from core.i18n import documents
from core.i18n import desk
from core.i18n import complaint_files

DEFAULT_LANG = "zh"
SECTIONS = (common, complaints, movein, collections, cases, calendar, uploads, exports, notifications,
            documents, security, desk, complaint_files)

ZH: dict[str, str] = {}
EN: dict[str, str] = {}
for _section in SECTIONS:
    ZH.update(_section.ZH)
    EN.update(_section.EN)

CATALOGUES = {"zh": ZH, "en": EN}


def translate(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """Missing keys show as the key itself, so a gap is visible, and the catalogue test catches it."""
    catalogue = CATALOGUES.get(lang, ZH)
    text = catalogue.get(key, key)
    if "field" in params:
        params["field"] = catalogue.get(f"field.{params['field']}", params["field"])
    if isinstance(params.get("reasons"), (list, tuple)):
        params["reasons"] = "; ".join(catalogue.get(r, r) for r in params["reasons"])
    if "stage" in params:
        params["stage"] = catalogue.get(f"stage.{params['stage']}", params["stage"])
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError):
        return text
