"""Many passcode guesses at the same moment, each in a session of its own, against a real local
DynamoDB-compatible server (dynalite over HTTP): each try is counted before it is compared, so no more than one
round of tries is ever compared, and the lock is set."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from devtools.conversation import Conversation
from devtools.envelopes import Device
from tests.conftest import TABLE_NAME, Dynalite, skill_on
from therapy_checkin.domain import passcode
from therapy_checkin.domain.passcode import MAX_FAILURES
from therapy_checkin.storage import CheckInStore, UserKey

pytestmark = pytest.mark.node

GUESSES = 31
NOW = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
ACCOUNT = "amzn1.ask.account.CONCURRENT-GUESSES"


@pytest.mark.usefixtures("requests_at_once")
def test_concurrent_guesses_are_counted_before_any_is_compared(
    dynalite: Dynalite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("therapy_checkin.clock.server_now", lambda: NOW)
    # A patient client (boto3's defaults) rather than the skill's 0.4 s read timeout: what is tested here is that
    # concurrent requests keep each other's data apart, and dynalite, one Node process sharing the machine with
    # every request thread and the rest of the suite, can be slower than that timeout without the table being down.
    handler = skill_on(CheckInStore(TABLE_NAME, dynalite.client))

    def conversation() -> Conversation:
        return Conversation(handler=handler, device=Device(user_id=ACCOUNT), now=NOW)

    owner = conversation()
    owner.launch()
    owner.intent("SetPasscodeIntent")
    owner.intent("PasscodeIntent", code="4821")
    assert owner.intent("PasscodeIntent", code="4821").speech.startswith("Your passcode is set.")

    guessers = [conversation() for _ in range(GUESSES)]
    for guesser in guessers:
        assert guesser.intent("RecapIntent").speech == "Your recaps are protected. What's your passcode?"

    compared = 0
    counting = threading.Lock()
    real_scrypt = passcode._scrypt

    def counted_scrypt(*args: Any) -> bytes:
        nonlocal compared
        with counting:
            compared += 1
        return real_scrypt(*args)

    monkeypatch.setattr(passcode, "_scrypt", counted_scrypt)
    start = threading.Barrier(GUESSES)

    def guess(index: int) -> str:
        start.wait()
        return guessers[index].intent("PasscodeIntent", code=f"{index:04d}").speech

    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        replies = list(pool.map(guess, range(GUESSES)))

    assert compared <= MAX_FAILURES, f"{compared} guesses were compared"
    refused = [reply for reply in replies if reply.startswith("Recaps are locked for now")]
    assert len(refused) >= GUESSES - MAX_FAILURES
    assert sum("locked for fifteen minutes" in reply for reply in replies) == 1, "one guess filled the round"
    key = UserKey.from_ids(ACCOUNT)
    item = dynalite.client.get_item(
        TableName=TABLE_NAME, Key={"pk": {"S": key.pk}, "sk": {"S": key.profile_sk}}, ConsistentRead=True
    )["Item"]
    assert item["passcodeFailures"] == {"N": str(MAX_FAILURES)}, "the round is full: recaps are locked"
    assert item["passcodeLastTry"] == {"S": NOW.isoformat(timespec="seconds")}
    late = conversation()
    assert late.intent("RecapIntent").speech.startswith("Recaps are locked for now")
