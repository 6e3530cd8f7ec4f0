"""Recaps, trends and weeks in the user's time zone, through the real Lambda handler over several weeks.

DynamoDB is moto; the Alexa Settings API is ``devtools/fake_alexa_api.py`` on loopback (the ``alexa_api``
fixture), which every new ``Device`` points at unless a test says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device, resolved_slot
from devtools.fake_alexa_api import FakeAlexaApi
from tests.conftest import MONDAY_NOON, TABLE_NAME, Figures, table_items
from tests.test_recap import judging_words_in
from therapy_checkin.alexa_api import API_TIMEOUT_SECONDS
from therapy_checkin.domain.recap import RECAP_WORD_BUDGET, word_count
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.speech import speech_for
from therapy_checkin.storage import CheckInStore, UserKey

Talk = Callable[..., Conversation]
SPEECH = speech_for("en-US")
OFFER_MORE = tuple(SPEECH("recap_offer_more", variant=n) for n in range(SPEECH.variants("recap_offer_more")))
SUNDAY_LATE_IN_LOS_ANGELES = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)
"""Monday 07:30 UTC of ISO week 2026-W49, which is still Sunday 23:30 of week 2026-W48 in Los Angeles."""


def all_at(value: int | str, **overrides: int | str) -> list[int | str]:
    return [overrides.get(sign, value) for sign in SIGN_IDS]


def check_in(conversation: Conversation, answers: list[int | str]) -> Reply:
    """A whole check-in from launch: a number rates a sign, "skip" skips it. Returns the last reply, which ends
    the session or asks one question (hear the rest of the recap?); the next launch starts a new session."""
    conversation.launch()
    reply = conversation.intent("AMAZON.YesIntent")
    for answer in answers:
        reply = conversation.intent("SkipIntent") if answer == "skip" else conversation.rate(answer)
    if reply.attributes.get("mode") == "offer_reminder":
        # The first completed check-in offers a weekly reminder (tests/test_reminders.py): not now.
        assert reply.speech.endswith("Would you like one?") and reply.reprompt
        conversation.intent("AMAZON.NoIntent")
        return reply
    assert reply.ends_session or reply.speech.endswith("?"), reply.speech
    assert_kind_and_short(reply)
    return reply


def sign_slot(name: str, sign_id: str) -> dict[str, Any]:
    return resolved_slot(name, [(sign_id, sign_id)], "SIGN")


def checkin_weeks(dynamodb: Any) -> dict[str, dict[str, Any]]:
    return {item["sk"].rsplit("#", 1)[1]: item for item in table_items(dynamodb) if "#CHECKIN#" in item["sk"]}


def assert_kind_and_short(reply: Reply) -> None:
    """Kind, at most 45 words, and a turn that keeps the session open ends with a question, as its reprompt is."""
    assert judging_words_in(reply.speech) == [], reply.speech
    assert word_count(reply.speech) <= RECAP_WORD_BUDGET, reply.speech
    if not reply.ends_session:
        assert reply.speech.endswith("?"), reply.speech
        assert reply.reprompt.endswith("?"), reply.reprompt


# Across weeks.


def test_second_week_recap_compares_with_the_first(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    first = check_in(conversation, all_at(3, boundaries=2, hope=4, perspective=3))
    assert "starting point" in first.speech
    conversation.intent("AMAZON.NoIntent")
    conversation.advance(weeks=1)
    second = check_in(conversation, all_at(3, boundaries=4, hope=3, perspective=5))
    assert second.speech == (
        "That's all twelve. Thanks for making time for this. "
        "Your rating for seeing things from new angles rose from three to five. "
        "You gave hope for the future a three, down from four. Dips are normal. Would you like more?"
    ), "the week pins the phrasing"
    card = second.card
    assert card is not None and card["type"] == "Standard" and card["title"] == "Your weekly recap"
    assert "<" not in card["text"]
    assert card["text"].startswith("Your rating for seeing things from new angles rose from three to five.")
    for line in (
        "Setting boundaries: 4 (last week 2)",
        "Hope for the future: 3 (last week 4)",
        "Healthier coping: 3 (last week 3)",
    ):
        assert line in card["text"].splitlines()
    rest = conversation.intent("AMAZON.YesIntent")
    assert re.search(r"setting boundaries.{0,20} from two (up )?to four\.", rest.speech), rest.speech
    assert "Nine signs held steady." in rest.speech and "two weeks in a row" in rest.speech
    assert rest.speech.endswith(("Want to hear last week's recap too?", "Would you like last week's recap as well?"))
    assert_kind_and_short(rest)
    assert checkin_weeks(dynamodb).keys() == {"2026-W48", "2026-W49"}
    assert [int(checkin_weeks(dynamodb)[week]["streak"]) for week in ("2026-W48", "2026-W49")] == [1, 2]


def test_third_week_with_skips_and_last_weeks_recap(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(2))
    conversation.advance(weeks=1)
    check_in(conversation, all_at(3, hope=2))
    conversation.advance(weeks=1)
    third = check_in(conversation, all_at("skip", hope=4, coping=1))
    assert "healthier coping" in third.speech and "from three to one" in third.speech, "the note comes first"
    assert third.card is not None
    whole = third.card["text"]
    assert "Two of the twelve signs got a rating" in whole or "Two of twelve signs got a rating." in whole
    assert re.search(r"hope for the future.{0,20} from two (up )?to four\.", whole), whole
    assert "three weeks in a row" in whole
    assert "Setting boundaries: skipped (last week 3)" in whole.splitlines()
    rest = conversation.intent("AMAZON.YesIntent")
    heard = f"{third.speech} {rest.speech}"
    assert re.search(r"hope for the future.{0,20} from two (up )?to four\.", heard), heard
    assert "three weeks in a row" in rest.speech
    assert_kind_and_short(rest)

    conversation.launch()
    last = conversation.intent("LastWeekRecapIntent")
    assert last.speech.startswith("Here's your previous check-in.")
    assert "Your ratings rose for eleven signs since the week before" in last.speech, "the pattern, as one fact"
    assert "every sign" not in last.speech.lower(), "eleven of twelve compared rose"
    assert not last.ends_session, "a session the user opened stays open for a follow-up"
    assert_kind_and_short(last)
    assert last.speech.endswith(OFFER_MORE)
    more = conversation.intent("AMAZON.YesIntent")
    assert more.speech.startswith("Ten other signs rose too, among them seeing things from new angles"), more.speech
    assert "Every sign" not in more.speech
    assert_kind_and_short(more)


def test_a_gap_is_welcomed_back_and_compared_with_the_last_week_with_data(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(3, hope=2))
    conversation.advance(weeks=4)
    back = check_in(conversation, all_at(3, hope=4))
    whole = (back.card or {}).get("text", "")
    assert "four weeks" in whole
    assert re.search(r"hope for the future.{0,20} from two (up )?to four\.", whole), whole
    assert "in a row" not in whole
    assert "Hope for the future: 4 (last check-in 2)" in whole
    assert "four weeks" in back.speech, "the welcome back is heard in the first part"


def test_recap_on_request_before_this_weeks_check_in_offers_to_start(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(4))
    conversation.advance(weeks=1)
    conversation.launch()
    recap = conversation.intent("RecapIntent")
    assert recap.speech.startswith("You haven't checked in yet this week, so here's your last check-in.")
    assert re.search(r"every sign you rated (was )?a four (that|last) week", recap.speech, re.IGNORECASE), recap.speech
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
    assert "feeling connected to your therapist" in recap.speech and "from two to four" in recap.speech
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
    assert last.ends_session, "a one-shot request is answered and closed"


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
    hope, triggers = signs["hope for the future"], signs["understanding your triggers"]
    assert hope["this"]["heightPercent"] == 100 and hope["before"]["heightPercent"] == 60
    assert triggers["this"]["state"] == "skipped"

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
    assert by_name.speech.startswith("For setting boundaries, your last three ratings went up, from two to four.")
    assert by_name.card is not None and by_name.card["title"] == "Your ratings for setting boundaries"
    assert by_name.card["text"].splitlines()[-3:] == ["Week of Nov 23: 2", "Week of Nov 30: 3", "Week of Dec 7: 4"]
    assert_kind_and_short(by_name)
    conversation.launch()
    by_number = conversation.intent("TrendIntent", signNumber="4")
    assert by_number.speech.startswith("For setting boundaries, your last three ratings went up")
    conversation.launch()
    steady = conversation.intent("TrendIntent", sign=sign_slot("my hope", "hope"))
    assert "hope for the future" in steady.speech and "three ratings" in steady.speech
    assert "steady, at three each time" in steady.speech or "held steady at three." in steady.speech
    assert "from three to three" not in steady.speech
    assert_kind_and_short(steady)


@pytest.mark.parametrize(
    ("values", "said", "not_said"),
    [
        ((3, 3, 2, 4), ("down to two, then back up to four", "from three to two, then came back up to four"), "rising"),
        ((4, 4, 2, 4), ("steady at four, apart from one lower week", "at four, apart from one lower"), "from four"),
    ],
)
def test_a_trend_tells_the_shape_the_ratings_really_have(
    talk: Talk, dynamodb: Any, values: tuple[int, ...], said: tuple[str, ...], not_said: str
) -> None:
    """Boundaries rated 3, 3, 2, 4 is a dip and a recovery, not a rise; 4, 4, 2, 4 is steady with one low week."""
    conversation = talk()
    for value in values:
        check_in(conversation, all_at(3, boundaries=value))
        conversation.advance(weeks=1)
    conversation.launch()
    trend = conversation.intent("TrendIntent", sign=sign_slot("boundaries", "boundaries"))
    assert any(phrase in trend.speech for phrase in said), trend.speech
    assert not_said not in trend.speech
    assert_kind_and_short(trend)


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
    assert "rated hope for the future once" in answer.speech and "at three." in answer.speech


def test_trend_with_no_data_and_mid_check_in(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    none = conversation.intent("TrendIntent", sign=sign_slot("hope", "hope"))
    assert none.speech.startswith("You haven't rated hope for the future yet.")
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(4)
    which = conversation.intent("TrendIntent")
    assert which.speech.startswith("Which sign")
    trend = conversation.rate("1")
    assert "rated feeling connected to your therapist once" in trend.speech and "at four." in trend.speech
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
    assert "two weeks in a row" in (second.card or {}).get("text", "")
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
def read_sizes(store: CheckInStore) -> Iterator[dict[str, list[int]]]:
    seen: dict[str, list[int]] = {"Query": [], "Scan": []}

    def after_query(parsed: dict[str, Any], **_: Any) -> None:
        seen["Query"].append(len(parsed.get("Items", [])))

    def before_scan(**_: Any) -> None:
        seen["Scan"].append(1)

    events = store.connect().meta.events
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
    assert re.search(rf"\b{weeks + 1} weeks in a row", (final.card or {}).get("text", "")), final.card
    conversation.launch()
    assert "Here's your previous check-in." in conversation.intent("LastWeekRecapIntent").speech
    conversation.launch()
    assert "hope" in conversation.intent("TrendIntent", sign=sign_slot("hope", "hope")).speech
    assert read_sizes["Query"], "the conversation read the history"
    assert max(read_sizes["Query"]) <= 10
    assert read_sizes["Scan"] == []


# One conversation: the rest of a recap, then what to hear next; a one-shot request is answered and closed.


def test_last_weeks_recap_after_how_am_i_doing_reaches_an_open_skill(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(2))
    conversation.advance(weeks=1)
    check_in(conversation, all_at(3, hope=1))
    conversation.launch()
    this_week = conversation.intent("RecapIntent")
    assert not this_week.ends_session, "the user opened the session: the answer offers a follow-up"
    assert_kind_and_short(this_week)
    while this_week.attributes["recapOffer"].get("said") is not None:
        this_week = conversation.intent("AMAZON.YesIntent")
        assert_kind_and_short(this_week)
    assert this_week.speech.endswith(
        ("Want to hear last week's recap too?", "Would you like last week's recap as well?")
    )
    last_week = conversation.intent("LastWeekRecapIntent")
    assert last_week.speech.startswith("Here's your previous check-in.")
    assert_kind_and_short(last_week)
    assert not last_week.ends_session


def test_yes_to_the_follow_up_brings_last_week_and_then_a_sign(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(3))
    conversation.advance(weeks=1)
    check_in(conversation, all_at(3))
    conversation.launch()
    recap = conversation.intent("RecapIntent")
    assert recap.attributes["recapOffer"] == {"request": "last_week"}, recap.speech
    last = conversation.intent("AMAZON.YesIntent")
    assert last.speech.startswith("Here's your previous check-in.")
    assert last.attributes["recapOffer"] == {"request": "trend"}
    assert last.speech.endswith("?")
    again = conversation.intent("AMAZON.RepeatIntent")
    assert again.speech.endswith("?") and "sign" in again.speech, "repeat asks the same question again"
    assert again.attributes["recapOffer"] == {"request": "trend"}
    which = conversation.intent("AMAZON.YesIntent")
    assert which.speech.startswith("Which sign would you like to hear about?")
    trend = conversation.intent("SignNameIntent", sign=sign_slot("hope", "hope"))
    assert "hope for the future" in trend.speech
    assert trend.speech.endswith(
        ("Would you like to hear about another sign?", "Want to hear how another sign is going?")
    )
    assert_kind_and_short(trend)
    done = conversation.intent("AMAZON.NoIntent")
    assert done.ends_session and "talk to you next week" in done.speech


def test_want_to_hear_more_yes_gives_the_rest_and_no_ends_kindly(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(2, hope=4))
    conversation.advance(weeks=1)
    end_of_check_in = check_in(conversation, all_at(3, hope=1, coping=5, triggers="skip"))
    assert word_count(end_of_check_in.speech) <= 45
    assert end_of_check_in.speech.endswith(OFFER_MORE)
    assert end_of_check_in.reprompt == "Would you like to hear the rest of your recap?"
    assert "hope for the future" in end_of_check_in.speech, "the gentle note is in the first part"
    rest = conversation.intent("AMAZON.YesIntent")
    assert rest.speech not in end_of_check_in.speech and "rose" in rest.speech
    assert "Ten more" not in rest.speech and "Every sign" not in rest.speech, "one sign dipped: not every sign rose"
    assert_kind_and_short(rest)

    conversation.advance(weeks=1)
    again = check_in(conversation, all_at(4, hope=2))
    assert again.speech.endswith("?")
    no = conversation.intent("AMAZON.NoIntent")
    assert no.speech.startswith("Before you go, would you like a minute to reflect on"), "hope moved: a reflection"
    assert not no.ends_session
    declined = conversation.intent("AMAZON.NoIntent")
    assert declined.ends_session and declined.speech.startswith(("Okay.", "All right."))


def test_a_one_shot_request_is_answered_and_closed(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    check_in(conversation, all_at(3, hope=5))
    conversation.intent("AMAZON.StopIntent")
    one_shot = conversation.intent("RecapIntent")
    assert one_shot.ends_session and one_shot.speech.endswith("Take care. Talk to you next week.")
    assert word_count(one_shot.speech) <= 45
    trend = conversation.intent("TrendIntent", sign=sign_slot("hope", "hope"))
    assert trend.ends_session


def test_every_recap_and_trend_turn_is_at_most_45_words(talk: Talk, dynamodb: Any, figure: Figures) -> None:
    """Every turn of a varied three-week history, printed with the longest of each kind."""
    conversation = talk()
    longest: dict[str, Reply] = {}

    def keep(kind: str, reply: Reply) -> None:
        assert_kind_and_short(reply)
        if word_count(reply.speech) > word_count(longest[kind].speech if kind in longest else ""):
            longest[kind] = reply

    for week in (all_at(5, hope=1), all_at(1, hope=5, triggers="skip"), all_at(3, boundaries=5, coping=2)):
        keep("end of check-in", check_in(conversation, week))
        conversation.launch()
        keep("standalone recap", conversation.intent("RecapIntent"))
        keep("standalone recap", conversation.intent("LastWeekRecapIntent"))
        for sign in SIGN_IDS:
            conversation.launch()
            keep("trend", conversation.intent("TrendIntent", sign=sign_slot(sign, sign)))
        conversation.advance(weeks=1)
    for kind, reply in longest.items():
        figure("recap", f"longest {kind} turn in conversation: {word_count(reply.speech)} words: {reply.speech}")


@pytest.mark.parametrize("said", ["tell me more", "more", "the rest", "go on", "next"])
def test_words_that_mean_more_continue_the_recap_where_it_offers_more(talk: Talk, dynamodb: Any, said: str) -> None:
    """At "Shall I tell you more?", words that elsewhere ask what a sign means or move on mean yes: the mode
    decides. Sent as Alexa would send them, through the interaction model."""
    from devtools.nlu import understanding

    conversation = talk()
    check_in(conversation, all_at(2, hope=4))
    conversation.advance(weeks=1)
    offered = check_in(conversation, all_at(3, hope=1, coping=5, triggers="skip"))
    assert offered.speech.endswith(OFFER_MORE)
    heard = understanding("en-US").resolve_in_session(said)
    assert heard.intent is not None
    rest = conversation.intent(heard.intent, **heard.slots)
    assert rest.speech not in offered.speech and "rose" in rest.speech, (heard.intent, rest.speech)
    assert_kind_and_short(rest)
