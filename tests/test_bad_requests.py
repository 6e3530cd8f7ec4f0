"""Thousands of generated request envelopes: each gets a valid answer or a clean refusal, and nothing junk
is ever written to the table."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devtools.envelopes import TEST_SKILL_ID, Device, FakeLambdaContext, envelope, intent_request
from tests.conftest import TABLE_NAME, empty_table, examples, skill_on, table_items
from therapy_checkin import intents
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.session import Mode
from therapy_checkin.storage import CheckInStore

MODEL = Path(__file__).resolve().parent.parent / "skill-package" / "interactionModels" / "custom" / "en-US.json"
INTENTS = [intent["name"] for intent in json.loads(MODEL.read_text())["interactionModel"]["languageModel"]["intents"]]

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)
huge = st.integers(min_value=5_000, max_value=50_000).map(lambda n: "x" * n)
slot_values = st.one_of(
    st.sampled_from(["4", "?", "", "four", "-1", "0", "6", "42", "1e9", "NaN", "3.5", "five out of five", "1234"]),
    st.text(max_size=40),
    huge,
    st.integers(),
    st.none(),
)
slot = st.fixed_dictionaries(
    {"name": st.sampled_from(["rating", "sign", "signNumber", "code", "x"]), "value": slot_values},
    optional={"confirmationStatus": st.sampled_from(["NONE", "DENIED", 7]), "resolutions": junk},
)
intent_names = st.one_of(st.sampled_from(INTENTS), st.text(max_size=20), st.none(), st.integers())
intent = st.fixed_dictionaries(
    {"name": intent_names},
    optional={
        "slots": st.one_of(
            st.dictionaries(st.sampled_from(["rating", "sign", "signNumber", "code", "x"]), slot, max_size=3), junk
        ),
        "confirmationStatus": junk,
    },
)
request_types = st.sampled_from(
    [
        "LaunchRequest",
        "IntentRequest",
        "SessionEndedRequest",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillEnabled",
        "CanFulfillIntentRequest",
        "Display.ElementSelected",
        "Alexa.Presentation.APL.UserEvent",
        "Connections.Response",
        "Messaging.MessageReceived",
        "Unknown.Type",
    ]
)
locales = st.one_of(
    st.sampled_from(["en-US", "en-GB", "en-CA", "en-AU", "en-IN", "de-DE", "xx", ""]), st.none(), st.text(max_size=12)
)
timestamps = st.one_of(
    st.just("2026-11-23T12:00:00Z"), st.text(max_size=30), st.none(), st.datetimes().map(lambda d: d.isoformat() + "Z")
)
modes = st.one_of(st.sampled_from([mode.value for mode in Mode]), st.text(max_size=12), st.integers())
attributes = st.one_of(
    st.none(),
    junk,
    st.fixed_dictionaries(
        {"mode": modes},
        optional={
            "index": st.one_of(st.integers(-5, 20), junk),
            "misses": st.one_of(st.integers(-5, 5), junk),
            "returnTo": st.one_of(st.integers(-5, 20), junk),
            "week": st.one_of(
                junk,
                st.fixed_dictionaries(
                    {
                        "key": st.one_of(st.just("2026-W48"), st.text(max_size=20), huge),
                        "ratings": st.one_of(
                            junk,
                            st.dictionaries(
                                st.sampled_from([*SIGN_IDS, "junk"]), st.one_of(st.integers(-3, 9), junk), max_size=12
                            ),
                        ),
                        "skipped": st.one_of(junk, st.lists(st.sampled_from([*SIGN_IDS, "junk"]), max_size=4)),
                        "completed": junk,
                    }
                ),
            ),
            "pending": st.one_of(
                junk,
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "kind": st.sampled_from(["rating", "skip", "complete", "junk"]),
                            "week": st.one_of(st.just("2026-W48"), st.text(max_size=12), huge),
                            "sign": st.one_of(st.sampled_from([*SIGN_IDS, "junk"]), junk),
                            "value": st.one_of(st.integers(-3, 9), junk),
                            "at": st.one_of(st.just("2026-11-23T11:59:00+00:00"), st.text(max_size=30), junk),
                            "scope": st.one_of(st.sampled_from(["A", "P" + "0" * 32, "P" + "0" * 31]), junk),
                        }
                    ),
                    max_size=3,
                ),
            ),
            "timeZone": st.one_of(st.sampled_from(["America/Los_Angeles", "Mars/Base", ""]), junk, huge),
            "extra": junk,
        },
    ),
)
user_ids = st.one_of(st.just("amzn1.ask.account.FUZZ"), st.text(max_size=30), st.none(), st.integers())


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    request: dict[str, Any] = {
        "type": draw(request_types),
        "requestId": draw(st.one_of(st.text(max_size=40), junk)),
        "timestamp": draw(timestamps),
        "locale": draw(locales),
    }
    if request["type"] in ("IntentRequest", "CanFulfillIntentRequest"):
        request["intent"] = draw(st.one_of(intent, junk))
    if draw(st.booleans()):
        request["reason"] = draw(st.one_of(st.sampled_from(["USER_INITIATED", "ERROR"]), junk))
    if draw(st.booleans()):
        request["body"] = draw(st.one_of(junk, st.just({"userInformationPersistenceStatus": "NOT_PERSISTED"})))
    system: dict[str, Any] = {
        "application": {"applicationId": TEST_SKILL_ID},
        "user": draw(st.one_of(st.fixed_dictionaries({"userId": user_ids}), junk)),
    }
    if draw(st.booleans()):
        system["device"] = draw(
            st.one_of(
                junk,
                st.just({"deviceId": "amzn1.ask.device.FUZZ", "supportedInterfaces": {"Alexa.Presentation.APL": {}}}),
            )
        )
    if draw(st.booleans()):
        system["person"] = draw(st.one_of(st.fixed_dictionaries({"personId": user_ids}), junk))
    event: dict[str, Any] = {
        "version": draw(st.one_of(st.just("1.0"), junk)),
        "context": {"System": system},
        "request": request,
    }
    if draw(st.booleans()):
        event["session"] = {
            "new": draw(st.one_of(st.booleans(), junk)),
            "sessionId": draw(st.one_of(st.just("amzn1.echo-api.session.FUZZ"), junk)),
            "application": {"applicationId": TEST_SKILL_ID},
            "user": {"userId": "amzn1.ask.account.FUZZ"},
            "attributes": draw(attributes),
        }
    return event


KEY = re.compile(r"^ACCOUNT#[0-9a-f]{64}$")
SORT_KEY = re.compile(r"^(A|P[0-9a-f]{32})#(PROFILE|CHECKIN#\d{4}-W\d{2})$")


def assert_valid_response(result: Any) -> None:
    assert isinstance(result, dict)
    json.dumps(result)
    response = result.get("response")
    assert isinstance(response, dict)
    speech = response.get("outputSpeech")
    if speech is not None:
        assert speech["type"] == "SSML" and speech["ssml"].startswith("<speak>") and speech["ssml"].endswith("</speak>")
        assert "Traceback" not in speech["ssml"] and "Error" not in speech["ssml"]
    if speech is not None and not response.get("shouldEndSession"):
        assert response.get("reprompt"), "an open session always has a reprompt"


def assert_table_holds_no_junk(dynamodb: Any) -> None:
    for item in table_items(dynamodb):
        assert KEY.match(item["pk"]), item["pk"][:80]
        assert SORT_KEY.match(item["sk"]), item["sk"][:80]
        for name, value in item.items():
            if name.startswith("r_"):
                assert name[2:] in SIGN_IDS and 1 <= int(value) <= 5
            if name == "skipped":
                assert set(value) <= set(SIGN_IDS)
            if isinstance(value, str):
                assert len(value) <= 200, f"{name} holds a long string"


@pytest.fixture(scope="module")
def fuzz_table(moto_dynamodb: Any) -> Iterator[tuple[Handler, Any]]:
    from therapy_checkin.storage import build_client

    yield skill_on(CheckInStore(TABLE_NAME, build_client())), moto_dynamodb
    empty_table(moto_dynamodb)


@settings(
    max_examples=examples(1200), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(event=envelopes())
def test_any_envelope_gets_a_valid_answer(fuzz_table: tuple[Handler, Any], event: dict[str, Any]) -> None:
    handler, dynamodb = fuzz_table
    assert_valid_response(handler(event, FakeLambdaContext()))
    assert_table_holds_no_junk(dynamodb)
    empty_table(dynamodb)  # so the next example's check reads only what that example wrote


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    event=envelopes(),
    skill_id=st.one_of(st.none(), junk, st.just("amzn1.ask.skill.another")),
    where=st.sampled_from(["context", "both", "missing"]),
)
def test_requests_for_another_skill_are_refused_cleanly(
    fuzz_table: tuple[Handler, Any], event: dict[str, Any], skill_id: Any, where: str
) -> None:
    from therapy_checkin.handler import RequestRefused

    handler, dynamodb = fuzz_table
    before = table_items(dynamodb)
    if where == "missing":
        event["context"]["System"].pop("application")
        event.get("session", {}).pop("application", None)
    else:
        event["context"]["System"]["application"] = {"applicationId": skill_id}
        if where == "both" and "session" in event:
            event["session"]["application"] = {"applicationId": skill_id}
    with pytest.raises(RequestRefused):
        handler(event, FakeLambdaContext())
    assert table_items(dynamodb) == before


@pytest.mark.parametrize("event", [None, [], "LaunchRequest", 42, {}, {"request": None}, {"context": "x"}])
def test_not_even_an_envelope_is_refused(fuzz_table: tuple[Handler, Any], event: Any) -> None:
    from therapy_checkin.handler import RequestRefused

    handler, _ = fuzz_table
    with pytest.raises(RequestRefused):
        handler(event, FakeLambdaContext())


@pytest.mark.parametrize("user", [None, {}, {"userId": ""}, {"userId": 42}, {"userId": "x" * 5000}])
@pytest.mark.parametrize("intent", [intents.RATE, intents.DELETE_DATA, intents.RECAP])
def test_a_request_without_a_user_is_refused_and_nothing_is_stored(
    fuzz_table: tuple[Handler, Any], user: Any, intent: str
) -> None:
    """No request is keyed to a shared stand-in account: without a user ID it is answered calmly and stored nowhere."""
    handler, client = fuzz_table
    event = envelope(Device(), intent_request(intent, {"rating": "4"}), "amzn1.echo-api.session.x", {}, True, None)
    system = event["context"]["System"]
    if user is None:
        del system["user"]
    else:
        system["user"] = user
    from therapy_checkin.handler import UNREADABLE_REQUEST_RESPONSE

    before = table_items(client)
    response = handler(event, FakeLambdaContext())
    assert response == UNREADABLE_REQUEST_RESPONSE
    assert table_items(client) == before


def test_a_crisis_without_a_user_is_still_answered(fuzz_table: tuple[Handler, Any]) -> None:
    handler, _ = fuzz_table
    event = envelope(Device(), intent_request(intents.CRISIS), "amzn1.echo-api.session.x", {}, True, None)
    del event["context"]["System"]["user"]
    speech = handler(event, FakeLambdaContext())["response"]["outputSpeech"]["ssml"]
    assert "988" in speech
