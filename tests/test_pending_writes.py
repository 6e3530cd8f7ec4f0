"""Answers kept through an outage: stored in one call, within the turn's time, in the scope of the voice that
gave them, and never over a newer answer given on another device."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device, FakeLambdaContext
from devtools.fake_alexa_api import FakeAlexaApi
from tests.conftest import MONDAY_NOON, TABLE_NAME, FaultInjector, Figures, examples, stored_data, table_items
from tests.test_dynamodb_calls import seed_history
from tests.test_reminders import offers_reminder, with_reminder
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.session import PendingWrite, SessionState
from therapy_checkin.storage import CheckInStore, UserKey
from therapy_checkin.turn import Turn

Talk = Callable[..., Conversation]

TURN_LIMIT_SECONDS = 6.0
"""The longest a turn may take: Lambda stops the function at 7 s, and Alexa waits 8."""


class _Body:
    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


@dataclass
class ThrottleFirstAttempt:
    """DynamoDB answering every call's first attempt with a 400 ThrottlingException, as a busy table does.

    It answers at botocore's ``before-send``, after retry handling is set up, so the client's own standard
    retry mode sees a real throttling response and really sleeps its jittered backoff before the second try.
    """

    throttled: int = 0
    attempts: list[str] = field(default_factory=list)
    enabled: bool = True

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        header = request.headers.get("amz-sdk-request", b"")
        header = header.decode() if isinstance(header, bytes) else str(header)
        self.attempts.append(header)
        if not self.enabled or not header.startswith("attempt=1;"):
            return None
        self.throttled += 1
        body = {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "Rate exceeded"}
        headers = HTTPHeaders()
        headers["Content-Type"], headers["x-amzn-RequestId"] = "application/x-amz-json-1.0", "throttled"
        return AWSResponse(request.url, 400, headers, _Body(json.dumps(body).encode()))


@pytest.fixture
def throttle(store: CheckInStore) -> Iterator[Callable[[], ThrottleFirstAttempt]]:
    """Start throttling the first attempt of every call (until the test ends)."""
    events = store.connect().meta.events
    installed: list[ThrottleFirstAttempt] = []

    def start() -> ThrottleFirstAttempt:
        hook = ThrottleFirstAttempt()
        events.register_first("before-send.dynamodb", cast("Callable[..., None]", hook))
        installed.append(hook)
        return hook

    yield start
    for hook in installed:
        events.unregister("before-send.dynamodb", cast("Callable[..., None]", hook))


def started(talk: Talk, device: Device | None = None) -> Conversation:
    conversation = talk(device)
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    return conversation


def week_item(dynamodb: Any, scope: str | None = None) -> dict[str, Any]:
    items = [item for item in table_items(dynamodb) if "#CHECKIN#" in item["sk"]]
    if scope is not None:
        items = [item for item in items if item["sk"].startswith(f"{scope}#")]
    assert len(items) == 1, [item["sk"] for item in items]
    return items[0]


def ratings_of(item: dict[str, Any]) -> dict[str, int]:
    return {name[2:]: int(value) for name, value in item.items() if name.startswith("r_")}


def answer_eleven_while_down(conversation: Conversation, faults: FaultInjector) -> None:
    """Signs one to eleven answered while every write fails: ten ratings and a skip, all kept in the session."""
    faults.fail("UpdateItem", "throttled")
    for index in range(11):
        if index == 4:
            conversation.intent("SkipIntent")
        else:
            conversation.rate(index % 5 + 1)
    assert len(conversation.attributes["pending"]) == 11
    faults.recover()


EXPECTED_ELEVEN = {SIGN_IDS[i]: i % 5 + 1 for i in range(11) if i != 4}


def timed(action: Callable[[], Reply]) -> tuple[Reply, float]:
    start = time.perf_counter()
    reply = action()
    return reply, time.perf_counter() - start


def report(figure: Figures, label: str, seconds: float) -> None:
    figure("turn time", f"{label}: {seconds:.2f} s (limit {TURN_LIMIT_SECONDS:.0f} s)")


def test_eleven_pending_answers_are_stored_in_one_call(talk: Talk, dynamodb: Any, faults: FaultInjector) -> None:
    conversation = started(talk)
    answer_eleven_while_down(conversation, faults)
    faults.calls.clear()
    conversation.intent("AMAZON.RepeatIntent")
    assert faults.calls == ["UpdateItem"], "a week's pending answers go to the table in one UpdateItem"
    item = week_item(dynamodb)
    assert ratings_of(item) == EXPECTED_ELEVEN
    assert item["skipped"] == {SIGN_IDS[4]}
    assert item["t_connection"] == "2026-11-23T12:00:00+00:00", "each rating is stored with its time"
    assert "pending" not in conversation.attributes


def test_a_rating_wins_over_a_skip_in_one_fold_whatever_the_order(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    conversation = started(talk)
    faults.fail("UpdateItem", "server error")
    conversation.intent("SkipIntent")  # connection skipped...
    conversation.intent("AMAZON.PreviousIntent")
    conversation.rate(2)  # ...then rated: the rating counts
    conversation.rate(4)  # perspective rated...
    conversation.intent("ChangeAnswerIntent", signNumber="2")
    conversation.intent("SkipIntent")  # ...then skipped while changing it: the rating is kept
    faults.recover()
    faults.calls.clear()
    conversation.intent("AMAZON.RepeatIntent")
    assert faults.calls == ["UpdateItem"]
    item = week_item(dynamodb)
    assert ratings_of(item) == {"connection": 2, "perspective": 4}
    assert not item.get("skipped")


def test_a_turn_after_an_outage_answers_in_time_with_real_backoff(
    talk: Talk,
    dynamodb: Any,
    faults: FaultInjector,
    throttle: Callable[[], ThrottleFirstAttempt],
    figure: Figures,
) -> None:
    """Eleven answers pending, then a table that throttles every call once: botocore backs off for real."""
    conversation = started(talk)
    answer_eleven_while_down(conversation, faults)
    hook = throttle()
    faults.calls.clear()
    last, seconds = timed(lambda: conversation.rate(5))
    report(figure, f"last answer with 11 pending, {hook.throttled} calls throttled once", seconds)
    assert seconds < TURN_LIMIT_SECONDS
    assert hook.throttled >= 2 and len(hook.attempts) == 2 * hook.throttled, "each call was retried once"
    assert faults.calls.count("UpdateItem") <= 3, "pending answers, the last answer and the completion"
    assert offers_reminder(last) and "couldn't save" not in last.speech
    item = week_item(dynamodb)
    assert ratings_of(item) == {**EXPECTED_ELEVEN, "ongoing_work": 5}
    assert item["skipped"] == {SIGN_IDS[4]} and item["completedAt"]


@pytest.mark.slow
def test_sign_by_sign_after_a_conflict_still_answers_in_time_with_real_backoff(
    talk: Talk,
    dynamodb: Any,
    faults: FaultInjector,
    throttle: Callable[[], ThrottleFirstAttempt],
    figure: Figures,
) -> None:
    """The worst case: the fold is refused (a newer answer on another device), so each of eleven answers is
    written on its own, and every one of those calls is throttled once. The turn stops calling in time."""
    kitchen = started(talk)
    answer_eleven_while_down(kitchen, faults)
    bedroom = started(talk, Device(user_id=kitchen.device.user_id))
    bedroom.now = kitchen.now + timedelta(minutes=5)
    bedroom.intent("ChangeAnswerIntent", signNumber="11")
    bedroom.rate(1)  # a newer answer for the last sign the kitchen has pending: the kitchen's fold is refused
    kitchen.advance(minutes=10)
    hook = throttle()
    faults.calls.clear()
    reply, seconds = timed(lambda: kitchen.intent("AMAZON.RepeatIntent"))
    left = len(kitchen.attributes.get("pending", []))
    report(figure, f"fold refused, {hook.throttled} calls throttled once, {left} answers left pending", seconds)
    assert seconds < TURN_LIMIT_SECONDS
    assert len(faults.calls) == hook.throttled == 12 - left, "the fold, then one call per sign stored"
    assert not reply.ends_session and reply.reprompt
    hook.enabled = False
    kitchen.intent("AMAZON.RepeatIntent")  # the next turn stores whatever time did not allow
    assert "pending" not in kitchen.attributes
    expected = {**EXPECTED_ELEVEN, "others_notice": 1}
    assert ratings_of(week_item(dynamodb)) == expected, "nothing lost, and the newer answer stands"


@dataclass
class ContextLosingASecondPerCall:
    """A Lambda context whose time left falls by one second with each DynamoDB call: a slow table, exactly."""

    calls: list[str]
    function_name: str = "therapy-checkin-local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:therapy-checkin-local"
    aws_request_id: str = "slow-table"
    at_start: int = 0

    def __post_init__(self) -> None:
        self.at_start = len(self.calls)

    def get_remaining_time_in_millis(self) -> int:
        return 7000 - 1000 * (len(self.calls) - self.at_start)


def test_sign_by_sign_stops_when_time_runs_low_and_keeps_the_rest(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    kitchen = started(talk)
    answer_eleven_while_down(kitchen, faults)
    bedroom = started(talk, Device(user_id=kitchen.device.user_id))
    bedroom.now = kitchen.now + timedelta(minutes=5)
    bedroom.rate(1)  # a newer answer for sign one: the kitchen's fold is refused
    kitchen.advance(minutes=10)
    kitchen.context = lambda: ContextLosingASecondPerCall(faults.calls)
    faults.calls.clear()
    kitchen.intent("AMAZON.RepeatIntent")
    assert faults.calls == ["UpdateItem"] * 5, "the refused fold, then four signs; then under 2.5 s are left"
    assert [write["sign"] for write in kitchen.attributes["pending"]] == list(SIGN_IDS[4:11])
    assert ratings_of(week_item(dynamodb)) == {"connection": 1, "perspective": 2, "relationships": 3, "boundaries": 4}
    kitchen.context = FakeLambdaContext
    kitchen.intent("AMAZON.RepeatIntent")
    assert "pending" not in kitchen.attributes
    assert ratings_of(week_item(dynamodb)) == {**EXPECTED_ELEVEN, "connection": 1}


def test_no_call_starts_when_little_time_is_left(talk: Talk, dynamodb: Any, faults: FaultInjector) -> None:
    conversation = started(talk)
    faults.fail("UpdateItem", "read timeout")
    conversation.rate(4)
    faults.recover()
    conversation.context = lambda: FakeLambdaContext(timeout_ms=2400)
    faults.calls.clear()
    reply = conversation.rate(2)
    assert faults.calls == [], "with under 2.5 s left a call could outlast the function"
    assert reply.speech.startswith("Sign three"), "the apology was said on the first answer kept; not again"
    assert len(conversation.attributes["pending"]) == 2
    stop = conversation.intent("AMAZON.StopIntent")
    assert "saved" not in stop.speech.replace("couldn't save", "")
    assert not [item for item in table_items(dynamodb) if "#CHECKIN#" in item["sk"]]


@dataclass
class ContextWithoutATimer:
    """A context that cannot say how much time is left (a local runner, a test double)."""

    function_name: str = "therapy-checkin-local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:therapy-checkin-local"
    aws_request_id: str = "no-timer"
    get_remaining_time_in_millis: Any = None


@pytest.mark.parametrize(
    "timer",
    [None, lambda: float("nan"), lambda: 1 / 0],
    ids=["absent", "nan", "raises"],
)
def test_a_context_that_cannot_tell_the_time_falls_back_to_the_turns_own_clock(
    talk: Talk, dynamodb: Any, faults: FaultInjector, timer: Any
) -> None:
    conversation = started(talk)
    faults.fail("UpdateItem", "throttled")
    conversation.rate(4)
    faults.recover()
    conversation.context = lambda: ContextWithoutATimer(get_remaining_time_in_millis=timer)
    saved = conversation.rate(2).speech
    assert saved.startswith("Everything you've said is saved now. Sign three of twelve"), "saved: said once, on we go"
    assert ratings_of(week_item(dynamodb)) == {"connection": 4, "perspective": 2}


def test_pending_answers_land_in_the_scope_of_the_voice_that_gave_them(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    """Alex answers while the table is down; then Sam speaks in the same session. Alex's answers stay Alex's."""
    device = Device(person_id="amzn1.ask.person.ALEX")
    alex = UserKey.from_ids(device.user_id, "amzn1.ask.person.ALEX")
    conversation = started(talk, device)
    conversation.rate(3)
    faults.fail("UpdateItem", "server error")
    conversation.rate(4)
    conversation.rate(5)
    assert {write["scope"] for write in conversation.attributes["pending"]} == {alex.scope}
    faults.recover()
    device.person_id = "amzn1.ask.person.SAM"
    conversation.rate(1)
    device.person_id = None  # and then a voice Alexa does not recognise
    conversation.intent("AMAZON.RepeatIntent")
    assert ratings_of(week_item(dynamodb, alex.scope)) == {"connection": 3, "perspective": 4, "relationships": 5}
    sam = UserKey.from_ids(device.user_id, "amzn1.ask.person.SAM")
    others = [item for item in table_items(dynamodb) if item["sk"].startswith((f"{sam.scope}#CHECKIN#", "A#CHECKIN#"))]
    assert others == [], "Sam's turn started afresh: Alex's question was not Sam's to answer, and nothing is Sam's"


def test_a_late_write_never_replaces_a_newer_answer_from_another_device(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    kitchen = started(talk)
    faults.fail("UpdateItem", "throttled")
    kitchen.rate(1)  # 12:00, kept in the kitchen's session
    kitchen.rate(2)
    faults.recover()
    bedroom = started(talk, Device(user_id=kitchen.device.user_id))
    bedroom.now = MONDAY_NOON + timedelta(minutes=5)
    bedroom.rate(5)  # 12:05: the same sign, answered again on another device
    kitchen.advance(minutes=10)
    faults.calls.clear()
    reply = kitchen.rate(3)  # 12:10: the kitchen's pending answers finally go out
    assert reply.speech.startswith("Everything you've said is saved now. Thanks.")
    assert faults.calls == ["UpdateItem"] * 4, "the fold is refused, then each sign on its own"
    item = week_item(dynamodb)
    assert ratings_of(item) == {"connection": 5, "perspective": 2, "relationships": 3}
    assert item["t_connection"] == "2026-11-23T12:05:00+00:00"
    assert item["t_relationships"] == "2026-11-23T12:10:00+00:00", "a live answer carries its time too"
    assert "pending" not in kitchen.attributes


def test_a_week_stored_before_answer_times_still_reads_and_takes_new_answers(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    conversation = talk()
    user = UserKey.from_ids(conversation.device.user_id)
    conversation.launch()  # first visit: the profile
    dynamodb.put_item(
        TableName=TABLE_NAME,
        Item={
            "pk": {"S": user.pk},
            "sk": {"S": user.checkin_sk("2026-W48")},
            "r_connection": {"N": "2"},
            "r_perspective": {"N": "3"},
            "skipped": {"SS": ["relationships"]},
            "startedAt": {"S": "2026-11-23T09:00:00+00:00"},
        },
    )
    reply = conversation.launch()
    assert "sign four of twelve" in reply.speech
    conversation.intent("AMAZON.YesIntent")
    faults.fail("UpdateItem", "server error")
    conversation.rate(4)
    conversation.intent("ChangeAnswerIntent", signNumber="3")
    conversation.rate(5)
    conversation.intent("ChangeAnswerIntent", signNumber="1")
    conversation.rate(1)
    faults.recover()
    conversation.intent("AMAZON.RepeatIntent")
    item = week_item(dynamodb)
    assert ratings_of(item) == {"connection": 1, "perspective": 3, "relationships": 5, "boundaries": 4}
    assert not item.get("skipped")
    assert "t_perspective" not in item and item["startedAt"] == "2026-11-23T09:00:00+00:00"


# The fold, against a model of what storing answers one by one means: for any earlier contents of the week
# and any pending answers, flushing leaves the table exactly as the rules say.

SIGNS = SIGN_IDS[:3]
minutes = st.integers(min_value=0, max_value=4)
stored_sign = st.one_of(
    st.none(),
    st.tuples(st.just("rating"), st.integers(1, 5), st.one_of(st.none(), minutes)),
    st.just(("skipped", 0, None)),
)
pending_answer = st.tuples(st.sampled_from(["rating", "skip"]), st.sampled_from(SIGNS), st.integers(1, 5), minutes)


@dataclass
class _FlushTurn:
    """What :func:`therapy_checkin.saving.flush_pending` reads from a turn."""

    store: CheckInStore
    user: UserKey
    now: datetime
    state: SessionState = field(default_factory=SessionState)
    handler_input: Any = None


def _at(minute: int) -> datetime:
    return MONDAY_NOON + timedelta(minutes=minute)


def _expected(
    before: dict[str, Any], answers: list[tuple[str, str, int, int]]
) -> tuple[dict[str, tuple[int, str | None]], set[str]]:
    """Ratings (value, time) and skipped signs after storing ``answers``, by the rules: per sign the newest
    rating wins (the later one on a tie, and any over a rating without a time); a rating always beats a skip."""
    ratings: dict[str, tuple[int, datetime | None]] = {}
    skipped: set[str] = set()
    for sign_id, state in before.items():
        if state is not None and state[0] == "rating":
            ratings[sign_id] = (state[1], None if state[2] is None else _at(state[2]))
        elif state is not None:
            skipped.add(sign_id)
    for kind, sign_id, value, minute in answers:
        if kind == "skip":
            skipped.add(sign_id)
            continue
        stored_at = ratings.get(sign_id, (0, None))[1]
        if sign_id not in ratings or stored_at is None or stored_at <= _at(minute):
            ratings[sign_id] = (value, _at(minute))
    stamps = {
        sign_id: (value, None if at is None else at.isoformat(timespec="seconds"))
        for sign_id, (value, at) in ratings.items()
    }
    return stamps, skipped - ratings.keys()


@settings(max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.fixed_dictionaries(dict.fromkeys(SIGNS, stored_sign)),
    answers=st.lists(pending_answer, min_size=1, max_size=6),
)
def test_flushing_any_pending_answers_follows_the_rules(
    dynamodb: Any, before: dict[str, Any], answers: list[tuple[str, str, int, int]]
) -> None:
    from therapy_checkin import saving, storage

    store = CheckInStore(TABLE_NAME, dynamodb)
    user = UserKey.from_ids(f"amzn1.ask.account.{uuid.uuid4()}")
    item: dict[str, Any] = {"pk": {"S": user.pk}, "sk": {"S": user.checkin_sk("2026-W48")}}
    for sign_id, state in before.items():
        if state is not None and state[0] == "rating":
            item[f"r_{sign_id}"] = {"N": str(state[1])}
            if state[2] is not None:
                item[f"t_{sign_id}"] = {"S": _at(state[2]).isoformat(timespec="seconds")}
    skipped = [sign_id for sign_id, state in before.items() if state is not None and state[0] == "skipped"]
    if skipped:
        item["skipped"] = {"SS": skipped}
    dynamodb.put_item(TableName=TABLE_NAME, Item=item)
    turn = _FlushTurn(store=store, user=user, now=_at(10))
    turn.state.pending = [
        PendingWrite(
            kind=kind,
            week="2026-W48",
            sign=sign_id,
            value=value if kind == "rating" else None,
            at=_at(minute).isoformat(),
            scope=user.scope,
        )
        for kind, sign_id, value, minute in answers
    ]
    storage.begin_turn()
    assert saving.flush_pending(cast("Turn", turn))
    assert turn.state.pending == []
    stored = dynamodb.get_item(TableName=TABLE_NAME, Key={"pk": item["pk"], "sk": item["sk"]})["Item"]
    ratings = {
        sign_id: (int(stored[f"r_{sign_id}"]["N"]), stored.get(f"t_{sign_id}", {}).get("S"))
        for sign_id in SIGNS
        if f"r_{sign_id}" in stored
    }
    assert (ratings, set(stored.get("skipped", {}).get("SS", []))) == _expected(before, answers)


@pytest.mark.slow
def test_every_kind_of_turn_answers_in_time_when_every_call_is_throttled_once(
    talk: Talk, dynamodb: Any, throttle: Callable[[], ThrottleFirstAttempt], figure: Figures
) -> None:
    """A long history, a passcode, a check-in, a recap behind the passcode, a trend, and a deletion, with every
    DynamoDB call throttled once and botocore backing off for real: each turn answers in under six seconds, and
    a turn that ran short of time says so calmly instead of being cut off. (No wrong passcode here: moto applies
    a write before this hook's throttled answer reaches botocore, so its retry would count a try twice.)"""
    device = Device()
    seed_history(dynamodb, device, weeks=120)
    conversation = talk(device)
    conversation.launch()
    conversation.intent("SetPasscodeIntent")
    conversation.intent("PasscodeIntent", code="4821")
    conversation.intent("PasscodeIntent", code="4821")
    conversation.intent("AMAZON.StopIntent")
    hook = throttle()
    turns: list[tuple[str, Callable[[], Reply]]] = [
        ("launch", conversation.launch),
        ("yes", lambda: conversation.intent("AMAZON.YesIntent")),
        *((f"rating {n}", lambda: conversation.rate(3)) for n in range(1, 13)),
        ("recap", lambda: conversation.intent("RecapIntent")),
        ("right passcode", lambda: conversation.intent("PasscodeIntent", code="4821")),
        ("trend", lambda: conversation.intent("TrendIntent", sign="hope")),
        ("delete my data", lambda: conversation.intent("DeleteDataIntent")),
        ("yes, delete", lambda: conversation.intent("AMAZON.YesIntent")),
    ]
    times: dict[str, float] = {}
    replies: dict[str, Reply] = {}
    for label, turn in turns:
        replies[label], times[label] = timed(turn)
    slowest = max(times, key=lambda label: times[label])
    report(figure, f"every turn, {hook.throttled} calls throttled once; slowest: {slowest}", times[slowest])
    assert times[slowest] < TURN_LIMIT_SECONDS, times
    assert hook.throttled >= 20
    assert all("went wrong" not in reply.speech for reply in replies.values())
    deleted = replies["yes, delete"]
    assert deleted.ends_session
    # The backoff is random: the deletion finishes, or it stops in time and says so, and nothing claims otherwise.
    if deleted.speech.startswith("Done. I've deleted"):
        assert stored_data(dynamodb) == []
    else:
        assert (
            deleted.speech == "Sorry, I couldn't finish deleting your data just now. Please try again in a few minutes."
        )


def test_a_deletion_short_of_time_stops_calling_and_says_so_and_the_next_one_finishes(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    """Every call checks the time left first, not only the answers kept through an outage: a deletion on a slow
    table stops before it could outlast the function, says plainly that it did not finish, and the next try
    deletes the rest."""
    device = Device()
    seed_history(dynamodb, device, weeks=120)
    conversation = talk(device)
    conversation.launch()
    conversation.intent("DeleteDataIntent")
    conversation.context = lambda: ContextLosingASecondPerCall(faults.calls)
    faults.calls.clear()
    short = conversation.intent("AMAZON.YesIntent")
    assert short.speech == "Sorry, I couldn't finish deleting your data just now. Please try again in a few minutes."
    assert len(faults.calls) == 5, "calls start only while 2.5 s or more are left: 7, 6, 5, 4 and 3 s"
    assert table_items(dynamodb), "what time did not allow is still there, and nobody was told otherwise"
    conversation.context = FakeLambdaContext
    conversation.launch()
    conversation.intent("DeleteDataIntent")
    assert conversation.intent("AMAZON.YesIntent").speech.startswith("Done. I've deleted all your check-ins")
    assert stored_data(dynamodb) == []


def test_no_alexa_api_call_starts_when_little_time_is_left(talk: Talk, dynamodb: Any, alexa_api: FakeAlexaApi) -> None:
    conversation = with_reminder(talk, alexa_api)
    conversation.launch()
    alexa_api.requests.clear()
    conversation.context = lambda: FakeLambdaContext(timeout_ms=2400)
    asked = conversation.intent("ReminderStatusIntent")
    assert asked.speech == "I can't reach your check-ins just now. Please try again in a few minutes."
    assert alexa_api.requests == [], "a call that could outlast the function is never started"


def test_an_alexa_api_call_checks_the_time_itself() -> None:
    """The API client refuses on its own, whoever calls it: the reminder's read, the time zone, the permission."""
    from ask_sdk_core.exceptions import ApiClientException
    from ask_sdk_model.services import ApiClientRequest

    from therapy_checkin import budget
    from therapy_checkin.alexa_api import TimedApiClient

    budget.begin_turn(FakeLambdaContext(timeout_ms=2400))
    with pytest.raises(ApiClientException, match="time"):
        TimedApiClient().invoke(ApiClientRequest(url="https://api.amazonalexa.com/v1/alerts/reminders", method="GET"))
    budget.begin_turn(FakeLambdaContext(timeout_ms=2600))
    assert budget.time_for_a_call()


def test_a_long_outage_keeps_the_newest_answers(talk: Talk, dynamodb: Any, faults: FaultInjector) -> None:
    """More answers than the session keeps (64) while the table is down: the newest are kept, so the answer
    the person gave last is the one stored when the table is back."""
    conversation = started(talk)
    faults.fail("UpdateItem", "throttled")
    for index in range(12):
        conversation.rate(index % 5 + 1)
    for change in range(60):
        conversation.intent("ChangeAnswerIntent", signNumber="1")
        conversation.rate(change % 4 + 1)
    conversation.intent("ChangeAnswerIntent", signNumber="1")
    conversation.rate(5)
    assert len(conversation.attributes["pending"]) == 64
    faults.recover()
    conversation.intent("AMAZON.RepeatIntent")
    assert "pending" not in conversation.attributes
    assert ratings_of(week_item(dynamodb))["connection"] == 5, "the last answer given, not one from before"


def test_answers_given_before_a_deletion_never_come_back_from_another_devices_session(
    talk: Talk, dynamodb: Any, faults: FaultInjector
) -> None:
    """The kitchen answered three signs while the table was down; then "delete my data" on the bedroom's device.
    The kitchen's session still holds those answers: they are refused, and only what it is told afterwards is
    kept."""
    kitchen = started(talk)
    faults.fail("UpdateItem", "throttled")
    for value in (2, 3, 4):
        kitchen.rate(value)
    faults.recover()
    assert len(kitchen.attributes["pending"]) == 3
    bedroom = talk(Device(user_id=kitchen.device.user_id))
    bedroom.now = kitchen.now + timedelta(minutes=2)
    bedroom.launch()
    bedroom.intent("DeleteDataIntent")
    assert bedroom.intent("AMAZON.YesIntent").speech.startswith("Done. I've deleted all your check-ins")
    marks = [item for item in table_items(dynamodb) if "#CHECKIN#" in item["sk"]]
    assert len(marks) == 2 and all(set(item) == {"pk", "sk", "deletedAt", "expiresAt"} for item in marks)
    kitchen.advance(minutes=5)
    kitchen.rate(5)
    assert "pending" not in kitchen.attributes, "settled: refused, never retried"
    assert ratings_of(_week_with_answers(dynamodb)) == {"boundaries": 5}


def _week_with_answers(dynamodb: Any) -> dict[str, Any]:
    weeks = [item for item in table_items(dynamodb) if "#CHECKIN#" in item["sk"] and ratings_of(item)]
    assert len(weeks) == 1
    return weeks[0]
