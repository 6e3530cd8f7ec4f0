"""Whole conversations through a real Alexa client: virtual-alexa resolves each utterance against the skill's
interaction model and POSTs the envelope to the real ``lambda_handler`` over HTTP; the skill stores its data
in dynalite, a DynamoDB-compatible server. The tests then read the table itself.

virtual-alexa does not turn "four" into "4", so numbers are said as digits here (number words are covered by
``tests/test_utterances.py`` through ``devtools.nlu``). Its request time is fixed to Monday noon of 2026-W48 so
that every turn falls in one known week.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer

from tests.conftest import MONDAY_NOON, TABLE_NAME
from tests.e2e.client import Exchange, VirtualAlexaClient
from tests.e2e.conftest import LocalSkill
from therapy_checkin.domain.signs import SIGN_COUNT, SIGN_IDS
from therapy_checkin.domain.weeks import week_of
from therapy_checkin.speech import speech_for
from therapy_checkin.storage import UserKey

pytestmark = pytest.mark.e2e

OpenAlexa = Callable[..., VirtualAlexaClient]
SPEECH = speech_for("en-US")
WEEK = week_of(MONDAY_NOON, "UTC")
RATINGS = [4, 3, 5, 2, 1, 4, 3, 5, 2, 4, 3, 5]
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def week_item(skill: LocalSkill, user_id: str) -> dict[str, Any] | None:
    """This week's check-in item for one user, as stored (None if nothing was stored)."""
    user = UserKey.from_ids(user_id)
    found = skill.dynamodb.get_item(
        TableName=TABLE_NAME, Key={"pk": {"S": user.pk}, "sk": {"S": user.checkin_sk(WEEK)}}, ConsistentRead=True
    ).get("Item")
    if found is None:
        return None
    deserializer = TypeDeserializer()
    return {key: deserializer.deserialize(value) for key, value in found.items()}


def stored_ratings(skill: LocalSkill, user_id: str) -> dict[str, int]:
    item = week_item(skill, user_id) or {}
    return {key[2:]: int(value) for key, value in item.items() if key.startswith("r_")}


def asks_sign(exchange: Exchange, index: int) -> bool:
    return f"Sign {NUMBER_WORDS[index]} of twelve" in exchange.reply.speech


def assert_waits_for_answer(exchange: Exchange) -> None:
    assert not exchange.reply.ends_session
    assert exchange.reply.reprompt, "a response that keeps the session open needs a reprompt"


def open_and_start(alexa: VirtualAlexaClient) -> Exchange:
    launched = alexa.utter("open therapy check in")
    assert launched.request_type == "LaunchRequest"
    assert_waits_for_answer(launched)
    started = alexa.utter("yes")
    assert started.intent == "AMAZON.YesIntent"
    assert asks_sign(started, 0)
    assert_waits_for_answer(started)
    return started


def rate(alexa: VirtualAlexaClient, value: int) -> Exchange:
    exchange = alexa.utter(str(value))
    assert exchange.intent == "RateIntent"
    assert exchange.request["request"]["intent"]["slots"]["rating"]["value"] == str(value)
    return exchange


def test_full_check_in_by_voice_is_stored_in_dynamodb(alexa: OpenAlexa, local_skill: LocalSkill) -> None:
    client = alexa()
    first = client.utter("open therapy check in")
    assert SPEECH("welcome_first") in first.reply.speech
    assert first.request["session"]["new"] is True
    open_and_start_reply = client.utter("yes")
    assert asks_sign(open_and_start_reply, 0)
    for index, value in enumerate(RATINGS):
        exchange = rate(client, value)
        assert stored_ratings(local_skill, client.user_id)[SIGN_IDS[index]] == value, "saved before moving on"
        if index + 1 < SIGN_COUNT:
            assert asks_sign(exchange, index + 1)
            assert_waits_for_answer(exchange)
    assert SPEECH("complete") in exchange.reply.speech
    assert exchange.reply.card is not None
    assert_waits_for_answer(exchange)  # a first completed check-in offers a weekly reminder
    assert client.utter("no").reply.ends_session
    item = week_item(local_skill, client.user_id)
    assert item is not None
    assert stored_ratings(local_skill, client.user_id) == dict(zip(SIGN_IDS, RATINGS, strict=True))
    assert item.get("completedAt")


def test_interrupted_check_in_resumes_where_it_stopped(alexa: OpenAlexa, local_skill: LocalSkill) -> None:
    client = alexa()
    open_and_start(client)
    for value in RATINGS[:3]:
        rate(client, value)
    stopped = client.utter("stop for now")
    assert stopped.intent == "AMAZON.StopIntent"
    assert stopped.reply.ends_session
    assert stopped.reply.speech == SPEECH("paused")
    assert stored_ratings(local_skill, client.user_id) == dict(zip(SIGN_IDS[:3], RATINGS[:3], strict=True))
    assert not (week_item(local_skill, client.user_id) or {}).get("completedAt")

    relaunched = client.utter("open therapy check in")
    assert relaunched.request["session"]["new"] is True
    assert f"sign {NUMBER_WORDS[3]} of twelve" in relaunched.reply.speech
    assert_waits_for_answer(relaunched)
    resumed = client.utter("yes")
    assert asks_sign(resumed, 3)
    for value in RATINGS[3:]:
        last = rate(client, value)
    assert SPEECH("complete") in last.reply.speech
    assert client.utter("no").reply.ends_session, "no to the weekly reminder it offers, and goodbye"
    assert stored_ratings(local_skill, client.user_id) == dict(zip(SIGN_IDS, RATINGS, strict=True))
    assert (week_item(local_skill, client.user_id) or {}).get("completedAt")

    # Another device on the same account, later the same week: the check-in is remembered.
    other_device = alexa(user_id=client.user_id)
    again = other_device.utter("open therapy check in")
    assert again.reply.speech == SPEECH("welcome_done")
    assert_waits_for_answer(again)


def test_bad_answers_are_refused_and_nothing_wrong_is_stored(alexa: OpenAlexa, local_skill: LocalSkill) -> None:
    client = alexa()
    open_and_start(client)
    too_high = rate(client, 9)
    assert too_high.reply.speech == SPEECH("out_of_range", question=SPEECH.sign(SIGN_IDS[0]).question)
    assert_waits_for_answer(too_high)
    zero = rate(client, 0)
    assert zero.reply.speech == SPEECH("offer_skip"), "after two unusable answers, offer to skip"
    assert_waits_for_answer(zero)
    assert stored_ratings(local_skill, client.user_id) == {}
    keep_going = client.utter("no")
    assert keep_going.intent == "AMAZON.NoIntent"
    assert_waits_for_answer(keep_going)
    unmatched = client.utter("purple elephants dancing")
    assert unmatched.fallback
    assert unmatched.intent == "AMAZON.FallbackIntent"
    assert_waits_for_answer(unmatched)
    assert stored_ratings(local_skill, client.user_id) == {}
    good = rate(client, 4)
    assert asks_sign(good, 1)
    assert stored_ratings(local_skill, client.user_id) == {SIGN_IDS[0]: 4}


def reach_offer_to_start(client: VirtualAlexaClient) -> Exchange:
    return client.utter("open therapy check in")


def reach_mid_sign(client: VirtualAlexaClient) -> Exchange:
    open_and_start(client)
    rate(client, 2)
    return rate(client, 5)


def reach_done_this_week(client: VirtualAlexaClient) -> Exchange:
    open_and_start(client)
    for value in RATINGS:
        rate(client, value)
    return client.utter("open therapy check in")


STATES: dict[str, tuple[Callable[[VirtualAlexaClient], Exchange], str]] = {
    "offer to start": (reach_offer_to_start, "help_about"),
    "mid-sign": (reach_mid_sign, "help_rating"),
    "done this week": (reach_done_this_week, "help_about"),
}


@pytest.mark.parametrize("state", list(STATES))
def test_help_then_stop_in_each_state(state: str, alexa: OpenAlexa, local_skill: LocalSkill) -> None:
    reach, help_key = STATES[state]
    client = alexa()
    arrived = reach(client)
    assert_waits_for_answer(arrived)
    stored_before = stored_ratings(local_skill, client.user_id)

    helped = client.utter("help")
    assert helped.intent == "AMAZON.HelpIntent"
    assert_waits_for_answer(helped)
    expected_help = SPEECH(help_key, number=NUMBER_WORDS[2], question=SPEECH("question"))
    assert helped.reply.speech.startswith(expected_help.split(".")[0])

    stopped = client.utter("stop")
    assert stopped.intent == "AMAZON.StopIntent"
    assert stopped.reply.ends_session
    farewell = {"offer to start": "not_started_stop", "mid-sign": "paused", "done this week": "goodbye"}[state]
    assert stopped.reply.speech == SPEECH(farewell), "next week only once this week is done"
    assert stored_ratings(local_skill, client.user_id) == stored_before, "help and stop never lose an answer"


@pytest.mark.parametrize("state", list(STATES))
def test_help_keeps_the_users_place(state: str, alexa: OpenAlexa, local_skill: LocalSkill) -> None:
    reach, _ = STATES[state]
    client = alexa()
    arrived = reach(client)
    client.utter("help")
    repeated = client.utter("say that again")
    assert repeated.intent == "AMAZON.RepeatIntent"
    assert_waits_for_answer(repeated)
    assert repeated.reply.reprompt == arrived.reply.reprompt, "still waiting for the same answer"


def test_crisis_words_by_voice_get_the_fitting_answer_and_the_check_in_goes_on(
    alexa: OpenAlexa, local_skill: LocalSkill
) -> None:
    """Said mid-check-in: distress keeps the session and "yes" resumes at the same sign; immediate danger ends
    it with the emergency number first. Nothing already answered is lost."""
    client = alexa()
    open_and_start(client)
    rate(client, 4)
    distress = client.utter("I feel like a burden to everyone")
    assert distress.intent == "DistressIntent"
    assert_waits_for_answer(distress)
    assert "988" in distress.reply.speech
    resumed = client.utter("yes")
    assert asks_sign(resumed, 1)
    rate(client, 2)
    emergency = client.utter("I have taken too many pills")
    assert emergency.intent == "EmergencyIntent"
    assert emergency.reply.ends_session
    assert emergency.reply.speech.index("911") < emergency.reply.speech.index("988")
    assert stored_ratings(local_skill, client.user_id) == {"connection": 4, "perspective": 2}


def test_reminder_day_and_time_said_together_or_in_halves(alexa: OpenAlexa, local_skill: LocalSkill) -> None:
    """By voice: "friday at 7pm" answers the day question with both; "seven", then "pm" or "at night", keeps the
    hour and fills only the half of the day. With both known, the skill asks Alexa for the permission."""
    client = alexa()
    client.utter("open therapy check in")
    asked = client.utter("set a reminder")
    assert asked.reply.speech == SPEECH("reminder_ask_day")
    both = client.utter("friday at 7pm")
    assert both.intent == "ReminderAnswerIntent"
    assert both.reply.attributes["reminderDraft"] == {"day": "FR", "hour": 19, "minute": 0}
    assert both.reply.speech == SPEECH("reminder_permission_lead")
    for half, hour in (("pm", 19), ("p.m.", 19), ("at night", 19), ("in the evening", 19), ("in the morning", 7)):
        client.utter("open therapy check in")
        client.utter("set a reminder")
        client.utter("on friday")
        bare = client.utter("seven")
        assert bare.reply.speech == "Did you mean seven a.m. or seven p.m.?", half
        assert_waits_for_answer(bare)
        answered = client.utter(half)
        assert answered.intent == "ReminderAnswerIntent", half
        assert answered.reply.attributes["reminderDraft"] == {"day": "FR", "hour": hour, "minute": 0}, half
