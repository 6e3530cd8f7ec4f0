"""How well the interaction models recognise the crisis family, measured on phrasings written apart from the
grammar (tests/data/): recall on crisis phrasings, false alarms on everyday phrases, and the intended severity on
a small labelled subset. Each list is resolved by virtual-alexa's matcher (tests/e2e/resolve.js, one Node process
per locale for the whole list) and by ``devtools.nlu``, in every locale model present. The figures are printed in
the test run's summary."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from devtools.nlu import MODEL_DIR, available_locales, understanding
from tests.conftest import Figures
from therapy_checkin import intents

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).with_name("data")
RESOLVER = Path(__file__).with_name("e2e") / "resolve.js"
LOCALES = available_locales()
RESOLVERS = ("virtual-alexa", "devtools.nlu")
MIN_RECALL = 0.95
FAMILY = frozenset(intents.CRISIS_INTENTS)


def phrases(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


CRISIS = phrases("crisis_held_out.txt")
ORDINARY = phrases("ordinary_phrases.txt")
SEVERITY = [tuple(line.split("\t")) for line in phrases("crisis_severity.txt")]


@dataclass(frozen=True)
class Resolved:
    intent: str | None
    launch: bool = False


@cache
def resolved(resolver: str, locale: str) -> dict[str, Resolved]:
    """Every phrase of the three lists, resolved once per resolver and locale."""
    said = sorted({*CRISIS, *ORDINARY, *(phrase for _, phrase in SEVERITY)})
    if resolver == "devtools.nlu":
        nlu = understanding(locale)
        return {text: Resolved(nlu.resolve_in_session(text).intent) for text in said}
    finished = subprocess.run(
        ["node", str(RESOLVER), str(MODEL_DIR / f"{locale}.json")],
        input=json.dumps(said),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    answers = json.loads(finished.stdout)
    return {text: Resolved(answer["intent"], answer["launch"]) for text, answer in zip(said, answers, strict=True)}


def test_the_lists_are_big_enough_and_apart() -> None:
    assert len(CRISIS) >= 150 and len(ORDINARY) >= 60
    assert not set(CRISIS) & set(ORDINARY)
    assert {label for label, _ in SEVERITY} == {"emergency", "crisis", "distress"}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("resolver", RESOLVERS)
def test_crisis_phrasings_are_recognised_and_everyday_phrases_are_not(
    resolver: str, locale: str, figure: Figures
) -> None:
    found = resolved(resolver, locale)
    missed = [text for text in CRISIS if found[text].intent not in FAMILY]
    alarms = {text: found[text].intent for text in ORDINARY if found[text].intent in FAMILY}
    recall = 1 - len(missed) / len(CRISIS)
    launches = sum(found[text].launch for text in CRISIS)
    figure(
        "crisis",
        f"{locale} {resolver}: recall {len(CRISIS) - len(missed)}/{len(CRISIS)} = {recall:.1%}, "
        f"false alarms {len(alarms)}/{len(ORDINARY)}"
        + (f", {launches} crisis phrasings virtual-alexa's client would send as a launch" if launches else "")
        + (f"; missed: {'; '.join(missed)}" if missed else ""),
    )
    assert alarms == {}
    assert recall >= MIN_RECALL, missed


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("resolver", RESOLVERS)
def test_the_labelled_phrasings_get_the_intended_answer(resolver: str, locale: str) -> None:
    found = resolved(resolver, locale)
    expected = {"emergency": intents.EMERGENCY, "crisis": intents.CRISIS, "distress": intents.DISTRESS}
    wrong = {text: found[text].intent for label, text in SEVERITY if found[text].intent != expected[label]}
    assert wrong == {}
