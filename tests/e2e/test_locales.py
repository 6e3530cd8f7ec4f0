"""Every locale by voice: a whole check-in and a crisis conversation through virtual-alexa, each resolved against
that locale's own interaction model and answered in its own words, spelling and numbers, with DynamoDB in
dynalite.

One virtual-alexa process per locale serves all of its conversations, one user after another
(``VirtualAlexaClient.switch_user``): starting Node and loading a 200 KB model is most of a short conversation's
time. As in ``test_virtual_alexa.py``, numbers are said as digits and the clock is fixed to Monday noon of 2026-W48.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.nlu import available_locales
from tests.e2e.client import Exchange, VirtualAlexaClient
from tests.e2e.conftest import FIXED_TIMESTAMP, LocalSkill
from tests.e2e.test_virtual_alexa import NUMBER_WORDS, RATINGS, assert_waits_for_answer, stored_ratings
from therapy_checkin import intents
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.speech import speech_for
from therapy_checkin.speech.catalogue import spelling
from therapy_checkin.speech.crisis import crisis_line

pytestmark = pytest.mark.e2e

LOCALES = available_locales()
PRACTICE = SIGN_IDS.index("practice")
LOCAL_EMERGENCY_WORDS = {"en-GB": "I'm going to top myself", "en-AU": "I'm going to top myself"}
"""Where a locale's model knows its own way of saying it, the emergency is said that way."""


@pytest.fixture(scope="module", params=LOCALES)
def voice(request: pytest.FixtureRequest, local_skill: LocalSkill) -> Iterator[VirtualAlexaClient]:
    """One virtual-alexa process for every conversation in one locale."""
    locale = str(request.param)
    client = VirtualAlexaClient(
        local_skill.url, api_endpoint=local_skill.api_endpoint, locale=locale, timestamp=FIXED_TIMESTAMP
    )
    with client:
        yield client


@pytest.fixture
def caller(voice: VirtualAlexaClient) -> VirtualAlexaClient:
    """A new user on a new device, no session open."""
    voice.switch_user()
    return voice


def asks_sign(exchange: Exchange, index: int) -> bool:
    return f"Sign {NUMBER_WORDS[index]} of twelve" in exchange.reply.speech


def said(client: VirtualAlexaClient, text: str, intent: str) -> Exchange:
    exchange = client.utter(text)
    assert exchange.request["request"]["locale"] == client.locale
    assert exchange.intent == intent, (client.locale, text, exchange.intent)
    return exchange


def test_a_whole_check_in_in_each_locale(caller: VirtualAlexaClient, local_skill: LocalSkill) -> None:
    speech = speech_for(caller.locale)
    assert speech.locale == caller.locale, "every locale with a model has its own words"
    launched = caller.utter("open therapy check in")
    assert launched.request_type == "LaunchRequest"
    assert launched.request["request"]["locale"] == caller.locale
    assert speech("welcome_first") in launched.reply.speech
    started = said(caller, "yes", intents.YES)
    assert asks_sign(started, 0)
    for index, value in enumerate(RATINGS):
        exchange = said(caller, str(value), intents.RATE)
        if index + 1 == PRACTICE:
            assert speech.sign("practice").name in exchange.reply.speech
            assert not set(spelling(caller.locale)) & set(exchange.reply.speech.lower().split())
        elif index + 1 < len(SIGN_IDS):
            assert asks_sign(exchange, index + 1)
            assert_waits_for_answer(exchange)
    assert speech("complete") in exchange.reply.speech
    assert_waits_for_answer(exchange)  # a first completed check-in offers a weekly reminder
    assert said(caller, "no", intents.NO).reply.ends_session
    assert stored_ratings(local_skill, caller.user_id) == dict(zip(SIGN_IDS, RATINGS, strict=True))

    # The sign named in the locale's own spelling reaches its slot value through the locale's model.
    again = caller.utter("open therapy check in")
    assert_waits_for_answer(again)
    changing = said(caller, f"change my answer for {speech.sign('practice').name}", intents.CHANGE_ANSWER)
    slot = changing.request["request"]["intent"]["slots"]["sign"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == "practice"
    assert f"Sign {NUMBER_WORDS[PRACTICE]}: {speech.sign('practice').name}" in changing.reply.speech


def test_crisis_words_get_the_locales_own_numbers(caller: VirtualAlexaClient, local_skill: LocalSkill) -> None:
    """Distress keeps the session with the locale's crisis line, and "yes" resumes; immediate danger ends it with
    the locale's emergency number before its crisis line. Nothing already answered is lost."""
    line = crisis_line(caller.locale)
    caller.utter("open therapy check in")
    said(caller, "yes", intents.YES)
    said(caller, "4", intents.RATE)
    distress = said(caller, "I feel like a burden to everyone", intents.DISTRESS)
    assert_waits_for_answer(distress)
    assert line.name in distress.reply.speech
    assert all(group in distress.reply.speech for group in line.number.split())
    resumed = said(caller, "yes", intents.YES)
    assert asks_sign(resumed, 1)
    said(caller, "2", intents.RATE)
    words = LOCAL_EMERGENCY_WORDS.get(caller.locale, "I have taken too many pills")
    emergency = said(caller, words, intents.EMERGENCY)
    assert emergency.reply.ends_session
    spoken = emergency.reply.speech
    assert line.emergency in spoken and line.name in spoken
    assert spoken.index(line.emergency) < spoken.index(line.name), "the emergency number comes first"
    assert stored_ratings(local_skill, caller.user_id) == {"connection": 4, "perspective": 2}


NOTE_PHRASINGS = (
    ("note for therapy I want to talk about my sleep", "I want to talk about my sleep"),
    ("remind me to bring up my sister", "my sister"),
    ("add a note for my therapist about the new medication", "the new medication"),
)


def test_notes_and_getting_ready_by_voice(caller: VirtualAlexaClient, local_skill: LocalSkill) -> None:
    """A note said with its carrier phrase reaches the skill with its words in the phrase slot, is read back and
    kept; the notes are read, getting ready offers them, and clearing asks first. In every locale's model."""
    caller.utter("open therapy check in")
    for phrasing, words in NOTE_PHRASINGS:
        read_back = said(caller, phrasing, intents.ADD_NOTE)
        assert read_back.request["request"]["intent"]["slots"][intents.NOTE_SLOT]["value"].endswith(words)
        assert words.lower() in read_back.reply.speech.lower()
        said(caller, "yes", intents.YES)
        caller.utter("open therapy check in")
    asked = said(caller, "add a note", intents.ADD_NOTE)
    assert_waits_for_answer(asked)
    said(caller, "note my sleep again", intents.ADD_NOTE)
    said(caller, "no", intents.NO)
    caller.utter("open therapy check in")
    heard = said(caller, "what did I want to bring up", intents.READ_NOTES)
    assert all(words.lower() in heard.reply.speech.lower() for _, words in NOTE_PHRASINGS)
    caller.utter("open therapy check in")
    ready = said(caller, "help me get ready for therapy", intents.GET_READY)
    assert_waits_for_answer(ready)
    said(caller, "no", intents.NO)
    caller.utter("open therapy check in")
    clear = said(caller, "I talked about it", intents.CLEAR_NOTES)
    assert_waits_for_answer(clear)
    said(caller, "yes", intents.YES)
    caller.utter("open therapy check in")
    assert speech_for(caller.locale)("notes_none") in said(caller, "read my notes", intents.READ_NOTES).reply.speech


def test_reflections_are_asked_for_in_each_locale(caller: VirtualAlexaClient, local_skill: LocalSkill) -> None:
    """The ways people ask for a reflection reach its handler through the locale's own model, and the answer is a
    reflection in the locale's own words, hands-free; "next" moves on and "stop" ends it. Nothing is stored."""
    speech = speech_for(caller.locale)

    def reflects_on(exchange: Exchange, sign: str) -> bool:
        tellings = speech.catalogue.reflections[sign]
        return any(told.daily in exchange.reply.speech for told in tellings) and not exchange.reply.ends_session

    caller.utter("open therapy check in")
    boundaries = said(caller, "help me reflect on boundaries", intents.REFLECT)
    slot = boundaries.request["request"]["intent"]["slots"]["sign"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == "boundaries"
    assert reflects_on(boundaries, "boundaries")
    assert reflects_on(said(caller, "can we reflect on sign 7", intents.REFLECT), "self_compassion")
    assert reflects_on(said(caller, "reflect on hope", intents.REFLECT), "hope")
    assert reflects_on(said(caller, f"reflect on {speech.sign('practice').name}", intents.REFLECT), "practice")
    asked = said(caller, "guide me through a reflection", intents.REFLECT)
    assert asked.reply.speech == speech("reflect_which")
    assert reflects_on(said(caller, "sign 4", intents.SIGN_NAME), "boundaries")
    assert reflects_on(said(caller, "next", intents.NEXT), "feelings")
    assert reflects_on(said(caller, "skip", intents.SKIP), "coping")
    assert said(caller, "stop", intents.STOP).reply.ends_session
    assert stored_ratings(local_skill, caller.user_id) == {}
