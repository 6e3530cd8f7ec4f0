"""A locale's speech catalogue: every word the skill says in one locale, as data.

Each supported locale has one JSON file in ``speech/locales/`` holding its messages, the texts of the twelve
signs, each sign's guided reflections, its number words, month names and date pattern, and its plural rule. A
locale that differs from another only here and there names that one as its ``base`` and lists only what differs.
Spelling is data too: a locale's ``spelling`` map (``{"practicing": "practising", "you practice": "you
practise"}``) turns its base's spelling into its own, whole words or phrases, keeping capitals, in every message,
sign text and reflection it inherits; its own ``messages``, ``signs`` and ``reflections`` override whole texts
only where the wording itself differs. So an en-GB file holds a spelling map and a date pattern, never copies of
en-US sentences that would go stale when those change. A catalogue is read once per process, on first use, and
never changes afterwards.

A message is one of:

* a string: ``"Thanks."``, formatted with ``str.format`` placeholders (``"Sign {number} of twelve"``);
* a list of strings: variants of one message, chosen by the caller (an empty string means "say nothing");
* ``{"plural": "count", "forms": [...]}``: one form per plural category of the locale, chosen by the value
  named in ``plural``. The rule is the locale's ``plural_forms`` header, written as gettext writes it
  (``"nplurals=2; plural=(n != 1);"``) and evaluated by the standard library's gettext.

Why not Babel: its locale data is 11 MB zipped (the whole bundle's budget is 8 MB), and its plural lookup costs
33-41 ms on first use here, for five English locales whose plural rule is one line of data and whose only date
is a day and a month on a card.
"""

from __future__ import annotations

import gettext
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

LOCALES_DIR = Path(__file__).resolve().parent / "locales"


@dataclass(frozen=True)
class SignText:
    """How one sign is spoken in one locale."""

    name: str
    """Read when the sign is asked: "Sign four of twelve: setting boundaries"."""
    short_name: str
    """Used in recaps, on cards and in lists. Unless a locale's file sets one, it is ``name``: the name a person
    hears at the check-in is the one the recap says and the card shows, so it is the one they say back (and the
    interaction model's SIGN values understand it)."""
    prompt: str
    """The statement the user weighs, in the second person."""
    explanation: str
    """Two or three sentences for "what does that mean?"."""
    question: str
    """The sign's own short question, for someone who already knows the signs ("How well did you speak up for your
    limits?"). Written per sign, never built from the name, so its grammar is always right; it starts with a
    capital that may be lowered after a lead-in ("From one to five, how well ...")."""
    reprompt: str
    """Said when the user is silent: a question of its own that restates the scale, so it never repeats the
    question word for word."""


@dataclass(frozen=True)
class Reflection:
    """One guided reflection on a sign, in the order it is spoken; the skill puts the pauses between the parts."""

    daily: str
    """What the sign looks like in daily life: two short sentences."""
    first: str
    """An open question, followed by time to think."""
    second: str
    """A second open question, followed by time to think."""
    close: str
    """A short, kind close."""


@dataclass(frozen=True)
class Plural:
    """A message with one form per plural category, chosen by the value of ``placeholder``."""

    placeholder: str
    forms: tuple[str, ...]


Message = str | tuple[str, ...] | Plural


@dataclass(frozen=True)
class Catalogue:
    locale: str
    messages: Mapping[str, Message]
    signs: Mapping[str, SignText]
    reflections: Mapping[str, tuple[Reflection, ...]]
    """Each sign's reflections: two or more, so a sign heard again is told another way."""
    numbers: tuple[str, ...]
    """Number words from zero, so speech and cards read the same ("sign four of twelve")."""
    months: tuple[str, ...]
    date: str
    """How a day of the year is written on a card: ``"{month} {day}"`` or ``"{day} {month}"``."""
    plural_forms: str
    plural_index: Callable[[int], int]


def _message(raw: Any) -> Message:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and raw and all(isinstance(variant, str) for variant in raw):
        return tuple(raw)
    if isinstance(raw, dict) and isinstance(raw.get("plural"), str) and isinstance(raw.get("forms"), list):
        return Plural(placeholder=raw["plural"], forms=tuple(str(form) for form in raw["forms"]))
    raise ValueError(f"not a message: {raw!r}")


def _plural_rule(header: str) -> Callable[[int], int]:
    """The plural index function of a gettext ``Plural-Forms`` header."""
    expression = header.split("plural=", 1)[1].rstrip("; ")
    rule: Callable[[int], int] = gettext.c2py(expression)
    return rule


def _raw(locale: str) -> dict[str, Any]:
    """A locale's file, merged over its base's (messages and signs key by key), the base's texts respelled first
    by the locale's ``spelling`` map."""
    data: dict[str, Any] = json.loads((LOCALES_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    base_name = data.pop("base", None)
    spelling: dict[str, str] = data.pop("spelling", {})
    if base_name is None:
        return data
    base = _raw(base_name)
    inherited_messages = {key: _respell_message(value, spelling) for key, value in base["messages"].items()}
    inherited_signs = {
        sign: {name: respell(text, spelling) for name, text in texts.items()} for sign, texts in base["signs"].items()
    }
    signs = {sign: {**texts, **data.get("signs", {}).get(sign, {})} for sign, texts in inherited_signs.items()}
    inherited_reflections = {
        sign: [{part: respell(text, spelling) for part, text in variant.items()} for variant in variants]
        for sign, variants in base["reflections"].items()
    }
    merged = {
        **base,
        **data,
        "messages": {**inherited_messages, **data.get("messages", {})},
        "signs": signs,
        "reflections": {**inherited_reflections, **data.get("reflections", {})},
    }
    merged["locale"] = locale
    return merged


def _respell_message(raw: Any, spelling: Mapping[str, str]) -> Any:
    """A message as stored (string, list of variants or plural forms), respelled; the plural's value name is a
    placeholder and stays as it is."""
    if isinstance(raw, str):
        return respell(raw, spelling)
    if isinstance(raw, list):
        return [respell(variant, spelling) if isinstance(variant, str) else variant for variant in raw]
    if isinstance(raw, dict) and isinstance(raw.get("forms"), list):
        return {**raw, "forms": [respell(form, spelling) if isinstance(form, str) else form for form in raw["forms"]]}
    return raw


@cache
def _spelling_pattern(words: frozenset[str]) -> re.Pattern[str]:
    # Longest first, so a phrase wins over a word inside it; never inside a {placeholder}.
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=lambda word: (-len(word), word)))
    return re.compile(r"(?<![\w{])(?:" + alternatives + r")(?![\w}])", re.IGNORECASE)


def respell(text: str, spelling: Mapping[str, str]) -> str:
    """``text`` in another spelling: each whole word or phrase of ``spelling`` (keys in lower case) replaced,
    keeping its capitals ("Practicing" → "Practising", "COUNSELOR" → "COUNSELLOR")."""
    if not spelling:
        return text
    lowered = {word.lower(): respelled for word, respelled in spelling.items()}

    def replace(found: re.Match[str]) -> str:
        said, respelled = found.group(0), lowered[found.group(0).lower()]
        if said.isupper() and len(said) > 1:
            return respelled.upper()
        if said[0].isupper():
            return respelled[0].upper() + respelled[1:]
        return respelled

    return _spelling_pattern(frozenset(lowered)).sub(replace, text)


def spelling(locale: str) -> dict[str, str]:
    """How en-US words are spelled in ``locale``: its own map composed with its bases' ("behavior" →
    "behaviour"), for the interaction models and for checks that no other spelling survives. Words a locale
    spells as en-US does are left out."""
    data: dict[str, Any] = json.loads((LOCALES_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    own = {word.lower(): respelled for word, respelled in data.get("spelling", {}).items()}
    base_name = data.get("base")
    inherited = spelling(base_name) if base_name else {}
    composed = {word: respell(respelled, own) for word, respelled in inherited.items()}
    composed.update({word: respelled for word, respelled in own.items() if word not in composed})
    return {word: respelled for word, respelled in composed.items() if respelled.lower() != word}


@cache
def catalogue(locale: str) -> Catalogue:
    """The catalogue of a supported locale, read on first use."""
    raw = _raw(locale)
    sign_fields = {field.name for field in fields(SignText)}
    return Catalogue(
        locale=locale,
        messages=MappingProxyType({key: _message(value) for key, value in raw["messages"].items()}),
        signs=MappingProxyType(
            {
                sign: SignText(**{"short_name": text["name"], **{k: v for k, v in text.items() if k in sign_fields}})
                for sign, text in raw["signs"].items()
            }
        ),
        reflections=MappingProxyType(
            {sign: tuple(Reflection(**told) for told in variants) for sign, variants in raw["reflections"].items()}
        ),
        numbers=tuple(raw["numbers"]),
        months=tuple(raw["months"]),
        date=raw["date"],
        plural_forms=raw["plural_forms"],
        plural_index=_plural_rule(raw["plural_forms"]),
    )


def supported_locales() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in LOCALES_DIR.glob("*.json")))
