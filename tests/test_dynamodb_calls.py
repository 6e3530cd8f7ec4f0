"""What a check-in costs in DynamoDB calls: one Query at launch, and one UpdateItem per answer, whatever the
length of the history.

The end-of-check-in recap, the streak stored with the week's first answer, and whether to offer a weekly reminder
all come from the launch's read, carried in the session; the completion mark rides on the last answer's write;
and a first visit writes its profile (first visit and time zone) once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from devtools.conversation import Conversation
from devtools.envelopes import Device
from tests.conftest import MONDAY_NOON, TABLE_NAME, FaultInjector, Figures
from therapy_checkin import intents
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.domain.weeks import previous_week, week_of
from therapy_checkin.storage import UserKey

Talk = Callable[..., Conversation]

RATINGS = (3, 4, 2, 5, 3, 4, 2, 3, 4, 5, 3, 4)


def check_in(conversation: Conversation) -> None:
    conversation.launch()
    conversation.intent(intents.YES)
    for value in RATINGS:
        last = conversation.rate(value)
    # No to what follows: the weekly reminder after a first check-in, or more of the recap and then a reflection.
    for _ in range(2):
        if not last.ends_session:
            last = conversation.intent(intents.NO)
    assert last.ends_session


def seed_history(dynamodb: Any, device: Device, weeks: int) -> None:
    """``weeks`` completed check-ins before this one, written straight into the table."""
    user = UserKey.from_ids(device.user_id)
    week = week_of(MONDAY_NOON)
    requests = []
    for _ in range(weeks):
        week = previous_week(week)
        item = {
            "pk": {"S": user.pk},
            "sk": {"S": user.checkin_sk(week)},
            "completedAt": {"S": "2020-01-01T00:00:00+00:00"},
            **{f"r_{sign}": {"N": "3"} for sign in SIGN_IDS},
        }
        requests.append({"PutRequest": {"Item": item}})
    profile = {"pk": {"S": user.pk}, "sk": {"S": user.profile_sk}, "firstSeen": {"S": "2016-01-01T00:00:00+00:00"}}
    requests.append({"PutRequest": {"Item": profile}})
    for start in range(0, len(requests), 25):
        dynamodb.batch_write_item(RequestItems={TABLE_NAME: requests[start : start + 25]})


def test_a_first_ever_check_in_costs_one_query_and_an_update_per_answer(
    talk: Talk, dynamodb: Any, faults: FaultInjector, figure: Figures
) -> None:
    check_in(talk())
    calls = Counter(faults.calls)
    assert calls["Query"] == 1
    assert calls["UpdateItem"] <= len(SIGN_IDS) + 1, "the twelve answers, and the first visit's profile"
    assert set(calls) == {"Query", "UpdateItem"}
    figure("calls", f"first-ever check-in: {dict(calls)}")


@pytest.mark.parametrize("weeks", [1, 52, 520])
def test_a_returning_check_in_costs_the_same_whatever_the_history(
    talk: Talk, dynamodb: Any, faults: FaultInjector, weeks: int, figure: Figures
) -> None:
    device = Device()
    seed_history(dynamodb, device, weeks)
    conversation = talk(device)
    conversation.now = MONDAY_NOON + timedelta(hours=1)
    check_in(conversation)
    # The profile's time zone is read from Alexa once a month: the seeded profile has none yet, so this check-in
    # stores it, once, with nothing else to write.
    calls = Counter(faults.calls)
    assert calls["Query"] == 1
    assert calls["UpdateItem"] == len(SIGN_IDS) + 1
    faults.calls.clear()
    conversation.advance(weeks=1)
    check_in(conversation)
    assert dict(Counter(faults.calls)) == {"Query": 1, "UpdateItem": len(SIGN_IDS)}
    figure("calls", f"returning check-in after {weeks:>3} weeks of history: {dict(Counter(faults.calls))}")
