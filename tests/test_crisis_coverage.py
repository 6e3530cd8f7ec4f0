"""How well the interaction models recognise the crisis family, measured on phrasings written apart from the
grammar, resolved by virtual-alexa's matcher (tests/e2e/resolve.js, one Node process per locale for every list)
and by ``devtools.nlu``, in every locale model. Figures are printed in the test run's summary.

Three sets of phrasings, each with everyday phrases that must never be taken for a crisis:

- **in-house** (tests/data/crisis_held_out.txt, ordinary_phrases.txt): written for the first grammar by the same
  team, and since used to shape it: a regression check;
- **independent, open** (tests/data/independent/open.tsv): two thirds of the phrasings of seven writers who never
  saw the grammar or the code, each in a voice of their own; misses here may guide the grammar;
- **independent, locked** (tests/data/independent/locked.tsv): the other third, chosen by a hash of the phrase.
  Nothing is ever tuned against it: it says how the grammar does on words nobody here has read.

A phrasing counts as recognised when the skill would answer it as a crisis: an intent of the family whose key
phrase the model lists (``heard_key_phrase``, as the handler decides; virtual-alexa fills a custom slot only with a
listed value, devtools.nlu also with unlisted words beside fixed ones, as Alexa may).

The goal for the locked third is 95 % recall with no false alarm. Exact matching against samples falls well short
of that on sentences nobody here wrote (the floors below hold what is reached, so that it can only go up); Alexa's
own statistical model generalises beyond its samples, which no tool here can measure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from devtools.nlu import MODEL_DIR, available_locales, understanding
from tests.conftest import Figures, node_json
from therapy_checkin import intents
from therapy_checkin.handlers.crisis import heard_key_phrase

pytestmark = pytest.mark.node

DATA = Path(__file__).with_name("data")
RESOLVER = Path(__file__).with_name("e2e") / "resolve.js"
LOCALES = available_locales()
RESOLVERS = ("virtual-alexa", "devtools.nlu")
FAMILY = frozenset(intents.CRISIS_INTENTS)
FAMILY_LABELS = frozenset({"emergency", "crisis", "distress", "abuse"})


def lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and line[0] != "#"]


@dataclass(frozen=True)
class Phrasing:
    text: str
    label: str
    """emergency, crisis, distress, abuse, or ordinary."""
    voice: str = "in-house"


@dataclass(frozen=True)
class PhrasingSet:
    name: str
    phrasings: tuple[Phrasing, ...]
    min_recall: float
    """What the set's recall must not fall below."""
    max_alarms: int = 0
    """How many of its everyday phrases may be taken for a crisis. None, except on the locked third, where the
    one devtools.nlu measured stays reported and unfixed: fixing it would be tuning against the locked lines."""

    @property
    def crisis(self) -> list[Phrasing]:
        return [phrasing for phrasing in self.phrasings if phrasing.label in FAMILY_LABELS]

    @property
    def ordinary(self) -> list[Phrasing]:
        return [phrasing for phrasing in self.phrasings if phrasing.label == "ordinary"]


def independent(name: str) -> tuple[Phrasing, ...]:
    rows = (line.split("\t") for line in lines(DATA / "independent" / f"{name}.tsv"))
    return tuple(Phrasing(text=text, label=label, voice=voice) for label, voice, text in rows)


IN_HOUSE = PhrasingSet(
    "in-house",
    tuple(
        [Phrasing(text, "crisis") for text in lines(DATA / "crisis_held_out.txt")]
        + [Phrasing(text, "ordinary") for text in lines(DATA / "ordinary_phrases.txt")]
    ),
    min_recall=0.95,
)
OPEN = PhrasingSet("independent open", independent("open"), min_recall=0.80)
LOCKED = PhrasingSet("independent locked", independent("locked"), min_recall=0.47, max_alarms=1)
SETS = (IN_HOUSE, OPEN, LOCKED)
SEVERITY = [tuple(line.split("\t")) for line in lines(DATA / "crisis_severity.txt")]


@dataclass(frozen=True)
class Resolved:
    intent: str | None
    launch: bool = False
    slots: dict[str, Any] = field(default_factory=dict)

    @property
    def answered_as_crisis(self) -> bool:
        return self.intent in FAMILY and heard_key_phrase(self.slots)


@cache
def resolved(resolver: str, locale: str) -> dict[str, Resolved]:
    """Every phrase of every list, resolved once per resolver and locale."""
    said = sorted(
        {phrasing.text for phrasing_set in SETS for phrasing in phrasing_set.phrasings}
        | {phrase for _, phrase in SEVERITY}
    )
    if resolver == "devtools.nlu":
        nlu = understanding(locale)
        found = {text: nlu.resolve_in_session(text) for text in said}
        return {text: Resolved(found[text].intent, slots=slots_as_sent(found[text].slots)) for text in said}
    answers = node_json(RESOLVER, said, str(MODEL_DIR / f"{locale}.json"))
    return {text: Resolved(answer["intent"], answer["launch"]) for text, answer in zip(said, answers, strict=True)}


def slots_as_sent(slots: Any) -> dict[str, Any]:
    """The resolution's slots as an IntentRequest carries them ({"value": ..., "resolutions": ...})."""
    return {name: value if isinstance(value, dict) else {"value": value} for name, value in slots.items()}


def test_the_lists_are_big_enough_and_apart() -> None:
    independent_crisis = OPEN.crisis + LOCKED.crisis
    assert len(independent_crisis) >= 300 and len(OPEN.ordinary) + len(LOCKED.ordinary) >= 150
    assert len({phrasing.voice for phrasing in independent_crisis}) >= 3
    assert len(LOCKED.phrasings) >= (len(OPEN.phrasings) + len(LOCKED.phrasings)) / 4
    texts = [phrasing.text.lower() for phrasing_set in (OPEN, LOCKED) for phrasing in phrasing_set.phrasings]
    assert len(texts) == len(set(texts)), "a phrasing stands in both parts of the independent list"
    assert {label for label, _ in SEVERITY} == {"emergency", "crisis", "distress"}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("resolver", RESOLVERS)
def test_crisis_phrasings_are_recognised_and_everyday_phrases_are_not(
    resolver: str, locale: str, figure: Figures
) -> None:
    found = resolved(resolver, locale)
    short = []
    for phrasing_set in SETS:
        missed = [phrasing.text for phrasing in phrasing_set.crisis if not found[phrasing.text].answered_as_crisis]
        alarms = {p.text: found[p.text].intent for p in phrasing_set.ordinary if found[p.text].answered_as_crisis}
        crisis = len(phrasing_set.crisis)
        recall = 1 - len(missed) / crisis
        figure(
            "crisis",
            f"{locale} {resolver} {phrasing_set.name}: recall {crisis - len(missed)}/{crisis} = {recall:.1%}, "
            f"false alarms {len(alarms)}/{len(phrasing_set.ordinary)}",
        )
        if phrasing_set is LOCKED:
            # Counted, never shown: not even a failing run prints a locked phrasing.
            alarm_count = len(alarms)
            assert alarm_count <= phrasing_set.max_alarms, "false alarms on the locked third"
        else:
            assert alarms == {}, phrasing_set.name
        if phrasing_set is not LOCKED:
            short += [f"{phrasing_set.name}: {text}" for text in missed] if recall < phrasing_set.min_recall else []
        elif recall < phrasing_set.min_recall:
            short.append(f"{phrasing_set.name}: recall {recall:.1%} (its phrasings are not shown)")
    assert short == []


@pytest.mark.parametrize("locale", LOCALES)
def test_harm_at_home_gets_the_domestic_violence_answer(locale: str, figure: Figures) -> None:
    """Of the open abuse phrasings the model recognises, each reaches the answer for harm at home (or, where the
    danger is immediate, the emergency answer), never a suicide line."""
    found = resolved("virtual-alexa", locale)
    heard = [p.text for p in OPEN.crisis if p.label == "abuse" and found[p.text].answered_as_crisis]
    wrong = {text: found[text].intent for text in heard if found[text].intent not in (intents.ABUSE, intents.EMERGENCY)}
    figure("crisis", f"{locale}: {len(heard) - len(wrong)}/{len(heard)} recognised abuse phrasings reach AbuseIntent")
    assert wrong == {}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("resolver", RESOLVERS)
def test_the_labelled_phrasings_get_the_intended_answer(resolver: str, locale: str) -> None:
    found = resolved(resolver, locale)
    expected = {"emergency": intents.EMERGENCY, "crisis": intents.CRISIS, "distress": intents.DISTRESS}
    wrong = {text: found[text].intent for label, text in SEVERITY if found[text].intent != expected[label]}
    assert wrong == {}
