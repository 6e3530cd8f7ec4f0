"""Someone says they are not safe, or are struggling: an answer that fits what they said, with the locale's numbers.

Four intents, four answers (where each phrasing belongs is decided in interaction-model/en/crisis.yaml):

- immediate danger (EmergencyIntent): the emergency number first, then the crisis line; the session ends;
- thoughts of suicide or self-harm (CrisisIntent): the crisis line, and the emergency number; the session ends;
- harm at home (AbuseIntent): the emergency number and a domestic violence line where the country has one; the
  session ends, and no card goes to the Alexa app, which the person hurting them may read;
- distress (DistressIntent): the crisis line, said gently, then an offer to go on; the session stays open, and
  "yes" picks the check-in up where it was.

The card for the others carries the numbers under a neutral title and nothing of what was said: everyone on the
account sees the Alexa app.

A request of the family whose key phrase Alexa filled with words the model does not list (entity resolution
ER_SUCCESS_NO_MATCH: "my son is going to {go to the shops}") is not taken as a crisis; it is answered as words
the skill could not place (:func:`heard_key_phrase`).

These answers must come whatever else is going on, so they depend on as little as possible: the handler is
registered first and answers in every mode; it reads only the request (never the table), and an exception
handler of its own gives an answer if anything at all failed on the way. The unfinished check-in is left
exactly as it was stored, so the user can pick it up another time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.utils import get_intent_name, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from therapy_checkin import intents
from therapy_checkin.observability import count, logger
from therapy_checkin.session import Mode
from therapy_checkin.speech import Speech, speech_for
from therapy_checkin.speech.crisis import CrisisLine, abuse_line, crisis_line
from therapy_checkin.speech.ssml import Ssml, digits, document, join, pause, slowly
from therapy_checkin.turn import turn_of

GROUP_PAUSE = 300
SENTENCE_PAUSE = 600


def spoken_number(number: str) -> Ssml:
    """A phone number read digit by digit, with a short pause between its groups ("116 123")."""
    return Ssml(pause(GROUP_PAUSE).join(digits(group) for group in number.split()))


def crisis_speech(speech: Speech, line: CrisisLine) -> Ssml:
    """The spoken answer: a few calm words, then the numbers slowly, the crisis line twice."""
    number = spoken_number(line.number)
    return join(
        speech("crisis_heard"),
        speech("crisis_limits"),
        pause(SENTENCE_PAUSE),
        slowly(
            speech.ssml("crisis_line", name=line.name, how=line.how.capitalize(), number=number),
            speech.ssml("crisis_repeat", number=number),
            pause(SENTENCE_PAUSE),
            speech.ssml("crisis_emergency", emergency=spoken_number(line.emergency)),
        ),
        pause(SENTENCE_PAUSE),
        speech("crisis_close"),
    )


def helpline_card(speech: Speech, line: CrisisLine) -> str:
    """The numbers as plain text for the Alexa app, under a neutral title, with nothing of what was said."""
    return speech(
        "helpline_card", name=line.name, how=line.how.capitalize(), number=line.number, emergency=line.emergency
    )


def emergency_speech(speech: Speech, line: CrisisLine) -> Ssml:
    """Immediate danger: the emergency number first and twice, then the crisis line, all said slowly."""
    emergency = spoken_number(line.emergency)
    return join(
        speech("emergency_heard"),
        pause(SENTENCE_PAUSE),
        slowly(
            speech.ssml("emergency_call", emergency=emergency),
            speech.ssml("emergency_repeat", emergency=emergency),
            pause(SENTENCE_PAUSE),
            speech.ssml("emergency_line", name=line.name, how=line.how.capitalize(), number=spoken_number(line.number)),
        ),
        pause(SENTENCE_PAUSE),
        speech("emergency_limits"),
    )


def distress_speech(speech: Speech, line: CrisisLine, offer: bool, offer_key: str = "distress_offer") -> Ssml:
    """Distress: a kind word, the crisis line said slowly, then (when the session stays open) the offer: to go on
    with the check-in, or ``offer_key``'s other offer when there is none to go on with."""
    number = spoken_number(line.number)
    numbers = slowly(
        speech.ssml("distress_line", name=line.name, how=line.how.capitalize(), number=number),
        speech.ssml("crisis_repeat", number=number),
        pause(SENTENCE_PAUSE),
        speech.ssml("distress_emergency", emergency=spoken_number(line.emergency)),
    )
    closing = (pause(SENTENCE_PAUSE), speech(offer_key)) if offer else ()
    return join(speech("distress_heard"), pause(SENTENCE_PAUSE), numbers, *closing)


def abuse_speech(speech: Speech, locale: str | None) -> Ssml:
    """Harm at home: the emergency number first, then a line for people hurt at home (or, where the country has
    none, the crisis line), said slowly, and that nothing goes to the Alexa app."""
    crisis, line = crisis_line(locale), abuse_line(locale)
    name, how, number = (line.name, line.how, line.number) if line else (crisis.name, crisis.how, crisis.number)
    spoken = spoken_number(number)
    return join(
        speech("abuse_heard"),
        pause(SENTENCE_PAUSE),
        slowly(
            speech.ssml("abuse_emergency", emergency=spoken_number(crisis.emergency)),
            pause(SENTENCE_PAUSE),
            speech.ssml("abuse_line", name=name, how=how.capitalize(), number=spoken),
            speech.ssml("crisis_repeat", number=spoken),
        ),
        pause(SENTENCE_PAUSE),
        speech("abuse_no_card"),
    )


def closing_answer(intent: str | None, locale: str | None) -> tuple[Ssml, str | None]:
    """(speech, card text or None) of the answer that ends the session, for any intent of the family.

    Distress gets its own gentle words here too, without the offer: this is what is said when the session
    cannot be kept (an error on the way, an envelope the SDK could not read)."""
    speech, line = speech_for(locale), crisis_line(locale)
    if intent == intents.ABUSE:
        return abuse_speech(speech, locale), None
    if intent == intents.EMERGENCY:
        return emergency_speech(speech, line), helpline_card(speech, line)
    if intent == intents.DISTRESS:
        return distress_speech(speech, line, offer=False), helpline_card(speech, line)
    return crisis_speech(speech, line), helpline_card(speech, line)


def crisis_intent_of(handler_input: HandlerInput) -> str | None:
    """The crisis-family intent of this request, or None for anything else (never raises)."""
    try:
        if not is_request_type("IntentRequest")(handler_input):
            return None
        name = get_intent_name(handler_input)
        if name not in intents.CRISIS_INTENTS:
            return None
        intent = getattr(handler_input.request_envelope.request, "intent", None)
        slots = getattr(intent, "slots", None) or {}
        return name if heard_key_phrase(slots) else None
    except Exception:  # noqa: BLE001 - a request too broken to read is not answered here
        return None


def heard_key_phrase(slots: Mapping[str, Any]) -> bool:
    """Whether the crisis-family request holds a key phrase the model lists, or none at all (a sample of fixed
    words, or one with the phrase slot around a fixed key phrase).

    Alexa may fill a custom slot with words nobody listed; entity resolution says whether they matched a listed
    value. The slots that carry the meaning (an act, a means, a feeling, a harm) must all have matched; where a
    sample has only slots that say who ("{person} is not safe"), those must have matched."""
    filled = {name: slot for name, slot in slots.items() if name != intents.CRISIS_PHRASE_SLOT and _value_of(slot)}
    meaning = {name: slot for name, slot in filled.items() if name not in intents.CRISIS_WHO_SLOTS}
    return all(_matched(slot) for slot in (meaning or filled).values())


def _value_of(slot: Any) -> str | None:
    value = slot.get("value") if isinstance(slot, dict) else getattr(slot, "value", None)
    return value if isinstance(value, str) and value.strip() else None


def _matched(slot: Any) -> bool:
    """Whether entity resolution matched the slot's words to a value the model lists."""
    if isinstance(slot, dict):
        authorities = ((slot.get("resolutions") or {}).get("resolutionsPerAuthority")) or []
        codes = [((authority or {}).get("status") or {}).get("code") for authority in authorities]
    else:
        resolutions = getattr(slot, "resolutions", None)
        authorities = getattr(resolutions, "resolutions_per_authority", None) or []
        codes = [
            getattr(getattr(getattr(authority, "status", None), "code", None), "value", None)
            for authority in authorities
        ]
    return "ER_SUCCESS_MATCH" in codes


def request_locale(handler_input: HandlerInput) -> str | None:
    """The request's own locale: crisis lines follow it even where the words fall back to en-US."""
    locale = getattr(handler_input.request_envelope.request, "locale", None)
    return locale if isinstance(locale, str) else None


def crisis_response(handler_input: HandlerInput, intent: str | None = None) -> Response:
    """The answer that ends the session, built from the request alone, on a fresh response."""
    locale = request_locale(handler_input)
    text, card = closing_answer(intent or crisis_intent_of(handler_input), locale)
    with contextlib.suppress(Exception):
        count("CrisisAnswered")
    handler_input.response_builder = ResponseFactory()
    builder = handler_input.response_builder.speak(text).set_should_end_session(True)
    if card is not None:
        builder.set_card(SimpleCard(speech_for(locale)("helpline_card_title"), card))
    return builder.response


def distress_response(handler_input: HandlerInput) -> Response:
    """The gentle answer, then an offer of what is possible: "yes" resumes the check-in, or starts it; once this
    week's check-in is finished, there is nothing to go on with, so "yes" brings how the week went.

    Only the conversation mode changes (from the session, never the table): mid-sign it becomes the offer to
    resume at the same sign; after a finished week (as the session knows it), the offer of the recap; elsewhere,
    the offer to start, which resumes an unfinished week too."""
    locale = request_locale(handler_input)
    speech, line = speech_for(locale), crisis_line(locale)
    with contextlib.suppress(Exception):
        count("CrisisAnswered")
    state = turn_of(handler_input).state
    offer, reprompt = "distress_offer", "reprompt_distress_offer"
    if state.asking_sign:
        state.mode = Mode.OFFER_RESUME
    elif state.answers is not None and state.answers.completed:
        state.mode = Mode.OFFER_RECAP
        offer, reprompt = "distress_offer_recap", "reprompt_offer_recap"
    elif state.mode is not Mode.OFFER_RESUME:
        state.mode = Mode.OFFER_START
    return (
        handler_input.response_builder.speak(distress_speech(speech, line, offer=True, offer_key=offer))
        .ask(speech(reprompt))
        .set_card(SimpleCard(speech("helpline_card_title"), helpline_card(speech, line)))
        .response
    )


class CrisisHandler(AbstractRequestHandler):
    """ "I took too many pills", "I want to hurt myself", "I feel hopeless": the fitting answer, in every mode."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return crisis_intent_of(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        intent = crisis_intent_of(handler_input)
        if intent == intents.DISTRESS:
            return distress_response(handler_input)
        return crisis_response(handler_input, intent)


class CrisisErrorHandler(AbstractExceptionHandler):
    """If anything failed while a crisis-family request was handled (an interceptor, a response hook), answer
    anyway, and end the session: nothing that just failed is trusted to carry it on."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return crisis_intent_of(handler_input) is not None

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        logger.error("Crisis request hit an error; answered anyway", extra={"error_type": type(exception).__name__})
        return crisis_response(handler_input)


def crisis_reply_for_event(event: object) -> dict[str, object] | None:
    """The answer for a raw crisis-family event the SDK could not read at all, or None for any other event.

    Used by ``lambda_handler`` as its last resort, so not even a malformed envelope can swallow it.
    """
    request = event.get("request") if isinstance(event, dict) else None
    intent = request.get("intent") if isinstance(request, dict) else None
    name = intent.get("name") if isinstance(intent, dict) else None
    if name not in intents.CRISIS_INTENTS:
        return None
    slots = intent.get("slots") if isinstance(intent, dict) else None
    if isinstance(slots, dict) and not heard_key_phrase(slots):
        return None
    locale = request.get("locale") if isinstance(request, dict) else None
    locale = locale if isinstance(locale, str) else None
    text, card = closing_answer(name, locale)
    with contextlib.suppress(Exception):
        count("CrisisAnswered")
    response: dict[str, object] = {"outputSpeech": {"type": "SSML", "ssml": document(text)}, "shouldEndSession": True}
    if card is not None:
        response["card"] = {"type": "Simple", "title": speech_for(locale)("helpline_card_title"), "content": card}
    return {"version": "1.0", "response": response}
