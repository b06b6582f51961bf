"""The case library's vocabulary, and its seed content read from library.toml (cases and
reference cards retold from the training material: prose is data, kept out of the code).

Each case: slug, title, title_en, summary_en, story, outcome, lesson, questions, kind, topics,
method_steps, source. Allowed values are listed in KINDS, TOPICS and METHOD_STEPS below."""
from __future__ import annotations

import tomllib
from pathlib import Path

KINDS = ("praise", "complaint", "exercise", "management")

TOPICS = ("service_mindset", "complaints", "move_in", "fees", "safety", "cleaning", "repairs",
          "community", "communication", "management")

METHOD_STEPS = ("register", "judge", "investigate", "assign", "propose", "agree", "implement",
                "feedback", "callback", "prevent")

LIBRARY_FILE = Path(__file__).with_name("library.toml")


def _load(path: Path = LIBRARY_FILE) -> tuple[list[dict], list[dict]]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    # A card's body is written line by line in the file; the library shows it as one text.
    cards = [{**card, "body": "\n".join(card["body"]), "body_en": "\n".join(card["body_en"])}
             for card in data["cards"]]
    return data["cases"], cards


SEED_CASES, REFERENCE_CARDS = _load()
