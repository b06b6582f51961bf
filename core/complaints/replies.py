"""Canned replies (统一说词): the approved wordings a desk uses, per category and situation, and the
one way a chosen wording goes into a reply or call-back note (appended, editable before saving)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from core.complaints.model import Category
from core.errors import ValidationError, ValidationErrors, checked_text

MAX_TITLE = 60
MAX_BODY = 1000


class Situation(str, Enum):
    FIRST_REPLY = "first_reply"      # 首次答复: what the desk says when the complaint comes in
    APOLOGY = "apology"              # 致歉
    NOT_VALID = "not_valid"          # 无效投诉的礼貌答复
    CALLBACK = "callback"            # 回访话术


# Which wordings an action's text area is offered: the situations that fit it first.
SITUATIONS_FOR_ACTION: dict[str, tuple[Situation, ...]] = {
    "sign_off_invalid": (Situation.NOT_VALID, Situation.APOLOGY),
    "feedback": (Situation.FIRST_REPLY, Situation.APOLOGY),
    "callback": (Situation.CALLBACK, Situation.APOLOGY),
    "pause": (Situation.FIRST_REPLY, Situation.APOLOGY),
}


@dataclass(frozen=True)
class Wording:
    """A wording checked and cleaned; `category` None: for every category."""
    situation: Situation
    category: Category | None
    title: str
    body: str


def _situation(value) -> Situation:
    try:
        return Situation(value)
    except ValueError:
        raise ValidationError("err.required", field="situation") from None


def _category(value) -> Category | None:
    if value in (None, ""):
        return None
    try:
        return Category(value)
    except ValueError:
        raise ValidationError("err.required", field="category") from None


def validate_wording(situation, category, title, body) -> Wording:
    """Every wrong field at once."""
    values = ValidationErrors.collect(lambda: _situation(situation), lambda: _category(category),
                                      lambda: checked_text(title, "reply_title", MAX_TITLE),
                                      lambda: checked_text(body, "reply_body", MAX_BODY))
    return Wording(*values)


def fits(category: str | None, situation: str, ticket_category: str, situations: tuple) -> bool:
    """A wording is offered on a ticket when its situation fits the action and it is for the
    ticket's category or for every category."""
    return situation in {s.value for s in situations} and category in (None, ticket_category)


def appended(text: str | None, wording: str) -> str:
    """The chosen wording added after what is already typed, on a line of its own."""
    current = (text or "").rstrip()
    return wording if not current else f"{current}\n{wording}"
