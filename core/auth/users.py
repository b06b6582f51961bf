"""Rules for staff accounts."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.auth.roles import Role, parse_role
from core.errors import ValidationError
from core.org.rules import validate_name

# The store's first account: the one role that can set up everything else (projects, staff).
FIRST_ACCOUNT_ROLE = Role.ADMIN
_USERNAME_RE = re.compile(r"^[a-z0-9_.-]{3,32}$")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class StaffAccount:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    language: str
    all_projects: bool
    project_ids: tuple[int, ...]
    locked_until: datetime | None
    version: int


def validate_username(value: str) -> str:
    text = (value or "").strip().lower()
    if not text:
        raise ValidationError("err.required", field="username")
    if not _USERNAME_RE.match(text):
        raise ValidationError("err.username_format", field="username")
    return text


def validate_role(value: str) -> Role:
    role = parse_role(value)
    if role is None:
        raise ValidationError("err.role_unknown", field="role")
    return role


def validate_display_name(value: str) -> str:
    return validate_name(value, "display_name")


def validate_language(value: str) -> str:
    if value not in LANGUAGES:
        raise ValidationError("err.language_unknown", field="language")
    return value
