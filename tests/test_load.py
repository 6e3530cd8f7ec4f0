"""Dozens of people checking in at the same moment, each in a thread of their own, against a real local
DynamoDB-compatible server (dynalite over HTTP): every rating lands, and each person reads only their own."""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from devtools.conversation import Conversation
from devtools.envelopes import Device
from tests.conftest import TABLE_NAME, Dynalite, Handler, skill_on
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.storage import CheckInStore, UserKey

USERS = 36
MONDAY = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)


def ratings_for(user: int) -> list[int]:
    """A pattern of its own for each user, so a mix-up between users cannot go unnoticed."""
    return [(user * 7 + sign * 3) % 5 + 1 for sign in range(len(SIGN_IDS))]


def check_in(handler: Handler, user: int) -> Device:
    """A full check-in with a pause part-way; where it resumes proves the user read their own progress."""
    from therapy_checkin.speech import speech_for

    device = Device(user_id=f"amzn1.ask.account.load-{user:03d}")
    conversation = Conversation(handler=handler, device=device, now=MONDAY)
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    paused_after = user % 10 + 1
    for value in ratings_for(user)[:paused_after]:
        conversation.rate(str(value))
    conversation.intent("AMAZON.StopIntent")
    welcome = conversation.launch()
    assert f"You stopped at sign {speech_for('en-US').number(paused_after + 1)} of twelve" in welcome.speech
    conversation.intent("AMAZON.YesIntent")
    for value in ratings_for(user)[paused_after:]:
        reply = conversation.rate(str(value))
    assert "That's all twelve" in reply.speech
    assert conversation.intent("AMAZON.NoIntent").ends_session, "no to the weekly reminder it offers"
    return device


@pytest.mark.slow
@pytest.mark.node
@pytest.mark.usefixtures("requests_at_once")
def test_many_people_at_once_each_keep_their_own_answers(dynalite: Dynalite) -> None:
    from boto3.dynamodb.types import TypeDeserializer

    # A patient client (boto3's defaults) rather than the skill's 0.4 s read timeout: what is tested here is that
    # concurrent requests keep each other's data apart, and dynalite, one Node process sharing the machine with
    # every request thread and the rest of the suite, can be slower than that timeout without the table being down.
    handler = skill_on(CheckInStore(TABLE_NAME, dynalite.client))
    with ThreadPoolExecutor(max_workers=USERS) as pool:
        results = list(pool.map(functools.partial(check_in, handler), range(USERS)))

    deserialize = TypeDeserializer().deserialize
    paginator = dynalite.client.get_paginator("scan")
    items = [
        {key: deserialize(value) for key, value in item.items()}
        for page in paginator.paginate(TableName=TABLE_NAME)
        for item in page["Items"]
    ]
    for user, device in enumerate(results):
        key = UserKey.from_ids(device.user_id)
        mine = [item for item in items if item["pk"] == key.pk]
        weeks = [item for item in mine if "#CHECKIN#" in item["sk"]]
        assert len(weeks) == 1 and "completedAt" in weeks[0]
        assert [int(weeks[0][f"r_{sign}"]) for sign in SIGN_IDS] == ratings_for(user)
        assert {item["sk"] for item in mine} == {key.profile_sk, key.checkin_sk("2026-W48")}
    assert len({item["pk"] for item in items}) == USERS
