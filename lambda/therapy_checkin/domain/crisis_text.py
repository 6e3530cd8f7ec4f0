"""Whether words the skill was asked to keep (a note for the therapist) say that someone is not safe.

Alexa sorts what a person says into the crisis family's intents with the interaction model; a note arrives as
free text in an ``AMAZON.SearchQuery`` slot, past that sorting. So the note goes through the same grammar here:
``crisis_phrases.json`` holds, for each crisis intent, every phrase of the interaction model that says a crisis
on its own (the samples without slots, and the key phrases that stand around the phrase slot), generated from
the model by ``devtools/build_models.py`` and checked against it by the tests. A note that holds one of them,
as whole words anywhere in it, gets that intent's answer.

When phrases of two intents are found, the more urgent answer wins (:data:`URGENCY`), as in the grammar.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from therapy_checkin import intents

PHRASES_FILE = Path(__file__).resolve().parent / "crisis_phrases.json"
URGENCY = intents.CRISIS_INTENTS
"""Most urgent first: the answer given when a text holds phrases of more than one intent."""


def normalise(text: str) -> str:
    """Lowercase words and digits, apostrophes dropped: "I'm NOT safe." -> "im not safe"."""
    text = text.lower().replace("\u2019", "").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@cache
def _phrases(language: str) -> tuple[dict[str, frozenset[tuple[str, ...]]], int]:
    """Each intent's phrases as word tuples, and the longest phrase's length in words."""
    raw: dict[str, dict[str, list[str]]] = json.loads(PHRASES_FILE.read_text(encoding="utf-8"))
    by_intent = {name: frozenset(tuple(phrase.split()) for phrase in listed) for name, listed in raw[language].items()}
    longest = max((len(words) for phrases in by_intent.values() for words in phrases), default=0)
    return by_intent, longest


def crisis_in(text: str, language: str = "en") -> str | None:
    """The crisis intent whose answer ``text`` needs, or ``None`` when it says no crisis the grammar knows."""
    by_intent, longest = _phrases(language)
    words = normalise(text).split()
    spans = {tuple(words[start:end]) for start in range(len(words)) for end in range(start + 1, start + longest + 1)}
    return next((name for name in URGENCY if by_intent.get(name, frozenset()) & spans), None)
