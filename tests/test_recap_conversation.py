"""Recaps, trends and weeks in the user's time zone, through the real Lambda handler over several weeks.

DynamoDB is moto; the Alexa Settings API is ``devtools/fake_alexa_api.py`` on loopback (the ``alexa_api``
fixture), which every new ``Device`` points at unless a test says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device, resolved_slot
from devtools.fake_alexa_api import FakeAlexaApi
from tests.conftest import MONDAY_NOON, TABLE_NAME, table_items
from tests.test_recap import judging_words_in
from therapy_checkin.alexa_api import API_TIMEOUT_SECONDS
from therapy_checkin.domain.recap import RECAP_WORD_BUDGET, word_count
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.storage import UserKey

Talk = Callable[..., Conversation]
SUNDAY_LATE_IN_LOS_ANGELES = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)
"""Monday 07:30 UTC of ISO week 2026-W49, which is still Sunday 23:30 of week 2026-W48 in Los Angeles."""


def all_at(value: int | str, **overrides: int | str) -> list[int | str]:
    return [overrides.get(sign, value) for sign in SIGN_IDS]


def check_in(conversation: Conversation, answers: list[int | str]) -> Reply:
    """A whole check-in from launch: a number rates a sign, "skip" skips it. Returns the last reply."""
    conversation.launch()
    reply = conversation.intent("AMAZON.YesIntent")
    for answer in answers:
        reply = conversation.intent("SkipIntent") if answer == "skip" else conversation.rate(answer)
    if reply.attributes.get("mode") == "offer_reminder":
        # The first completed check-in offers a weekly reminder (tests/test_reminders.py): not now.
        assert reply.speech.endswith("Would you like one?") and reply.reprompt
        conversation.intent("AMAZON.NoIntent")
        return reply
    assert reply.ends_session, reply.speech
    return reply


def sign_slot(name: str, sign_id: str) -> dict[str, Any]:
    return resolved_slot(name, [(sign_id, sign_id)], "SIGN")


def checkin_weeks(dynamodb: Any) -> dict[str, dict[str, Any]]:
    return {item["sk"].rsplit("#", 1)[1]: item for item in table_items(dynamodb) if "#CHECKIN#" in item["sk"]}


def assert_kind_and_short(reply: Reply) -> None:
    assert judging_words_in(reply.speech) == [], reply.speech
    assert word_count(reply.speech) <= RECAP_WORD_BUDGET, reply.speech
    if not reply.ends_session:
        assert reply.reprompt


# Across weeks.


def test_second_week_recap_compares_with_the_first(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    first = check_in(conversation, all_at(3, boundaries=2, hope=4, perspective=3))
    assert "This is your first check-in, so it's your starting point." in first.speech
    conversation.advance(weeks=1)
    second = check_in(conversation, all_at(3, boundaries=4, hope=3, perspective=5))
    assert second.speech == (
        "That's all twelve. Thank you for taking this time for yourself. "
        "Perspective rose from three to five, and boundaries from two to four. Nine signs held steady. "
        "You've checked in two weeks in a row. Hope dipped from four to three. Dips are a normal part of the "
        "work, and they don't undo your progress. Take care. Talk to you next week."
    )
    assert_kind_and_short(second)
    card = second.card
    assert card is not None and card["type"] == "Standard" and card["title"] == "Your weekly recap"
    assert "<" not in card["text"]
    assert card["text"].startswith("Perspective rose from three to five")
    for line in ("Boundaries: 4 (last week 2)", "Hope: 3 (last week 4)", "Coping: 3 (last week 3)"):
        assert line in card["text"].splitlines()
    assert checkin_weeks(dynamodb).keys() == {"2026-W48", "2026-W49"}
    assert [int(checkin_weeks(dynamodb)[week]["streak"]) for week in ("2026-W48", "2026-W49")] == [1, 2]


def test_third_week_with_skips_and_last_weeks_recap(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(2))
    conversation.advance(weeks=1)
    check_in(conversation, all_at(3, hope=2))
    conversation.advance(weeks=1)
    third = check_in(conversation, all_at("skip", hope=4, coping=1))
    assert "Two of twelve signs got a rating." in third.speech
    assert "Hope rose from two to four." in third.speech
    assert "You've checked in three weeks in a row." in third.speech
    assert "Coping dipped from three to one." in third.speech
    assert third.card is not None and "Boundaries: skipped (last week 3)" in third.card["text"].splitlines()
    assert_kind_and_short(third)

    conversation.launch()
    last = conversation.intent("LastWeekRecapIntent")
    assert last.speech.startswith(
        "Here's your previous check-in. Connection with your therapist rose from two to three, and perspective "
        "from two to three. Nine more signs rose too. Hope held steady at two. You've checked in two weeks in a row. "
        "Hope was your lowest that week, at two."
    )
    assert last.ends_session, "this week is done, so the recap ends with goodbye"
    assert_kind_and_short(last)


def test_a_gap_is_welcomed_back_and_compared_with_the_last_week_with_data(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(3, hope=2))
    conversation.advance(weeks=4)
    back = check_in(conversation, all_at(3, hope=4))
    assert "Welcome back. It's been four weeks since your last check-in, and that's okay." in back.speech
    assert "Hope rose from two to four." in back.speech
    assert "in a row" not in back.speech
    assert "Hope: 4 (last check-in 2)" in (back.card or {}).get("text", "")
    assert_kind_and_short(back)


def test_recap_on_request_before_this_weeks_check_in_offers_to_start(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(4))
    conversation.advance(weeks=1)
    conversation.launch()
    recap = conversation.intent("RecapIntent")
    assert recap.speech.startswith("You haven't checked in yet this week, so here's your last check-in.")
    assert "You gave every sign you rated a four that week." in recap.speech
    assert recap.speech.endswith("Would you like to do this week's check-in now?")
    assert_kind_and_short(recap)
    assert "Sign one of twelve" in conversation.intent("AMAZON.YesIntent").speech


def test_recap_mid_check_in_offers_to_carry_on_at_the_same_sign(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(2))
    conversation.advance(weeks=1)
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(4)
    conversation.rate(2)
    recap = conversation.intent("RecapIntent")
    assert "Two of twelve signs got a rating." in recap.speech
    assert "Connection with your therapist rose from two to four." in recap.speech
    assert recap.speech.endswith("Shall we carry on with your check-in?")
    assert_kind_and_short(recap)
    assert "Sign three of twelve" in conversation.intent("AMAZON.YesIntent").speech


def test_no_history_gets_a_kind_answer(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    reply = conversation.intent("RecapIntent")
    assert reply.speech.startswith("There's nothing to recap yet.")
    assert reply.reprompt
    last = talk().intent("LastWeekRecapIntent")
    assert last.speech.startswith("There's no earlier check-in to recap yet.")


def test_the_chart_is_sent_only_to_screens(talk: Talk, dynamodb: Any) -> None:
    show = talk(Device(supports_apl=True))
    check_in(show, all_at(3))
    show.advance(weeks=1)
    reply = check_in(show, all_at(3, hope=5, triggers="skip"))
    (directive,) = reply.directives
    assert directive["type"] == "Alexa.Presentation.APL.RenderDocument"
    assert directive["document"]["type"] == "APL"
    signs = {entry["name"]: entry for entry in directive["datasources"]["recapChart"]["signs"]}
    assert len(signs) == 12
    assert signs["hope"]["this"]["heightPercent"] == 100 and signs["hope"]["before"]["heightPercent"] == 60
    assert signs["triggers"]["this"]["state"] == "skipped"

    speaker = talk()
    assert check_in(speaker, all_at(3)).directives == []
    speaker.launch()
    assert speaker.intent("RecapIntent").directives == []


# Trends.


def test_trend_over_three_weeks_by_name_and_by_number(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    for value in (2, 3, 4):
        check_in(conversation, all_at(3, boundaries=value))
        conversation.advance(weeks=1)
    conversation.launch()
    by_name = conversation.intent("TrendIntent", sign=sign_slot("saying no", "boundaries"))
    assert by_name.speech.startswith("Over your last three ratings, boundaries has been rising, from two to four.")
    assert by_name.card is not None and by_name.card["title"] == "Your boundaries trend"
    assert by_name.card["text"].splitlines()[-3:] == ["Week of Nov 23: 2", "Week of Nov 30: 3", "Week of Dec 7: 4"]
    assert_kind_and_short(by_name)
    conversation.launch()
    by_number = conversation.intent("TrendIntent", signNumber="4")
    assert by_number.speech.startswith("Over your last three ratings, boundaries has been rising")
    conversation.launch()
    steady = conversation.intent("TrendIntent", sign=sign_slot("my hope", "hope"))
    assert steady.speech.startswith(
        "Over your last three ratings, hope has held fairly steady, starting at three and now at three."
    )


def test_trend_without_a_clear_sign_asks_which(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(3))
    conversation.launch()
    which = conversation.intent("TrendIntent", sign=resolved_slot("the weather", [], "SIGN"))
    assert (
        which.speech == "Which sign would you like to hear about? Say a number from one to twelve, or a name like hope."
    )
    assert which.reprompt and not which.ends_session
    again = conversation.intent("AMAZON.RepeatIntent")
    assert again.speech == which.speech
    unknown = conversation.rate("40")
    assert unknown.speech.startswith("I'm not sure which sign that is.") and unknown.reprompt
    answer = conversation.intent("SignNameIntent", sign=sign_slot("hope", "hope"))
    assert answer.speech.startswith("So far you've rated hope once, at three.")


def test_trend_with_no_data_and_mid_check_in(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    none = conversation.intent("TrendIntent", sign=sign_slot("hope", "hope"))
    assert none.speech.startswith("You haven't rated hope yet.")
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(4)
    which = conversation.intent("TrendIntent")
    assert which.speech.startswith("Which sign")
    trend = conversation.rate("1")
    assert trend.speech.startswith("So far you've rated connection with your therapist once, at four.")
    assert trend.speech.endswith("Shall we carry on with your check-in?")
    assert "Sign two of twelve" in conversation.intent("AMAZON.YesIntent").speech


# Weeks in the user's own time zone.


def test_sunday_night_in_los_angeles_counts_for_that_sunday(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    device = Device()
    alexa_api.time_zone(device.device_id, "America/Los_Angeles")
    conversation = talk(device, now=SUNDAY_LATE_IN_LOS_ANGELES - timedelta(weeks=1))
    check_in(conversation, all_at(3))
    conversation.advance(weeks=1)
    second = check_in(conversation, all_at(3, hope=5))
    assert checkin_weeks(dynamodb).keys() == {"2026-W47", "2026-W48"}
    assert "You've checked in two weeks in a row." in second.speech
    profile = next(item for item in table_items(dynamodb) if item["sk"].endswith("#PROFILE"))
    assert profile["timeZone"] == "America/Los_Angeles"
    (request,) = alexa_api.time_zone_requests(device.device_id)
    assert request.authorization == "Bearer local-access-token"


@pytest.mark.parametrize("failure", [403, 500, "slow", "no endpoint", "unknown zone"])
def test_when_alexa_cannot_tell_the_week_is_utc_and_nothing_is_said(
    talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi, failure: int | str
) -> None:
    device = Device()
    if isinstance(failure, int):
        alexa_api.fail(device.device_id, failure)
    elif failure == "slow":
        alexa_api.time_zone(device.device_id, "America/Los_Angeles", delay=API_TIMEOUT_SECONDS + 2)
    elif failure == "unknown zone":
        alexa_api.time_zone(device.device_id, "Mars/Olympus_Mons")
    else:
        device.api_endpoint = ""
    conversation = talk(device, now=SUNDAY_LATE_IN_LOS_ANGELES)
    started = datetime.now(UTC)
    launch = conversation.launch()
    assert datetime.now(UTC) - started < timedelta(seconds=API_TIMEOUT_SECONDS + 1.5), "the API call is bounded"
    replies = [launch, conversation.intent("AMAZON.YesIntent")] + [conversation.rate(3) for _ in SIGN_IDS]
    assert checkin_weeks(dynamodb).keys() == {"2026-W49"}, "UTC's week"
    for reply in replies:
        assert "time zone" not in reply.speech.lower() and "sorry" not in reply.speech.lower()
    asked = alexa_api.time_zone_requests(device.device_id)
    assert len(asked) == (0 if failure == "no endpoint" else 1), "a failure is not retried in the same session"
    profile = next(item for item in table_items(dynamodb) if item["sk"].endswith("#PROFILE"))
    assert "timeZone" not in profile, "a fallback is never stored as the user's zone"


def test_time_zone_is_fetched_once_then_kept_for_a_month(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    device = Device()
    alexa_api.time_zone(device.device_id, "Europe/Berlin")
    conversation = talk(device)
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    for value in (1, 2, 3):
        conversation.rate(value)
    conversation.intent("AMAZON.StopIntent")
    check_in(conversation, [4] * 9)
    other_device = talk(Device(user_id=device.user_id))
    other_device.launch()
    other_device.intent("RecapIntent")
    assert len(alexa_api.time_zone_requests()) == 1, "later turns and sessions use the stored zone"
    conversation.advance(days=31)
    conversation.launch()
    assert len(alexa_api.time_zone_requests()) == 2, "refreshed after a month"


# Cost: bounded reads whatever the history.


@pytest.fixture
def read_sizes(dynamodb: Any) -> Iterator[dict[str, list[int]]]:
    from therapy_checkin.turn import default_store

    seen: dict[str, list[int]] = {"Query": [], "Scan": []}

    def after_query(parsed: dict[str, Any], **_: Any) -> None:
        seen["Query"].append(len(parsed.get("Items", [])))

    def before_scan(**_: Any) -> None:
        seen["Scan"].append(1)

    events = default_store()._client.meta.events
    events.register("after-call.dynamodb.Query", after_query)
    events.register("before-call.dynamodb.Scan", before_scan)
    yield seen
    events.unregister("after-call.dynamodb.Query", after_query)
    events.unregister("before-call.dynamodb.Scan", before_scan)


def seed_weekly_history(dynamodb: Any, device: Device, years: int, until: datetime) -> int:
    """One check-in a week for ``years`` years before ``until``'s week, each with the streak it completes."""
    user = UserKey.from_ids(device.user_id)
    weeks = years * 52
    requests = []
    for number in range(1, weeks + 1):
        year, week, _ = (until - timedelta(weeks=weeks - number + 1)).isocalendar()
        item = {
            "pk": {"S": user.pk},
            "sk": {"S": user.checkin_sk(f"{year}-W{week:02d}")},
            "streak": {"N": str(number)},
            "completedAt": {"S": "2020-01-01T00:00:00+00:00"},
            **{f"r_{sign}": {"N": str(1 + (number + index) % 5)} for index, sign in enumerate(SIGN_IDS)},
        }
        requests.append({"PutRequest": {"Item": item}})
    profile = {"pk": {"S": user.pk}, "sk": {"S": user.profile_sk}, "firstSeen": {"S": "2016-11-21T12:00:00+00:00"}}
    requests.append({"PutRequest": {"Item": profile}})
    for start in range(0, len(requests), 25):
        dynamodb.batch_write_item(RequestItems={TABLE_NAME: requests[start : start + 25]})
    return weeks


def test_ten_years_of_history_cost_bounded_queries(talk: Talk, dynamodb: Any, read_sizes: dict[str, list[int]]) -> None:
    device = Device()
    weeks = seed_weekly_history(dynamodb, device, years=10, until=MONDAY_NOON)
    conversation = talk(device)
    final = check_in(conversation, all_at(3))
    assert f"You've checked in {weeks + 1} weeks in a row." in final.speech
    conversation.launch()
    assert "Here's your previous check-in." in conversation.intent("LastWeekRecapIntent").speech
    conversation.launch()
    assert "hope" in conversation.intent("TrendIntent", sign=sign_slot("hope", "hope")).speech
    assert read_sizes["Query"], "the conversation read the history"
    assert max(read_sizes["Query"]) <= 10
    assert read_sizes["Scan"] == []
