"""Letters to owners from templates an admin edits: which kinds exist and the placeholders each
offers. The rule for the placeholders themselves is core.templates (one rule for every template)."""
from __future__ import annotations

from dataclasses import dataclass

from core.documents.numbers import Kind
from core.errors import ValidationError
from core.templates import check

LETTER_KINDS = (Kind.REMINDER.value, Kind.LAWYER.value)
# Everything a letter about a unit's arrears can say; all of them are filled for every letter.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    kind: ("owner", "room", "project", "project_address", "company", "arrears", "arrears_capitals",
           "first_period", "last_period", "months", "pay_by", "today", "document_no")
    for kind in LETTER_KINDS
}
MAX_TITLE, MAX_BODY = 60, 5000


@dataclass(frozen=True)
class LetterTemplate:
    kind: str
    title: str
    body: str
    version: int           # 0: the built-in default, never saved by anyone
    saved_by: str | None = None


def letter_kind(kind: object) -> str:
    if kind not in LETTER_KINDS:
        raise ValidationError("err.letter_kind", field="letter_kind")
    return str(kind)


def validate_template(kind: object, title: object, body: object) -> tuple[str, str, str]:
    """(kind, title, body) ready to save: an unknown placeholder is refused with its name."""
    kind_ = letter_kind(kind)
    title_ = str(title or "").strip()
    body_ = str(body or "").replace("\r\n", "\n").strip()
    if not title_:
        raise ValidationError("err.required", field="letter_title")
    if len(title_) > MAX_TITLE:
        raise ValidationError("err.too_long", field="letter_title", max=MAX_TITLE)
    if len(body_) > MAX_BODY:
        raise ValidationError("err.too_long", field="body", max=MAX_BODY)
    check(body_, frozenset(PLACEHOLDERS[kind_]))
    if "{" in title_ or "}" in title_:
        check(title_, frozenset(PLACEHOLDERS[kind_]))
    return kind_, title_, body_
