"""Answers off the script, through the real Lambda handler: between two numbers, in words, unsure, yes or no.
Each gets a reply that fits what was said; nothing is stored until a whole number is given, and the skill never
claims it did not hear words it heard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import resolved_slot
from devtools.nlu import understanding
from tests.conftest import ratings_in_table

Talk = Callable[..., Conversation]


def on_sign_two(talk: Talk) -> Conversation:
    conversation = talk()
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(4)
    return conversation


def said(conversation: Conversation, utterance: str) -> Reply:
    """An utterance understood with the skill's own interaction model, as Alexa would send it."""
    resolution = understanding("en-US").resolve(utterance)
    return conversation.intent(str(resolution.intent), **dict(resolution.slots))


def assert_asks(reply: Reply) -> None:
    assert not reply.ends_session
    assert reply.speech.endswith("?") and reply.reprompt.endswith("?")
    assert "catch" not in reply.speech
    assert len(reply.speech.split()) <= 45


@pytest.mark.parametrize(
    "utterance", ["three and a half", "between three and four", "three or four", "somewhere between 3 and 4"]
)
def test_between_two_numbers_asks_which_is_closer_and_stores_nothing(talk: Talk, dynamodb: Any, utterance: str) -> None:
    conversation = on_sign_two(talk)
    reply = said(conversation, utterance)
    assert reply.speech == "Somewhere between three and four, then. Which is closer?"
    assert reply.reprompt == "Which is closer, three or four?"
    assert_asks(reply)
    assert conversation.attributes["index"] == 1, "the same sign"
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4}]
    assert "Sign three of twelve" in conversation.rate(4).speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4, "perspective": 4}]


def test_a_decimal_or_a_wide_range_is_asked_about_too(talk: Talk, dynamodb: Any) -> None:
    conversation = on_sign_two(talk)
    assert conversation.rate("2.5").speech == "Somewhere between two and three, then. Which is closer?"
    wide = said(conversation, "between two and four")
    assert wide.speech == "Somewhere from two to four, then. Which number fits best?"
    out = said(conversation, "between six and seven")
    assert "between one, not at all, and five, very true" in out.speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4}]


@pytest.mark.parametrize(
    ("utterance", "expected"),
    [
        ("pretty good", "If it felt mostly true, that's a four, and very true is a five. Which fits better?"),
        ("it was kind of", "Somewhere in the middle is a three, a little less a two, a little more a four."),
        ("maybe", "Somewhere in the middle is a three"),
        ("not at all", "That's okay. Not at all is a one, and only a little is a two. Which fits better?"),
        ("not really", "That's okay. Not at all is a one, and only a little is a two. Which fits better?"),
        ("yes", "If it felt mostly true, that's a four"),
    ],
)
def test_answers_in_words_get_the_scale_anchors_that_fit(
    talk: Talk, dynamodb: Any, utterance: str, expected: str
) -> None:
    conversation = on_sign_two(talk)
    reply = said(conversation, utterance)
    assert reply.speech.startswith(expected)
    assert_asks(reply)
    assert conversation.attributes["misses"] == 0, "an answer in words is no miss"
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4}]


@pytest.mark.parametrize("utterance", ["I don't know", "I'm not sure", "hard to say"])
def test_unsure_offers_to_skip_and_yes_skips(talk: Talk, dynamodb: Any, utterance: str) -> None:
    conversation = on_sign_two(talk)
    offer = said(conversation, utterance)
    assert offer.speech == "That's okay. Some weeks are hard to read. Would you like to skip this one?"
    assert_asks(offer)
    assert "Sign three of twelve" in conversation.intent("AMAZON.YesIntent").speech
    (week,) = ratings_in_table(dynamodb).values()
    assert week == {"connection": 4}


@pytest.mark.parametrize("utterance", ["42", "minus one", "zero", "eleven"])
def test_a_number_off_the_scale_after_the_skip_offer_says_so_and_keeps_the_offer(
    talk: Talk, dynamodb: Any, utterance: str
) -> None:
    conversation = on_sign_two(talk)
    said(conversation, "I don't know")
    off_scale = said(conversation, utterance)
    assert off_scale.speech == (
        "The scale goes from one, not at all, to five, very true. Would you like to skip this one, or give it a number?"
    )
    assert_asks(off_scale)
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4}]
    assert "Sign three of twelve" in conversation.intent("AMAZON.YesIntent").speech, "yes still skips"


def test_a_number_that_was_not_heard_after_the_skip_offer_says_so(talk: Talk, dynamodb: Any) -> None:
    conversation = on_sign_two(talk)
    said(conversation, "I don't know")
    unheard = conversation.rate("?")
    assert unheard.speech == (
        "Let's use a whole number, from one to five. Would you like to skip this one, or give it a number?"
    )
    assert_asks(unheard)
    assert "Sign three of twelve" in conversation.rate(3).speech, "a number still counts"
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4, "perspective": 3}]


def test_no_to_the_skip_offer_after_unsure_keeps_the_sign(talk: Talk, dynamodb: Any) -> None:
    conversation = on_sign_two(talk)
    said(conversation, "I don't know")
    again = said(conversation, "not really")
    assert again.speech == "From one to five, how often could you step back and look again?"
    assert "Sign three of twelve" in conversation.rate(2).speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4, "perspective": 2}]


def test_not_really_to_an_offer_is_still_no(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    for utterance in ("not really", "not at all"):
        conversation.launch()
        reply = said(conversation, utterance)
        assert reply.ends_session
        assert reply.speech == "That's okay. Whenever you're ready, just say: open therapy check in."


def test_a_leaning_outside_a_sign_is_answered_with_help(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    conversation.intent("AMAZON.HelpIntent")
    reply = conversation.intent(
        "LeaningIntent", leaning=resolved_slot("pretty good", [("pretty good", "high")], "LEANING")
    )
    assert_asks(reply)
