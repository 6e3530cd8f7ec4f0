"""One speaker, several people, one session: every turn follows the voice that speaks it.

Alexa names the recognised voice on every request, and the next request of a session may come from someone
else. Whatever one voice started (a question, a deletion, a passcode, an unlock, answers not yet stored) must
never read, change or delete another voice's data. And whatever a scope with a passcode says or shows of past
answers goes through one gate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device, resolved_slot
from devtools.fake_alexa_api import FakeAlexaApi
from tests.conftest import (
    MONDAY_NOON,
    TABLE_NAME,
    FaultInjector,
    Handler,
    empty_table,
    skill_on,
    table_items,
    talking,
    user_items,
)
from therapy_checkin import intents
from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.session import DETOURS, Mode, SessionState
from therapy_checkin.speech import speech_for
from therapy_checkin.speech.catalogue import Plural
from therapy_checkin.storage import CheckInStore, UserKey, build_client

Talk = Callable[..., Conversation]

ACCOUNT = "amzn1.ask.account.SHARED-HOME"
KITCHEN = "amzn1.ask.device.KITCHEN"
ALEX = "amzn1.ask.person.ALEX"
SAM = "amzn1.ask.person.SAM"
CODE = "4821"


def voice(talk: Talk, person: str | None) -> Conversation:
    return talk(Device(user_id=ACCOUNT, person_id=person, device_id=KITCHEN))


def speaks(conversation: Conversation, person: str | None) -> Conversation:
    """The next request of the same session comes from ``person`` (``None``: a voice Alexa does not know)."""
    conversation.device = replace(conversation.device, person_id=person)
    return conversation


def scope_of(person: str | None) -> str:
    return UserKey.from_ids(ACCOUNT, person).scope


def items_of(dynamodb: Any, person: str | None) -> list[dict[str, Any]]:
    return user_items(dynamodb, UserKey.from_ids(ACCOUNT, person))


def ratings_of(dynamodb: Any, person: str | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in items_of(dynamodb, person):
        found.update({key[2:]: int(value) for key, value in item.items() if key.startswith("r_")})
    return found


def checked_in(conversation: Conversation, *values: int) -> Conversation:
    conversation.launch()
    conversation.intent(intents.YES)
    for value in values:
        conversation.rate(value)
    return conversation


def set_passcode(conversation: Conversation) -> None:
    conversation.intent(intents.SET_PASSCODE)
    conversation.intent(intents.PASSCODE, code=CODE)
    assert conversation.intent(intents.PASSCODE, code=CODE).speech.startswith("Your passcode is set.")


def sign_slot(sign: str) -> dict[str, Any]:
    name = speech_for("en-US").sign(sign).short_name
    return {"sign": resolved_slot(name, [(sign, name)], "SIGN")}


# --------------------------------------------------------------------------------------------------------------
# What one voice started, another voice cannot finish


def test_a_trend_one_voice_asked_for_is_not_read_from_another_voices_answers(talk: Talk, dynamodb: Any) -> None:
    household = checked_in(voice(talk, None), 1, 2, 3, 1)
    set_passcode(household)
    household.intent(intents.STOP)
    alex = checked_in(voice(talk, ALEX), 5)
    assert alex.intent(intents.TREND).speech.startswith("Which sign would you like to hear about?")

    answer = speaks(alex, None).intent(intents.SIGN_NAME, **sign_slot("boundaries"))
    assert not [fragment for fragment in disclosing_fragments() if fragment in answer.speech], answer.speech
    assert "boundaries" not in answer.speech and answer.card is None
    assert answer.attributes["mode"] != Mode.CHOOSE_TREND.value, "the household's turn starts afresh"


def test_a_deletion_one_voice_asked_for_is_not_confirmed_by_another(talk: Talk, dynamodb: Any) -> None:
    checked_in(voice(talk, None), 3, 4).intent(intents.STOP)
    alex = checked_in(voice(talk, ALEX), 5)
    assert "delete" in alex.intent(intents.DELETE_DATA).speech
    before = table_items(dynamodb)

    yes = speaks(alex, None).intent(intents.YES)
    assert "deleted" not in yes.speech.lower()
    assert table_items(dynamodb) == before, "nobody's data is deleted"
    assert ratings_of(dynamodb, None) == {"connection": 3, "perspective": 4}
    assert ratings_of(dynamodb, ALEX) == {"connection": 5}


def test_a_passcode_one_voice_began_is_not_set_on_another_voices_profile(talk: Talk, dynamodb: Any) -> None:
    household = checked_in(voice(talk, None), 2)
    set_passcode(household)
    household.intent(intents.STOP)
    [profile_before] = [item for item in items_of(dynamodb, None) if item["sk"].endswith("PROFILE")]

    alex = voice(talk, ALEX)
    alex.launch()
    alex.intent(intents.SET_PASSCODE)
    alex.intent(intents.PASSCODE, code="1111")
    speaks(alex, None).intent(intents.PASSCODE, code="1111")
    [profile_after] = [item for item in items_of(dynamodb, None) if item["sk"].endswith("PROFILE")]
    assert profile_after["passcode"] == profile_before["passcode"], "the household's passcode is untouched"
    assert all("passcode" not in item for item in items_of(dynamodb, ALEX)), "nor was one set for Alex"


def test_an_unlock_never_comes_from_a_voice_without_a_passcode_nor_carries_to_another(
    talk: Talk, dynamodb: Any
) -> None:
    household = checked_in(voice(talk, None), 1, 1)
    set_passcode(household)
    household.intent(intents.STOP)

    session = voice(talk, None)
    session.launch()
    assert session.intent(intents.RECAP).speech == "Your recaps are protected. What's your passcode?"
    guess = speaks(session, ALEX).intent(intents.PASSCODE, code="0000")
    assert "rated" not in guess.speech and "protected" not in guess.speech
    again = speaks(session, None).intent(intents.RECAP)
    assert again.speech == "Your recaps are protected. What's your passcode?", "still locked for the household"
    assert "passcodeFailures" not in str(items_of(dynamodb, ALEX)), "Alex's guess counted nowhere"

    opened = session.intent(intents.PASSCODE, code=CODE)
    assert any(fragment in opened.speech for fragment in disclosing_fragments()), opened.speech
    sam = speaks(session, SAM).intent(intents.RECAP)
    assert sam.speech.startswith("There's nothing to recap yet."), "Sam hears only Sam's (empty) recap"
    back = speaks(session, None).intent(intents.RECAP)
    assert back.speech == "Your recaps are protected. What's your passcode?", "the unlock went with the voice"


def test_answers_waiting_for_the_table_land_only_in_the_scope_that_gave_them(
    talk: Talk, handler: Handler, dynamodb: Any
) -> None:
    alex = checked_in(voice(talk, ALEX), 4)
    alex.handler = skill_on(CheckInStore("no-such-table", dynamodb))
    kept = alex.rate(2)
    assert kept.speech.startswith("I couldn't save that just now")
    assert alex.attributes["pending"], "the answer waits in the session"

    alex.handler = handler
    speaks(alex, SAM).intent(intents.HELP)
    assert ratings_of(dynamodb, ALEX) == {"connection": 4, "perspective": 2}, "Alex's answer landed in Alex's scope"
    assert ratings_of(dynamodb, SAM) == {}, "and nowhere else"
    assert all("#CHECKIN#" not in item["sk"] for item in items_of(dynamodb, SAM))


# --------------------------------------------------------------------------------------------------------------
# Every mode, every kind of answer: the other voice starts afresh


SPEAKER_CHANGES = [(ALEX, None), (None, SAM), (ALEX, SAM)]
ANSWERS: list[tuple[str, dict[str, Any]]] = [
    (intents.YES, {}),
    (intents.NO, {}),
    (intents.RATE, {"rating": "4"}),
    (intents.SIGN_NAME, sign_slot("hope")),
    (intents.PASSCODE, {"code": CODE}),
    (intents.SKIP, {}),
    (intents.PREVIOUS, {}),
    (intents.REPEAT, {}),
    (intents.RECAP, {}),
    (intents.TREND, sign_slot("hope")),
    (intents.DELETE_DATA, {}),
]
FIRST_VOICE_SIGN = 6
"""The first voice is in the middle of sign seven: its number and name must never reach the second voice."""


def first_voices_state(person: str | None, mode: Mode) -> dict[str, Any]:
    answers = WeekAnswers("2026-W48", ratings=dict.fromkeys(SIGN_IDS[:FIRST_VOICE_SIGN], 5))
    state = SessionState(
        owner=UserKey.from_ids(ACCOUNT, person).session_owner,
        mode=mode,
        index=FIRST_VOICE_SIGN,
        answers=answers,
        recap_unlocked=True,
        return_mode=Mode.RATING if mode in DETOURS else None,
    )
    return state.to_attributes()


@pytest.fixture(scope="module")
def seeded_weeks(moto_dynamodb: Any, alexa_api_server: FakeAlexaApi) -> dict[str | None, list[dict[str, Any]]]:
    """Each first voice's stored items after a real check-in of its own last week (only fives), made once per
    module through the handler and copied back into the table by :func:`seeded` for every test."""
    talk = talking(skill_on(CheckInStore(TABLE_NAME, build_client())))
    stored: dict[str | None, list[dict[str, Any]]] = {}
    for person in {first for first, _ in SPEAKER_CHANGES}:
        conversation = voice(talk, person)
        conversation.now = MONDAY_NOON - timedelta(weeks=1)
        checked_in(conversation, *([5] * 12))
        prefix = scope_of(person) + "#"
        stored[person] = [
            item for item in moto_dynamodb.scan(TableName=TABLE_NAME)["Items"] if item["sk"]["S"].startswith(prefix)
        ]
    empty_table(moto_dynamodb)
    return stored


def seeded(dynamodb: Any, seeded_weeks: dict[str | None, list[dict[str, Any]]], person: str | None) -> None:
    """Each voice with a stored week of its own: the first voice's check-in holds only fives."""
    for item in seeded_weeks[person]:
        dynamodb.put_item(TableName=TABLE_NAME, Item=item)


@pytest.mark.parametrize(("first", "second"), SPEAKER_CHANGES)
@pytest.mark.parametrize("mode", list(Mode))
def test_another_voice_mid_session_starts_afresh_in_every_mode(
    talk: Talk,
    dynamodb: Any,
    seeded_weeks: dict[str | None, list[dict[str, Any]]],
    first: str | None,
    second: str | None,
    mode: Mode,
) -> None:
    seeded(dynamodb, seeded_weeks, first)
    first_items = items_of(dynamodb, first)
    spoken_sign = speech_for("en-US").sign(SIGN_IDS[FIRST_VOICE_SIGN]).name
    for name, slots in ANSWERS:
        conversation = voice(talk, second)
        conversation.session_id = "amzn1.echo-api.session.shared"
        conversation.attributes = first_voices_state(first, mode)
        reply = conversation.intent(name, **slots)
        heard = " ".join((reply.speech, reply.reprompt, str(reply.card or "")))
        assert "sign seven" not in heard and spoken_sign not in heard, (name, heard)
        without_scale = re.sub(r"one to five|to five, very true", "", heard.lower())
        assert "five" not in without_scale, f"{name}: the first voice's fives were spoken: {heard}"
        assert not [fragment for fragment in disclosing_fragments() if fragment in heard], (name, heard)
        assert reply.attributes.get("owner") in (None, UserKey.from_ids(ACCOUNT, second).session_owner)
    # Read once, after every answer: what any of them wrote would still be there.
    assert items_of(dynamodb, first) == first_items, "an answer changed the first voice's data"
    assert all("#CHECKIN#2026-W48" not in item["sk"] for item in items_of(dynamodb, second))


# --------------------------------------------------------------------------------------------------------------
# One gate: with a passcode not given, nothing anywhere speaks or shows a past answer


def disclosing_fragments() -> list[str]:
    """The fixed words of every message that carries a past answer (recap and trend sentences)."""
    messages = speech_for("en-US").catalogue.messages
    templates: list[tuple[str, str]] = []
    for key, message in messages.items():
        forms = message.forms if isinstance(message, Plural) else message if isinstance(message, tuple) else (message,)
        templates.extend((key, form) for form in forms)
    fragments = []
    for key, template in templates:
        carries_a_rating = re.search(r"\{(value|before|after|first|latest|rated)", template)
        if not key.startswith(("recap_", "trend_")) or not carries_a_rating:
            continue
        fixed = max(re.split(r"\{[^}]+\}", template), key=len).strip()
        if len(fixed) >= 8:
            fragments.append(fixed)
    return fragments


RATING_ON_CARD = re.compile(r":\s*[1-5]\b|\b[1-5]\s*\(")


@pytest.fixture
def protected_history(talk: Talk, dynamodb: Any) -> Device:
    """The household's own scope: three weeks of check-ins and a passcode."""
    household = voice(talk, None)
    for weeks_ago, value in ((2, 2), (1, 3)):
        household.now = MONDAY_NOON - timedelta(weeks=weeks_ago)
        checked_in(household, *([value] * 12))
    household.now = MONDAY_NOON
    checked_in(household, 4, 4, 4)
    set_passcode(household)
    household.intent(intents.STOP)
    return household.device


def every_request() -> Iterator[tuple[str, dict[str, Any]]]:
    for name in sorted(intents.HANDLED_INTENTS - {intents.CRISIS}):
        yield name, {}
    yield intents.RATE, {"rating": "4"}
    yield intents.TREND, sign_slot("boundaries")
    yield intents.SIGN_NAME, sign_slot("boundaries")
    yield intents.CHANGE_ANSWER, sign_slot("boundaries")


WRITES = frozenset({"UpdateItem", "PutItem", "DeleteItem", "BatchWriteItem"})


def test_the_gate_stands_before_every_past_answer_in_every_mode(
    talk: Talk, dynamodb: Any, protected_history: Device, faults: FaultInjector
) -> None:
    fragments = disclosing_fragments()
    stored = dynamodb.scan(TableName=TABLE_NAME)["Items"]
    assert len(fragments) >= 10, "the check below knows what a disclosure sounds like"
    owner = UserKey.from_ids(ACCOUNT).session_owner
    answers = WeekAnswers("2026-W48", ratings={"connection": 4, "perspective": 4, "relationships": 4})
    checked = 0
    # Yes in CONFIRM_DELETE really deletes the household's data and passcode: that mode goes last.
    for mode in sorted(Mode, key=lambda mode: mode is Mode.CONFIRM_DELETE):
        for name, slots in every_request():
            conversation = talk(protected_history)
            conversation.session_id = "amzn1.echo-api.session.gate"
            conversation.attributes = SessionState(
                owner=owner, mode=mode, index=3, answers=answers, return_mode=Mode.RATING if mode in DETOURS else None
            ).to_attributes()
            calls_before = len(faults.calls)
            reply: Reply = conversation.intent(name, **slots)
            heard = " ".join((reply.speech, reply.reprompt))
            assert not [fragment for fragment in fragments if fragment in heard], (mode, name, heard)
            card_text = str((reply.card or {}).get("text", ""))
            assert not RATING_ON_CARD.search(card_text), (mode, name, card_text)
            assert not reply.directives, (mode, name, "no chart")
            checked += 1
            if WRITES.intersection(faults.calls[calls_before:]):
                # The request changed the household's data (a deletion confirmed, a passcode removed with the
                # passcode, a try counted): put it back, so every request meets the same protected history.
                empty_table(dynamodb)
                for item in stored:
                    dynamodb.put_item(TableName=TABLE_NAME, Item=item)
    assert checked > 300
