"""Whole conversations through the real Lambda handler, with DynamoDB in moto."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device, resolved_slot
from tests.conftest import ratings_in_table, table_items
from tests.test_reminders import offers_reminder
from therapy_checkin.domain.signs import SIGN_IDS

Talk = Callable[..., Conversation]

SHAPES = ["4", "four", "a four", "I'd say three", "five out of five", "probably two", "3", "5", "1", "two", "4", "3"]
EXPECTED = [4, 4, 4, 3, 5, 2, 3, 5, 1, 2, 4, 3]


def open_and_accept(conversation: Conversation) -> Reply:
    conversation.launch()
    return conversation.intent("AMAZON.YesIntent")


def assert_open(reply: Reply) -> None:
    assert not reply.ends_session
    assert reply.reprompt, "every response that keeps the session open needs a reprompt"


def week_item(dynamodb: Any) -> dict[str, Any]:
    items = [item for item in table_items(dynamodb) if "#CHECKIN#" in item["sk"]]
    assert len(items) == 1
    return items[0]


def test_first_launch_welcomes_with_disclaimer_once(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    first = conversation.launch()
    assert "Welcome to Therapy Check-In" in first.speech
    assert "not a therapist" in first.speech
    assert "medical advice" in first.speech
    assert first.speech.endswith("Shall we start?")
    assert_open(first)
    conversation.intent("AMAZON.NoIntent")
    second = conversation.launch()
    assert "not a therapist" not in second.speech
    assert second.speech == "Welcome back. Ready for this week's check-in?"


def test_full_check_in_stores_every_rating_as_spoken(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    reply = open_and_accept(conversation)
    assert reply.speech.startswith("Here we go. Sign one of twelve: feeling connected to your therapist.")
    assert "You trusted your therapist" in reply.speech, "a first check-in reads each sign in full"
    assert reply.speech.endswith("How true was that this week, from one to five?"), "the scale, on the first sign"
    for number, (said, expected) in enumerate(zip(SHAPES, EXPECTED, strict=True), start=1):
        assert f"Sign {conversation_number(number)} of twelve" in reply.speech
        reply = conversation.rate(said)
        stored = ratings_in_table(dynamodb)
        assert next(iter(stored.values()))[SIGN_IDS[number - 1]] == expected, "saved the moment it is spoken"
        if number == 6:
            assert reply.speech.startswith("Thank you. You're halfway there. Sign seven of twelve")
        if number == 11:
            assert "Last one. Sign twelve of twelve" in reply.speech
        if number < 12:
            assert_open(reply)
    assert offers_reminder(reply)
    assert reply.speech.startswith("That's all twelve. Thank you for taking this time.")
    assert "practicing between sessions" not in reply.speech
    assert "Your lowest right now is understanding your triggers, at one" in reply.speech
    assert reply.card is not None and reply.card["type"] == "Standard"
    assert "<" not in reply.card["text"], "cards are plain text"
    item = week_item(dynamodb)
    assert {sign: int(item[f"r_{sign}"]) for sign in SIGN_IDS} == dict(zip(SIGN_IDS, EXPECTED, strict=True))
    assert item["sk"].endswith("#CHECKIN#2026-W48")
    assert "completedAt" in item
    assert "skipped" not in item
    assert conversation.intent("AMAZON.NoIntent").ends_session, "no weekly reminder, thanks"
    conversation.launch()
    recap = conversation.intent("AMAZON.YesIntent")  # yes to hearing how the week went
    rest = conversation.intent("AMAZON.YesIntent") if recap.speech.endswith("Want to hear more?") else recap
    heard = f"{recap.speech} {rest.speech}"
    assert "sitting with hard feelings" in heard and "highest" in heard and "at five" in heard
    assert rest.speech.endswith("?") and rest.reprompt.endswith("?")


def conversation_number(number: int) -> str:
    return ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"][
        number - 1
    ]


def test_interrupted_check_in_resumes_in_a_new_session(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    for value in (2, 3, 4, 5, 1):
        conversation.rate(value)
    stop = conversation.intent("AMAZON.StopIntent")
    assert stop.ends_session
    assert "saved" in stop.speech and "pick up where you left off" in stop.speech
    conversation.end_session()

    relaunch = conversation.launch()
    assert relaunch.speech == (
        "Welcome back. You stopped at sign six of twelve, healthier coping. Shall we pick up there?"
    )
    assert_open(relaunch)
    resumed = conversation.intent("AMAZON.YesIntent")
    assert resumed.speech.startswith("Picking up where you left off. Sign six of twelve: healthier coping.")
    assert resumed.speech.endswith("How true was that this week, from one to five?"), "after a pause, the scale"
    for value in (1, 2, 3, 4, 5, 5, 4):
        reply = conversation.rate(value)
    assert offers_reminder(reply) and "That's all twelve" in reply.speech
    expected = dict(zip(SIGN_IDS, (2, 3, 4, 5, 1, 1, 2, 3, 4, 5, 5, 4), strict=True))
    assert list(ratings_in_table(dynamodb).values()) == [expected]


def test_a_number_to_shall_we_pick_up_there_picks_up_and_is_the_answer(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(2)
    conversation.rate(3)
    conversation.intent("AMAZON.StopIntent")
    conversation.end_session()
    relaunch = conversation.launch()
    assert relaunch.speech.endswith("sign three of twelve, warmer relationships. Shall we pick up there?")
    picked_up = conversation.rate(4)
    assert "Sign four of twelve: setting boundaries." in picked_up.speech
    assert "help" not in picked_up.speech and "Shall we pick up" not in picked_up.speech
    assert_open(picked_up)
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 2, "perspective": 3, "relationships": 4}]


def test_a_number_off_the_scale_to_shall_we_pick_up_there_asks_that_sign(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(2)
    conversation.end_session()
    conversation.launch()
    off_scale = conversation.rate(9)
    assert off_scale.speech == (
        "Let's keep it between one, not at all, and five, very true. How often could you step back and look again?"
    )
    assert "Sign three of twelve" in conversation.rate(5).speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 2, "perspective": 5}]


def test_resume_works_from_the_table_alone_on_another_device(talk: Talk, dynamodb: Any) -> None:
    kitchen = talk()
    open_and_accept(kitchen)
    kitchen.rate(4)
    kitchen.rate(5)
    kitchen.end_session("EXCEEDED_MAX_REPROMPTS")
    bedroom = talk(Device(user_id=kitchen.device.user_id))
    assert "sign three of twelve" in bedroom.launch().speech
    assert bedroom.intent("AMAZON.YesIntent").speech.startswith("Picking up where you left off. Sign three")


@pytest.mark.parametrize("bad", ["0", "6", "42", "-1", "banana", "", "?", "5.5", "four hundred"])
def test_bad_ratings_are_reasked_with_the_range_and_never_stored(talk: Talk, dynamodb: Any, bad: str) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(3)
    reply = conversation.rate(bad)
    assert "one" in reply.speech and "five" in reply.speech
    assert_open(reply)
    assert conversation.attributes["index"] == 1, "the session keeps its place"
    assert ratings_in_table(dynamodb) == {next(iter(ratings_in_table(dynamodb))): {"connection": 3}}
    after = conversation.rate(4)
    assert "Sign three of twelve" in after.speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 3, "perspective": 4}]


def test_missing_rating_slot_is_reasked(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    reply = conversation.intent("RateIntent")
    assert reply.speech == (
        "Let's use a whole number, from one, not at all, to five, very true. "
        "How safe did you feel being honest in your sessions?"
    )
    assert_open(reply)
    assert ratings_in_table(dynamodb) == {}


def test_second_miss_offers_to_skip_and_yes_skips(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate("9")
    offer = conversation.rate("?")
    assert offer.speech == "That's okay if this one is hard to rate. Would you like to skip it?"
    assert_open(offer)
    skipped = conversation.intent("AMAZON.YesIntent")
    assert skipped.speech.startswith("That's fine, let's move on. Sign two of twelve")
    item = week_item(dynamodb)
    assert item["skipped"] == {"connection"}
    assert not any(key.startswith("r_") for key in item)


def test_no_to_the_skip_offer_asks_again_and_a_number_still_counts(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate("seven")
    conversation.rate("nope")
    again = conversation.intent("AMAZON.NoIntent")
    assert again.speech == "From one to five, how safe did you feel being honest in your sessions?"
    assert "Would you like to skip" in conversation.rate("0").speech, "a further miss offers the skip again"
    assert "Sign two of twelve" in conversation.rate("2").speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 2}]


def test_skip_leaves_sign_unrated_and_moves_on(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(4)
    reply = conversation.intent("SkipIntent")
    assert reply.speech.startswith("No problem, we'll skip it. Sign three of twelve")
    reply = conversation.intent("AMAZON.NextIntent")
    assert "Sign four of twelve" in reply.speech
    item = week_item(dynamodb)
    assert item["skipped"] == {"perspective", "relationships"}
    assert int(item["r_connection"]) == 4


def test_go_back_rerates_previous_sign_and_replaces_the_answer(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(2)
    conversation.rate(3)
    back = conversation.intent("AMAZON.PreviousIntent")
    assert back.speech.startswith("Going back. Sign two of twelve: seeing things from new angles.")
    forward = conversation.rate(5)
    assert "Sign three of twelve" in forward.speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 2, "perspective": 5}]


def test_go_back_on_the_first_sign_stays_there(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    reply = conversation.intent("AMAZON.PreviousIntent")
    assert reply.speech == (
        "This is the first sign, so there's nothing to go back to. "
        "From one to five, how safe did you feel being honest in your sessions?"
    )
    assert len(reply.speech.split()) <= 45
    assert_open(reply)


def test_repeat_explain_and_help_keep_the_place(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(3)
    conversation.rate(3)
    repeat = conversation.intent("AMAZON.RepeatIntent")
    assert repeat.speech.startswith("Sign three of twelve: warmer relationships.")
    explain = conversation.intent("ExplainIntent")
    assert "shows up with the people around you" in explain.speech
    assert explain.speech.endswith("How true was that this week, from one to five?")
    assert 2 <= explain.speech.count(".") <= 5
    help_reply = conversation.intent("AMAZON.HelpIntent")
    assert "You're on sign three of twelve" in help_reply.speech
    assert "skip" in help_reply.speech and "go back" in help_reply.speech
    assert_open(help_reply)
    assert "Sign four of twelve" in conversation.rate(4).speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 3, "perspective": 3, "relationships": 4}]


@pytest.mark.parametrize(
    "intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.PauseIntent", "AMAZON.NavigateHomeIntent"]
)
def test_stop_cancel_pause_keep_everything(talk: Talk, dynamodb: Any, intent: str) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(5)
    reply = conversation.intent(intent)
    assert reply.ends_session
    assert "saved" in reply.speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 5}]


def test_fallback_mid_check_in_reasks_the_sign_and_outside_gives_help(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    outside = conversation.intent("AMAZON.FallbackIntent")
    assert outside.speech == "Sorry, I'm not sure what you meant. Would you like to start your check-in now?"
    assert_open(outside)
    conversation.end_session()
    conversation.intent("AMAZON.HelpIntent")  # a new session, outside any offer
    menu = conversation.intent("AMAZON.FallbackIntent")
    assert menu.speech.startswith("That's not something I can do, but here's what I can. Once a week")
    assert menu.speech.endswith("?")
    conversation.intent("StartCheckInIntent")
    inside = conversation.intent("AMAZON.FallbackIntent")
    assert inside.speech == (
        "Let's stay with this one for now. From one to five, how safe did you feel being honest in your sessions?"
    )
    assert "catch" not in inside.speech, "mid-sign, the skill never sounds as though it heard nothing"
    assert "trust your therapist" in inside.reprompt
    assert conversation.attributes["index"] == 0


def test_an_unexpected_error_apologises_and_keeps_the_place(
    talk: Talk, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from therapy_checkin.storage import CheckInStore

    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(4)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("simulated failure with private words in it: four")

    monkeypatch.setattr(CheckInStore, "save_week", broken)
    reply = conversation.rate(2)
    assert reply.speech.startswith("Sorry, something went wrong on my side. Nothing you've said is lost.")
    assert "Sign two of twelve" in reply.speech
    assert "Traceback" not in reply.speech and "RuntimeError" not in reply.speech
    assert_open(reply)
    assert conversation.attributes["index"] == 1
    monkeypatch.undo()
    assert "Sign three of twelve" in conversation.rate(2).speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4, "perspective": 2}]


def test_requests_for_another_skill_are_refused(talk: Talk, dynamodb: Any) -> None:
    from therapy_checkin.handler import RequestRefused

    conversation = talk(Device(skill_id="amzn1.ask.skill.ffffffff-0000-4000-8000-000000000000"))
    with pytest.raises(RequestRefused, match="Skill ID Verification failed"):
        conversation.launch()
    assert table_items(dynamodb) == []


def test_session_ended_request_is_handled(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    reply = conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    assert reply is not None
    assert reply.raw["response"].get("outputSpeech") is None


def test_finished_week_offers_recap_and_changing_an_answer(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    for value in EXPECTED:
        conversation.rate(value)
    welcome = conversation.launch()
    assert welcome.speech == "Welcome back. You've already checked in this week. Would you like to hear how it went?"
    recap = conversation.intent("AMAZON.YesIntent")
    assert "is your starting point" in recap.speech
    assert not recap.ends_session and recap.reprompt.endswith("?"), "a follow-up question, not a closed skill"

    conversation.launch()
    declined = conversation.intent("AMAZON.NoIntent")
    assert declined.speech == (
        "That's fine. This week's check-in is done, so you're all set. Take care, and talk to you next week."
    )
    assert declined.ends_session, "no list of commands: a kind goodbye"
    ask = conversation.intent(
        "ChangeAnswerIntent", sign=resolved_slot("saying no", [("boundaries", "boundaries")], "SIGN")
    )
    assert ask.speech.startswith("Sure. Sign four: setting boundaries.")
    changed = conversation.rate("five")
    assert changed.speech.startswith("Updated. Your answer for setting boundaries is now five.")
    assert changed.speech.endswith("Would you like to change an answer, or hear your recap?")
    assert_open(changed)
    assert int(week_item(dynamodb)["r_boundaries"]) == 5


def test_change_answer_by_number_mid_check_in_returns_to_the_current_sign(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    for value in (1, 2, 3):
        conversation.rate(value)
    which = conversation.intent("ChangeAnswerIntent")
    assert which.speech.startswith("Which sign would you like to change?")
    asked = conversation.rate("2")
    assert asked.speech.startswith("Sure. Sign two: seeing things from new angles.")
    back = conversation.rate(4)
    assert back.speech.startswith(
        "Updated. Your answer for seeing things from new angles is now four. Sign four of twelve"
    )
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 1, "perspective": 4, "relationships": 3}]


def test_one_check_in_per_week_latest_answer_counts(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(1)
    conversation.intent("AMAZON.StopIntent")
    conversation.launch()
    conversation.intent("ChangeAnswerIntent", signNumber="1")
    conversation.rate(4)
    items = [item for item in table_items(dynamodb) if "#CHECKIN#" in item["sk"]]
    assert len(items) == 1
    assert int(items[0]["r_connection"]) == 4


def test_next_week_is_a_new_check_in(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(3)
    conversation.intent("AMAZON.StopIntent")
    conversation.advance(weeks=1)
    assert conversation.launch().speech == "Welcome back. Ready for this week's check-in?"
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(5)
    stored = ratings_in_table(dynamodb)
    assert sorted(stored) == sorted(k for k in stored)
    assert sorted(stored.values(), key=str) == sorted([{"connection": 3}, {"connection": 5}], key=str)
    assert {key.rsplit("#", 1)[1] for key in stored} == {"2026-W48", "2026-W49"}


def test_change_answer_by_naming_the_sign_after_being_asked_which(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    conversation.rate(2)
    conversation.intent("ChangeAnswerIntent")
    asked = conversation.intent(
        "SignNameIntent", sign=resolved_slot("my therapist", [("connection", "connection")], "SIGN")
    )
    assert asked.speech.startswith("Sure. Sign one: feeling connected to your therapist.")
    back = conversation.rate(5)
    assert back.speech.startswith("Updated. Your answer for feeling connected to your therapist is now five. Sign two")
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 5}]


def finish_a_week(conversation: Conversation) -> None:
    open_and_accept(conversation)
    for value in EXPECTED:
        conversation.rate(value)


def test_a_familiar_week_reads_the_statement_only_when_asked(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    finish_a_week(conversation)
    conversation.advance(weeks=1)
    first = open_and_accept(conversation)
    assert "You trusted your therapist" not in first.speech
    assert first.speech.endswith("From one to five, how safe did you feel being honest in your sessions?")
    explained = conversation.intent("ExplainIntent")
    assert explained.speech == (
        "It's about this: You trusted your therapist and felt safe being honest with them. "
        "How true was that this week, from one to five?"
    )
    more = conversation.intent("ExplainIntent")
    assert more.speech.startswith("This sign is about trust.")
    assert len(more.speech.split()) <= 45
    second = conversation.rate(4)
    assert second.speech.endswith(
        "Sign two: seeing things from new angles. How often could you step back and look again?"
    )


def test_after_a_long_absence_the_signs_are_read_in_full_again(talk: Talk, dynamodb: Any) -> None:
    from therapy_checkin.domain.checkin import LONG_ABSENCE_WEEKS

    conversation = talk()
    finish_a_week(conversation)
    conversation.advance(weeks=LONG_ABSENCE_WEEKS - 1)
    assert "You trusted your therapist" not in open_and_accept(conversation).speech, "five weeks away: familiar"
    conversation.rate(3)
    conversation.intent("AMAZON.StopIntent")
    conversation.advance(weeks=LONG_ABSENCE_WEEKS)  # six weeks after the last answer
    assert "You trusted your therapist" in open_and_accept(conversation).speech


def test_every_explanation_fits_one_turn(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    open_and_accept(conversation)
    for value in EXPECTED[:-1]:
        explained = conversation.intent("ExplainIntent")
        assert len(explained.speech.split()) <= 45, explained.speech
        assert explained.speech.endswith("?") and explained.reprompt.endswith("?")
        conversation.rate(value)


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.PauseIntent", "AMAZON.CancelIntent"])
def test_stopping_before_the_first_answer_never_says_next_week(talk: Talk, dynamodb: Any, intent: str) -> None:
    conversation = talk()
    conversation.launch()
    reply = conversation.intent(intent)
    assert reply.ends_session
    assert "next week" not in reply.speech
    assert "Whenever you're ready" in reply.speech
    open_and_accept(conversation)
    assert "next week" not in conversation.intent(intent).speech
    finish_a_week(conversation)
    conversation.launch()
    assert "next week" in conversation.intent(intent).speech, "once the week is done, next week it is"


def test_offers_and_reprompts_ask_without_listing_commands(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    replies = [conversation.launch(), conversation.intent("AMAZON.HelpIntent")]
    conversation.intent("AMAZON.StopIntent")
    replies += [conversation.launch(), conversation.intent("AMAZON.YesIntent"), conversation.rate(3)]
    replies.append(conversation.intent("AMAZON.HelpIntent"))
    for reply in replies:
        assert reply.reprompt.endswith("?"), reply.reprompt
        assert "Say yes or no" not in reply.speech + reply.reprompt
