"""Guided reflections on one sign: whole conversations through the real Lambda handler (DynamoDB in moto), and
every telling of every sign in every locale's catalogue, measured as it is spoken.

A reflection is one response, hands-free: what the sign looks like in daily life, a question, time to think, a
second question, time to think, a short close, then one question. Nothing is rated or stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest

from devtools.conversation import Conversation, Reply, plain_text
from devtools.envelopes import Device, resolved_slot
from tests.conftest import MONDAY_NOON, Figures, ratings_in_table, table_items
from therapy_checkin import intents
from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.recap import build_recap
from therapy_checkin.domain.reflection import most_moved, reflection_variant
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.handlers.reflect import reflection_speech
from therapy_checkin.speech import speech_for
from therapy_checkin.speech.catalogue import catalogue, supported_locales
from therapy_checkin.speech.ssml import document, join

Talk = Callable[..., Conversation]

SPEECH = speech_for("en-US")
LOCALES = supported_locales()
THINK_MS = 10_000
WORDS_PER_SECOND = 2.5
"""Alexa's pace, as the recap's budget counts it: 45 words in about 18 seconds."""
STRETCH_WORDS = 45
"""The most words a turn may say without a pause: a reflection runs longer only by its pauses."""


def sign_slot(sign: str) -> dict[str, Any]:
    name = SPEECH.sign(sign).short_name
    return {"sign": resolved_slot(name, [(name, sign)], "SIGN")}


def ssml_of(reply: Reply) -> str:
    return str(reply.response["outputSpeech"]["ssml"])


def telling(reply: Reply, sign: str) -> int | None:
    """Which of the sign's tellings the reply speaks, or ``None`` when it speaks none of them."""
    found = [n for n, told in enumerate(catalogue("en-US").reflections[sign]) if told.daily in reply.speech]
    return found[0] if found else None


def reflects_on(reply: Reply, sign: str) -> bool:
    heard = telling(reply, sign) is not None
    return heard and ssml_of(reply).count(f'<break time="{THINK_MS}ms"/>') == 2 and not reply.ends_session


def next_offer(sign: str) -> str:
    return f"Would you like to reflect on the next sign, {SPEECH.sign(sign).name}?"


def checked_in(conversation: Conversation, values: list[int]) -> Reply:
    conversation.launch()
    conversation.intent(intents.YES)
    for value in values:
        reply = conversation.rate(value)
    return reply


def ratings(**changed: int) -> list[int]:
    return [changed.get(sign, 3) for sign in SIGN_IDS]


def two_weeks(talk: Talk, device: Device | None = None, **this_week: int) -> Conversation:
    """A first week all at three (reminder declined), then this week's check-in with ``this_week`` changed."""
    conversation = talk(device, now=MONDAY_NOON - timedelta(weeks=1))
    checked_in(conversation, ratings())
    assert conversation.intent(intents.NO).ends_session, "no weekly reminder, thanks"
    conversation.now = MONDAY_NOON
    closing = checked_in(conversation, ratings(**this_week))
    assert closing.speech.endswith("?") and not closing.ends_session, "the recap offers more"
    return conversation


# --------------------------------------------------------------------------------------------------------------
# Asking for a reflection


def test_a_reflection_by_name_is_one_hands_free_response_and_stores_nothing(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    before = table_items(dynamodb)
    reply = conversation.intent(intents.REFLECT, **sign_slot("boundaries"))
    assert reflects_on(reply, "boundaries")
    assert reply.speech.startswith("Let's take a minute to reflect on setting boundaries.") or reply.speech.startswith(
        "Here's a quiet minute for setting boundaries."
    )
    assert "add a note for my therapist" in reply.speech
    assert reply.speech.endswith(next_offer("feelings"))
    assert reply.reprompt == "Shall we reflect on sitting with hard feelings next?"
    assert reply.card is None
    assert table_items(dynamodb) == before, "nothing rated or stored"


def test_a_reflection_by_number_and_an_unknown_sign(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    assert reflects_on(conversation.intent(intents.REFLECT, signNumber="7"), "self_compassion")
    unknown = conversation.intent(intents.REFLECT, signNumber="15")
    assert unknown.speech == SPEECH("unknown_sign") and not unknown.ends_session
    assert reflects_on(conversation.intent(intents.SIGN_NAME, **sign_slot("hope")), "hope")


def test_without_a_sign_the_skill_asks_which(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    asked = conversation.intent(intents.REFLECT)
    assert asked.speech == SPEECH("reflect_which") and asked.reprompt == SPEECH("reprompt_reflect_which")
    assert conversation.intent(intents.REPEAT).speech.endswith(SPEECH("reflect_which"))
    assert reflects_on(conversation.rate("4"), "boundaries"), "a number names the sign"


def test_without_a_sign_mid_check_in_the_sign_being_asked(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    checked_in(conversation, [4, 3])
    reply = conversation.intent(intents.REFLECT)
    assert reflects_on(reply, "relationships")
    assert reply.speech.endswith(SPEECH("carry_on"))


# --------------------------------------------------------------------------------------------------------------
# Next, skip, stop, repeat: during (after "Alexa, ...") or after the reflection


def test_next_skip_and_yes_move_on_to_the_next_signs_reflection_and_round_to_the_first(
    talk: Talk, dynamodb: Any
) -> None:
    conversation = talk()
    conversation.launch()
    last = conversation.intent(intents.REFLECT, **sign_slot("ongoing_work"))
    assert last.speech.endswith(next_offer("connection"))
    assert reflects_on(conversation.intent(intents.NEXT), "connection")
    assert reflects_on(conversation.intent(intents.SKIP), "perspective")
    assert reflects_on(conversation.intent(intents.YES), "relationships")


@pytest.mark.parametrize("said", [intents.STOP, intents.CANCEL, intents.NO])
def test_stop_or_no_ends_kindly_and_stores_nothing(talk: Talk, dynamodb: Any, said: str) -> None:
    conversation = talk()
    conversation.launch()
    before = table_items(dynamodb)
    conversation.intent(intents.REFLECT, **sign_slot("hope"))
    reply = conversation.intent(said)
    assert reply.ends_session
    assert reply.speech == "Okay. Thank you for taking this time. Take care."
    assert table_items(dynamodb) == before


def test_repeat_says_the_same_telling_and_a_sign_heard_again_is_told_another_way(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    first = telling(conversation.intent(intents.REFLECT, **sign_slot("hope")), "hope")
    assert first is not None
    assert telling(conversation.intent(intents.REPEAT), "hope") == first
    again = telling(conversation.intent(intents.REFLECT, **sign_slot("hope")), "hope")
    assert again is not None and again != first, "later in the session"
    conversation.intent(intents.STOP)
    conversation.advance(weeks=1)
    conversation.launch()
    next_week = telling(conversation.intent(intents.REFLECT, **sign_slot("hope")), "hope")
    assert next_week is not None and next_week != first, "the next week, in a new session"


# --------------------------------------------------------------------------------------------------------------
# Mid-check-in: the check-in keeps its place


@pytest.mark.parametrize("said", [intents.NEXT, intents.SKIP, intents.YES])
def test_a_reflection_mid_check_in_comes_back_to_the_sign_being_asked(talk: Talk, dynamodb: Any, said: str) -> None:
    conversation = talk()
    checked_in(conversation, [4, 3])
    reflection = conversation.intent(intents.REFLECT, **sign_slot("hope"))
    assert reflects_on(reflection, "hope")
    assert reflection.speech.endswith("Shall we carry on with your check-in?")
    back = conversation.intent(said)
    assert back.speech.startswith("Picking up where you left off. Sign three of twelve: warmer relationships.")
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4, "perspective": 3}], "nothing skipped"
    conversation.rate(5)
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4, "perspective": 3, "relationships": 5}]


@pytest.mark.parametrize("said", [intents.NO, intents.STOP])
def test_no_or_stop_mid_check_in_pauses_it_where_it_was(talk: Talk, dynamodb: Any, said: str) -> None:
    conversation = talk()
    checked_in(conversation, [4, 3])
    conversation.intent(intents.REFLECT, **sign_slot("hope"))
    paused = conversation.intent(said)
    assert paused.ends_session and paused.speech == SPEECH("paused")
    assert conversation.launch().speech.startswith("Welcome back. You stopped at sign three of twelve")


# --------------------------------------------------------------------------------------------------------------
# After a completed check-in: the sign that moved most


def test_the_sign_that_moved_most_is_offered_before_goodbye_and_accepted(talk: Talk, dynamodb: Any) -> None:
    conversation = two_weeks(talk, hope=5, coping=2)
    offer = conversation.intent(intents.NO)  # no more of the recap, thanks
    assert offer.speech == (
        "Before you go, would you like a minute to reflect on hope for the future, which moved this week?"
    )
    assert offer.reprompt == "Would you like a short reflection on hope for the future?" and not offer.ends_session
    assert conversation.intent(intents.REPEAT).speech == offer.speech
    stored = table_items(dynamodb)
    reflection = conversation.intent(intents.YES)
    assert reflects_on(reflection, "hope")
    assert reflection.speech.endswith(next_offer("others_notice"))
    assert table_items(dynamodb) == stored


@pytest.mark.parametrize("said", [intents.NO, intents.SKIP, intents.NEXT])
def test_the_offer_declined_ends_kindly(talk: Talk, dynamodb: Any, said: str) -> None:
    conversation = two_weeks(talk, coping=1, hope=4)
    assert "healthier coping" in conversation.intent(intents.NO).speech, "a dip of two outweighs a rise of one"
    declined = conversation.intent(said)
    assert declined.ends_session and declined.speech == "Okay. Take care, and talk to you next week."


def test_no_offer_when_nothing_moved_or_on_a_first_check_in(talk: Talk, dynamodb: Any) -> None:
    first = talk()
    closing = checked_in(first, ratings(hope=5))
    assert closing.speech.endswith("Would you like one?"), "the weekly reminder is offered, not a reflection"
    assert first.intent(intents.NO).ends_session
    same = talk(now=MONDAY_NOON - timedelta(weeks=1))
    checked_in(same, ratings())
    same.intent(intents.NO)
    same.now = MONDAY_NOON
    closing = checked_in(same, ratings())
    last = closing if closing.ends_session else same.intent(intents.NO)
    assert last.ends_session and "reflect" not in last.speech, "nothing moved: goodbye"


def test_another_voice_cannot_take_up_the_offer_made_to_the_first(talk: Talk, dynamodb: Any) -> None:
    alex = Device(user_id="amzn1.ask.account.SHARED", person_id="amzn1.ask.person.ALEX")
    conversation = two_weeks(talk, alex, hope=5)
    assert "hope for the future" in conversation.intent(intents.NO).speech
    conversation.device = Device(user_id=alex.user_id, person_id="amzn1.ask.person.SAM", device_id=alex.device_id)
    heard = conversation.intent(intents.YES)
    assert telling(heard, "hope") is None and "hope for the future" not in heard.speech
    assert heard.attributes.get("mode") != "reflecting"


def test_the_sign_that_moved_most_rise_or_dip() -> None:
    before = WeekAnswers("2026-W47", ratings=dict.fromkeys(SIGN_IDS, 3))

    def moved(**now: int) -> str | None:
        this = WeekAnswers("2026-W48", ratings={**dict.fromkeys(SIGN_IDS, 3), **now})
        return most_moved(build_recap(this, [before]))

    assert moved(hope=4, coping=1) == "coping"
    assert moved(hope=5, coping=1) == "hope", "on a tie, the rise"
    assert moved(triggers=4, hope=4) == "triggers", "then the earlier sign"
    assert moved() is None
    assert most_moved(build_recap(before, [])) is None, "a first week has nothing to compare"


def test_the_telling_turns_with_the_week_and_with_each_hearing() -> None:
    assert reflection_variant("2026-W48", 3, 0) != reflection_variant("2026-W49", 3, 0)
    assert reflection_variant("2026-W48", 3, 0) != reflection_variant("2026-W48", 3, 1 << 3)
    assert reflection_variant("2026-W48", 3, 1 << 4) == reflection_variant("2026-W48", 3, 0), "another sign's hearing"


# --------------------------------------------------------------------------------------------------------------
# Every telling of every sign, in every locale, as spoken


def spoken(locale: str, sign: str, variant: int) -> str:
    """The whole turn as SSML: the reflection, then the longer of the two questions that can end it."""
    speech = speech_for(locale)
    question = speech("reflect_next", name=max((speech.sign(s).name for s in SIGN_IDS), key=len))
    return document(join(reflection_speech(speech, sign, variant), question))


def breaks(ssml: str) -> list[int]:
    return [int(ms) for ms in re.findall(r'<break time="(\d+)ms"/>', ssml)]


def stretches(ssml: str) -> list[int]:
    """Words between pauses, SSML left out."""
    return [len(plain_text(part).split()) for part in re.split(r"<break [^>]*/>", ssml)]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_sign_has_two_or_more_tellings_each_with_two_questions(locale: str) -> None:
    reflections = catalogue(locale).reflections
    assert set(reflections) == set(SIGN_IDS)
    for sign, tellings in reflections.items():
        assert len(tellings) >= 2, sign
        assert len({told.daily for told in tellings}) == len(tellings), f"{sign}: each telling its own"
        for told in tellings:
            assert told.first.endswith("?") and told.second.endswith("?"), (sign, told)
            assert not told.daily.endswith("?") and not told.close.endswith("?"), (sign, told)
            assert not re.search(r"<[a-z]", " ".join(vars(told).values())), "markup comes only from ssml.py"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_reflection_is_about_a_minute_and_longer_than_a_turn_only_by_its_pauses(
    locale: str, figure: Figures
) -> None:
    seconds, words, pauses = [], [], []
    for sign in SIGN_IDS:
        for variant in range(len(catalogue(locale).reflections[sign])):
            ssml = spoken(locale, sign, variant)
            assert ElementTree.fromstring(ssml).tag == "speak"
            heard = breaks(ssml)
            assert all(0 < ms <= THINK_MS for ms in heard), "no break longer than Alexa allows"
            assert heard.count(THINK_MS) == 2, "time to think after each question"
            assert max(stretches(ssml)) <= STRETCH_WORDS, (sign, variant, stretches(ssml))
            count = len(plain_text(ssml).split())
            total = count / WORDS_PER_SECOND + sum(heard) / 1000
            assert 45 <= total <= 90, (sign, variant, total)
            seconds.append(total)
            words.append(count)
            pauses.append(sum(heard) / 1000)
    figure(
        "reflection",
        f"{locale}: {len(words)} reflections, {min(words)}-{max(words)} words, pauses {min(pauses):g}-"
        f"{max(pauses):g} s, about {min(seconds):.0f}-{max(seconds):.0f} s spoken (at {WORDS_PER_SECOND:g} words/s)",
    )
