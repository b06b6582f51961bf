"""Texts an admin writes with placeholders ({owner}, {room}, ...): letters, notices, owner messages.

One rule for every such template, so a letter and an SMS refuse the same mistakes: a placeholder
is a name in braces; `{{` and `}}` stand for literal braces; a name the kind of template does not
offer is refused on save with its name, and filling never leaves a brace behind."""
from __future__ import annotations

import string
from dataclasses import dataclass

from core.errors import ValidationError

_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Template:
    kind: str          # what the template is for ("reminder_letter", "sms_fee_reminder", ...)
    body: str
    version: int = 1


def placeholders(body: str) -> list[str]:
    """The names in braces, in order of first use. A brace left open or a format spec is refused:
    an owner must never receive '{room' or '{amount:>10}'."""
    names: list[str] = []
    try:
        parsed = list(_FORMATTER.parse(body))
    except ValueError as e:
        raise ValidationError("err.template_braces", field="body") from e
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValidationError("err.template_placeholder_unknown", field="body", name=name or "{}")
        if name not in names:
            names.append(name)
    return names


def check(body: str, allowed: frozenset[str] | set[str]) -> list[str]:
    """The placeholders of `body`, refused with the first unknown one named (in the catalogue's
    message: 'unknown placeholder {name}')."""
    if not body.strip():
        raise ValidationError("err.required", field="body")
    names = placeholders(body)
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise ValidationError("err.template_placeholder_unknown", field="body", name=", ".join(unknown))
    return names


def fill(body: str, values: dict[str, object]) -> str:
    """The text with every placeholder replaced; a value missing for a used name is a bug of the
    caller (the kind's allowed names are all supplied), so it raises KeyError, never prints a brace."""
    return body.format_map({n: values[n] for n in placeholders(body)})
