"""The text of a staff alert, in the reader's language, from the event's plain values."""
from __future__ import annotations

from core.i18n import translate

_LABELLED = {"flag": "redline", "category": "category", "window": "ntf.window", "responsible": "resp"}   # values shown through their catalogue label


def text(kind: str, params: dict, lang: str = "zh") -> str:
    shown = {k: v for k, v in (params or {}).items() if not k.startswith("_")}
    for name, prefix in _LABELLED.items():
        if name in shown:
            shown[name] = translate(f"{prefix}.{shown[name]}", lang)
    return translate(f"ntf.msg.{kind}", lang, **shown)


def title(kind: str, lang: str = "zh") -> str:
    return translate(f"ntf.kind.{kind}", lang)
