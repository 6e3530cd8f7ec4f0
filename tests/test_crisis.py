"""Someone says they are not safe: the crisis answer comes in every mode, in every locale's numbers, even with
the table down, and the unfinished check-in is kept."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device, FakeLambdaContext, envelope, intent_request
from tests.conftest import TABLE_NAME, ratings_in_table, skill_on, talking
from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.session import DETOURS, Mode, PendingWrite, SessionState
from therapy_checkin.storage import CheckInStore, UserKey

Talk = Callable[..., Conversation]

CRISIS_INTENTS = ("EmergencyIntent", "CrisisIntent", "AbuseIntent", "DistressIntent")
MODEL = Path(__file__).resolve().parent.parent / "skill-package" / "interactionModels" / "custom" / "en-US.json"

NUMBERS = {
    # locale: (crisis line as written, its groups as read, emergency number)
    "en-US": ("988", ["988"], "911"),
    "en-CA": ("988", ["988"], "911"),
    "en-GB": ("116 123", ["116", "123"], "999"),
    "en-AU": ("13 11 14", ["13", "11", "14"], "000"),
    "en-IN": ("14416", ["14416"], "112"),
}
HOW = {"en-US": "Call or text", "en-CA": "Call or text", "en-GB": "Call", "en-AU": "Call", "en-IN": "Call"}
LINE_NAMES = {
    "en-US": "the Suicide and Crisis Lifeline",
    "en-CA": "the Suicide Crisis Helpline",
    "en-GB": "Samaritans",
    "en-AU": "Lifeline",
    "en-IN": "Tele-MANAS",
}


def model_intents() -> dict[str, list[str]]:
    model = json.loads(MODEL.read_text())
    return {
        intent["name"]: intent.get("samples", []) for intent in model["interactionModel"]["languageModel"]["intents"]
    }


def ssml(reply: Reply) -> str:
    return str(reply.response["outputSpeech"]["ssml"])


def assert_crisis_answer(reply: Reply, locale: str = "en-US") -> None:
    _, groups, emergency = NUMBERS[locale]
    assert reply.ends_session, "the session ends gently after the answer"
    assert "reprompt" not in reply.response
    assert reply.speech.startswith("Thank you for telling me. You matter")
    assert "I can't help in an emergency, and I can't contact anyone for you." in reply.speech
    spoken = ssml(reply)
    slow = re.search(r'<prosody rate="slow">(.*?)</prosody>', spoken)
    assert slow is not None, "the numbers are said slowly"
    for group in groups:
        assert slow.group(1).count(f'<say-as interpret-as="digits">{group}</say-as>') == 2, "the line, twice"
    assert f'<say-as interpret-as="digits">{emergency}</say-as>' in slow.group(1)
    assert "<break " in spoken
    assert LINE_NAMES[locale] in reply.speech
    assert_neutral_card(reply, locale)


def assert_neutral_card(reply: Reply, locale: str = "en-US") -> None:
    """The Alexa app, which everyone on the account sees, gets the numbers and nothing of what was said."""
    line, _, emergency = NUMBERS[locale]
    card = reply.card
    assert card is not None and card["type"] == "Simple"
    assert card["title"] == "Numbers to keep"
    assert card["content"] == f"Emergency: {emergency}.\n{LINE_NAMES[locale]}: {HOW[locale]} {line}, at any hour."
    spoken_sentences = [sentence for sentence in re.split(r"(?<=[.?!])\s+", reply.speech) if sentence]
    assert not any(sentence in card["content"] for sentence in spoken_sentences[:2]), "no words of the answer"


def started(talk: Talk, device: Device | None = None) -> Conversation:
    conversation = talk(device)
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    return conversation


class _DeadClient:
    """A DynamoDB client whose every call fails as if the endpoint were unreachable; it records the calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

        return call


@pytest.fixture
def table_down() -> _DeadClient:
    """The client of a table that cannot be reached: it records each call, and every call fails."""
    return _DeadClient()


@pytest.fixture
def talk_table_down(table_down: _DeadClient) -> Talk:
    """Conversations with a skill whose store talks to the dead client."""
    return talking(skill_on(CheckInStore(TABLE_NAME, table_down)))  # type: ignore[arg-type]


@pytest.mark.parametrize("locale", sorted(NUMBERS))
def test_every_locale_hears_its_own_crisis_line(talk: Talk, dynamodb: Any, locale: str) -> None:
    conversation = started(talk, Device(locale=locale))
    conversation.rate(3)
    assert_crisis_answer(conversation.intent("CrisisIntent"), locale)


@pytest.mark.parametrize("locale", ["en-GB", "en-AU", "en-IN"])
def test_other_countries_never_hear_the_us_numbers(talk: Talk, dynamodb: Any, locale: str) -> None:
    reply = talk(Device(locale=locale)).intent("CrisisIntent")
    assert "988" not in ssml(reply) and "911" not in ssml(reply)
    assert reply.card is not None and "988" not in reply.card["content"] and "911" not in reply.card["content"]


@pytest.mark.parametrize("locale", ["de-DE", "en-NZ", "fr-CA"])
def test_a_locale_without_its_own_line_still_gets_an_answer(talk: Talk, dynamodb: Any, locale: str) -> None:
    assert_crisis_answer(talk(Device(locale=locale)).intent("CrisisIntent"), "en-US")


AT = "2026-11-23T11:58:00+00:00"


def state_in(mode: Mode, device: Device) -> dict[str, Any]:
    """Session attributes of a conversation in ``mode``, mid-week, with an answer still waiting to be stored."""
    user = UserKey.from_ids(device.user_id, device.person_id)
    owner, device_scope = user.session_owner, user.scope
    answers = WeekAnswers(week="2026-W48", ratings={"connection": 2})
    state = SessionState(owner=owner, mode=mode, index=3, answers=answers)
    if mode in DETOURS:
        state.return_mode = Mode.RATING
    pending = PendingWrite(kind="rating", week="2026-W48", sign="perspective", value=4, at=AT, scope=device_scope)
    state.pending.append(pending)
    return state.to_attributes()


@pytest.mark.parametrize("mode", list(Mode))
def test_crisis_is_answered_in_every_mode_with_the_table_down(
    talk_table_down: Talk, table_down: _DeadClient, mode: Mode
) -> None:
    conversation = talk_table_down()
    conversation.session_id, conversation.attributes = (
        "amzn1.echo-api.session.crisis",
        state_in(mode, conversation.device),
    )
    assert_crisis_answer(conversation.intent("CrisisIntent"))
    assert table_down.calls == [], "the crisis answer never waits on the table"


@pytest.mark.parametrize("mode", list(Mode))
def test_crisis_is_answered_in_every_mode(talk: Talk, dynamodb: Any, mode: Mode) -> None:
    conversation = talk()
    conversation.session_id, conversation.attributes = (
        "amzn1.echo-api.session.crisis",
        state_in(mode, conversation.device),
    )
    assert_crisis_answer(conversation.intent("CrisisIntent"))


def test_crisis_as_the_first_words_with_the_table_down(talk_table_down: Talk, table_down: _DeadClient) -> None:
    """ "Alexa, tell therapy check in I'm not safe": a one-shot request in a new session."""
    assert_crisis_answer(talk_table_down().intent("CrisisIntent"))
    assert table_down.calls == []


def test_a_crisis_answer_on_a_cold_start_never_waits_for_the_client(dynamodb: Any) -> None:
    """A fresh process's store has no client yet: the crisis answer comes without building one (botocore's
    imports and model files are most of a cold start)."""
    store = CheckInStore(TABLE_NAME)
    assert_crisis_answer(talking(skill_on(store))().intent("CrisisIntent"))
    assert store._connection._built is None


def test_crisis_mid_rating_keeps_the_answers_and_the_check_in_resumes(talk: Talk, dynamodb: Any) -> None:
    conversation = started(talk)
    for value in (2, 4, 3):
        conversation.rate(value)
    assert_crisis_answer(conversation.intent("CrisisIntent"))
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 2, "perspective": 4, "relationships": 3}]
    relaunch = conversation.launch()
    assert (
        relaunch.speech
        == "Welcome back. You stopped at sign four of twelve, setting boundaries. Shall we pick up there?"
    )
    assert conversation.intent("AMAZON.YesIntent").speech.startswith("Picking up where you left off. Sign four")
    conversation.rate(5)
    assert list(ratings_in_table(dynamodb).values()) == [
        {"connection": 2, "perspective": 4, "relationships": 3, "boundaries": 5}
    ]


def test_crisis_is_answered_even_when_a_request_hook_fails(
    talk: Talk, dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from therapy_checkin.interceptors import TurnInterceptor

    conversation = started(talk)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("simulated failure before any handler ran")

    monkeypatch.setattr(TurnInterceptor, "process", broken)
    assert_crisis_answer(conversation.intent("CrisisIntent"))
    monkeypatch.undo()


def test_crisis_is_answered_even_when_the_envelope_cannot_be_read(handler: Any, dynamodb: Any) -> None:
    event = envelope(Device(locale="en-GB"), intent_request("CrisisIntent"), "amzn1.echo-api.session.x", {}, True)
    event["request"]["intent"]["slots"] = {"junk": 5}  # the SDK's model refuses to deserialise this request
    result = handler(event, FakeLambdaContext())
    assert result["response"]["shouldEndSession"] is True
    spoken = result["response"]["outputSpeech"]["ssml"]
    assert '<say-as interpret-as="digits">116</say-as>' in spoken
    assert '<say-as interpret-as="digits">999</say-as>' in spoken


def test_crisis_counts_a_metric_and_is_never_tied_to_the_user_in_logs(
    talk: Talk, dynamodb: Any, logged: Callable[[], list[str]]
) -> None:
    conversation = started(talk)
    before = [json.loads(line) for line in logged()]
    assert any(record.get("mode") for record in before), "other requests say where the conversation was"
    conversation.intent("CrisisIntent")
    records = [json.loads(line) for line in logged()]
    assert any(record.get("CrisisAnswered") == [1.0] for record in records)
    requests = [record for record in records if record.get("message") == "Request"]
    assert [record.get("intent") for record in requests] == ["CrisisIntent"]
    assert all("user" not in record and "mode" not in record for record in records)
    text = json.dumps(records)
    assert "Lifeline" not in text and "988" not in text


def test_there_are_many_crisis_samples_and_none_collides_with_another_intent() -> None:
    intents = model_intents()
    family = {name: intents[name] for name in CRISIS_INTENTS}
    assert all(len(samples) >= 150 for samples in family.values())
    others = {sample.lower(): name for name, samples in intents.items() for sample in samples}
    for name, samples in family.items():
        assert [sample for sample in samples if others[sample.lower()] != name] == []
        assert len({sample.lower() for sample in samples}) == len(samples)
        for sample in samples:
            assert re.fullmatch(r"[A-Za-z' ]+|.*\{\w+\}.*", sample), f"spoken words only: {sample!r}"
            assert re.fullmatch(r"([A-Za-z']+|\{\w+\})( ([A-Za-z']+|\{\w+\}))*", sample), sample
            assert not re.match(r"(ask|open|launch|tell|talk to)\b", sample), f"a launch phrase: {sample!r}"
            if "{said}" in sample:
                assert re.findall(r"\{(\w+)\}", sample) == ["said"], f"a phrase slot stands alone: {sample!r}"
    assert "help" not in {sample.lower() for samples in family.values() for sample in samples}
    assert "I need help right now" in family["EmergencyIntent"]


@pytest.mark.slow
def test_every_crisis_sample_resolves_to_its_own_intent() -> None:
    """Each sample, its slots filled with a listed value of their type, is understood as its own intent."""
    nlu = pytest.importorskip("devtools.nlu")
    understanding = nlu.understanding("en-US")
    wrong = {}
    for name in CRISIS_INTENTS:
        intent = understanding.model.intent(name)
        for sample in intent.samples:
            said = nlu.fill_sample(understanding.model, intent, sample)
            heard = understanding.resolve_in_session(said).intent
            if heard != name:
                wrong[said] = (name, heard)
    assert wrong == {}


def test_no_other_sample_resolves_to_the_crisis_family_and_help_stays_help() -> None:
    nlu = pytest.importorskip("devtools.nlu")
    understanding = nlu.understanding("en-US")
    for name, samples in model_intents().items():
        if name in CRISIS_INTENTS:
            continue
        for sample in samples:
            if "{" not in sample:
                assert understanding.resolve_in_session(sample).intent not in CRISIS_INTENTS, sample
    assert understanding.resolve_in_session("help").intent == "AMAZON.HelpIntent"
    assert understanding.resolve_in_session("I need help right now").intent == "EmergencyIntent"
    assert understanding.resolve("ask therapy check in I'm not safe").intent == "EmergencyIntent"
    assert understanding.resolve("tell therapy check in I feel hopeless").intent == "DistressIntent"


def test_crisis_words_said_mid_rating_reach_the_crisis_answer(talk: Talk, dynamodb: Any) -> None:
    """Through the model: what Alexa would send for the words, mid-rating, is answered as a crisis."""
    nlu = pytest.importorskip("devtools.nlu")
    conversation = started(talk)
    conversation.rate(4)
    heard = nlu.understanding("en-US").resolve_in_session("I don't want to be alive anymore")
    assert_crisis_answer(conversation.intent(heard.intent, **heard.slots))
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4}]


# --------------------------------------------------------------------------------------------------------------
# The answer matches the statement: immediate danger, thoughts of suicide or self-harm, distress


def digits_at(spoken: str, number: str) -> int:
    return spoken.index(f'<say-as interpret-as="digits">{number.split(maxsplit=1)[0]}</say-as>')


@pytest.mark.parametrize("locale", sorted(NUMBERS))
def test_immediate_danger_hears_the_emergency_number_first_then_the_line(
    talk: Talk, dynamodb: Any, locale: str
) -> None:
    line, groups, emergency = NUMBERS[locale]
    conversation = started(talk, Device(locale=locale))
    reply = conversation.intent("EmergencyIntent")
    assert reply.ends_session and "reprompt" not in reply.response
    spoken = ssml(reply)
    slow = re.search(r'<prosody rate="slow">(.*?)</prosody>', spoken)
    assert slow is not None, "the numbers are said slowly"
    emergency_digits = f'<say-as interpret-as="digits">{emergency}</say-as>'
    assert slow.group(1).count(emergency_digits) == 2, "the emergency number, twice"
    assert digits_at(spoken, emergency) < digits_at(spoken, line), "the emergency number comes first"
    assert all(f'<say-as interpret-as="digits">{group}</say-as>' in slow.group(1) for group in groups)
    assert reply.speech.startswith("Thank you for telling me.")
    assert LINE_NAMES[locale] in reply.speech
    assert_neutral_card(reply, locale)


def test_thoughts_of_suicide_still_hear_the_line_first(talk: Talk, dynamodb: Any) -> None:
    spoken = ssml(started(talk).intent("CrisisIntent"))
    assert digits_at(spoken, "988") < digits_at(spoken, "911")


def test_distress_mid_rating_hears_the_line_gently_then_yes_picks_the_check_in_up(talk: Talk, dynamodb: Any) -> None:
    conversation = started(talk)
    conversation.rate(3)
    reply = conversation.intent("DistressIntent")
    assert not reply.ends_session and reply.reprompt, "the session stays open with a question"
    assert reply.speech.startswith("I'm sorry things feel so heavy.")
    assert reply.speech.endswith("Would you like to keep going?")
    slow = re.search(r'<prosody rate="slow">(.*?)</prosody>', ssml(reply))
    assert slow is not None and slow.group(1).count('<say-as interpret-as="digits">988</say-as>') == 2
    assert '<say-as interpret-as="digits">911</say-as>' in slow.group(1)
    assert_neutral_card(reply)
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 3}]
    resumed = conversation.intent("AMAZON.YesIntent")
    assert resumed.speech.startswith("Picking up where you left off. Sign two of twelve")
    conversation.rate(4)
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 3, "perspective": 4}]


def test_distress_before_any_check_in_offers_to_start_and_no_ends_kindly(talk: Talk, dynamodb: Any) -> None:
    first = talk()
    assert not first.intent("DistressIntent").ends_session
    assert first.intent("AMAZON.YesIntent").speech.startswith("Here we go. Sign one of twelve")
    second = talk()
    second.intent("DistressIntent")
    declined = second.intent("AMAZON.NoIntent")
    assert declined.ends_session
    assert ratings_in_table(dynamodb) == {}


def test_distress_after_a_finished_week_offers_what_is_possible(talk: Talk, dynamodb: Any) -> None:
    """Nothing is left to keep going with: the offer is how the week went, and yes brings it; no ends kindly."""
    for answer in ("AMAZON.YesIntent", "AMAZON.NoIntent"):
        conversation = started(talk)
        for _ in SIGN_IDS:
            conversation.rate(3)
        conversation.intent("AMAZON.NoIntent")  # no weekly reminder
        conversation.launch()
        reply = conversation.intent("DistressIntent")
        assert reply.speech.startswith("I'm sorry things feel so heavy.")
        assert "keep going" not in reply.speech
        assert "Call or text 988. That's 988." in reply.speech, "heard as spoken: no space before a full stop"
        assert reply.speech.endswith("This week's check-in is done. Would you like to hear how it went?")
        assert reply.reprompt == "Would you like to hear how this week went?"
        assert_neutral_card(reply)
        after = conversation.intent(answer)
        if answer == "AMAZON.YesIntent":
            assert after.card is not None and after.card["title"] == "Your weekly recap", after.speech
        else:
            assert after.ends_session and "check-in is done" in after.speech


def test_distress_and_immediate_danger_are_answered_in_every_mode_with_the_table_down(
    talk_table_down: Talk, table_down: _DeadClient
) -> None:
    for mode in Mode:
        distress = talk_table_down()
        distress.session_id, distress.attributes = "amzn1.echo-api.session.crisis", state_in(mode, distress.device)
        reply = distress.intent("DistressIntent")
        assert not reply.ends_session and reply.reprompt, mode
        assert "988" in reply.speech
        offer = Mode.OFFER_RESUME if mode in (Mode.RATING, Mode.CHANGING, Mode.OFFER_RESUME) else Mode.OFFER_START
        assert distress.attributes["mode"] == offer.value, mode
        assert distress.attributes["index"] == 3, "the place in the check-in is kept"
        assert distress.attributes.get("pending"), "an answer still waiting to be stored is kept"

        emergency = talk_table_down()
        emergency.session_id, emergency.attributes = "amzn1.echo-api.session.crisis", state_in(mode, emergency.device)
        reply = emergency.intent("EmergencyIntent")
        assert reply.ends_session and digits_at(ssml(reply), "911") < digits_at(ssml(reply), "988"), mode
    assert table_down.calls == [], "these answers never wait on the table"


@pytest.mark.parametrize("intent", ["EmergencyIntent", "DistressIntent"])
def test_every_answer_of_the_family_survives_a_failing_hook_and_an_unreadable_envelope(
    talk: Talk, dynamodb: Any, handler: Any, monkeypatch: pytest.MonkeyPatch, intent: str
) -> None:
    from therapy_checkin.interceptors import TurnInterceptor

    conversation = started(talk)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("simulated failure before any handler ran")

    monkeypatch.setattr(TurnInterceptor, "process", broken)
    reply = conversation.intent(intent)
    assert reply.ends_session and "988" in reply.speech and "911" in reply.speech
    monkeypatch.undo()

    event = envelope(Device(locale="en-GB"), intent_request(intent), "amzn1.echo-api.session.x", {}, True)
    event["request"]["intent"]["slots"] = {"junk": 5}
    result = handler(event, FakeLambdaContext())
    assert result["response"]["shouldEndSession"] is True
    spoken = result["response"]["outputSpeech"]["ssml"]
    assert '<say-as interpret-as="digits">116</say-as>' in spoken and "988" not in spoken


@pytest.mark.parametrize("intent", ["EmergencyIntent", "DistressIntent"])
def test_no_answer_of_the_family_is_tied_to_the_user_in_logs(
    talk: Talk, dynamodb: Any, logged: Callable[[], list[str]], intent: str
) -> None:
    conversation = started(talk)
    logged()  # what the start of the check-in logged
    conversation.intent(intent)
    records = [json.loads(line) for line in logged()]
    requests = [record for record in records if record.get("message") == "Request"]
    assert [record.get("intent") for record in requests] == [intent]
    assert all("user" not in record for record in records)
    assert any(record.get("CrisisAnswered") == [1.0] for record in records)


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("I took too many pills", "EmergencyIntent"),
        ("I keep thinking about ending my life", "CrisisIntent"),
        ("I feel hopeless", "DistressIntent"),
    ],
)
def test_words_said_mid_rating_reach_the_fitting_answer(talk: Talk, dynamodb: Any, said: str, intent: str) -> None:
    nlu = pytest.importorskip("devtools.nlu")
    conversation = started(talk)
    heard = nlu.understanding("en-US").resolve_in_session(said)
    assert heard.intent == intent
    reply = conversation.intent(heard.intent, **heard.slots)
    assert reply.ends_session == (intent != "DistressIntent")


# --------------------------------------------------------------------------------------------------------------
# Harm at home, and key phrases the model does not list

ABUSE_LINES = {
    # locale: (what is said before the number, the number's groups as read, emergency number)
    "en-US": ("the National Domestic Violence Hotline", ["1", "800", "799", "7233"], "911"),
    "en-GB": ("the National Domestic Abuse Helpline", ["0808", "2000", "247"], "999"),
    "en-AU": ("1800RESPECT", ["1800", "737", "732"], "000"),
    "en-IN": ("the Women Helpline", ["181"], "112"),
    "en-CA": ("the Suicide Crisis Helpline", ["988"], "911"),
}


@pytest.mark.parametrize("locale", sorted(ABUSE_LINES))
def test_harm_at_home_hears_the_emergency_number_and_a_domestic_violence_line_and_no_card(
    talk: Talk, dynamodb: Any, locale: str
) -> None:
    name, groups, emergency = ABUSE_LINES[locale]
    conversation = started(talk, Device(locale=locale))
    conversation.rate(2)
    reply = conversation.intent("AbuseIntent")
    assert reply.ends_session and "reprompt" not in reply.response
    assert reply.speech.startswith("Thank you for telling me. Nobody has the right to hurt you")
    assert name in reply.speech
    spoken = ssml(reply)
    slow = re.search(r'<prosody rate="slow">(.*?)</prosody>', spoken)
    assert slow is not None
    assert digits_at(spoken, emergency) < digits_at(spoken, groups[0]), "the emergency number first"
    assert all(slow.group(1).count(f'<say-as interpret-as="digits">{group}</say-as>') >= 2 for group in groups)
    assert reply.card is None, "nothing in the Alexa app, which the person hurting them may read"
    assert "I won't put this in the Alexa app." in reply.speech
    if locale != "en-CA":
        assert "Suicide" not in reply.speech and "Samaritans" not in reply.speech, "not a suicide line"
    assert list(ratings_in_table(dynamodb).values()) == [{"connection": 2}], "the check-in is kept"


def key_slot(value: str, type_name: str, matched: bool) -> dict[str, Any]:
    """A custom slot as Alexa fills it: entity resolution says whether the words are a listed value."""
    status = "ER_SUCCESS_MATCH" if matched else "ER_SUCCESS_NO_MATCH"
    values = [{"value": {"name": value, "id": "suicide"}}] if matched else []
    authority = f"amzn1.er-authority.echo-sdk.amzn1.ask.skill.test.{type_name}"
    return {
        "value": value,
        "resolutions": {
            "resolutionsPerAuthority": [{"authority": authority, "status": {"code": status}, "values": values}]
        },
    }


def test_a_key_phrase_the_model_does_not_list_is_not_taken_for_a_crisis(talk: Talk, dynamodb: Any) -> None:
    """Alexa may fill "I want to {act}" with "go to the shops": not a listed act, so not a crisis answer; mid-sign
    it is a missed answer, and the sign is asked again."""
    conversation = started(talk)
    unlisted = conversation.intent("CrisisIntent", act=key_slot("go to the shops", "CRISIS_ACT", matched=False))
    assert not unlisted.ends_session
    assert "988" not in ssml(unlisted) and unlisted.card is None
    assert unlisted.speech.startswith("Let's stay with this one for now. From one to five"), "the sign, again"
    someone = conversation.intent(
        "EmergencyIntent",
        person=key_slot("my son", "PERSON", matched=True),
        otherAct=key_slot("go to the shops", "OTHER_ACT", matched=False),
    )
    assert not someone.ends_session and "911" not in ssml(someone), "who is listed, but not what"
    listed = conversation.intent("CrisisIntent", act=key_slot("kill myself", "CRISIS_ACT", matched=True))
    assert_crisis_answer(listed)


def test_words_around_a_key_phrase_never_matter(talk: Talk, dynamodb: Any) -> None:
    """The phrase slot holds whatever was said around a key phrase; the answer is the same, and it is not kept."""
    conversation = started(talk)
    reply = conversation.intent("CrisisIntent", said={"value": "since my mum died I keep thinking about"})
    assert_crisis_answer(reply)
    assert "mum" not in json.dumps(reply.raw)
