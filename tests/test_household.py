"""A speaker the household shares: each recognised voice has its own check-ins, recaps and resume point, and the
unrecognised speaker (the account) has its own too."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from devtools.conversation import Conversation
from devtools.envelopes import Device
from tests.conftest import table_items
from therapy_checkin.storage import UserKey

Talk = Callable[..., Conversation]

ACCOUNT = "amzn1.ask.account.HOUSEHOLD"
KITCHEN = "amzn1.ask.device.KITCHEN"
NOTHING_YET = "There's nothing to recap yet."


def voice(talk: Talk, person: str | None) -> Conversation:
    """Someone at the kitchen speaker, recognised as ``person`` (or not recognised at all)."""
    return talk(Device(user_id=ACCOUNT, person_id=person, device_id=KITCHEN))


def ratings_by_scope(dynamodb: Any) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for item in table_items(dynamodb):
        if "#CHECKIN#" in item["sk"]:
            found[item["sk"].split("#", 1)[0]] = {k[2:]: int(v) for k, v in item.items() if k.startswith("r_")}
    return found


def test_two_people_on_one_speaker_never_hear_each_others_resume_point(talk: Talk, dynamodb: Any) -> None:
    alex, sam = voice(talk, "amzn1.ask.person.ALEX"), voice(talk, "amzn1.ask.person.SAM")
    alex.launch()
    alex.intent("AMAZON.YesIntent")
    for value in (5, 4, 3):
        alex.rate(value)
    alex.intent("AMAZON.StopIntent")

    first = sam.launch()
    assert "Welcome to Therapy Check-In" in first.speech, "a new voice is a first visit"
    sam.intent("AMAZON.YesIntent")
    sam.rate(1)
    sam.intent("AMAZON.StopIntent")

    assert "sign four of twelve" in alex.launch().speech
    assert "sign two of twelve" in sam.launch().speech
    scopes = ratings_by_scope(dynamodb)
    assert sorted(scopes.values(), key=len) == [
        {"connection": 1},
        {"connection": 5, "perspective": 4, "relationships": 3},
    ]
    alex_scope, sam_scope = (
        UserKey.from_ids(ACCOUNT, person).scope for person in ("amzn1.ask.person.ALEX", "amzn1.ask.person.SAM")
    )
    assert scopes[alex_scope] == {"connection": 5, "perspective": 4, "relationships": 3}
    assert scopes[sam_scope] == {"connection": 1}
    assert all(item["pk"] == UserKey.from_ids(ACCOUNT).pk for item in table_items(dynamodb)), "one account"
    assert "amzn1.ask.person" not in str(table_items(dynamodb)), "voice IDs are never stored"


def test_recaps_only_ever_speak_of_the_speakers_own_answers(talk: Talk, dynamodb: Any) -> None:
    alex, sam = voice(talk, "amzn1.ask.person.ALEX"), voice(talk, "amzn1.ask.person.SAM")
    alex.launch()
    alex.intent("AMAZON.YesIntent")
    for _ in range(12):
        last = alex.rate(5)
    assert "five" in last.speech

    assert sam.intent("RecapIntent").speech.startswith(NOTHING_YET)
    sam.launch()
    sam.intent("AMAZON.YesIntent")
    sam.rate(2)
    recap = sam.intent("RecapIntent")
    assert "You rated one sign this week" in recap.speech
    assert "five" not in recap.speech

    alex_recap = alex.intent("RecapIntent")
    assert re.search(r"every sign you rated (was )?a five", alex_recap.speech, re.IGNORECASE), alex_recap.speech
    assert "rated one sign" not in alex_recap.speech


def test_a_recognised_person_and_the_unrecognised_speaker_are_kept_apart(talk: Talk, dynamodb: Any) -> None:
    alex, anyone = voice(talk, "amzn1.ask.person.ALEX"), voice(talk, None)
    anyone.launch()
    anyone.intent("AMAZON.YesIntent")
    anyone.rate(3)
    anyone.rate(3)
    anyone.intent("AMAZON.StopIntent")

    assert "Welcome to Therapy Check-In" in alex.launch().speech
    assert alex.intent("RecapIntent").speech.startswith(NOTHING_YET)
    assert "sign three of twelve" in anyone.launch().speech
    scopes = ratings_by_scope(dynamodb)
    assert scopes == {"A": {"connection": 3, "perspective": 3}}


def test_the_same_person_on_another_speaker_picks_up_their_own_place(talk: Talk, dynamodb: Any) -> None:
    kitchen = voice(talk, "amzn1.ask.person.ALEX")
    kitchen.launch()
    kitchen.intent("AMAZON.YesIntent")
    kitchen.rate(4)
    kitchen.intent("AMAZON.StopIntent")
    bedroom = talk(Device(user_id=ACCOUNT, person_id="amzn1.ask.person.ALEX", device_id="amzn1.ask.device.BEDROOM"))
    assert "sign two of twelve" in bedroom.launch().speech
    assert "Welcome to Therapy Check-In" in voice(talk, None).launch().speech


def test_one_persons_passcode_never_guards_another_persons_recap(talk: Talk, dynamodb: Any) -> None:
    alex, sam = voice(talk, "amzn1.ask.person.ALEX"), voice(talk, "amzn1.ask.person.SAM")
    alex.launch()
    alex.intent("SetPasscodeIntent")
    alex.intent("PasscodeIntent", code="4821")
    alex.intent("PasscodeIntent", code="4821")
    assert alex.intent("RecapIntent").speech == "Your recaps are protected. What's your passcode?"
    assert sam.intent("RecapIntent").speech.startswith(NOTHING_YET)
