"""Recaps that lead with what matters, through the real Lambda handler over several weeks: the biggest change
first with its numbers, a broad pattern as one fact, a marked fall never hidden (for a second person on the same
speaker too), "more" naming the other signs, a heavy week met with the support line instead of a reminder, last
week told in the past tense, and thanks and goodbyes that change with the week.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device
from tests.test_recap_conversation import OFFER_MORE, SPEECH, all_at, assert_kind_and_short, check_in
from therapy_checkin.domain.signs import SIGN_IDS

Talk = Callable[..., Conversation]
ACCOUNT = "amzn1.ask.account.HOME"
KITCHEN = "amzn1.ask.device.KITCHEN"
THANKS = tuple(SPEECH("check_in_thanks", variant=n) for n in range(SPEECH.variants("check_in_thanks")))
GOODBYES = tuple(SPEECH("check_in_goodbye", variant=n) for n in range(SPEECH.variants("check_in_goodbye")))


def name(sign: str) -> str:
    return SPEECH.sign(sign).short_name


def names_in(text: str) -> list[str]:
    return [sign for sign in SIGN_IDS if name(sign) in text]


def recap_part(reply: Reply) -> str:
    """The end of a check-in without its thanks and its closing question: what the recap says."""
    text = reply.speech.removeprefix(SPEECH("complete")).strip()
    for thanks in THANKS:
        text = text.removeprefix(thanks).strip()
    return re.sub(r"[^.]*\?$", "", text).strip()


def told(heard: str, sign: str, before: int, after: int) -> bool:
    """Whether one sentence names ``sign`` with both its numbers (in any phrasing: "from two to four", "a four,
    up from two")."""
    words = (SPEECH.number(before), SPEECH.number(after))
    return any(
        name(sign) in sentence and all(re.search(rf"\b{word}\b", sentence) for word in words)
        for sentence in re.split(r"(?<=[.?!]) ", heard)
    )


def more(conversation: Conversation, offered: Reply) -> Reply:
    assert offered.speech.endswith(OFFER_MORE), offered.speech
    rest = conversation.intent("AMAZON.YesIntent")
    assert_kind_and_short(rest)
    return rest


def test_a_week_where_every_sign_rose_opens_with_the_rise_not_the_streak(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    for _ in range(3):
        check_in(conversation, all_at(2, hope=1))
        conversation.advance(weeks=1)
    fourth = check_in(conversation, all_at(3, hope=4))
    assert_kind_and_short(fourth)
    said = recap_part(fourth)
    assert said.startswith(("Every sign rose", "Every one of your signs rose")), said
    assert "hope for the future" in said and "one to four" in said, said
    assert "in a row" not in said and "lowest" not in said, "the streak and the lowest wait for more"
    rest = more(conversation, fourth)
    assert rest.speech.startswith("Eleven other signs rose too, among them "), rest.speech
    assert len(names_in(rest.speech)) >= 3, "the others are named"


def test_all_twelve_lower_names_the_fall_and_more_names_the_others(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(4))
    conversation.advance(weeks=1)
    second = check_in(conversation, all_at(3, hope=2))
    said = recap_part(second)
    assert "harder" in said or "heavier" in said, said
    assert "hope for the future" in said and "from four to two" in said
    rest = more(conversation, second)
    assert rest.speech.startswith("Eleven other signs dipped too, among them "), rest.speech
    assert len(names_in(rest.speech)) >= 3


def test_a_second_persons_marked_fall_is_said_though_another_fell_more(talk: Talk, dynamodb: Any) -> None:
    alex = talk(Device(user_id=ACCOUNT, person_id="amzn1.ask.person.ALEX", device_id=KITCHEN))
    sam = talk(Device(user_id=ACCOUNT, person_id="amzn1.ask.person.SAM", device_id=KITCHEN))
    check_in(alex, all_at(5))
    check_in(sam, all_at(3, hope=4, triggers=5))
    alex.advance(weeks=1)
    sam.advance(weeks=1)
    check_in(alex, all_at(5, hope=1))
    first = check_in(sam, all_at(3, hope=2, triggers=1))
    heard = first.speech if not first.speech.endswith(OFFER_MORE) else f"{first.speech} {more(sam, first).speech}"
    assert told(heard, "triggers", 5, 1) and told(heard, "hope", 4, 2), heard
    assert "five" not in heard.replace("from five", ""), "nothing of Alex's ratings"


def test_five_other_signs_that_rose_are_named(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(3))
    conversation.advance(weeks=1)
    rose = {"connection": 4, "perspective": 4, "relationships": 4, "boundaries": 4, "feelings": 4}
    second = check_in(conversation, all_at(3, hope=5, **rose))
    heard = f"{second.speech} {more(conversation, second).speech}"
    assert told(heard, "hope", 3, 5), heard
    assert "Five other signs rose too: " in heard, heard
    assert set(names_in(heard)) >= set(rose), heard


def test_a_rise_from_two_to_four_is_named_with_its_numbers_beside_a_bigger_one(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(3, hope=2, coping=1))
    conversation.advance(weeks=1)
    second = check_in(conversation, all_at(3, hope=4, coping=4, practice=4))
    heard = f"{second.speech} {more(conversation, second).speech}" if second.speech.endswith("?") else second.speech
    assert told(heard, "coping", 1, 4) and told(heard, "hope", 2, 4), heard
    assert "One other sign rose too: practicing between sessions." in heard, heard


def test_a_week_of_all_ones_offers_the_support_line_not_a_reminder(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    reply = conversation.intent("AMAZON.YesIntent")
    for _ in SIGN_IDS:
        reply = conversation.rate(1)
    assert reply.attributes["mode"] == "recap_follow_up", "no weekly reminder offered after a heavy week"
    assert "reminder" not in reply.speech.lower()
    assert "Every sign you rated was a one this week" in reply.speech
    assert reply.speech.endswith(SPEECH("heavy_week_offer_short")), reply.speech
    assert "That sounds heavy." in reply.speech, "a kind word"
    assert_kind_and_short(reply)
    line = conversation.intent("AMAZON.YesIntent")
    assert "988" in line.speech.replace(" ", ""), line.speech
    assert line.speech.startswith(SPEECH("distress_heard"))
    assert line.card is not None and "988" in line.card["text"]
    assert line.speech.endswith(SPEECH("heavy_week_go_on_more")), "then the choice to go on"
    rest = conversation.intent("AMAZON.YesIntent")
    assert "This first check-in is your starting point." in rest.speech or "Today sets" in rest.speech, rest.speech
    assert_kind_and_short(rest)


def test_a_sharp_fall_across_many_signs_offers_the_line_then_the_rest(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(4))
    conversation.advance(weeks=1)
    conversation.launch()
    reply = conversation.intent("AMAZON.YesIntent")
    for value in all_at(2, hope=1):
        reply = conversation.rate(value)
    assert "from four to one" in reply.speech and "hope for the future" in reply.speech
    assert reply.speech.endswith(SPEECH("heavy_week_offer")), reply.speech
    assert_kind_and_short(reply)
    again = conversation.intent("AMAZON.RepeatIntent")
    assert again.speech == SPEECH("reprompt_heavy_week_offer")
    declined = conversation.intent("AMAZON.NoIntent")
    assert declined.speech == f"{SPEECH('heavy_week_declined')} {SPEECH('heavy_week_go_on_more')}"
    rest = conversation.intent("AMAZON.YesIntent")
    assert "dipped too" in rest.speech and len(names_in(rest.speech)) >= 3, rest.speech
    assert_kind_and_short(rest)


def test_last_weeks_recap_is_told_in_the_past_tense(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(4))
    conversation.advance(weeks=1)
    check_in(conversation, all_at(3, hope=2))
    conversation.advance(weeks=1)
    conversation.launch()
    last = conversation.intent("LastWeekRecapIntent")
    assert last.speech.startswith("Here's your previous check-in. Last week "), last.speech
    assert "harder than the week before" in last.speech
    assert "This week" not in last.speech and "this week" not in last.speech.replace("this week's", "")
    assert_kind_and_short(last)


def test_the_thanks_and_the_goodbye_change_with_the_week(talk: Talk, dynamodb: Any) -> None:
    """Two check-ins whose whole recap fits one turn (one sign rated, weeks apart so no streak to tell)."""
    conversation = talk()
    check_in(conversation, all_at("skip", boundaries=3))
    endings = []
    for _ in range(2):
        conversation.advance(weeks=2)
        endings.append(check_in(conversation, all_at("skip", boundaries=3)))
    assert all(ending.ends_session for ending in endings), [ending.speech for ending in endings]
    thanks = [next(t for t in THANKS if t in ending.speech) for ending in endings]
    goodbyes = [next(g for g in GOODBYES if ending.speech.endswith(g)) for ending in endings]
    assert thanks[0] != thanks[1] and goodbyes[0] != goodbyes[1], (thanks, goodbyes)
