"""Dozens of people checking in at the same moment, each in a thread of their own, against a real local
DynamoDB-compatible server (dynalite over HTTP): every rating lands, and each person reads only their own."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from devtools.conversation import Conversation
from devtools.envelopes import Device
from tests.conftest import TABLE_NAME
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.storage import UserKey

USERS = 36
MONDAY = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)


def ratings_for(user: int) -> list[int]:
    """A pattern of its own for each user, so a mix-up between users cannot go unnoticed."""
    return [(user * 7 + sign * 3) % 5 + 1 for sign in range(len(SIGN_IDS))]


def check_in(user: int) -> Device:
    """A full check-in with a pause part-way; where it resumes proves the user read their own progress."""
    from therapy_checkin.handler import lambda_handler
    from therapy_checkin.speech import speech_for

    device = Device(user_id=f"amzn1.ask.account.load-{user:03d}")
    conversation = Conversation(handler=lambda_handler, device=device, now=MONDAY)
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
    assert "That's all twelve" in reply.speech and (reply.ends_session or reply.speech.endswith("?"))
    return device


@pytest.mark.slow
def test_many_people_at_once_each_keep_their_own_answers(dynalite_dynamodb: Any) -> None:
    from boto3.dynamodb.types import TypeDeserializer

    with ThreadPoolExecutor(max_workers=USERS) as pool:
        results = list(pool.map(check_in, range(USERS)))

    deserialize = TypeDeserializer().deserialize
    paginator = dynalite_dynamodb.get_paginator("scan")
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
