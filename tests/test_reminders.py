"""The weekly reminder, in whole conversations through the real Lambda handler.

DynamoDB is moto; the Alexa Settings and Reminders APIs are ``devtools/fake_alexa_api.py`` on loopback (the
``alexa_api`` fixture), which records every call. Each test checks what the user heard, the exact calls the skill
made to the Reminders API, and what the table holds afterwards: never an ID for a reminder that was not created,
never an old reminder forgotten because replacing it failed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device, resolved_slot
from devtools.fake_alexa_api import FakeAlexaApi, Late
from devtools.nlu import understanding
from tests.conftest import stored_data, table_items
from therapy_checkin.domain.reminders import BareHour, ClockTime, Schedule, parse_day, parse_rule, parse_time
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.storage import StorageUnavailable, UserKey

Talk = Callable[..., Conversation]
TIME_ZONE = "America/New_York"
SCOPE = "alexa::alerts:reminders:skill:readwrite"
REMINDER_TEXT = "It's time for your weekly check-in. When you're ready, say: open therapy check in."
LOCAL_NOW = "2026-11-23T07:00:00"
"""MONDAY_NOON (12:00 UTC) in New York, without an offset, as the Reminders API takes it."""
SUNDAY_7PM = "FREQ=WEEKLY;BYDAY=SU;BYHOUR=19;BYMINUTE=0;BYSECOND=0"


def expected_body(rule: str, zone: str = TIME_ZONE, now: str = LOCAL_NOW) -> dict[str, Any]:
    return {
        "requestTime": now,
        "trigger": {
            "type": "SCHEDULED_ABSOLUTE",
            "timeZoneId": zone,
            "recurrence": {"startDateTime": now, "recurrenceRules": [rule]},
        },
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": REMINDER_TEXT}]}},
        "pushNotification": {"status": "DISABLED"},
    }


def device(alexa_api: FakeAlexaApi, permission: str | None = "GRANTED", **fields: Any) -> Device:
    found = Device(reminder_permission=permission, **fields)
    alexa_api.time_zone(found.device_id, TIME_ZONE)
    return found


def reminder_calls(alexa_api: FakeAlexaApi) -> list[tuple[str, str, Any]]:
    return [(call.method, call.path, call.body) for call in alexa_api.calls()]


def stored_reminder_id(dynamodb: Any, scope: str = "A") -> str | None:
    for item in table_items(dynamodb):
        if item["sk"] == f"{scope}#PROFILE":
            found = item.get("reminderId")
            return str(found) if found is not None else None
    return None


def set_reminder(conversation: Conversation, day: str = "sunday", time: str = "19:00") -> Reply:
    return conversation.intent("SetReminderIntent", day=day, time=time)


def check_in_all(conversation: Conversation) -> Reply:
    conversation.launch()
    reply = conversation.intent("AMAZON.YesIntent")
    for _ in SIGN_IDS:
        reply = conversation.rate(3)
    return reply


def offers_reminder(reply: Reply) -> bool:
    """The end of a first check-in: instead of goodbye, the offer of a weekly reminder, with a reprompt."""
    offered = reply.speech.endswith("A weekly reminder can help the habit stick. Would you like one?")
    return offered and not reply.ends_session and bool(reply.reprompt)


def assert_open(reply: Reply) -> None:
    assert not reply.ends_session, reply.speech
    assert reply.reprompt, reply.speech


# --------------------------------------------------------------------------------------------------------------
# The schedule


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        ("19:00", ClockTime(19, 0)),
        ("07:30", ClockTime(7, 30)),
        ("seven pm", ClockTime(19, 0)),
        ("7:30 p.m.", ClockTime(19, 30)),
        ("eight thirty am", ClockTime(8, 30)),
        ("twelve am", ClockTime(0, 0)),
        ("noon", ClockTime(12, 0)),
        ("EV", ClockTime(19, 0)),
        ("morning", ClockTime(9, 0)),
        ("seven", BareHour(7)),
        ("7", BareHour(7)),
        ("13 pm", None),
        ("25:00", None),
        ("banana", None),
        ("?", None),
        ("", None),
        ("9" * 200, None),
    ],
)
def test_times_are_read_as_alexa_and_text_clients_send_them(heard: str, expected: object) -> None:
    assert parse_time(heard) == expected


def test_days_and_rules() -> None:
    assert [parse_day(day) for day in ("Sunday", "wednesdays", "someday", None)] == ["SU", "WE", None, None]
    assert Schedule("SU", 19, 0).rule == SUNDAY_7PM
    assert parse_rule(SUNDAY_7PM) == Schedule("SU", 19, 0)
    assert parse_rule("FREQ=DAILY;BYHOUR=19;BYMINUTE=0;BYSECOND=0") is None
    assert parse_rule("FREQ=WEEKLY;BYDAY=SU;BYHOUR=29;BYMINUTE=0;BYSECOND=0") is None


LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


def heard(locale: str, said: str) -> tuple[str | None, dict[str, str]]:
    """The intent and slot values (the resolved ID of a custom slot) the locale's model gives for ``said``."""
    resolution = understanding(locale).resolve_in_session(said)
    slots = {}
    for name, value in resolution.slots.items():
        if isinstance(value, dict):
            values = value["resolutions"]["resolutionsPerAuthority"][0].get("values") or [{"value": {"id": "?"}}]
            slots[name] = values[0]["value"]["id"]
        else:
            slots[name] = value
    return resolution.intent, slots


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("said", "slots"),
    [
        ("friday at 7pm", {"day": "friday", "time": "19:00"}),
        ("friday at seven p.m.", {"day": "friday", "time": "19:00"}),
        ("pm", {"halfOfDay": "pm"}),
        ("p.m.", {"halfOfDay": "pm"}),
        ("a.m.", {"halfOfDay": "am"}),
        ("in the morning", {"halfOfDay": "am"}),
        ("evening", {"halfOfDay": "pm"}),
        ("in the evening", {"halfOfDay": "pm"}),
        ("at night", {"time": "NI"}),
    ],
)
def test_answers_to_the_reminder_questions_are_heard(locale: str, said: str, slots: dict[str, str]) -> None:
    """Each is one of the shapes Alexa sends: a day and a time together, or the half of the day on its own (as
    HALF_OF_DAY, or as AMAZON.TIME's part of the day, "NI")."""
    assert heard(locale, said) == ("ReminderAnswerIntent", slots)


# --------------------------------------------------------------------------------------------------------------
# Setting one


def test_offered_after_the_first_check_in_with_voice_permission(
    talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi
) -> None:
    conversation = talk(device(alexa_api, permission=None))
    done = check_in_all(conversation)
    assert done.speech.endswith("A weekly reminder can help the habit stick. Would you like one?")
    assert_open(done)

    day = conversation.intent("AMAZON.YesIntent")
    assert day.speech == "Which day of the week suits you best?"
    assert_open(day)
    time = conversation.intent("ReminderAnswerIntent", day="sunday")
    assert time.speech == "And what time on Sunday?"
    assert_open(time)

    asked = conversation.intent("ReminderAnswerIntent", time="19:00")
    assert asked.directives == [
        {
            "type": "Connections.SendRequest",
            "name": "AskFor",
            "payload": {
                "@type": "AskForPermissionsConsentRequest",
                "@version": "1",
                "permissionScope": SCOPE,
            },
            "token": "weekly-reminder",
        }
    ]
    assert "shouldEndSession" not in asked.response, "the session goes on through Alexa's question"
    assert asked.attributes["reminderDraft"] == {"day": "SU", "hour": 19, "minute": 0}
    assert reminder_calls(alexa_api) == [], "nothing is created before the permission is given"

    granted = conversation.permission_answer("ACCEPTED")
    assert granted.speech == "All set. I'll remind you every week, on Sunday at 7 PM. Take care. Talk to you next week."
    assert granted.ends_session
    assert reminder_calls(alexa_api) == [("POST", "/v1/alerts/reminders", expected_body(SUNDAY_7PM))]
    assert [call.authorization for call in alexa_api.calls()] == ["Bearer local-access-token"]
    assert stored_reminder_id(dynamodb) == "fake-alert-1"

    # Not offered again after later check-ins.
    conversation.advance(weeks=1)
    later = check_in_all(conversation)
    assert not offers_reminder(later)
    assert later.ends_session or conversation.intent("AMAZON.NoIntent").ends_session, "no more of the recap, thanks"


def test_no_to_the_offer_closes_kindly_and_stores_nothing(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = talk(device(alexa_api))
    check_in_all(conversation)
    declined = conversation.intent("AMAZON.NoIntent")
    assert declined.speech == ("Okay, no reminder. Take care. Talk to you next week.")
    assert declined.ends_session
    assert reminder_calls(alexa_api) == []
    assert stored_reminder_id(dynamodb) is None


def test_one_shot_request_with_day_and_time(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = talk(device(alexa_api))
    reply = set_reminder(conversation, "wednesday", "08:30")
    assert reply.speech == (
        "All set. I'll remind you every week, on Wednesday at 8:30 AM. Take care. Talk to you next week."
    )
    rule = "FREQ=WEEKLY;BYDAY=WE;BYHOUR=8;BYMINUTE=30;BYSECOND=0"
    assert reminder_calls(alexa_api) == [("POST", "/v1/alerts/reminders", expected_body(rule))]
    assert stored_reminder_id(dynamodb) == "fake-alert-1"


def test_in_utc_when_alexa_cannot_tell_the_time_zone(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    found = Device(reminder_permission="GRANTED")
    alexa_api.fail(found.device_id, 500)
    set_reminder(talk(found))
    assert reminder_calls(alexa_api) == [
        ("POST", "/v1/alerts/reminders", expected_body(SUNDAY_7PM, zone="UTC", now="2026-11-23T12:00:00"))
    ]


def test_missing_parts_are_asked_one_at_a_time_and_bad_answers_keep_the_place(
    talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi
) -> None:
    conversation = talk(device(alexa_api))
    conversation.launch()
    asked = conversation.intent("SetReminderIntent")
    assert asked.speech == "Which day of the week suits you best?"
    not_a_day = conversation.intent("ReminderAnswerIntent", day="someday")
    assert not_a_day.speech == "Sorry, I need a day of the week, like Sunday or Wednesday. Which day suits you?"
    assert_open(not_a_day)
    conversation.intent("ReminderAnswerIntent", day="friday")
    bare = conversation.rate(7)
    assert bare.speech == "Did you mean seven a.m. or seven p.m.?"
    assert_open(bare)
    unusable = conversation.intent("ReminderAnswerIntent", time="banana")
    assert unusable.speech == "Sorry, I didn't catch that. Did you mean seven a.m. or seven p.m.?"
    assert_open(unusable)
    repeat = conversation.intent("AMAZON.HelpIntent")
    assert repeat.speech == "Is that seven in the morning, or seven in the evening?"
    done = conversation.intent("ReminderAnswerIntent", time="EV")
    assert done.speech.startswith("All set. I'll remind you every week, on Friday at 7 PM")
    assert reminder_calls(alexa_api) == [
        ("POST", "/v1/alerts/reminders", expected_body("FREQ=WEEKLY;BYDAY=FR;BYHOUR=19;BYMINUTE=0;BYSECOND=0"))
    ]


def half_of_day(heard: str, half: str) -> dict[str, Any]:
    """The answer to "a.m. or p.m.?" on its own, as Alexa fills the HALF_OF_DAY slot."""
    return resolved_slot(heard, [("a.m." if half == "am" else "p.m.", half)], "HALF_OF_DAY")


def weekly(day: str, hour: int) -> list[tuple[str, str, Any]]:
    return [
        ("POST", "/v1/alerts/reminders", expected_body(f"FREQ=WEEKLY;BYDAY={day};BYHOUR={hour};BYMINUTE=0;BYSECOND=0"))
    ]


@pytest.mark.parametrize(
    ("hour", "answer", "confirmed", "rule_hour"),
    [
        (7, {"halfOfDay": half_of_day("pm", "pm")}, "7 PM", 19),
        (7, {"halfOfDay": half_of_day("p.m.", "pm")}, "7 PM", 19),
        (7, {"halfOfDay": half_of_day("in the evening", "pm")}, "7 PM", 19),
        (7, {"time": "NI"}, "7 PM", 19),  # "at night": Alexa's part of the day, not 9 p.m.
        (6, {"time": "EV"}, "6 PM", 18),  # "evening": not 7 p.m.
        (8, {"time": "MO"}, "8 AM", 8),  # "in the morning": not 9 a.m.
        (8, {"halfOfDay": half_of_day("in the morning", "am")}, "8 AM", 8),
        (11, {"halfOfDay": "a.m."}, "11 AM", 11),  # unresolved: read from the words
        (12, {"halfOfDay": half_of_day("a.m.", "am")}, "midnight", 0),
        (9, {"time": "21:00"}, "9 PM", 21),  # a whole time instead
    ],
)
def test_morning_or_evening_keeps_the_hour_that_was_said(
    talk: Talk,
    dynamodb: Any,
    alexa_api: FakeAlexaApi,
    hour: int,
    answer: dict[str, Any],
    confirmed: str,
    rule_hour: int,
) -> None:
    conversation = talk(device(alexa_api))
    conversation.launch()
    conversation.intent("SetReminderIntent")
    conversation.intent("ReminderAnswerIntent", day="friday")
    asked = conversation.rate(hour)
    assert asked.speech.startswith("Did you mean")
    done = conversation.intent("ReminderAnswerIntent", **answer)
    assert done.speech.startswith(f"All set. I'll remind you every week, on Friday at {confirmed}.")
    assert reminder_calls(alexa_api) == weekly("FR", rule_hour)


def test_an_hour_said_before_the_day_is_kept(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = talk(device(alexa_api))
    conversation.launch()
    conversation.intent("SetReminderIntent")
    day = conversation.rate(7)
    assert day.speech == "Which day of the week suits you best?"
    assert_open(day)
    half = conversation.intent("ReminderAnswerIntent", day="sunday")
    assert half.speech == "Did you mean seven a.m. or seven p.m.?"
    assert half.reprompt == "Is that seven in the morning, or seven in the evening?"
    unclear = conversation.intent("ReminderAnswerIntent", halfOfDay=resolved_slot("purple", [], "HALF_OF_DAY"))
    assert unclear.speech == "Sorry, I didn't catch that. Did you mean seven a.m. or seven p.m.?"
    assert_open(unclear)
    done = conversation.intent("ReminderAnswerIntent", halfOfDay=half_of_day("p.m.", "pm"))
    assert done.speech.startswith("All set. I'll remind you every week, on Sunday at 7 PM.")
    assert reminder_calls(alexa_api) == weekly("SU", 19)


def test_day_and_time_together_answer_the_day_question(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = talk(device(alexa_api))
    conversation.launch()
    assert conversation.intent("SetReminderIntent").speech == "Which day of the week suits you best?"
    done = conversation.intent("ReminderAnswerIntent", day="friday", time="19:00")
    assert done.speech.startswith("All set. I'll remind you every week, on Friday at 7 PM.")
    assert reminder_calls(alexa_api) == weekly("FR", 19)


def test_a_half_of_the_day_with_no_hour_said_is_not_a_time(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = talk(device(alexa_api))
    conversation.launch()
    conversation.intent("SetReminderIntent")
    conversation.intent("ReminderAnswerIntent", day="friday")
    reply = conversation.intent("ReminderAnswerIntent", halfOfDay=half_of_day("p.m.", "pm"))
    assert reply.speech == "Sorry, I didn't catch a time. Please say one like seven p.m. or eight thirty a.m."
    assert_open(reply)
    assert reminder_calls(alexa_api) == []


def test_mid_check_in_the_reminder_is_a_detour_back_to_the_same_sign(
    talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi
) -> None:
    conversation = talk(device(alexa_api))
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(4)
    reply = set_reminder(conversation)
    assert reply.speech.startswith("All set. I'll remind you every week, on Sunday at 7 PM. Sign two of twelve")
    assert_open(reply)
    assert "Sign three of twelve" in conversation.rate(2).speech
    assert stored_reminder_id(dynamodb) == "fake-alert-1"


def test_a_bare_hour_mid_sign_is_a_rating(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = talk(device(alexa_api))
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    reply = conversation.intent("ReminderAnswerIntent", time="04:00")
    assert "Sign two of twelve" in reply.speech
    assert any(item.get("r_connection") == 4 for item in table_items(dynamodb))
    assert reminder_calls(alexa_api) == []


# --------------------------------------------------------------------------------------------------------------
# Permission


@pytest.mark.parametrize(
    ("answer", "heard"),
    [
        ("DENIED", "Okay, I won't set a reminder."),
        ("NOT_ANSWERED", "No problem, I haven't set a reminder. You can ask again anytime."),
    ],
)
def test_permission_not_given(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi, answer: str, heard: str) -> None:
    conversation = talk(device(alexa_api, permission=None))
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(5)
    assert set_reminder(conversation).directives[0]["name"] == "AskFor"
    reply = conversation.permission_answer(answer)
    assert reply.speech.startswith(heard + " Sign two of twelve"), "back to the sign the user was on"
    assert_open(reply)
    assert "reminderDraft" not in reply.attributes
    assert reminder_calls(alexa_api) == []
    assert stored_reminder_id(dynamodb) is None


def test_voice_consent_unavailable_sends_the_permissions_card(
    talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi
) -> None:
    conversation = talk(device(alexa_api, permission=None))
    set_reminder(conversation)
    reply = conversation.permission_answer("NOT_ANSWERED", code="400")
    assert reply.card == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert reply.speech.startswith(
        "I need your permission to set reminders, so I've sent a card to the Alexa app where you can allow it."
    )
    assert reminder_calls(alexa_api) == []


# --------------------------------------------------------------------------------------------------------------
# When the Reminders API fails


@pytest.mark.parametrize(
    ("fault", "heard", "card"),
    [
        (401, "I need your permission to set reminders, so I've sent a card to the Alexa app", True),
        (403, "I need your permission to set reminders, so I've sent a card to the Alexa app", True),
        (429, "Alexa's reminders are busy right now, so nothing has changed.", False),
        (500, "I couldn't reach Alexa's reminders just now, so nothing has changed.", False),
        (Late(2.0), "I couldn't reach Alexa's reminders just now, so nothing has changed.", False),
    ],
    ids=["401", "403", "429", "500", "timeout"],
)
def test_creating_fails(
    talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi, fault: int | Late, heard: str, card: bool
) -> None:
    conversation = talk(device(alexa_api))
    alexa_api.fail_reminders("POST", fault)
    reply = set_reminder(conversation)
    assert reply.speech.startswith(heard)
    assert reply.ends_session, "nothing else was going on: one sentence, then goodbye"
    assert (reply.card == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}) is card
    assert [call[0] for call in reminder_calls(alexa_api)] == ["POST"]
    assert stored_reminder_id(dynamodb) is None


def test_a_reminder_the_table_cannot_record_is_taken_back(
    talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    from therapy_checkin.storage import CheckInStore

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise StorageUnavailable("update_item", "ProvisionedThroughputExceededException")

    conversation = talk(device(alexa_api))
    monkeypatch.setattr(CheckInStore, "save_reminder_id", refuse)
    reply = set_reminder(conversation)
    assert reply.speech.startswith("I couldn't save your reminder just now, so I haven't set it.")
    assert [(method, path) for method, path, _ in reminder_calls(alexa_api)] == [
        ("POST", "/v1/alerts/reminders"),
        ("DELETE", "/v1/alerts/reminders/fake-alert-1"),
    ]
    assert alexa_api.reminders == {}


# --------------------------------------------------------------------------------------------------------------
# One per person: changing, reading, cancelling


def with_reminder(talk: Talk, alexa_api: FakeAlexaApi, **fields: Any) -> Conversation:
    conversation = talk(device(alexa_api, **fields))
    set_reminder(conversation)
    alexa_api.reminder_calls.clear()
    return conversation


def test_changing_replaces_the_same_reminder(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = with_reminder(talk, alexa_api)
    reply = set_reminder(conversation, "tuesday", "21:15")
    assert reply.speech.startswith("Done. Your weekly reminder is now on Tuesday at 9:15 PM")
    rule = "FREQ=WEEKLY;BYDAY=TU;BYHOUR=21;BYMINUTE=15;BYSECOND=0"
    assert reminder_calls(alexa_api) == [("PUT", "/v1/alerts/reminders/fake-alert-1", expected_body(rule))]
    assert stored_reminder_id(dynamodb) == "fake-alert-1"
    assert list(alexa_api.reminders) == ["fake-alert-1"]


def test_changing_one_deleted_in_the_app_makes_a_new_one(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = with_reminder(talk, alexa_api)
    alexa_api.reminders.clear()
    reply = set_reminder(conversation, "monday", "12:00")
    assert reply.speech.startswith("Done. Your weekly reminder is now on Monday at noon.")
    assert [(method, path) for method, path, _ in reminder_calls(alexa_api)] == [
        ("PUT", "/v1/alerts/reminders/fake-alert-1"),
        ("POST", "/v1/alerts/reminders"),
    ]
    assert stored_reminder_id(dynamodb) == "fake-alert-2"


@pytest.mark.parametrize("fault", [429, 500, Late(2.0)], ids=["429", "500", "timeout"])
def test_changing_fails_and_the_old_reminder_stays(
    talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi, fault: int | Late
) -> None:
    conversation = with_reminder(talk, alexa_api)
    alexa_api.fail_reminders("PUT", fault)
    reply = set_reminder(conversation, "friday", "06:00")
    assert "so nothing has changed" in reply.speech
    assert stored_reminder_id(dynamodb) == "fake-alert-1"
    assert alexa_api.reminders["fake-alert-1"]["trigger"]["recurrence"]["recurrenceRules"] == [SUNDAY_7PM]
    alexa_api.reminder_faults.clear()
    assert conversation.intent("ReminderStatusIntent").speech.startswith("Your weekly reminder is on Sunday at 7 PM")


def test_when_is_my_reminder(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    nobody = talk(device(alexa_api))
    assert nobody.intent("ReminderStatusIntent").speech.startswith(
        "You don't have a weekly reminder. To set one, say: set a weekly reminder."
    )
    conversation = with_reminder(talk, alexa_api)
    conversation.launch()
    asked = conversation.intent("ReminderStatusIntent")
    assert asked.speech.startswith("Your weekly reminder is on Sunday at 7 PM")
    assert reminder_calls(alexa_api) == [("GET", "/v1/alerts/reminders/fake-alert-1", None)]
    alexa_api.fail_reminders("GET", 500)
    assert conversation.intent("ReminderStatusIntent").speech.startswith("Sorry, I can't check your reminder just now.")
    assert stored_reminder_id(dynamodb) == "fake-alert-1"
    alexa_api.reminder_faults.clear()
    alexa_api.reminders.clear()  # deleted in the Alexa app
    assert conversation.intent("ReminderStatusIntent").speech.startswith("You don't have a weekly reminder.")
    assert stored_reminder_id(dynamodb) is None


def test_cancelling(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = with_reminder(talk, alexa_api)
    alexa_api.fail_reminders("DELETE", 500)
    failed = conversation.intent("CancelReminderIntent")
    assert failed.speech.startswith("Sorry, I couldn't cancel your reminder just now, so it's still set.")
    assert stored_reminder_id(dynamodb) == "fake-alert-1"
    alexa_api.reminder_faults.clear()
    cancelled = conversation.intent("CancelReminderIntent")
    assert cancelled.speech.startswith("Okay, I've cancelled your weekly reminder.")
    assert [(method, path) for method, path, _ in reminder_calls(alexa_api)] == [
        ("DELETE", "/v1/alerts/reminders/fake-alert-1"),
        ("DELETE", "/v1/alerts/reminders/fake-alert-1"),
    ]
    assert stored_reminder_id(dynamodb) is None
    assert alexa_api.reminders == {}
    assert conversation.intent("CancelReminderIntent").speech.startswith("You don't have a weekly reminder.")


def test_each_voice_has_its_own(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    account = "amzn1.ask.account.shared-home"
    with_reminder(talk, alexa_api, user_id=account, person_id="amzn1.ask.person.alex")
    other = talk(device(alexa_api, user_id=account, person_id="amzn1.ask.person.sam"))
    assert other.intent("ReminderStatusIntent").speech.startswith("You don't have a weekly reminder.")
    assert other.intent("CancelReminderIntent").speech.startswith("You don't have a weekly reminder.")
    alex = UserKey.from_ids(account, "amzn1.ask.person.alex").scope
    assert stored_reminder_id(dynamodb, alex) == "fake-alert-1"
    assert list(alexa_api.reminders) == ["fake-alert-1"]


# --------------------------------------------------------------------------------------------------------------
# Deleting data


def test_spoken_deletion_deletes_the_reminder_first(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = with_reminder(talk, alexa_api)
    alexa_api.fail_reminders("DELETE", 503)
    conversation.intent("DeleteDataIntent")
    failed = conversation.intent("AMAZON.YesIntent")
    assert failed.speech == (
        "Sorry, I couldn't remove your reminder just now, so I haven't deleted anything. "
        "Please try again in a few minutes."
    )
    assert stored_reminder_id(dynamodb) == "fake-alert-1", "nothing deleted"
    assert list(alexa_api.reminders) == ["fake-alert-1"]

    alexa_api.reminder_faults.clear()
    conversation.intent("DeleteDataIntent")
    deleted = conversation.intent("AMAZON.YesIntent")
    assert deleted.speech.startswith("Done. I've deleted all your check-ins")
    assert alexa_api.reminders == {}
    assert stored_data(dynamodb) == []


def test_spoken_deletion_after_the_permission_was_withdrawn(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = with_reminder(talk, alexa_api)
    alexa_api.fail_reminders("DELETE", 401)
    conversation.intent("DeleteDataIntent")
    deleted = conversation.intent("AMAZON.YesIntent")
    assert deleted.speech.endswith("If a reminder from me is still in the Alexa app, you can delete it there.")
    assert stored_data(dynamodb) == []


def test_disabling_the_skill_calls_no_reminders_api(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = with_reminder(talk, alexa_api)
    conversation.session_id = None
    body = {"userInformationPersistenceStatus": "NOT_PERSISTED"}
    conversation.send({"type": "AlexaSkillEvent.SkillDisabled", "body": body})
    assert reminder_calls(alexa_api) == []
    assert stored_data(dynamodb) == []


def test_the_day_slot_may_come_with_entity_resolution(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = talk(device(alexa_api))
    slot = resolved_slot("Sunday", [], "AMAZON.DayOfWeek")
    reply = conversation.intent("SetReminderIntent", day=slot, time="19:00")
    assert reply.speech.startswith("All set. I'll remind you every week, on Sunday at 7 PM")
