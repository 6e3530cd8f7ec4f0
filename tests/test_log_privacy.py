"""Every log line and metric of whole conversations, proven free of ratings, utterances and raw IDs.

The handlers log through Powertools (JSON to stdout) and publish metrics as EMF lines on stdout. This test
collects both for conversations that touch every path, then checks each line twice: by content (no raw ID, no
distinctive utterance ever appears) and by shape (only known keys, with values of a known safe kind, so a
rating has nowhere to hide).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from devtools.conversation import Conversation
from devtools.envelopes import Device, resolved_slot

Talk = Callable[..., Conversation]

USER_ID = "amzn1.ask.account.PRIVATE-ACCOUNT-ID-7f3a9c"
PERSON_ID = "amzn1.ask.person.PRIVATE-PERSON-ID-2b8e41"
UTTERANCES = ["I'd say three", "definitely five", "banana split", "seventy seven", "my secret words"]

SAFE_LOG_KEYS = {
    # Powertools' own fields
    "level",
    "location",
    "message",
    "timestamp",
    "service",
    "cold_start",
    "function_name",
    "function_memory_size",
    "function_arn",
    "function_request_id",
    "correlation_id",
    "xray_trace_id",
    "sampling_rate",
    # what the skill adds: kinds, names and counts only
    "locale",
    "request_type",
    "intent",
    "mode",
    "reason",
    "error_type",
    "error_at",
    "operation",
    "code",
    "pending",
    "items",
    "persistence",
}
SAFE_METRICS = {
    "CheckInsStarted",
    "CheckInsCompleted",
    "RatingsSaved",
    "Errors",
    "StorageUnavailable",
    "PendingWritesStored",
    "WritesDeferred",
    "CrisisAnswered",
    "DataDeleted",
    "AccountDataDeleted",
    "DeletionFailed",
    "SkillEventFailed",
    "PasscodeSet",
    "PasscodeRemoved",
    "PasscodeLocked",
    "TimeZoneUnavailable",
    "RemindersUnavailable",
    "ReminderPermissionAsked",
    "ReminderPermissionCard",
    "ReminderPermissionGranted",
    "ReminderPermissionRefused",
    "ReminderDeclined",
    "ReminderSet",
    "ReminderChanged",
    "ReminderCancelled",
    "ColdStart",
}
PASSCODE = "7351"


def everything_a_user_can_do(talk: Talk) -> None:
    device = Device(user_id=USER_ID, person_id=PERSON_ID)
    conversation = talk(device)
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    for said in UTTERANCES:
        conversation.rate(said)
    conversation.intent("ExplainIntent")
    conversation.intent("AMAZON.HelpIntent")
    conversation.intent("AMAZON.PreviousIntent")
    conversation.rate("4")
    conversation.intent("SkipIntent")
    conversation.intent("AMAZON.FallbackIntent")
    conversation.intent("AMAZON.StopIntent")
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    for value in range(12):
        conversation.rate(str(value % 5 + 1))
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.launch()
    conversation.intent("ChangeAnswerIntent", sign=resolved_slot("saying no", [("boundaries", "boundaries")], "SIGN"))
    conversation.rate("2")
    conversation.intent("RecapIntent")
    conversation.intent("TrendIntent", sign=resolved_slot("saying no", [("boundaries", "boundaries")], "SIGN"))
    conversation.intent("LastWeekRecapIntent")
    conversation.end_session("ERROR")
    # A passcode: set, confirmed, used, got wrong, and removed.
    conversation.launch()
    conversation.intent("SetPasscodeIntent")
    conversation.intent("PasscodeIntent", code=PASSCODE)
    conversation.intent("PasscodeIntent", code=PASSCODE)
    conversation.intent("RecapIntent")
    conversation.intent("PasscodeIntent", code="1999")
    conversation.intent("PasscodeIntent", code=PASSCODE)
    conversation.intent("RemovePasscodeIntent")
    conversation.intent("PasscodeIntent", code=PASSCODE)
    # Someone in crisis in the middle of a rating turn.
    conversation.advance(weeks=1)
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate("2")
    conversation.intent("CrisisIntent")
    # Deleting everything, by voice and by disabling the skill.
    conversation.launch()
    conversation.intent("DeleteDataIntent")
    conversation.intent("AMAZON.YesIntent")
    conversation.send(
        {
            "type": "AlexaSkillEvent.SkillDisabled",
            "eventCreationTime": "2026-11-30T12:00:00Z",
            "eventPublishingTime": "2026-11-30T12:00:01Z",
            "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"},
        }
    )


def check_line(line: str) -> None:
    for secret in (USER_ID, PERSON_ID, "PRIVATE-", *UTTERANCES):
        assert secret not in line, f"{secret!r} leaked into: {line[:200]}"
    record = json.loads(line)
    if "_aws" in record:
        for directive in record["_aws"]["CloudWatchMetrics"]:
            assert directive["Dimensions"] == [["service"]]
            for metric in directive["Metrics"]:
                assert metric["Name"] in SAFE_METRICS
        assert set(record) <= {"_aws", "service", "function_name", *SAFE_METRICS}
        return
    unknown = set(record) - SAFE_LOG_KEYS
    assert not unknown, f"unexpected log keys {unknown}: {line[:200]}"
    assert isinstance(record.get("pending", 0), int)
    assert "Traceback" not in line


def test_no_log_line_or_metric_carries_private_data(talk: Talk, logged: Callable[[], list[str]]) -> None:
    everything_a_user_can_do(talk)
    lines = logged()
    assert len(lines) > 40, "the conversations were logged"
    assert any('"RatingsSaved"' in line for line in lines), "metrics were captured too"
    for line in lines:
        check_line(line)
    assert PASSCODE not in "".join(lines)
    for name in ("PasscodeSet", "PasscodeRemoved", "CrisisAnswered", "DataDeleted"):
        assert any(f'"{name}"' in line for line in lines), f"{name} was exercised"


def test_errors_are_logged_without_their_message(
    talk: Talk, logged: Callable[[], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from therapy_checkin.storage import CheckInStore

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError(f"rating 4 for {USER_ID} said 'definitely five'")

    conversation = talk(Device(user_id=USER_ID))
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    monkeypatch.setattr(CheckInStore, "save_week", broken)
    conversation.rate("definitely five")
    lines = logged()
    assert any('"error_type":"ValueError"' in line.replace(" ", "") for line in lines)
    for line in lines:
        check_line(line)
