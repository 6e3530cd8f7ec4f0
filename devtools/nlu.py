"""Turn what a person would say into the request Alexa would send, using the skill's own interaction model.

This is a small, deterministic stand-in for Alexa's language understanding, for the local console and tests.
It reads ``skill-package/interactionModels/custom/<locale>.json`` and nothing else, so whatever intents,
samples and slot types the model holds are understood here too.

What it does, in order of preference (the first tier that matches wins; within a tier, the sample with more
fixed words wins, then the one listed first in the model):

1. a sample utterance without slots, word for word;
2. a built-in intent's standard phrases ("yes", "no thanks", "help", "stop", "go back", ...), for built-in
   intents that the model includes;
3. a sample with slots whose values all fit their types: ``AMAZON.NUMBER`` from digits or words ("four" is
   sent as "4", "twenty one" as "21", "minus one" as "-1"), ``AMAZON.FOUR_DIGIT_NUMBER``, and custom types by
   value or synonym, with entity resolution as Alexa fills it; among these, the narrower slot type wins
   ("4821" fills a four-digit number before any number); ``AMAZON.DayOfWeek`` from a day's name, and
   ``AMAZON.TIME`` as Alexa fills it ("seven pm" is sent as "19:00", "evening" as "EV"; an hour with no a.m. or
   p.m. is left unfilled, so "four" stays a rating);
4. a sample with slots where a value did not fit: a number Alexa heard but could not read is sent as "?", a
   custom value that matches none of the type's values is sent unresolved;
5. a close spelling of a sample without slots;
6. otherwise ``AMAZON.FallbackIntent``, as Alexa does with an utterance it cannot place.

Launch phrases ("open therapy check in") become a LaunchRequest; "ask therapy check in to ..." becomes a
one-shot intent in a new session. Matching ignores case and punctuation.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from devtools.envelopes import resolved_slot

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "skill-package" / "interactionModels" / "custom"
DEFAULT_LOCALE = "en-US"
FALLBACK_INTENT = "AMAZON.FallbackIntent"
FUZZY_THRESHOLD = 0.86
MAX_SLOT_WORDS = 8

SlotValue = str | dict[str, Any]

BUILT_IN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.HelpIntent": ("help", "help me", "i need help", "can you help me", "what can i do"),
    "AMAZON.StopIntent": ("stop", "stop it", "off", "shut up", "be quiet", "enough"),
    "AMAZON.CancelIntent": ("cancel", "cancel that", "never mind", "nevermind", "forget it"),
    "AMAZON.YesIntent": (
        "yes",
        "yes please",
        "yeah",
        "yep",
        "yup",
        "sure",
        "sure thing",
        "ok",
        "okay",
        "alright",
        "all right",
        "of course",
        "absolutely",
        "sounds good",
        "why not",
    ),
    "AMAZON.NoIntent": (
        "no",
        "nope",
        "nah",
        "no thanks",
        "no thank you",
        "not now",
        "not right now",
        "not really",
        "not today",
    ),
    "AMAZON.RepeatIntent": ("repeat", "repeat that", "say that again", "come again", "pardon"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back"),
    "AMAZON.NextIntent": ("next", "next one", "go forward"),
    "AMAZON.PauseIntent": ("pause", "pause that", "hold on"),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going", "go on"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again", "begin again", "from the top"),
    "AMAZON.NavigateHomeIntent": ("go home", "home", "go to home", "go to the home screen"),
    "AMAZON.MoreIntent": ("more", "tell me more"),
}
"""Standard phrases Alexa routes to built-in intents without any sample in the model."""

EXIT_PHRASES = frozenset({"exit", "quit"})
"""Alexa closes the session itself on these and sends a SessionEndedRequest."""

LAUNCH_VERBS = ("open", "launch", "start", "begin", "load", "run", "use", "play", "talk to", "speak to")
ONE_SHOT_VERBS = ("ask", "tell", "use", "open", "launch", "start")
ONE_SHOT_JOINERS = ("to", "for", "about", "if", "whether", "that", "and")

UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NEGATIVE = ("minus", "negative")
NUMBER_WORDS = frozenset({*UNITS, *TENS, *SCALES, "hundred", "and", "a", "point", "half", "quarter", *NEGATIVE})


PHRASE_TYPE = "AMAZON.SearchQuery"
"""A phrase slot: Alexa fills it with whatever words were said there."""

SPECIFIC_TYPES = frozenset({"AMAZON.FOUR_DIGIT_NUMBER", "AMAZON.DayOfWeek", "AMAZON.TIME"})
"""Built-in slot types that say more than any number."""


class Kind(Enum):
    LAUNCH = "launch"
    INTENT = "intent"
    SESSION_END = "session end"


class Tier(int, Enum):
    """How an utterance was matched; lower is stronger."""

    SAMPLE = 0
    BUILT_IN = 1
    SLOTS = 2
    LOOSE_SLOTS = 3
    FUZZY = 4
    NO_MATCH = 5


@dataclass(frozen=True)
class TypeValue:
    id: str
    name: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class IntentDef:
    name: str
    slots: Mapping[str, str]
    """Slot name → slot type."""
    samples: tuple[str, ...]


@dataclass(frozen=True)
class InteractionModel:
    """The parts of a skill-package interaction model that language understanding needs."""

    locale: str
    invocation_name: str
    intents: tuple[IntentDef, ...]
    types: Mapping[str, tuple[TypeValue, ...]]

    @classmethod
    def from_json(cls, data: Mapping[str, Any], locale: str = DEFAULT_LOCALE) -> InteractionModel:
        language = data["interactionModel"]["languageModel"]
        intents = tuple(
            IntentDef(
                name=intent["name"],
                slots={slot["name"]: slot["type"] for slot in intent.get("slots") or []},
                samples=tuple(intent.get("samples") or ()),
            )
            for intent in language.get("intents") or []
        )
        types = {
            slot_type["name"]: tuple(
                TypeValue(
                    id=value.get("id") or value["name"]["value"],
                    name=value["name"]["value"],
                    synonyms=tuple(value["name"].get("synonyms") or ()),
                )
                for value in slot_type.get("values") or []
            )
            for slot_type in language.get("types") or []
        }
        return cls(locale, language["invocationName"], intents, types)

    @classmethod
    def load(cls, locale: str = DEFAULT_LOCALE, directory: Path = MODEL_DIR) -> InteractionModel:
        return cls.from_json(json.loads((directory / f"{locale}.json").read_text(encoding="utf-8")), locale)

    def intent(self, name: str) -> IntentDef | None:
        return next((intent for intent in self.intents if intent.name == name), None)

    @property
    def intent_names(self) -> tuple[str, ...]:
        return tuple(intent.name for intent in self.intents)


@dataclass(frozen=True)
class Resolution:
    """What Alexa would send for one utterance."""

    kind: Kind
    intent: str | None = None
    slots: Mapping[str, SlotValue] = field(default_factory=dict)
    one_shot: bool = False
    """"Ask therapy check in to ...": the intent opens a new session."""
    tier: Tier = Tier.SAMPLE

    @property
    def matched(self) -> bool:
        return self.tier is not Tier.NO_MATCH

    def describe(self) -> str:
        """A short line for the console: "RateIntent (rating=4)"."""
        if self.kind is Kind.LAUNCH:
            return "LaunchRequest"
        if self.kind is Kind.SESSION_END:
            return "SessionEndedRequest"
        values = ", ".join(f"{name}={_heard(value)}" for name, value in self.slots.items())
        text = f"{self.intent} ({values})" if values else str(self.intent)
        return f"one-shot {text}" if self.one_shot else text


def _heard(value: SlotValue) -> str:
    if isinstance(value, str):
        return value
    resolved = value.get("resolutions", {}).get("resolutionsPerAuthority", [{}])[0].get("values") or []
    heard = str(value.get("value"))
    return f"{heard}→{resolved[0]['value']['id']}" if resolved else heard


# --------------------------------------------------------------------------------------------------------------
# Text


def normalise(text: str) -> str:
    """Lowercase words and digits only: "What's my recap?" → "whats my recap", "-1" → "minus 1"."""
    text = text.lower().replace("\u2019", "'").replace("'", "")
    text = re.sub(r"(?<![\w.])-(?=\d)", " minus ", text)
    text = re.sub(r"(?<=\d)\.(?=\d)", " point ", text)
    text = re.sub(r"[^a-z0-9?]+", " ", text)
    # A lone "?" is what Alexa sends for a number it could not read; elsewhere it is punctuation.
    words = (word if word == "?" else word.replace("?", "") for word in text.split())
    return " ".join(word for word in words if word)


def _words(text: str) -> list[str]:
    return normalise(text).split()


# --------------------------------------------------------------------------------------------------------------
# Numbers


def words_to_number(words: list[str]) -> int | None:
    """A whole number from digits or English number words, as Alexa fills AMAZON.NUMBER; None if unreadable."""
    if not words:
        return None
    sign = 1
    if words[0] in NEGATIVE:
        sign, words = -1, words[1:]
    if not words:
        return None
    if len(words) == 1 and words[0].isdigit():
        return sign * int(words[0])
    if len(words) > 1 and all(len(word) == 1 and word.isdigit() for word in words):
        return sign * int("".join(words))  # digit by digit, as a text client types it: "1 2 3 4"
    if any(word.isdigit() for word in words):
        return None
    if len(words) > 1 and all(word in UNITS and UNITS[word] < 10 for word in words):
        return sign * int("".join(str(UNITS[word]) for word in words))  # digit by digit: "one two three four"
    value = _compose(words)
    return None if value is None else sign * value


def _without_fillers(words: list[str]) -> list[str] | None:
    """ "a hundred" → "one hundred", "hundred and five" → "hundred five"; None where "a" or "and" cannot be."""
    kept: list[str] = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word == "a":
            if index or following not in {"hundred", *SCALES}:
                return None
            kept.append("one")
        elif word == "and":
            if kept[-1:] != ["hundred"] or following not in {*UNITS, *TENS}:
                return None
        else:
            kept.append(word)
    return kept


def _compose(words: list[str]) -> int | None:
    cleaned = _without_fillers(words)
    if cleaned is None:
        return None
    total, current, last = 0, 0, ""
    for word in cleaned:
        if word in UNITS:
            number = UNITS[word]
            if last in ("unit", "teen") or (last == "tens" and not 0 < number < 10):
                return None
            current += number
            last = "unit" if number < 10 else "teen"
        elif word in TENS:
            if last in ("unit", "teen", "tens"):
                return None
            current += TENS[word]
            last = "tens"
        elif word == "hundred":
            if last not in ("unit", "teen", "tens") or current >= 100:
                return None
            current *= 100
            last = "hundred"
        elif word in SCALES:
            if last in ("", "scale"):
                return None
            total += current * SCALES[word]
            current, last = 0, "scale"
        else:
            return None
    if last in ("", "scale") and total == 0:
        return None
    return total + current


def _number_value(words: list[str]) -> tuple[str, bool] | None:
    """(slot value, readable) for an AMAZON.NUMBER slot; None when the words are not a number at all."""
    if not words or not all(word in NUMBER_WORDS or word.isdigit() or word == "?" for word in words):
        return None
    if not any(word not in ("and", "a") for word in words):
        return None
    value = words_to_number(words)
    return (str(value), True) if value is not None else ("?", False)


def _four_digit_value(words: list[str]) -> str | None:
    """Four digits, said as digits, digit by digit ("oh four two one", "4 8 2 1") or as one number ("four
    thousand ...")."""
    if len(words) == 1 and words[0].isdigit():
        return words[0] if len(words[0]) == 4 else None
    if len(words) == 4 and all(word in UNITS and UNITS[word] < 10 for word in words):
        return "".join(str(UNITS[word]) for word in words)
    if len(words) == 4 and all(len(word) == 1 and word.isdigit() for word in words):
        return "".join(words)
    value = words_to_number(words)
    return str(value) if value is not None and 1000 <= value <= 9999 else None


DAY_NAMES = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}


def _day_value(words: list[str]) -> str | None:
    """A day's name, as Alexa fills AMAZON.DayOfWeek ("sundays" is heard as the day too)."""
    if len(words) != 1:
        return None
    word = words[0][:-1] if words[0].endswith("s") and words[0][:-1] in DAY_NAMES else words[0]
    return word if word in DAY_NAMES else None


def _time_value(words: list[str]) -> str | None:
    """AMAZON.TIME as Alexa sends it: "19:00", "08:30", or a part of the day ("MO", "AF", "EV", "NI")."""
    text = re.sub(r"\b([0-9]{1,2})(am|pm)\b", r"\1 \2", " ".join(words))  # "7pm" as typed
    for lead in ("in the ", "the "):
        text = text.removeprefix(lead)
    if text in PARTS_OF_DAY:
        return PARTS_OF_DAY[text]
    if text in ("noon", "midday", "twelve noon"):
        return "12:00"
    if text == "midnight":
        return "00:00"
    parts = text.split()
    if len(parts) == 1 and re.fullmatch(r"[0-9]{4}", parts[0]):
        hour, minute = int(parts[0][:2]), int(parts[0][2:])
        return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None
    meridiem = None
    if parts[-2:] in (["a", "m"], ["p", "m"]):
        meridiem, parts = parts[-2] + "m", parts[:-2]
    elif parts[-1:] in (["am"], ["pm"]):
        meridiem, parts = parts[-1], parts[:-1]
    elif parts[-3:] in (["in", "the", "morning"], ["in", "the", "evening"], ["in", "the", "afternoon"]):
        meridiem, parts = ("am" if parts[-1] == "morning" else "pm"), parts[:-3]
    if parts[-1:] == ["oclock"]:
        parts = parts[:-1]
    if meridiem is None or not parts:
        return None
    said_hour = words_to_number(parts[:1])
    said_minute = 0 if len(parts) == 1 else words_to_number(parts[1:])
    if said_hour is None or said_minute is None or not 1 <= said_hour <= 12 or not 0 <= said_minute <= 59:
        return None
    return f"{said_hour % 12 + (12 if meridiem == 'pm' else 0):02d}:{said_minute:02d}"


# --------------------------------------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class _Pattern:
    intent: str
    order: int
    tokens: tuple[tuple[bool, str], ...]
    """(is_slot, word or slot name)."""

    @property
    def literal_count(self) -> int:
        return sum(1 for is_slot, _ in self.tokens if not is_slot)

    @property
    def has_slots(self) -> bool:
        return any(is_slot for is_slot, _ in self.tokens)

    @property
    def text(self) -> str:
        return " ".join(value for _, value in self.tokens)


def _pattern(intent: str, order: int, sample: str) -> _Pattern:
    tokens: list[tuple[bool, str]] = []
    for part in re.split(r"(\{\w+\})", sample):
        if part.startswith("{") and part.endswith("}"):
            tokens.append((True, part[1:-1]))
        else:
            tokens.extend((False, word) for word in _words(part))
    return _Pattern(intent, order, tuple(tokens))


def _assignments(tokens: tuple[tuple[bool, str], ...], words: list[str]) -> Iterator[dict[str, list[str]]]:
    """Every way to lay the sample's words and slots over the utterance's words."""
    if not tokens:
        if not words:
            yield {}
        return
    (is_slot, value), rest = tokens[0], tokens[1:]
    if not is_slot:
        if words and words[0] == value:
            yield from _assignments(rest, words[1:])
        return
    for end in range(1, min(len(words), MAX_SLOT_WORDS) + 1):
        for assigned in _assignments(rest, words[end:]):
            yield {value: words[:end], **assigned}


class Understanding:
    """Resolves utterances against one interaction model."""

    def __init__(self, model: InteractionModel) -> None:
        self.model = model
        self.invocation = normalise(model.invocation_name)
        self._patterns = [
            _pattern(intent.name, order, sample)
            for order, intent in enumerate(model.intents)
            for sample in intent.samples
        ]
        self._exact: dict[str, str] = {}
        for pattern in self._patterns:
            if not pattern.has_slots:
                self._exact.setdefault(pattern.text, pattern.intent)
        self._slotted = [
            (pattern, pattern.literal_count, frozenset(value for is_slot, value in pattern.tokens if not is_slot))
            for pattern in self._patterns
            if pattern.has_slots
        ]
        """Samples with slots, with their count of fixed words and the set of those words: worked out once, not on
        every utterance. A sample whose fixed words are not all in the utterance cannot match it."""
        self._slotted_by_word: dict[str, list[int]] = {}
        """Each slotted sample's position, filed under the one of its fixed words fewest samples share, so an
        utterance is tried only against samples whose rarest fixed word it contains."""
        self._slotted_without_words: list[int] = []
        frequency: dict[str, int] = {}
        for _, _, fixed in self._slotted:
            for word in fixed:
                frequency[word] = frequency.get(word, 0) + 1
        for position, (_, _, fixed) in enumerate(self._slotted):
            if fixed:
                rarest = min(fixed, key=lambda word: (frequency[word], word))
                self._slotted_by_word.setdefault(rarest, []).append(position)
            else:
                self._slotted_without_words.append(position)
        self._values_by_text: dict[str, dict[str, list[tuple[str, str]]]] = {}
        """Each custom slot type's values, by the normalised text of their name and each synonym: (name, id)."""
        for type_name, values in model.types.items():
            by_text: dict[str, list[tuple[str, str]]] = {}
            for value in values:
                for text in dict.fromkeys(normalise(text) for text in (value.name, *value.synonyms)):
                    by_text.setdefault(text, []).append((value.name, value.id))
            self._values_by_text[type_name] = by_text
        self._built_in: dict[str, str] = {}
        for intent in model.intents:
            for phrase in BUILT_IN_PHRASES.get(intent.name, ()):
                self._built_in.setdefault(phrase, intent.name)

    def resolve(self, utterance: str) -> Resolution:
        """The request for ``utterance``, said in a session or as a whole "Alexa, ..." command."""
        words = _words(utterance)
        if words[:1] == ["alexa"]:
            words = words[1:]
        text = " ".join(words)
        launch = self._launch(text)
        if launch is not None:
            return launch
        return self.resolve_in_session(text)

    def resolve_in_session(self, utterance: str) -> Resolution:
        """The request for ``utterance`` said while the skill is listening (no launch phrases)."""
        text = normalise(utterance)
        if text in EXIT_PHRASES:
            return Resolution(Kind.SESSION_END)
        if text in self._exact:
            return Resolution(Kind.INTENT, self._exact[text], tier=Tier.SAMPLE)
        if text in self._built_in:
            return Resolution(Kind.INTENT, self._built_in[text], tier=Tier.BUILT_IN)
        with_slots = self._match_slots(text.split())
        if with_slots is not None:
            return with_slots
        fuzzy = self._fuzzy(text)
        if fuzzy is not None:
            return fuzzy
        return Resolution(Kind.INTENT, FALLBACK_INTENT, tier=Tier.NO_MATCH)

    def _launch(self, text: str) -> Resolution | None:
        name = re.escape(self.invocation)
        verbs = "|".join(re.escape(verb) for verb in LAUNCH_VERBS)
        if re.fullmatch(rf"(?:(?:{verbs}) )?(?:the )?{name}(?: skill)?", text):
            return Resolution(Kind.LAUNCH)
        one_shot_verbs = "|".join(ONE_SHOT_VERBS)
        joiners = "|".join(ONE_SHOT_JOINERS)
        found = re.fullmatch(rf"(?:{one_shot_verbs}) {name} (?:(?:{joiners}) )?(.+)", text)
        if found is None:
            return None
        inner = self.resolve_in_session(found.group(1))
        if inner.kind is not Kind.INTENT:
            return Resolution(Kind.LAUNCH)
        return Resolution(Kind.INTENT, inner.intent, inner.slots, one_shot=True, tier=inner.tier)

    def _match_slots(self, words: list[str]) -> Resolution | None:
        best: tuple[tuple[int, int, int, int], Resolution] | None = None
        said = frozenset(words)
        candidates = sorted(
            {*self._slotted_without_words, *(p for word in said for p in self._slotted_by_word.get(word, ()))}
        )
        for position in candidates:
            pattern, literal_count, fixed = self._slotted[position]
            if not fixed <= said:
                continue
            for assigned in _assignments(pattern.tokens, words):
                filled = self._fill(pattern.intent, assigned, anchored=literal_count > 0)
                if filled is None:
                    continue
                slots, tier, specificity = filled
                rank = (tier.value, -literal_count, -specificity, pattern.order)
                if best is None or rank < best[0]:
                    best = (rank, Resolution(Kind.INTENT, pattern.intent, slots, tier=tier))
        return best[1] if best else None

    def _fill(
        self, intent_name: str, assigned: dict[str, list[str]], anchored: bool
    ) -> tuple[dict[str, SlotValue], Tier, int] | None:
        """The slot values, the tier, and how specific the slot types are (a four-digit number or a custom
        value says more than any number: "4821" is a passcode before it is a rating).

        A custom value that matches none of the type's values is accepted only beside fixed words of the
        sample ("change my answer for the weather"): a sample that is a bare slot would otherwise take
        every sentence, where Alexa sends the fallback intent."""
        intent = self.model.intent(intent_name)
        if intent is None:
            return None
        slots: dict[str, SlotValue] = {}
        tier, specificity = Tier.SLOTS, 0
        for name, words in assigned.items():
            slot_type = intent.slots.get(name)
            if slot_type is None:
                return None
            filled = self._slot_value(slot_type, words)
            if filled is None:
                return None
            value, exact = filled
            slots[name] = value
            if not exact and not anchored and slot_type in self.model.types:
                return None
            if not exact:
                tier = Tier.LOOSE_SLOTS
            elif slot_type in SPECIFIC_TYPES or slot_type in self.model.types:
                specificity += 2
            elif slot_type == "AMAZON.NUMBER":
                specificity += 1
        return slots, tier, specificity

    def _slot_value(self, slot_type: str, words: list[str]) -> tuple[SlotValue, bool] | None:
        """(value to send, fits the type) or None when the words cannot fill this slot at all."""
        if slot_type == "AMAZON.NUMBER":
            return _number_value(words)
        if slot_type == "AMAZON.FOUR_DIGIT_NUMBER":
            four = _four_digit_value(words)
            return (four, True) if four is not None else None
        if slot_type == "AMAZON.DayOfWeek":
            day = _day_value(words)
            return (day, True) if day is not None else None
        if slot_type == "AMAZON.TIME":
            time = _time_value(words)
            return (time, True) if time is not None else None
        heard = " ".join(words)
        if slot_type == PHRASE_TYPE:
            return heard, True  # any words are words of a phrase slot; the sample's fixed words rank it
        lookup = self._values_by_text.get(slot_type)
        if lookup is None:
            return heard, False  # another built-in type: sent as heard
        matches = lookup.get(heard, [])
        return resolved_slot(heard, matches, slot_type), bool(matches)

    def _fuzzy(self, text: str) -> Resolution | None:
        best_ratio, best_intent = 0.0, None
        for phrase, intent in [*self._exact.items(), *self._built_in.items()]:
            matcher = difflib.SequenceMatcher(None, text, phrase)
            # The cheap upper bounds first: with thousands of samples, the full ratio is the slow part.
            floor = max(best_ratio, FUZZY_THRESHOLD - 1e-9)
            if matcher.real_quick_ratio() <= floor or matcher.quick_ratio() <= floor:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best_ratio, best_intent = ratio, intent
        if best_intent is None or best_ratio < FUZZY_THRESHOLD:
            return None
        return Resolution(Kind.INTENT, best_intent, tier=Tier.FUZZY)


@cache
def understanding(locale: str = DEFAULT_LOCALE) -> Understanding:
    """The understanding for a locale's interaction model, loaded once."""
    return Understanding(InteractionModel.load(locale))


def available_locales(directory: Path = MODEL_DIR) -> list[str]:
    return sorted(path.stem for path in directory.glob("*.json"))


EXAMPLE_VALUES: dict[str, str] = {
    "AMAZON.NUMBER": "3",
    "AMAZON.FOUR_DIGIT_NUMBER": "4821",
    "AMAZON.DATE": "today",
    "AMAZON.TIME": "seven pm",
    "AMAZON.DayOfWeek": "sunday",
    "AMAZON.DURATION": "ten minutes",
    "AMAZON.FirstName": "sam",
    "AMAZON.SearchQuery": "something on my mind",
}


def example_value(model: InteractionModel, slot_type: str) -> str:
    """A representative thing to say for a slot of this type: a synonym for custom types, "3" for numbers."""
    values = model.types.get(slot_type)
    if values:
        first = values[0]
        return first.synonyms[0] if first.synonyms else first.name
    return EXAMPLE_VALUES.get(slot_type, "something")


def fill_sample(model: InteractionModel, intent: IntentDef, sample: str) -> str:
    """A sample utterance with each ``{slot}`` replaced by a representative value of its type."""

    def value(found: re.Match[str]) -> str:
        return example_value(model, intent.slots.get(found.group(1), ""))

    return re.sub(r"\{(\w+)\}", value, sample)
