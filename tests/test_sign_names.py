"""Every sign is understood by the names the skill itself gives it, and by the words people use for it.

A sign is named in three places a person can read or hear: the check-in ("Sign three of twelve: warmer
relationships"), the recap card and chart, and README. Whatever name a person picked up there, said back ("how
have my warmer relationships been"), must reach that sign, in every locale's interaction model; and the check-in
and the card must use the same name, so there is one name to learn. Utterances are resolved with the generated
models (``devtools.nlu``), and conversations go through the real Lambda handler.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device
from devtools.nlu import MODEL_DIR, normalise, understanding
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.speech import speech_for
from therapy_checkin.speech.catalogue import supported_locales

Talk = Callable[..., Conversation]
LOCALES = supported_locales()
README = Path(__file__).resolve().parent.parent / "README.md"
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def understood_sign(locale: str, said: str, intent: str) -> str | None:
    """The sign ID Alexa's entity resolution gives for ``said``, when the model places it in ``intent``."""
    resolution = understanding(locale).resolve_in_session(said)
    slot = resolution.slots.get("sign")
    if resolution.intent != intent or not isinstance(slot, dict):
        return None
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    if authority["status"]["code"] != "ER_SUCCESS_MATCH":
        return None
    return str(authority["values"][0]["value"]["id"])


def misheard(locale: str, names: dict[str, set[str]]) -> dict[str, tuple[str, str | None, str | None]]:
    """Each name that does not reach its sign, said alone (the answer to "which sign?") and in a trend question."""
    wrong = {}
    for sign, said in names.items():
        for name in said:
            alone = understood_sign(locale, name, "SignNameIntent")
            trend = understood_sign(locale, f"how is {name} going", "TrendIntent")
            if alone != sign or trend != sign:
                wrong[name] = (sign, alone, trend)
    return wrong


def readme_names() -> list[str]:
    """The signs README's "What it is" names: "twelve signs that therapy is helping (a stronger connection ...)"."""
    found = re.search(r"twelve signs that therapy is helping \(([^)]*)\)", " ".join(README.read_text().split()))
    assert found, "README names some signs in 'What it is': keep this test reading them"
    return [name.strip() for name in found.group(1).replace("and so on", "").split(",") if name.strip()]


def check_in_all(conversation: Conversation) -> list[Reply]:
    """A first check-in from launch, every sign rated three: the replies that asked each sign, then the last."""
    conversation.launch()
    replies = [conversation.intent("AMAZON.YesIntent")]
    replies += [conversation.rate(3) for _ in SIGN_IDS]
    return replies


# --------------------------------------------------------------------------------------------------------------
# The names the skill says, shows and writes


@pytest.mark.parametrize("locale", LOCALES)
def test_every_name_the_skill_says_is_understood(locale: str) -> None:
    speech = speech_for(locale)
    names = {sign: {speech.sign(sign).name, speech.sign(sign).short_name} for sign in SIGN_IDS}
    assert misheard(locale, names) == {}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_check_in_and_the_card_use_one_name_per_sign_and_both_are_understood(talk: Talk, locale: str) -> None:
    replies = check_in_all(talk(Device(locale=locale)))
    spoken = {}
    for index, reply in enumerate(replies[:-1]):
        found = re.search(rf"Sign {NUMBER_WORDS[index]} of twelve: ([^.]+)\.", reply.speech)
        assert found, reply.speech
        spoken[SIGN_IDS[index]] = found.group(1)
    card = replies[-1].card
    assert card is not None
    lines = card.get("text", card.get("content", "")).split("\n\n", 1)[1].splitlines()
    shown = {sign: line.split(":", 1)[0] for sign, line in zip(SIGN_IDS, lines, strict=True)}
    assert {sign: name.lower() for sign, name in shown.items()} == {sign: name.lower() for sign, name in spoken.items()}
    assert misheard(locale, {sign: {name} for sign, name in shown.items()}) == {}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_names_readme_uses_are_understood(locale: str) -> None:
    names = readme_names()
    assert len(names) >= 3
    wrong = [name for name in names if understood_sign(locale, name, "SignNameIntent") is None]
    assert wrong == []


@pytest.mark.parametrize("locale", LOCALES)
def test_no_name_belongs_to_two_signs(locale: str) -> None:
    model: dict[str, Any] = json.loads((MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    types = model["interactionModel"]["languageModel"]["types"]
    signs = next(slot_type for slot_type in types if slot_type["name"] == "SIGN")
    owners: dict[str, set[str]] = {}
    for value in signs["values"]:
        for text in (value["name"]["value"], *value["name"].get("synonyms", [])):
            owners.setdefault(normalise(text), set()).add(value["id"])
    assert {text: ids for text, ids in owners.items() if len(ids) > 1} == {}


# --------------------------------------------------------------------------------------------------------------
# The words people use, in conversation


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("said", "sign"),
    [
        ("how has my kindness been", "self_compassion"),
        ("how has my trust been", "connection"),
        ("how are my warmer relationships doing", "relationships"),
        ("how has new angles been", "perspective"),
        ("how is my inner critic doing", "self_compassion"),
        ("how has feeling more hopeful been", "hope"),
        ("how has my healthier coping been", "coping"),
        ("how is others noticing a change going", "others_notice"),
        ("how is accepting the work goes on going", "ongoing_work"),
    ],
)
def test_a_sign_by_the_words_people_use_gets_its_trend(talk: Talk, locale: str, said: str, sign: str) -> None:
    conversation = talk(Device(locale=locale))
    check_in_all(conversation)
    heard = understanding(locale).resolve_in_session(said)
    assert heard.intent == "TrendIntent", heard.describe()
    reply = conversation.intent("TrendIntent", **heard.slots)
    name = speech_for(locale).sign(sign).short_name
    assert f"rated {name} once" in reply.speech, reply.speech
    assert reply.card is not None and name in reply.card["title"]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_sign_by_the_words_people_use_at_which_sign(talk: Talk, locale: str) -> None:
    conversation = talk(Device(locale=locale))
    check_in_all(conversation)
    asked = conversation.intent("TrendIntent")
    assert asked.speech.startswith("Which sign would you like to hear about?")
    heard = understanding(locale).resolve_in_session("kindness")
    reply = conversation.intent(str(heard.intent), **heard.slots)
    assert "kindness toward" in reply.speech, reply.speech


# --------------------------------------------------------------------------------------------------------------
# No sign after all


def test_no_to_which_sign_ends_kindly_without_the_help(talk: Talk) -> None:
    conversation = talk()
    conversation.launch()
    asked = conversation.intent("TrendIntent")
    assert asked.speech.startswith("Which sign would you like to hear about?")
    no = conversation.intent("AMAZON.NoIntent")
    assert no.ends_session
    assert no.speech == "That's fine. Ask about any sign whenever you like. Take care."


def test_no_to_which_sign_after_a_finished_week_says_goodbye(talk: Talk) -> None:
    conversation = talk()
    check_in_all(conversation)
    conversation.intent("AMAZON.NoIntent")  # no reminder
    conversation.launch()
    conversation.intent("TrendIntent")
    no = conversation.intent("AMAZON.NoIntent")
    assert no.ends_session
    assert no.speech == "That's fine. Take care, and talk to you next week."


@pytest.mark.parametrize("question", ["TrendIntent", "ChangeAnswerIntent"])
def test_no_to_which_sign_mid_check_in_goes_back_to_the_sign(talk: Talk, question: str) -> None:
    conversation = talk()
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(4)
    conversation.intent(question)
    no = conversation.intent("AMAZON.NoIntent")
    assert no.speech.startswith("No problem. Sign two of twelve: seeing things from new angles.")
    assert not no.ends_session and no.reprompt
    assert "Sign three of twelve" in conversation.rate(3).speech
