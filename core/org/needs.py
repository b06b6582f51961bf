"""The special-needs ledger: what staff must know before they call on, phone or receive a
household (an elderly owner living alone, a disability, a pregnancy, an owners' committee member,
a media contact, the language to speak). Entries are dated and ended, never overwritten, so the
ledger says who knew what when."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from core.errors import ValidationError, ValidationErrors
from core.i18n import CATALOGUES
from core.org.rules import MAX_NOTE_LEN, normalise_text, parse_date, validate_optional_text


class NeedKind(str, Enum):
    ELDERLY_ALONE = "elderly_alone"
    DISABILITY = "disability"
    PREGNANCY = "pregnancy"
    COMMITTEE_MEMBER = "committee_member"
    MEDIA_CONTACT = "media_contact"
    LANGUAGE = "language"
    OTHER = "other"


# A need that says nothing without its note: which language; what "other" is.
NOTE_REQUIRED = frozenset({NeedKind.LANGUAGE, NeedKind.OTHER})

# Showing an owner's personal data in full is logged once per person, unit and this window, not on
# every rerun of the page that shows it.
VIEW_LOG_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class NeedEntry:
    """A validated entry, before it is stored."""
    kind: NeedKind
    note: str
    noted_on: date


@dataclass(frozen=True)
class SpecialNeed:
    """An entry as stored: who it concerns (an owner, or the household when owner_id is None)."""
    id: int
    unit_id: int
    owner_id: int | None
    owner: str | None
    kind: str
    note: str
    noted_on: date
    entered_by: str
    ended_on: date | None
    version: int


def validate_kind(value: object) -> NeedKind:
    try:
        return NeedKind(normalise_text(value))
    except ValueError:
        raise ValidationError("err.need_kind_unknown", field="need_kind") from None


def validate_need(kind: object, note: object, noted_on: object, today: date) -> NeedEntry:
    """Every wrong field at once."""
    kind_, note_, day = ValidationErrors.collect(
        lambda: validate_kind(kind),
        lambda: validate_optional_text(note, "need_note", MAX_NOTE_LEN),
        lambda: parse_date(noted_on, "noted_on", today))
    if kind_ in NOTE_REQUIRED and not note_:
        raise ValidationError("err.need_note_required", field="need_note")
    return NeedEntry(kind_, note_, day)


def _labels() -> dict[str, set[str]]:
    return {k.value: {c[f"need.{k.value}"] for c in CATALOGUES.values() if f"need.{k.value}" in c} for k in NeedKind}


def kind_of_text(text: str, labels: dict[str, set[str]] | None = None) -> NeedKind:
    """The kind an import's free-text note names (its label in either language, or its code), else
    OTHER: the note itself is always kept. `labels`: kind code -> the labels it is known by (the
    catalogue's by default)."""
    labels = _labels() if labels is None else labels
    typed = normalise_text(text).lower()
    for kind in NeedKind:
        if typed == kind.value or typed in {label.lower() for label in labels.get(kind.value, ())}:
            return kind
    return NeedKind.OTHER
