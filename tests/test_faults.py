"""DynamoDB failing at every call the skill makes: the user hears the truth, and nothing said is lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devtools.conversation import Conversation
from devtools.envelopes import Device
from tests.conftest import FAULTS, FaultInjector, ratings_in_table, table_items

Talk = Callable[..., Conversation]


def started(talk: Talk) -> Conversation:
    conversation = talk()
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    return conversation


def stored(dynamodb: Any) -> dict[str, int]:
    values = list(ratings_in_table(dynamodb).values())
    return values[0] if values else {}


@pytest.mark.parametrize("fault", FAULTS)
def test_rating_kept_and_written_on_the_next_turn(talk: Talk, dynamodb: Any, faults: FaultInjector, fault: str) -> None:
    conversation = started(talk)
    conversation.rate(4)
    faults.fail("UpdateItem", fault)
    reply = conversation.rate(2)
    assert reply.speech.startswith("I couldn't save that just now; I'll keep it and try again. Sign three of twelve")
    assert "saved" not in reply.speech.replace("couldn't save", "")
    assert not reply.ends_session and reply.reprompt
    assert stored(dynamodb) == {"connection": 4}
    assert [write["sign"] for write in conversation.attributes["pending"]] == ["perspective"]
    faults.recover()
    reply = conversation.rate(5)
    assert reply.speech.startswith("Everything you've said is saved now. Thanks. Sign four of twelve")
    assert stored(dynamodb) == {"connection": 4, "perspective": 2, "relationships": 5}
    assert "pending" not in conversation.attributes


def test_the_apology_is_said_once_then_the_check_in_carries_on_and_saved_once(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    conversation = started(talk)
    faults.fail("UpdateItem", "throttled")
    first = conversation.rate(4)
    assert first.speech.startswith("I couldn't save that just now; I'll keep it and try again. Sign two of twelve")
    later = [conversation.rate(3), conversation.intent("SkipIntent"), conversation.rate(2)]
    for reply in later:
        assert "save" not in reply.speech, reply.speech
        assert not reply.ends_session and reply.reprompt
    assert stored(dynamodb) == {}
    assert len(conversation.attributes["pending"]) == 4
    faults.recover()
    recovered = conversation.rate(5)
    assert recovered.speech.startswith("Everything you've said is saved now.")
    assert "Sign six of twelve" in recovered.speech
    assert stored(dynamodb) == {"connection": 4, "perspective": 3, "boundaries": 2, "feelings": 5}
    after = conversation.rate(4)
    assert "saved" not in after.speech
    faults.fail("UpdateItem", "throttled")
    again = conversation.rate(3)
    assert again.speech.startswith("I couldn't save that just now"), "a new outage is told once more"


def test_answers_given_while_the_table_is_down_land_when_the_user_stops(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    conversation = started(talk)
    faults.fail("UpdateItem", "throttled")
    conversation.rate(1)
    conversation.intent("SkipIntent")
    conversation.rate(3)
    assert stored(dynamodb) == {}
    faults.recover()
    stop = conversation.intent("AMAZON.StopIntent")
    assert "Everything you've said is saved" in stop.speech
    item = next(item for item in table_items(dynamodb) if "#CHECKIN#" in item["sk"])
    assert item["skipped"] == {"perspective"}
    assert stored(dynamodb) == {"connection": 1, "relationships": 3}


def test_pending_answers_land_when_the_session_ends_on_its_own(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    conversation = started(talk)
    faults.fail("UpdateItem", "server error")
    conversation.rate(2)
    faults.recover()
    conversation.end_session("EXCEEDED_MAX_REPROMPTS")
    assert stored(dynamodb) == {"connection": 2}


def test_never_says_saved_when_the_table_stays_down(talk: Talk, dynamodb: Any, faults: FaultInjector) -> None:
    conversation = started(talk)
    conversation.rate(3)
    faults.fail("UpdateItem", "read timeout")
    conversation.rate(4)
    stop = conversation.intent("AMAZON.StopIntent")
    assert stop.ends_session
    assert "saved" not in stop.speech.replace("couldn't save", "")
    assert "I couldn't save your latest answers just now" in stop.speech
    assert stored(dynamodb) == {"connection": 3}


def test_completion_while_the_table_is_down_is_honest(talk: Talk, dynamodb: Any, faults: FaultInjector) -> None:
    conversation = started(talk)
    for _ in range(11):
        conversation.rate(3)
    faults.fail("UpdateItem", "access denied")
    last = conversation.rate(5)
    assert "I couldn't save some of your answers just now" in last.speech
    assert last.speech.endswith("Want to hear your recap?"), "the apology leaves no room in the turn"
    assert last.card is not None
    assert "Accepting the work goes on: 5" in last.card["text"], "the summary reflects what the user said"
    summary = conversation.intent("AMAZON.YesIntent")
    assert "starting point" in summary.speech and not summary.ends_session
    assert "ongoing_work" not in stored(dynamodb)


@pytest.mark.parametrize("fault", FAULTS)
def test_launch_when_the_table_cannot_be_read(talk: Talk, dynamodb: Any, faults: FaultInjector, fault: str) -> None:
    faults.fail("Query", fault)
    reply = talk().launch()
    assert reply.speech == "I can't reach your check-ins just now. Please try again in a few minutes."
    assert reply.ends_session


def test_first_launch_when_the_profile_cannot_be_written(talk: Talk, dynamodb: Any, faults: FaultInjector) -> None:
    faults.fail("UpdateItem", "throttled")
    reply = talk().launch()
    assert reply.speech == "I can't reach your check-ins just now. Please try again in a few minutes."
    assert table_items(dynamodb) == []


def test_a_turn_makes_one_call_at_most_while_the_table_is_down(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    conversation = started(talk)
    faults.fail("UpdateItem", "read timeout")
    for value in (1, 2, 3):
        conversation.rate(value)
    assert len(conversation.attributes["pending"]) == 3
    faults.calls.clear()
    conversation.rate(4)
    assert faults.calls == ["UpdateItem"], "one failed call is enough: the rest wait for the next turn"
    assert len(conversation.attributes["pending"]) == 4
    faults.recover()
    conversation.intent("AMAZON.RepeatIntent")
    assert stored(dynamodb) == {"connection": 1, "perspective": 2, "relationships": 3, "boundaries": 4}


def test_a_late_write_never_overwrites_a_newer_answer(talk: Talk, dynamodb: Any, faults: FaultInjector) -> None:
    conversation = started(talk)
    faults.fail("UpdateItem", "throttled")
    conversation.rate(1)
    faults.recover()
    conversation.intent("AMAZON.PreviousIntent")
    conversation.rate(5)
    assert stored(dynamodb) == {"connection": 5}


def test_client_bounds_every_call() -> None:
    from therapy_checkin import storage
    from therapy_checkin.handler import process_store

    config: Any = process_store.connect().meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": storage.MAX_ATTEMPTS}
    assert config.connect_timeout == storage.CONNECT_TIMEOUT_SECONDS
    assert config.read_timeout == storage.READ_TIMEOUT_SECONDS
    worst_case = storage.MAX_ATTEMPTS * (storage.CONNECT_TIMEOUT_SECONDS + storage.READ_TIMEOUT_SECONDS) + 1.0
    assert worst_case < 3.0


def test_two_devices_at_once_never_overwrite_each_other(talk: Talk, dynamodb: Any) -> None:
    kitchen = talk()
    kitchen.launch()
    kitchen.intent("AMAZON.YesIntent")
    bedroom = talk(Device(user_id=kitchen.device.user_id))
    bedroom.launch()
    bedroom.intent("AMAZON.YesIntent")
    kitchen.rate(2)
    bedroom.intent("AMAZON.NextIntent")
    bedroom.rate(4)
    kitchen.rate(3)
    bedroom.rate(5)
    assert stored(dynamodb) == {"connection": 2, "perspective": 3, "relationships": 5}, (
        "each answer lands; for the same sign the latest counts; a skip never erases a rating"
    )
    item = next(item for item in table_items(dynamodb) if "#CHECKIN#" in item["sk"])
    assert "skipped" not in item or "connection" not in item["skipped"]
