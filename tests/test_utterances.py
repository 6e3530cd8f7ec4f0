"""Every sample utterance of every interaction model, understood and answered in every conversation state.

Each sample (its slots filled with a representative value) must resolve through ``devtools.nlu`` to its own
intent, said on its own or as "ask therapy check in to ...". Then each one is sent to the real handler in every
``Mode`` the session can be in: people say anything at any time, so no utterance may ever reach the error
handler, and every response that keeps the session open must carry a reprompt. Number words, which text
clients send as words but Alexa sends as digits, are checked here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.conversation import Reply
from devtools.envelopes import Device, FakeLambdaContext, envelope, intent_request
from devtools.nlu import (
    BUILT_IN_PHRASES,
    FALLBACK_INTENT,
    InteractionModel,
    Kind,
    Tier,
    Understanding,
    available_locales,
    fill_sample,
    understanding,
    words_to_number,
)
from tests.conftest import MONDAY_NOON, TABLE_NAME, empty_table, skill_on
from therapy_checkin import intents
from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.domain.weeks import week_of
from therapy_checkin.session import Mode, SessionState
from therapy_checkin.storage import CheckInStore, UserKey

LOCALES = available_locales()
DEFAULT_LOCALE = "en-US"
TIME_ZONE = "America/New_York"
WEEK = week_of(MONDAY_NOON, TIME_ZONE)


@dataclass(frozen=True)
class Utterance:
    locale: str
    intent: str
    said: str


def utterances(locale: str) -> list[Utterance]:
    """Every sample of the model, slots filled, plus the standard phrases of the built-in intents it uses."""
    model = InteractionModel.load(locale)
    found = [
        Utterance(locale, intent.name, fill_sample(model, intent, sample))
        for intent in model.intents
        for sample in intent.samples
    ]
    names = set(model.intent_names)
    found += [
        Utterance(locale, name, phrase)
        for name, phrases in BUILT_IN_PHRASES.items()
        if name in names
        for phrase in phrases
        if not any(utterance.said.lower() == phrase for utterance in found)
    ]
    return found


ALL_UTTERANCES = [utterance for locale in LOCALES for utterance in utterances(locale)]

CRISIS_SPREAD = 12


def answered_utterances() -> list[Utterance]:
    """What is sent in every state: every en-US utterance, except that the crisis family's thousands of generated
    samples are represented by an even spread of each intent's samples. Their handler chooses its answer by the
    intent alone, never by the words, so more of them would only repeat the same check.

    Every other locale's model comes from the same source, so most of its samples are en-US's, and a handler's
    answer depends on the intent, its slots and the locale, never on the words. Each other locale sends what is
    its own (samples in its spelling, samples only it has) and one sample of every intent, so every handler
    answers in that locale's words in every state, at about a tenth of the cost of sending everything again."""
    shared = {utterance.said for utterance in ALL_UTTERANCES if utterance.locale == DEFAULT_LOCALE}
    kept: list[Utterance] = []
    for locale in LOCALES:
        mine = [utterance for utterance in ALL_UTTERANCES if utterance.locale == locale]
        if locale != DEFAULT_LOCALE:
            own = [utterance for utterance in mine if utterance.said not in shared]
            one_per_intent = {utterance.intent: utterance for utterance in reversed(mine)}.values()
            mine = [*own, *(utterance for utterance in one_per_intent if utterance not in own)]
        for intent in intents.CRISIS_INTENTS:
            family = [utterance for utterance in mine if utterance.intent == intent]
            kept += family[:: max(1, len(family) // CRISIS_SPREAD)]
        kept += [utterance for utterance in mine if utterance.intent not in intents.CRISIS_INTENTS]
    return kept


ANSWERED_UTTERANCES = answered_utterances()


# --------------------------------------------------------------------------------------------------------------
# Understanding


EN_US_QUICK_OTHERS_SLOW = [
    locale if locale == DEFAULT_LOCALE else pytest.param(locale, marks=pytest.mark.slow) for locale in LOCALES
]
"""Every locale, with the others than en-US left to the full run: each resolves some 24,000 samples, and the
models differ only in spelling and a few samples of their own."""


@pytest.mark.parametrize("locale", EN_US_QUICK_OTHERS_SLOW)
def test_every_sample_resolves_to_its_own_intent(locale: str) -> None:
    nlu = understanding(locale)
    wrong = {}
    for utterance in utterances(locale):
        resolution = nlu.resolve(utterance.said)
        if resolution.kind is not Kind.INTENT or resolution.intent != utterance.intent or not resolution.matched:
            wrong[utterance.said] = (utterance.intent, resolution.describe())
    assert wrong == {}


@pytest.mark.parametrize("locale", EN_US_QUICK_OTHERS_SLOW)
def test_every_sample_works_as_a_one_shot_request(locale: str) -> None:
    nlu = understanding(locale)
    invocation = nlu.model.invocation_name
    wrong = {}
    for utterance in utterances(locale):
        resolution = nlu.resolve(f"Alexa, ask {invocation} to {utterance.said}")
        if not resolution.one_shot or resolution.intent != utterance.intent:
            wrong[utterance.said] = (utterance.intent, resolution.describe())
    assert wrong == {}


def test_slots_are_filled_as_alexa_fills_them() -> None:
    nlu = understanding("en-US")
    rating = nlu.resolve("I'd say four")
    assert (rating.intent, dict(rating.slots)) == ("RateIntent", {"rating": "4"})
    sign = nlu.resolve("change my answer for saying no")
    assert sign.intent == "ChangeAnswerIntent"
    slot = sign.slots["sign"]
    assert isinstance(slot, dict)
    assert slot["value"] == "saying no"
    resolution = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert resolution["status"]["code"] == "ER_SUCCESS_MATCH"
    assert resolution["values"][0]["value"]["id"] == "boundaries"
    unknown = nlu.resolve("change my answer for the weather")
    unknown_slot = unknown.slots["sign"]
    assert isinstance(unknown_slot, dict)
    assert unknown_slot["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == "ER_SUCCESS_NO_MATCH"


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("four", "4"),
        ("4", "4"),
        ("twenty one", "21"),
        ("minus one", "-1"),
        ("-1", "-1"),
        ("zero", "0"),
        ("a hundred", "100"),
        ("one hundred and five", "105"),
        ("four hundred and a", "?"),
    ],
)
def test_number_words_become_digits(said: str, value: str) -> None:
    resolution = understanding("en-US").resolve(said)
    assert resolution.intent == "RateIntent"
    assert resolution.slots["rating"] == value


@pytest.mark.parametrize(
    ("said", "slots"),
    [
        ("three and a half", {"lower": "3"}),
        ("four point five", {"lower": "4"}),
        ("between two and three", {"lower": "2", "upper": "3"}),
        ("maybe three or four", {"lower": "3", "upper": "4"}),
    ],
)
def test_an_answer_between_two_numbers_is_its_own_intent(said: str, slots: dict[str, str]) -> None:
    resolution = understanding("en-US").resolve(said)
    assert (resolution.intent, dict(resolution.slots)) == ("InBetweenIntent", slots)


def test_words_to_number_refuses_what_is_not_one_number() -> None:
    assert words_to_number(["twenty", "thirty"]) is None
    assert words_to_number(["five", "hundred", "hundred"]) is None
    assert words_to_number(["eleven", "four"]) is None
    assert words_to_number(["one", "two", "three", "four"]) == 1234, "digit by digit, as a code is read out"
    assert words_to_number(["banana"]) is None


@pytest.mark.parametrize(
    ("said", "kind", "one_shot"),
    [
        ("open therapy check in", Kind.LAUNCH, False),
        ("Alexa, open Therapy Check In!", Kind.LAUNCH, False),
        ("launch therapy check in", Kind.LAUNCH, False),
        ("start therapy check in", Kind.LAUNCH, False),
        ("ask therapy check in how am I doing", Kind.INTENT, True),
        ("tell therapy check in to give me my recap", Kind.INTENT, True),
        ("exit", Kind.SESSION_END, False),
    ],
)
def test_launch_phrases(said: str, kind: Kind, one_shot: bool) -> None:
    resolution = understanding("en-US").resolve(said)
    assert (resolution.kind, resolution.one_shot) == (kind, one_shot)


@pytest.mark.parametrize(
    ("said", "intent", "tier"),
    [
        ("yes", "AMAZON.YesIntent", Tier.BUILT_IN),
        ("Yeah.", "AMAZON.YesIntent", Tier.BUILT_IN),
        ("not now", "AMAZON.NoIntent", Tier.BUILT_IN),
        ("go home", "AMAZON.NavigateHomeIntent", Tier.BUILT_IN),
        ("What does that mean?", "ExplainIntent", Tier.SAMPLE),
        ("what does it mean", "ExplainIntent", Tier.FUZZY),
        ("purple elephants dancing", FALLBACK_INTENT, Tier.NO_MATCH),
    ],
)
def test_exact_then_built_in_then_close_then_fallback(said: str, intent: str, tier: Tier) -> None:
    resolution = understanding("en-US").resolve(said)
    assert (resolution.intent, resolution.tier) == (intent, tier)


# --------------------------------------------------------------------------------------------------------------
# Answering, in every state


def week_answers(completed: bool) -> WeekAnswers:
    if completed:
        return WeekAnswers(WEEK, ratings=dict.fromkeys(SIGN_IDS, 3), completed=True)
    return WeekAnswers(WEEK, ratings={sign: index % 5 + 1 for index, sign in enumerate(SIGN_IDS[:4])})


def states() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mode with part of a week answered; modes outside the check-in also with the week done; and the
    moment after two unusable answers, when the skill has offered to skip."""
    for mode in Mode:
        state = SessionState(mode=mode, index=4, answers=week_answers(False), time_zone=TIME_ZONE)
        yield f"{mode.value}", state.to_attributes()
        if not state.asking_sign:
            done = SessionState(mode=mode, index=0, answers=week_answers(True), time_zone=TIME_ZONE)
            yield f"{mode.value}, week done", done.to_attributes()
    offered = SessionState(mode=Mode.RATING, index=4, misses=2, answers=week_answers(False), time_zone=TIME_ZONE)
    yield "rating, offered to skip", offered.to_attributes()


STATES = dict(states())


@dataclass
class Observed:
    failures: list[str]
    metrics: list[str]


@dataclass(frozen=True)
class Answering:
    handler: Any
    observed: Observed


@pytest.fixture(scope="module")
def answering(moto_dynamodb: Any) -> Iterator[Answering]:
    """The real handler on the run's moto table for the whole module, with the error handler's log and every
    metric recorded."""
    from therapy_checkin.handlers import errors
    from therapy_checkin.observability import metrics
    from therapy_checkin.storage import build_client

    observed = Observed([], [])
    original_add_metric = metrics.add_metric

    def log_safely(message: str, error: BaseException) -> None:
        observed.failures.append(f"{message}: {type(error).__name__}")

    def add_metric(*args: Any, **kwargs: Any) -> None:
        observed.metrics.append(str(kwargs.get("name", args[0] if args else "")))
        original_add_metric(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(errors, "log_safely", log_safely)
        patch.setattr(metrics, "add_metric", add_metric)
        yield Answering(skill_on(CheckInStore(TABLE_NAME, build_client())), observed)
        empty_table(moto_dynamodb)


def send(handler: Any, said: str, state: str, locale: str = "en-US") -> Reply:
    """One utterance, understood as Alexa would, sent mid-session in the given state."""
    request = request_for(understanding(locale), said)
    device = Device(locale=locale)  # its API endpoint is the fake Alexa API (tests/conftest.py)
    attributes = {**STATES[state], "owner": UserKey.from_ids(device.user_id).session_owner}
    event = envelope(device, request, "amzn1.echo-api.session.utterances", attributes, False, MONDAY_NOON)
    return Reply(handler(event, FakeLambdaContext()))


def hands_turn_to_alexa(reply: Reply) -> bool:
    """A voice permission request (``Connections.SendRequest``): Alexa asks its own question and sends the answer
    back as a ``Connections.Response``, so the response carries no reprompt of the skill's."""
    return any(directive.get("type") == "Connections.SendRequest" for directive in reply.directives)


def request_for(nlu: Understanding, said: str) -> dict[str, Any]:
    resolution = nlu.resolve(said)
    assert resolution.kind is Kind.INTENT, said
    return intent_request(str(resolution.intent), dict(resolution.slots))


@pytest.mark.slow
@pytest.mark.parametrize("state", list(STATES))
def test_every_utterance_is_answered_in_every_state(state: str, answering: Answering) -> None:
    handler, observed = answering.handler, answering.observed
    problems: list[str] = []
    for utterance in ANSWERED_UTTERANCES:
        observed.failures.clear()
        observed.metrics.clear()
        reply = send(handler, utterance.said, state, utterance.locale)
        if observed.failures or "Errors" in observed.metrics:
            problems.append(f"{utterance.said!r} ({utterance.intent}): {observed.failures or 'Errors metric'}")
        elif not reply.speech and not reply.ends_session:
            problems.append(f"{utterance.said!r} ({utterance.intent}): no speech")
        elif not reply.ends_session and not reply.reprompt and not hands_turn_to_alexa(reply):
            problems.append(f"{utterance.said!r} ({utterance.intent}): open session without a reprompt")
    assert problems == []


def test_a_failing_handler_is_noticed(answering: Answering, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a handler that raises reaches the error handler, and it is recorded."""
    from therapy_checkin.handlers import checkin

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(checkin, "record_rating", broken)
    answering.observed.failures.clear()
    answering.observed.metrics.clear()
    reply = send(answering.handler, "3", Mode.RATING.value)
    assert answering.observed.failures == ["Request failed: RuntimeError"]
    assert "Errors" in answering.observed.metrics
    assert reply.reprompt, "even then, the user keeps their place"
