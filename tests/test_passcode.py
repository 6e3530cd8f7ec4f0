"""The optional recap passcode: set and confirmed by voice, kept only as a slow salted hash, asked before any
recap or trend, locked after three wrong tries (fifteen minutes, then an hour, then a day) by the server's clock,
never needed for a check-in, and, when forgotten, an honest way out instead of a loop."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device, resolved_slot
from tests.conftest import MONDAY_NOON, ratings_in_table, stored_data, table_items
from tests.test_reminders import offers_reminder
from tests.test_shared_home import disclosing_fragments
from therapy_checkin.domain.passcode import (
    SALT_BYTES,
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    PasscodeHash,
    hash_passcode,
    parse_code,
)

Talk = Callable[..., Conversation]

CODE = "4821"
SPOKEN_CODE = "four eight two one"
WRONG = "1379"
ASKED = "Your recaps are protected. What's your passcode?"
PROTECTED = "Your recap is protected by your passcode. To hear it, say: how am I doing."


class ServerClock:
    """The skill's server clock (``therapy_checkin.clock.server_now``), moved by the test, never by sleeping."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def server_clock(monkeypatch: pytest.MonkeyPatch) -> ServerClock:
    """Server time starts where the conversations' request time starts, and moves only when a test says so."""
    clock = ServerClock(MONDAY_NOON)
    monkeypatch.setattr("therapy_checkin.clock.server_now", clock)
    return clock


def set_passcode(conversation: Conversation, code: str = CODE) -> Reply:
    conversation.intent("SetPasscodeIntent")
    conversation.intent("PasscodeIntent", code=code)
    return conversation.intent("PasscodeIntent", code=code)


def profile(dynamodb: Any) -> dict[str, Any]:
    profiles = [item for item in table_items(dynamodb) if item["sk"].endswith("#PROFILE")]
    assert len(profiles) == 1
    return profiles[0]


def with_passcode(talk: Talk) -> Conversation:
    """A user who has visited once and set a passcode; the next request starts a new session."""
    conversation = talk()
    conversation.launch()
    done = set_passcode(conversation)
    assert done.speech.startswith("Your passcode is set.")
    assert done.speech.endswith("Would you like to start your check-in now?"), "back to the offer"
    assert conversation.intent("AMAZON.NoIntent").ends_session
    return conversation


def rated(conversation: Conversation, *values: int) -> Conversation:
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    for value in values:
        conversation.rate(value)
    return conversation


def assert_asks_passcode(reply: Reply) -> None:
    assert reply.speech == ASKED
    assert reply.reprompt == "What's your four-digit passcode?"
    assert not reply.ends_session


PRIVATE_CARD = {
    "type": "Standard",
    "title": "Therapy Check-In",
    "text": "Your ratings are private, so they aren't shown here. To hear them, open Therapy Check-In and say: "
    "how am I doing.",
}


def assert_is_recap(reply: Reply) -> None:
    """A recap read aloud once the passcode is given; the card, seen by the whole household, holds no rating."""
    assert reply.card == PRIVATE_CARD
    assert any(fragment in reply.speech for fragment in disclosing_fragments()), reply.speech


def test_setting_a_passcode_stores_only_a_slow_salted_hash(talk: Talk, dynamodb: Any) -> None:
    """ "Alexa, ask therapy check in to set a passcode", as the very first request."""
    conversation = talk()
    ask = conversation.intent("SetPasscodeIntent")
    assert ask.speech == (
        "Let's set a passcode for your recaps. Please say four digits you'll remember, but not a PIN you use "
        "anywhere else."
    )
    assert ask.reprompt and not ask.ends_session
    again = conversation.intent("PasscodeIntent", code=CODE)
    assert again.speech == "Thanks. Please say it once more to confirm."
    assert table_items(dynamodb) == [], "nothing is stored before the confirmation"
    draft = again.attributes["passcodeDraft"]
    assert set(draft) == {"salt", "hash"}, "between the two entries the session holds a hash, not the digits"
    done = conversation.intent("PasscodeIntent", code=CODE)
    assert done.speech == (
        "Your passcode is set. I'll ask for it before reading your recaps. Check-ins never need it. "
        "Whenever you're ready, just say: open therapy check in. Take care."
    ), "no second Okay. after the passcode is set"
    assert done.ends_session

    stored = profile(dynamodb)["passcode"]
    assert stored["alg"] == "scrypt"
    assert (int(stored["n"]), int(stored["r"]), int(stored["p"])) == (SCRYPT_N, SCRYPT_R, SCRYPT_P) == (2**13, 8, 1)
    salt, digest = bytes(stored["salt"]), bytes(stored["hash"])
    assert len(salt) == SALT_BYTES and len(digest) == 32
    assert CODE.encode() not in salt + digest and CODE not in json.dumps(profile(dynamodb), default=repr)
    assert hash_passcode(CODE, salt).digest == digest
    assert hash_passcode(WRONG, salt).digest != digest
    first_visit = conversation.launch()
    assert "Welcome to Therapy Check-In" in first_visit.speech and "not a therapist" in first_visit.speech
    assert "passcode" in profile(dynamodb)


def test_a_mismatch_starts_over_kindly_and_stores_nothing(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    conversation.intent("SetPasscodeIntent")
    conversation.intent("PasscodeIntent", code=CODE)
    mismatch = conversation.intent("PasscodeIntent", code=WRONG)
    assert mismatch.speech == (
        "Those didn't match, and that's okay. Let's start over. Please say four digits for your passcode."
    )
    assert not mismatch.ends_session
    assert "passcodeDraft" not in mismatch.attributes
    assert "passcode" not in profile(dynamodb)
    conversation.intent("PasscodeIntent", code=WRONG)
    assert conversation.intent("PasscodeIntent", code=WRONG).speech.startswith("Your passcode is set.")
    assert hash_passcode(WRONG, bytes(profile(dynamodb)["passcode"]["salt"])).digest == bytes(
        profile(dynamodb)["passcode"]["hash"]
    )


def test_digits_heard_as_a_rating_count_as_the_passcode(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    conversation.intent("SetPasscodeIntent")
    conversation.rate(CODE)
    assert conversation.rate(CODE).speech.startswith("Your passcode is set.")
    rated(conversation, 3)
    assert_asks_passcode(conversation.intent("RecapIntent"))
    assert_is_recap(conversation.rate(CODE))
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 3}], "the digits were never a rating"


@pytest.mark.parametrize("said", ["1 2 3 4", "one two three four", "1234", "one thousand two hundred thirty four"])
def test_four_digits_said_one_at_a_time_are_the_passcode(talk: Talk, dynamodb: Any, said: str) -> None:
    """As Alexa sends them, through the interaction model: a four-digit number, whichever way it was said."""
    from devtools.nlu import understanding

    heard = understanding("en-US").resolve_in_session(said)
    assert heard.intent == "PasscodeIntent" and heard.slots == {"code": "1234"}, heard.describe()
    conversation = talk()
    conversation.launch()
    conversation.intent("SetPasscodeIntent")
    assert conversation.intent("PasscodeIntent", **heard.slots).speech == "Thanks. Please say it once more to confirm."
    assert conversation.intent("PasscodeIntent", **heard.slots).speech.startswith("Your passcode is set.")
    assert hash_passcode("1234", bytes(profile(dynamodb)["passcode"]["salt"])).digest == bytes(
        profile(dynamodb)["passcode"]["hash"]
    )


@pytest.mark.parametrize(
    ("intent", "slots"), [("PasscodeIntent", {"code": "1 2 3 4"}), ("RateIntent", {"rating": "1234"})]
)
def test_four_digits_in_either_slot_alexa_may_fill(
    talk: Talk, dynamodb: Any, intent: str, slots: dict[str, str]
) -> None:
    conversation = talk()
    conversation.launch()
    conversation.intent("SetPasscodeIntent")
    conversation.intent(intent, **slots)
    assert conversation.intent(intent, **slots).speech.startswith("Your passcode is set.")


@pytest.mark.parametrize("heard", ["123", "12345", "banana", "?", "", "4 8 2"])
def test_anything_but_four_digits_is_asked_again_and_never_counts(talk: Talk, dynamodb: Any, heard: str) -> None:
    conversation = rated(with_passcode(talk), 2)
    conversation.intent("RecapIntent")
    reply = conversation.intent("PasscodeIntent", code=heard)
    assert reply.speech == "I need exactly four digits. Please say them one at a time."
    assert not reply.ends_session
    assert "passcodeFailures" not in profile(dynamodb)
    assert_is_recap(conversation.intent("PasscodeIntent", code=CODE))


def test_a_recap_waits_for_the_passcode_and_the_session_stays_unlocked(talk: Talk, dynamodb: Any) -> None:
    conversation = rated(with_passcode(talk), 2, 4, 3)
    assert_asks_passcode(conversation.intent("RecapIntent"))
    recap = conversation.intent("PasscodeIntent", code=CODE)
    assert_is_recap(recap)
    assert "feeling connected to your therapist" in recap.speech, "the lowest of the three signs rated"
    assert recap.speech.endswith("Shall we carry on with your check-in?")
    assert_is_recap(conversation.intent("RecapIntent"))
    resumed = conversation.intent("AMAZON.YesIntent")
    assert "Sign four of twelve" in resumed.speech
    conversation.rate(5)
    assert list(ratings_in_table(dynamodb).values()) == [
        {"connection": 2, "perspective": 4, "relationships": 3, "boundaries": 5}
    ]
    conversation.intent("AMAZON.StopIntent")
    assert_asks_passcode(conversation.intent("RecapIntent"))  # a new session asks again


def test_check_ins_never_need_the_passcode_and_the_end_does_not_read_the_recap(talk: Talk, dynamodb: Any) -> None:
    conversation = with_passcode(talk)
    last = rated(conversation, *[5] * 12).history[-1]
    assert offers_reminder(last)
    assert last.speech.startswith("That's all twelve. Thank you for taking this time.")
    assert PROTECTED in last.speech
    assert "five" not in last.speech and "rating" not in last.speech
    assert last.card is None
    assert len(next(iter(ratings_in_table(dynamodb).values()))) == 12


def test_the_end_of_a_check_in_stays_private_when_the_table_cannot_be_read(
    talk: Talk, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from therapy_checkin.storage import CheckInStore, StorageUnavailable

    conversation = rated(with_passcode(talk), *[4] * 11)

    def unreadable(*args: Any, **kwargs: Any) -> Any:
        raise StorageUnavailable("query", "InternalServerError")

    monkeypatch.setattr(CheckInStore, "load_history", unreadable)
    last = conversation.rate(4)
    assert PROTECTED in last.speech
    assert "four" not in last.speech


def test_yes_to_hearing_the_recap_waits_for_the_passcode(talk: Talk, dynamodb: Any) -> None:
    conversation = with_passcode(talk)
    rated(conversation, *[3] * 12)
    assert conversation.launch().speech.endswith("Would you like to hear how it went?")
    assert_asks_passcode(conversation.intent("AMAZON.YesIntent"))
    recap = conversation.intent("PasscodeIntent", code=CODE)
    assert_is_recap(recap)
    assert "You gave every sign you rated a three" in recap.speech


def test_last_week_and_trends_wait_for_the_passcode(talk: Talk, dynamodb: Any) -> None:
    conversation = with_passcode(talk)
    rated(conversation, 2, 2)
    conversation.intent("AMAZON.StopIntent")
    conversation.advance(weeks=1)
    rated(conversation, 4, 4)

    assert_asks_passcode(conversation.intent("LastWeekRecapIntent"))
    last_week = conversation.intent("PasscodeIntent", code=CODE)
    assert_is_recap(last_week)
    assert last_week.speech.startswith("Here's your previous check-in.")
    conversation.intent("AMAZON.StopIntent")

    hope = resolved_slot("connection", [("feeling connected to your therapist", "connection")], "SIGN")
    assert_asks_passcode(conversation.intent("TrendIntent", sign=hope))
    trend = conversation.intent("PasscodeIntent", code=CODE)
    assert "feeling connected to your therapist" in trend.speech
    assert "two" in trend.speech and "four" in trend.speech
    conversation.intent("AMAZON.StopIntent")

    assert_asks_passcode(conversation.intent("TrendIntent"))
    which = conversation.intent("PasscodeIntent", code=CODE)
    assert which.speech.startswith("Which sign would you like to hear about?")


def test_three_wrong_tries_lock_recaps_for_fifteen_minutes_but_not_check_ins(
    talk: Talk, dynamodb: Any, server_clock: ServerClock
) -> None:
    conversation = rated(with_passcode(talk), 3)
    conversation.intent("RecapIntent")
    first = conversation.intent("PasscodeIntent", code=WRONG)
    assert first.speech == "That's not it. You can try two more times. What's your passcode?"
    second = conversation.intent("PasscodeIntent", code="0000")
    assert second.speech == "That's not it. You can try once more. What's your passcode?"
    third = conversation.intent("PasscodeIntent", code="9999")
    assert third.speech.startswith(
        "That wasn't it either, so recaps are locked for fifteen minutes. Your check-ins still work as usual. "
        "If you've forgotten it, just say: I forgot my passcode."
    )
    assert "Sign two of twelve" in third.speech, "the check-in carries on"
    assert not third.ends_session
    stored = profile(dynamodb)
    assert int(stored["passcodeFailures"]) == 3 and "passcodeRound" not in stored
    assert datetime.fromisoformat(stored["passcodeLastTry"]) == MONDAY_NOON
    assert "Sign three of twelve" in conversation.rate(5).speech
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 3, "perspective": 5}]
    conversation.intent("AMAZON.StopIntent")

    server_clock.advance(minutes=1)
    locked = conversation.intent("RecapIntent")
    assert locked.speech.startswith("Recaps are locked for now, after too many tries. Please try again in about")
    assert "about 14 minutes" in locked.speech
    assert CODE not in locked.speech and locked.ends_session
    assert conversation.intent("RemovePasscodeIntent").speech.startswith("Recaps are locked for now")
    assert "Sign three of twelve" in rated(conversation).history[-1].speech, "a new session can still check in"
    conversation.intent("AMAZON.StopIntent")

    server_clock.advance(minutes=13, seconds=59)
    assert "about a minute" in conversation.intent("RecapIntent").speech
    server_clock.advance(seconds=1)
    assert_asks_passcode(conversation.intent("RecapIntent"))
    assert_is_recap(conversation.intent("PasscodeIntent", code=CODE))
    assert not {"passcodeFailures", "passcodeLastTry", "passcodeRound"} & set(profile(dynamodb))


def three_wrong(conversation: Conversation) -> Reply:
    """Ask for a recap in a new session and get the passcode wrong three times; the last reply."""
    conversation.end_session()
    conversation.intent("RecapIntent")
    for wrong in (WRONG, "0000", "9999"):
        last = conversation.intent("PasscodeIntent", code=wrong)
    return last


def assert_locked_for(reply: Reply, length: str) -> None:
    assert reply.speech.startswith(f"That wasn't it either, so recaps are locked for {length}.")
    assert "Your check-ins still work as usual." in reply.speech


def test_each_locked_round_in_a_row_locks_longer_until_the_right_passcode(
    talk: Talk, dynamodb: Any, server_clock: ServerClock
) -> None:
    """Fifteen minutes, then an hour, then a day for every further round: 9 guesses the first day, then 3."""
    conversation = rated(with_passcode(talk), 3)
    assert_locked_for(three_wrong(conversation), "fifteen minutes")
    server_clock.advance(minutes=15)
    assert_locked_for(three_wrong(conversation), "an hour")
    assert int(profile(dynamodb)["passcodeRound"]) == 1 and int(profile(dynamodb)["passcodeFailures"]) == 3

    server_clock.advance(minutes=59)
    early = conversation.intent("RecapIntent")
    assert early.speech.startswith("Recaps are locked for now") and "about a minute" in early.speech
    server_clock.advance(minutes=1)
    assert_locked_for(three_wrong(conversation), "a day")
    server_clock.advance(hours=23)
    assert "about an hour" in conversation.intent("RecapIntent").speech
    server_clock.advance(hours=1)
    assert_locked_for(three_wrong(conversation), "a day")
    assert int(profile(dynamodb)["passcodeRound"]) == 3

    server_clock.advance(hours=1)
    waiting = conversation.intent("RecapIntent")
    assert "about 23 hours" in waiting.speech
    server_clock.advance(hours=23)
    conversation.intent("RecapIntent")
    assert_is_recap(conversation.intent("PasscodeIntent", code=CODE))
    assert not {"passcodeFailures", "passcodeLastTry", "passcodeRound"} & set(profile(dynamodb))
    assert_locked_for(three_wrong(conversation), "fifteen minutes")  # the right passcode reset the escalation


def test_the_lock_follows_the_server_clock_not_the_time_a_request_claims(
    talk: Talk, dynamodb: Any, server_clock: ServerClock
) -> None:
    conversation = rated(with_passcode(talk), 3)
    three_wrong(conversation)
    conversation.end_session()
    conversation.advance(days=2)  # requests now claim to be sent two days later
    claimed = conversation.intent("RecapIntent")
    assert claimed.speech.startswith("Recaps are locked for now") and "about 15 minutes" in claimed.speech
    conversation.advance(days=-2)
    conversation.intent("RemovePasscodeIntent")
    assert "passcode" in profile(dynamodb)
    server_clock.advance(minutes=15)
    assert_asks_passcode(conversation.intent("RecapIntent"))
    assert_is_recap(conversation.intent("PasscodeIntent", code=CODE))


def test_a_replayed_passcode_question_dated_later_is_refused_uncompared(
    talk: Talk, dynamodb: Any, server_clock: ServerClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The passcode question's session, sent again after the lock with a later timestamp: refused, and the digits
    are never compared."""
    conversation = rated(with_passcode(talk), 3)
    conversation.end_session()
    asked = conversation.intent("RecapIntent").attributes
    assert asked["mode"] == "passcode_for_recap"
    three_wrong(conversation)
    conversation.end_session()

    compared: list[str] = []

    def matches(self: PasscodeHash, code: str) -> bool:
        compared.append(code)
        return True

    monkeypatch.setattr(PasscodeHash, "matches", matches)
    conversation.session_id, conversation.attributes = "amzn1.echo-api.session.replayed", asked
    conversation.advance(days=1)
    refused = conversation.intent("PasscodeIntent", code=CODE)
    assert refused.speech.startswith("Recaps are locked for now") and "about 15 minutes" in refused.speech
    assert compared == [] and int(profile(dynamodb)["passcodeFailures"]) == 3


def test_wrong_tries_count_across_sessions(talk: Talk, dynamodb: Any) -> None:
    conversation = rated(with_passcode(talk), 2)
    conversation.intent("AMAZON.StopIntent")
    for _ in range(2):
        conversation.intent("RecapIntent")
        conversation.intent("PasscodeIntent", code=WRONG)
        conversation.end_session()
    assert int(profile(dynamodb)["passcodeFailures"]) == 2
    conversation.intent("RecapIntent")
    locked = conversation.intent("PasscodeIntent", code=WRONG)
    assert locked.speech.startswith("That wasn't it either, so recaps are locked for fifteen minutes.")
    assert locked.ends_session


def test_the_right_passcode_clears_earlier_wrong_tries(talk: Talk, dynamodb: Any) -> None:
    conversation = rated(with_passcode(talk), 2)
    conversation.intent("RecapIntent")
    conversation.intent("PasscodeIntent", code=WRONG)
    conversation.intent("PasscodeIntent", code=WRONG)
    assert_is_recap(conversation.intent("PasscodeIntent", code=CODE))
    assert "passcodeFailures" not in profile(dynamodb)
    conversation.intent("AMAZON.StopIntent")
    conversation.intent("RecapIntent")
    conversation.intent("PasscodeIntent", code=WRONG)
    assert conversation.intent("PasscodeIntent", code=WRONG).speech.endswith("What's your passcode?")


def test_removing_the_passcode_needs_it(talk: Talk, dynamodb: Any) -> None:
    conversation = rated(with_passcode(talk), 4)
    ask = conversation.intent("RemovePasscodeIntent")
    assert ask.speech == "To turn off your passcode, please say it now."
    wrong = conversation.intent("PasscodeIntent", code=WRONG)
    assert wrong.speech.startswith("That's not it.")
    assert "passcode" in profile(dynamodb) and int(profile(dynamodb)["passcodeFailures"]) == 1
    kept = conversation.intent("AMAZON.NoIntent")
    assert kept.speech.startswith("Okay, your passcode stays on. Sign two of twelve")
    conversation.intent("RemovePasscodeIntent")
    removed = conversation.intent("PasscodeIntent", code=CODE)
    assert removed.speech.startswith("Your passcode is off. Your recaps are no longer protected. Sign two of twelve")
    assert not {"passcode", "passcodeFailures", "passcodeLockedUntil"} & set(profile(dynamodb))
    open_again = conversation.intent("RecapIntent")
    assert open_again.card is not None and open_again.card["title"] == "Your weekly recap", "no passcode: ratings shown"
    assert any(fragment in open_again.speech for fragment in disclosing_fragments()), open_again.speech


def test_setting_when_one_exists_and_removing_when_there_is_none(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    none = conversation.intent("RemovePasscodeIntent")
    assert none.speech.startswith("You don't have a passcode set. To set one, say: set a passcode.")
    assert none.speech.endswith("Would you like to start your check-in now?")
    conversation.intent("AMAZON.NoIntent")
    set_passcode(conversation)
    before = profile(dynamodb)["passcode"]
    exists = conversation.intent("SetPasscodeIntent")
    assert exists.speech.startswith("You already have a passcode. To change it, first say: remove my passcode.")
    assert conversation.intent("PasscodeIntent", code=WRONG).speech != "Thanks. Please say it once more to confirm."
    assert profile(dynamodb)["passcode"] == before


def test_no_while_the_passcode_is_asked_goes_back_to_the_check_in(talk: Talk, dynamodb: Any) -> None:
    conversation = rated(with_passcode(talk), 1, 2)
    conversation.intent("RecapIntent")
    declined = conversation.intent("AMAZON.NoIntent")
    assert declined.speech.startswith("Okay, no recap for now. Sign three of twelve: warmer relationships.")
    assert "Sign four of twelve" in conversation.rate(3).speech


def test_other_words_while_the_passcode_is_asked_ask_again_and_stop_changes_nothing(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    conversation.intent("SetPasscodeIntent")
    for stray in ("AMAZON.HelpIntent", "RecapIntent", "DeleteDataIntent", "AMAZON.FallbackIntent"):
        reply = conversation.intent(stray)
        assert reply.speech == "Which four digits would you like for your passcode?"
    conversation.intent("PasscodeIntent", code=CODE)
    assert conversation.intent("AMAZON.StopIntent").ends_session
    assert "passcode" not in profile(dynamodb)


def test_the_passcode_never_reaches_logs_replies_or_the_session(
    talk: Talk, dynamodb: Any, logged: Callable[[], list[str]]
) -> None:
    conversation = rated(talk(), 3)
    set_passcode(conversation)
    rated(conversation, 4)
    conversation.intent("RecapIntent")
    conversation.intent("PasscodeIntent", code=WRONG)
    conversation.rate(CODE)
    conversation.intent("RemovePasscodeIntent")
    conversation.intent("PasscodeIntent", code=SPOKEN_CODE)
    for reply in conversation.history:
        heard = " ".join((reply.speech, reply.reprompt, json.dumps(reply.card), json.dumps(reply.attributes)))
        for secret in (CODE, WRONG, SPOKEN_CODE, "4 8 2 1"):
            assert secret not in heard
    lines = logged()
    assert sum('"message":"Request"' in line for line in lines) >= 10, "the logs were captured"
    for line in lines:
        assert_no_code_in(json.loads(line) if line.startswith("{") else line)


def assert_no_code_in(value: Any) -> None:
    """No passcode digits anywhere in a log record (random IDs are taken out first: they may hold any digits)."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert_no_code_in(key)
            assert_no_code_in(item)
    elif isinstance(value, list):
        for item in value:
            assert_no_code_in(item)
    else:
        text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{12,}\b", "", str(value))
        for secret in (CODE, WRONG, SPOKEN_CODE):
            assert secret not in text, f"passcode in the logs: {text[:80]}"


@pytest.mark.parametrize(
    ("heard", "code"),
    [
        ("4821", "4821"),
        ("48 21", "4821"),
        ("four eight two one", "4821"),
        ("oh oh seven one", "0071"),
        ("0071", "0071"),
        ("482", None),
        ("48211", None),
        ("?", None),
        (None, None),
        ("forty eight twenty one", None),
        ("٤٨٢١", None),
    ],
)
def test_four_digits_are_read_from_what_alexa_heard(heard: str | None, code: str | None) -> None:
    assert parse_code(heard) == code


def test_each_hash_has_its_own_salt_and_checks_only_its_code() -> None:
    first, second = hash_passcode(CODE), hash_passcode(CODE)
    assert first.salt != second.salt and first.digest != second.digest
    assert first.matches(CODE) and second.matches(CODE)
    assert not first.matches(WRONG)


def test_a_device_without_a_voice_profile_and_one_with_have_separate_passcodes(talk: Talk, dynamodb: Any) -> None:
    account = Device().user_id
    shared = talk(Device(user_id=account))
    shared.launch()
    set_passcode(shared)
    person = talk(Device(user_id=account, person_id="amzn1.ask.person.ALEX"))
    assert person.intent("RecapIntent").speech.startswith("There's nothing to recap yet.")
    assert_asks_passcode(shared.intent("RecapIntent"))


# --------------------------------------------------------------------------------------------------------------
# "I forgot my passcode"

FORGOT = (
    "I'm sorry. A passcode can't be reset by voice, since I can't be sure who's speaking. Your check-ins still "
    "work. To start fresh, the account holder can disable the skill in the Alexa app. I've sent the steps there."
)


def assert_explains_forgotten_passcode(reply: Reply) -> None:
    """An honest answer, and no way for anyone in the room to wipe the data: the steps go to the Alexa app."""
    assert reply.speech.startswith(FORGOT)
    assert reply.card is not None and reply.card["title"] == "Forgot your passcode?"
    assert "Disable Skill" in reply.card["content"] and "delete" in reply.card["content"]
    assert reply.attributes.get("mode") != "confirm_delete"


def test_forgetting_the_passcode_explains_and_carries_on_without_offering_a_wipe(talk: Talk, dynamodb: Any) -> None:
    conversation = rated(with_passcode(talk), 2, 4)
    conversation.intent("RecapIntent")
    conversation.intent("PasscodeIntent", code=WRONG)
    before = profile(dynamodb)
    forgot = conversation.intent("ForgotPasscodeIntent")
    assert_explains_forgotten_passcode(forgot)
    assert "Sign three of twelve" in forgot.speech and not forgot.ends_session, "back to the check-in"
    assert conversation.intent("AMAZON.YesIntent").speech, "a yes now deletes nothing"
    assert "Sign four of twelve" in conversation.rate(5).speech
    assert profile(dynamodb)["passcode"] == before["passcode"] and int(profile(dynamodb)["passcodeFailures"]) == 1
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 2, "perspective": 4, "relationships": 5}]


def test_deleting_data_needs_the_passcode_and_a_wrong_one_deletes_nothing(talk: Talk, dynamodb: Any) -> None:
    conversation = rated(with_passcode(talk), 2)
    conversation.intent("AMAZON.StopIntent")
    conversation.launch()
    asked = conversation.intent("DeleteDataIntent")
    assert asked.speech == "Your data is protected. To delete it, first say your passcode."
    assert asked.reprompt == "What's your four-digit passcode?"
    wrong = conversation.intent("PasscodeIntent", code=WRONG)
    assert wrong.speech.startswith("That's not it. You can try two more times.")
    assert conversation.intent("AMAZON.YesIntent").speech == "What's your four-digit passcode?", "yes is no passcode"
    assert "passcode" in profile(dynamodb) and ratings_in_table(dynamodb) != {}, "nothing deleted"
    confirm = conversation.intent("PasscodeIntent", code=CODE)
    assert confirm.speech == (
        "This deletes all your check-ins, ratings, and settings, and it can't be undone. Shall I delete everything?"
    )
    deleted = conversation.intent("AMAZON.YesIntent")
    assert deleted.speech.startswith("Done. I've deleted all your check-ins") and deleted.ends_session
    assert stored_data(dynamodb) == []


def test_three_wrong_passcodes_lock_deletion_too(talk: Talk, dynamodb: Any) -> None:
    conversation = rated(with_passcode(talk), 2)
    conversation.intent("AMAZON.StopIntent")
    conversation.launch()
    conversation.intent("DeleteDataIntent")
    conversation.intent("PasscodeIntent", code=WRONG)
    conversation.intent("PasscodeIntent", code=WRONG)
    conversation.intent("PasscodeIntent", code=WRONG)
    again = conversation.intent("DeleteDataIntent")
    assert again.speech.startswith("Your data is protected, and the passcode is locked for about 15 minutes")
    assert "passcode" in profile(dynamodb) and ratings_in_table(dynamodb) != {}


def test_no_to_the_passcode_before_deleting_keeps_everything(talk: Talk, dynamodb: Any) -> None:
    conversation = rated(with_passcode(talk), 2)
    conversation.intent("DeleteDataIntent")
    kept = conversation.intent("AMAZON.NoIntent")
    assert kept.speech.startswith("Okay, I haven't deleted anything. Sign two of twelve")
    assert ratings_in_table(dynamodb) != {}


def test_a_session_that_gave_the_passcode_for_a_recap_is_asked_only_to_confirm(talk: Talk, dynamodb: Any) -> None:
    conversation = rated(with_passcode(talk), 2)
    conversation.intent("RecapIntent")
    conversation.intent("PasscodeIntent", code=CODE)
    assert conversation.intent("DeleteDataIntent").speech.startswith("This deletes all your check-ins")


def test_a_confirmation_never_deletes_guarded_data_without_the_passcode(talk: Talk, dynamodb: Any) -> None:
    """A session asked to confirm before a passcode was set elsewhere: its yes asks for the passcode instead."""
    first = talk()
    first.launch()
    first.intent("AMAZON.YesIntent")
    first.rate(3)
    assert first.intent("DeleteDataIntent").speech.startswith("This deletes all your check-ins")
    second = talk(first.device)
    second.launch()
    set_passcode(second)
    guarded = first.intent("AMAZON.YesIntent")
    assert guarded.speech == "Your data is protected. To delete it, first say your passcode."
    assert ratings_in_table(dynamodb) != {} and "passcode" in profile(dynamodb)


def test_setting_a_passcode_never_replaces_one_set_meanwhile_on_another_device(talk: Talk, dynamodb: Any) -> None:
    kitchen = talk()
    kitchen.launch()
    kitchen.intent("SetPasscodeIntent")
    kitchen.intent("PasscodeIntent", code=CODE)
    bedroom = talk(kitchen.device)
    bedroom.launch()
    assert set_passcode(bedroom, WRONG).speech.startswith("Your passcode is set.")
    late = kitchen.intent("PasscodeIntent", code=CODE)
    assert late.speech.startswith("A passcode was set for you on another device just now, so I've kept that one.")
    kitchen.intent("AMAZON.StopIntent")
    kitchen.launch()
    kitchen.intent("RecapIntent")
    assert kitchen.intent("PasscodeIntent", code=WRONG).speech != ASKED, "the bedroom's passcode opens recaps"


def test_forgetting_works_while_locked_and_in_the_middle_of_setting_one(
    talk: Talk, dynamodb: Any, server_clock: ServerClock
) -> None:
    conversation = rated(with_passcode(talk), 2)
    three_wrong(conversation)
    assert_explains_forgotten_passcode(conversation.intent("ForgotPasscodeIntent"))

    newcomer = talk()
    newcomer.launch()
    nothing = newcomer.intent("ForgotPasscodeIntent")
    assert nothing.speech.startswith(
        "That's okay. You don't have a passcode set, so there's nothing to remember. Would you like to start"
    )
    newcomer.intent("SetPasscodeIntent")
    newcomer.intent("PasscodeIntent", code=CODE)
    over = newcomer.intent("ForgotPasscodeIntent")
    assert over.speech == "That's okay. Let's start over. Please say four digits you'll remember."
    assert "passcodeDraft" not in over.attributes
    newcomer.intent("PasscodeIntent", code=WRONG)
    assert newcomer.intent("PasscodeIntent", code=WRONG).speech.startswith("Your passcode is set.")
