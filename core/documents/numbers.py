"""Document numbers: one series per kind and year, printed on the paper and in its QR code, so a
document brought back to the desk leads to its record (the documents page finds it by number)."""
from __future__ import annotations

import re
import unicodedata
from enum import Enum


class Kind(str, Enum):
    RECEIPT = "receipt"
    NOTICES = "notices"            # one bulk PDF of payment notices
    REMINDER = "reminder"          # reminder letter
    LAWYER = "lawyer"              # lawyer's letter
    HANDOVER = "handover"          # move-in handover form
    DEFECTS = "defects"            # move-in defect list
    HANDOUT_TRAINEE = "handout_trainee"
    HANDOUT_TRAINER = "handout_trainer"
    SIGN_IN = "sign_in"


PREFIX = {Kind.RECEIPT: "SJ", Kind.NOTICES: "TZ", Kind.REMINDER: "CH", Kind.LAWYER: "LS", Kind.HANDOVER: "JJ",
          Kind.DEFECTS: "QX", Kind.HANDOUT_TRAINEE: "PX", Kind.HANDOUT_TRAINER: "PX", Kind.SIGN_IN: "QD"}
_NUMBER_RE = re.compile(r"^[A-Z]{2}-[0-9]{4}-[0-9]{7}$")


def document_number(kind: Kind | str, year: int, serial: int) -> str:
    """e.g. SJ-2026-0000042: letters for the kind (pinyin initials, readable over the phone), the
    year issued, and the store's serial of the document."""
    return f"{PREFIX[Kind(kind)]}-{year:04d}-{serial:07d}"


def normalise_number(text: object) -> str:
    """What a person types or a scanner reads: full-width, lower case, spaces, a QR payload."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().upper().replace(" ", "")
    if value.startswith("DOC:"):
        value = value[4:].split(";", 1)[0]
    return value.replace("—", "-").replace("_", "-")


def looks_like_document_number(text: str) -> bool:
    return bool(_NUMBER_RE.match(text))


def qr_payload(number: str, record_ref: str) -> str:
    """What the QR code holds: the document number first (the documents page reads either)."""
    return f"DOC:{number};REF:{record_ref}"
