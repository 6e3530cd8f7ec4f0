"""Deleting data: by voice (after a yes) for the speaker, and for the whole account when the skill is disabled."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from devtools.conversation import Conversation
from devtools.envelopes import Device, FakeLambdaContext, timestamp
from tests.conftest import (
    DELETION_MARK,
    MONDAY_NOON,
    TABLE_NAME,
    ratings_in_table,
    stored_data,
    table_items,
    user_items,
)
from therapy_checkin.domain.weeks import week_of
from therapy_checkin.storage import CheckInStore, StorageUnavailable, UserKey

Talk = Callable[..., Conversation]
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

MANIFEST = Path(__file__).resolve().parent.parent / "skill-package" / "skill.json"


def started(conversation: Conversation) -> Conversation:
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    return conversation


def items_of(dynamodb: Any, user: UserKey) -> list[dict[str, Any]]:
    """The person's stored items, deletion marks left out (they hold only when the data was deleted)."""
    return [item for item in user_items(dynamodb, user) if set(item) != DELETION_MARK]


def key_of(device: Device) -> UserKey:
    return UserKey.from_ids(device.user_id, device.person_id)


def skill_disabled_event(device: Device, status: str | None) -> dict[str, Any]:
    """A SkillDisabled event as Alexa sends it: no session, the body beside the request's own fields."""
    request: dict[str, Any] = {
        "type": "AlexaSkillEvent.SkillDisabled",
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": timestamp(MONDAY_NOON),
        "eventCreationTime": timestamp(MONDAY_NOON - timedelta(seconds=2)),
        "eventPublishingTime": timestamp(MONDAY_NOON - timedelta(seconds=1)),
    }
    if status is not None:
        request["body"] = {"userInformationPersistenceStatus": status}
    return {
        "version": "1.0",
        "context": {
            "System": {
                "application": {"applicationId": device.skill_id},
                "user": {"userId": device.user_id},
                "apiEndpoint": device.api_endpoint,
            }
        },
        "request": request,
    }


def household(talk: Talk) -> tuple[Conversation, Conversation, Conversation, Conversation]:
    """One account with two recognised people and the unrecognised account scope, plus another account."""
    account = Device().user_id
    alex = started(talk(Device(user_id=account, person_id="amzn1.ask.person.ALEX")))
    sam = started(talk(Device(user_id=account, person_id="amzn1.ask.person.SAM")))
    shared = started(talk(Device(user_id=account)))
    neighbour = started(talk())
    for conversation, value in ((alex, 1), (sam, 2), (shared, 3), (neighbour, 4)):
        conversation.rate(value)
        conversation.rate(value)
        conversation.intent("AMAZON.StopIntent")
    return alex, sam, shared, neighbour


def test_delete_asks_first_then_removes_everything_and_the_next_visit_is_a_first_one(talk: Talk, dynamodb: Any) -> None:
    conversation = started(talk())
    for value in (4, 2, 5):
        conversation.rate(value)
    conversation.intent("AMAZON.StopIntent")
    conversation.advance(weeks=1)
    started(conversation).rate(3)
    user = key_of(conversation.device)
    assert len(items_of(dynamodb, user)) == 3, "a profile and two weeks"

    ask = conversation.intent("DeleteDataIntent")
    assert "all your check-ins, ratings, and settings" in ask.speech
    assert ask.speech.endswith("Shall I delete everything?")
    assert ask.reprompt and not ask.ends_session
    assert len(items_of(dynamodb, user)) == 3, "nothing goes before the yes"

    done = conversation.intent("AMAZON.YesIntent")
    assert done.ends_session
    assert done.speech.startswith("Done. I've deleted all your check-ins, ratings, and settings.")
    assert stored_data(dynamodb) == []

    again = conversation.launch()
    assert "Welcome to Therapy Check-In" in again.speech and "not a therapist" in again.speech


def test_no_keeps_everything_and_returns_to_the_same_sign(talk: Talk, dynamodb: Any) -> None:
    conversation = started(talk())
    conversation.rate(4)
    conversation.rate(2)
    before = table_items(dynamodb)
    conversation.intent("DeleteDataIntent")
    kept = conversation.intent("AMAZON.NoIntent")
    assert kept.speech.startswith("Okay, I haven't deleted anything. Sign three of twelve: warmer relationships.")
    assert not kept.ends_session and kept.reprompt
    assert table_items(dynamodb) == before
    conversation.rate(5)
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4, "perspective": 2, "relationships": 5}]


def test_no_outside_a_check_in_says_so_and_closes(talk: Talk, dynamodb: Any) -> None:
    conversation = started(talk())
    conversation.rate(3)
    conversation.intent("AMAZON.StopIntent")
    before = table_items(dynamodb)
    conversation.intent("DeleteDataIntent")
    kept = conversation.intent("AMAZON.NoIntent")
    assert kept.speech.startswith("Okay, I haven't deleted anything.")
    assert kept.ends_session
    assert table_items(dynamodb) == before


def test_anything_else_while_confirming_asks_again_and_stop_deletes_nothing(talk: Talk, dynamodb: Any) -> None:
    conversation = started(talk())
    conversation.rate(3)
    before = table_items(dynamodb)
    conversation.intent("DeleteDataIntent")
    for stray in (conversation.rate(5), conversation.intent("AMAZON.HelpIntent"), conversation.intent("RecapIntent")):
        assert stray.speech == "Should I delete all your check-ins, ratings, and settings?"
        assert not stray.ends_session
    assert table_items(dynamodb) == before
    assert conversation.intent("AMAZON.StopIntent").ends_session
    assert table_items(dynamodb) == before


def test_a_person_deletes_only_their_own_check_ins(talk: Talk, dynamodb: Any) -> None:
    alex, sam, shared, neighbour = household(talk)
    everyone_else = [key_of(c.device) for c in (sam, shared, neighbour)]
    before = {user: items_of(dynamodb, user) for user in everyone_else}
    alex.launch()
    alex.intent("DeleteDataIntent")
    alex.intent("AMAZON.YesIntent")
    assert items_of(dynamodb, key_of(alex.device)) == []
    assert {user: items_of(dynamodb, user) for user in everyone_else} == before
    assert "sign three of twelve" in sam.launch().speech


def test_the_unrecognised_speaker_deletes_only_the_account_scope(talk: Talk, dynamodb: Any) -> None:
    alex, sam, shared, _ = household(talk)
    shared.launch()
    shared.intent("DeleteDataIntent")
    shared.intent("AMAZON.YesIntent")
    assert items_of(dynamodb, key_of(shared.device)) == []
    assert len(items_of(dynamodb, key_of(alex.device))) == 2
    assert len(items_of(dynamodb, key_of(sam.device))) == 2


def test_a_long_history_is_deleted_in_pages_and_batches(dynamodb: Any) -> None:
    """More items than one page of keys and many batches of 25: every one goes."""
    store = CheckInStore(TABLE_NAME, dynamodb)
    user, other = UserKey.from_ids("amzn1.ask.account.LONG"), UserKey.from_ids("amzn1.ask.account.OTHER")
    store.save_profile(user, MONDAY_NOON)
    for weeks_ago in range(130):
        moment = MONDAY_NOON - timedelta(weeks=weeks_ago)
        store.save_rating(user, week_of(moment, None), "hope", 3, moment)
    store.save_rating(other, week_of(MONDAY_NOON, None), "hope", 4, MONDAY_NOON)
    assert len(items_of(dynamodb, user)) == 131
    assert store.delete_user(user, MONDAY_NOON) == 131
    assert items_of(dynamodb, user) == []
    assert len(items_of(dynamodb, other)) == 1


class _Throttled:
    """A real (moto) client whose BatchWriteItem leaves part of each batch unprocessed, as DynamoDB does when
    throttled, for the first ``times`` calls (or always)."""

    def __init__(self, client: Any, times: int | None) -> None:
        self._client = client
        self.times = times
        self.batch_calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_write_item(self, RequestItems: dict[str, list[Any]], **kwargs: Any) -> dict[str, Any]:
        self.batch_calls += 1
        (table, requests), *_ = RequestItems.items()
        if self.times is not None and self.batch_calls > self.times:
            return dict(self._client.batch_write_item(RequestItems=RequestItems))
        done, left = requests[: len(requests) // 2], requests[len(requests) // 2 :]
        if done:
            self._client.batch_write_item(RequestItems={table: done})
        return {"UnprocessedItems": {table: left}}


@pytest.fixture
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    from therapy_checkin import storage

    monkeypatch.setattr(storage, "BATCH_RETRY_DELAYS", (0.0, 0.0, 0.0, 0.0))


def test_unprocessed_deletes_are_retried_until_done(dynamodb: Any, no_pauses: None) -> None:
    throttled = _Throttled(dynamodb, times=2)
    store = CheckInStore(TABLE_NAME, throttled)  # type: ignore[arg-type]
    user = UserKey.from_ids("amzn1.ask.account.THROTTLED")
    for weeks_ago in range(10):
        moment = MONDAY_NOON - timedelta(weeks=weeks_ago)
        store.save_rating(user, week_of(moment, None), "hope", 3, moment)
    assert store.delete_user(user, MONDAY_NOON) == 10
    assert throttled.batch_calls == 3
    assert items_of(dynamodb, user) == []


def test_deletes_that_never_go_through_raise_after_a_bounded_number_of_tries(dynamodb: Any, no_pauses: None) -> None:
    throttled = _Throttled(dynamodb, times=None)
    store = CheckInStore(TABLE_NAME, throttled)  # type: ignore[arg-type]
    user = UserKey.from_ids("amzn1.ask.account.STUCK")
    for weeks_ago in range(40):
        moment = MONDAY_NOON - timedelta(weeks=weeks_ago)
        store.save_rating(user, week_of(moment, None), "hope", 3, moment)
    with pytest.raises(StorageUnavailable):
        store.delete_user(user, MONDAY_NOON)
    assert throttled.batch_calls == 5


def test_when_the_table_fails_the_user_hears_it_was_not_finished(
    talk: Talk, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = started(talk())
    conversation.rate(2)
    conversation.intent("DeleteDataIntent")

    def failing(self: CheckInStore, *args: Any, **kwargs: Any) -> int:
        raise StorageUnavailable("batch_write_item", "ProvisionedThroughputExceededException")

    monkeypatch.setattr(CheckInStore, "delete_user", failing)
    reply = conversation.intent("AMAZON.YesIntent")
    assert reply.ends_session
    assert reply.speech == "Sorry, I couldn't finish deleting your data just now. Please try again in a few minutes."
    assert "deleted all" not in reply.speech


def test_skill_disabled_without_persistence_deletes_the_whole_account(
    talk: Talk, handler: Handler, dynamodb: Any
) -> None:
    alex, sam, shared, neighbour = household(talk)
    result = handler(skill_disabled_event(shared.device, "NOT_PERSISTED"), FakeLambdaContext())
    assert "outputSpeech" not in result.get("response", {})
    account = key_of(shared.device).pk
    assert [item for item in table_items(dynamodb) if item["pk"] == account] == []
    assert len(items_of(dynamodb, key_of(neighbour.device))) == 2, "other accounts are untouched"
    for conversation in (alex, sam, shared):
        assert "Welcome to Therapy Check-In" in conversation.launch().speech


@pytest.mark.parametrize("status", ["PERSISTED", None, "SOMETHING_NEW"])
def test_skill_disabled_keeps_the_data_unless_alexa_forgets_the_user(
    talk: Talk, handler: Handler, dynamodb: Any, status: str | None
) -> None:
    _, _, shared, _ = household(talk)
    before = table_items(dynamodb)
    result = handler(skill_disabled_event(shared.device, status), FakeLambdaContext())
    assert "outputSpeech" not in result.get("response", {})
    assert table_items(dynamodb) == before


def test_the_status_of_one_event_never_leaks_into_the_next_request(talk: Talk, handler: Handler, dynamodb: Any) -> None:
    from therapy_checkin.handlers.deletion import persistence_status

    _, _, shared, _ = household(talk)
    handler(skill_disabled_event(Device(user_id="amzn1.ask.account.GONE"), "NOT_PERSISTED"), FakeLambdaContext())
    assert persistence_status.get() is None
    before = table_items(dynamodb)
    event = skill_disabled_event(shared.device, None)
    handler(event, FakeLambdaContext())
    assert table_items(dynamodb) == before


def test_a_failed_deletion_on_disable_is_not_acknowledged_so_alexa_sends_it_again(
    talk: Talk, handler: Handler, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from therapy_checkin.handlers.deletion import SkillEventFailed

    _, _, shared, _ = household(talk)

    def failing(self: CheckInStore, *args: Any, **kwargs: Any) -> int:
        raise StorageUnavailable("query", "InternalServerError")

    monkeypatch.setattr(CheckInStore, "delete_account", failing)
    with pytest.raises(SkillEventFailed) as raised:
        handler(skill_disabled_event(shared.device, "NOT_PERSISTED"), FakeLambdaContext())
    assert "InternalServerError" not in str(raised.value)
    monkeypatch.undo()
    handler(skill_disabled_event(shared.device, "NOT_PERSISTED"), FakeLambdaContext())
    assert [item for item in table_items(dynamodb) if item["pk"] == key_of(shared.device).pk] == []


def test_the_manifest_subscribes_to_skill_disabled() -> None:
    manifest = json.loads(MANIFEST.read_text())["manifest"]
    assert {"eventName": "SKILL_DISABLED"} in manifest["events"]["subscriptions"]
