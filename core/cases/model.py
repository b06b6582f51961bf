"""Training cases: their fields, the rules a case must meet, and the search ranking."""
from __future__ import annotations

from dataclasses import dataclass

from core.cases.content import KINDS, METHOD_STEPS, TOPICS
from core.errors import ValidationError
from core.org.rules import normalise_text

STATUSES = ("draft", "published")
LIMITS = {"title": 100, "title_en": 200, "summary_en": 1000, "story": 5000, "outcome": 3000,
          "lesson": 2000, "question": 300, "source": 100}
MAX_QUESTIONS = 8


@dataclass(frozen=True)
class CaseDraft:
    title: str
    story: str
    kind: str
    outcome: str = ""
    lesson: str = ""
    questions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    method_steps: tuple[str, ...] = ()
    title_en: str = ""
    summary_en: str = ""
    source: str = ""
    status: str = "draft"
    slug: str | None = None


def _text(value, name: str, required: bool = False) -> str:
    # Kept as typed (no NFKC): full-width Chinese punctuation must stay full-width.
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError("err.required", field=f"case_{name}")
    if len(text) > LIMITS[name]:
        raise ValidationError("err.too_long", field=f"case_{name}", max=LIMITS[name])
    return text


def validate_case(d: CaseDraft) -> CaseDraft:
    """Text is kept exactly as typed (the pages show it as text, never as HTML)."""
    if d.kind not in KINDS:
        raise ValidationError("err.required", field="case_kind")
    if d.status not in STATUSES:
        raise ValidationError("err.required", field="case_status")
    if any(t not in TOPICS for t in d.topics) or any(s not in METHOD_STEPS for s in d.method_steps):
        raise ValidationError("err.case_tags")
    questions = tuple(q for q in (_text(q, "question") for q in d.questions) if q)
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError("err.too_many_questions", max=MAX_QUESTIONS)
    return CaseDraft(title=_text(d.title, "title", True), story=_text(d.story, "story", True), kind=d.kind,
                     outcome=_text(d.outcome, "outcome"), lesson=_text(d.lesson, "lesson"), questions=questions,
                     topics=tuple(dict.fromkeys(d.topics)), method_steps=tuple(dict.fromkeys(d.method_steps)),
                     title_en=_text(d.title_en, "title_en"), summary_en=_text(d.summary_en, "summary_en"),
                     source=_text(d.source, "source"), status=d.status, slug=d.slug)


def search_terms(query: str, max_terms: int = 5) -> list[str]:
    """Words of a query (spaces separate terms; Chinese needs no segmentation for substring search)."""
    # Search terms are normalised (full-width letters/digits to ASCII) the way users type them.
    terms = [t for t in normalise_text(query).split() if t]
    return list(dict.fromkeys(t[:30] for t in terms))[:max_terms]


def tags(values) -> str:
    """Stored as ',a,b,' so one LIKE '%,a,%' finds a tag on any SQL database."""
    return "," + ",".join(values) + "," if values else ""


def untag(stored: str | None) -> tuple[str, ...]:
    return tuple(v for v in (stored or "").split(",") if v)
