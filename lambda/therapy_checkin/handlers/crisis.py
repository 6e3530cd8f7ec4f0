"""Someone says they are not safe: a calm, short answer with the locale's crisis line, then the session ends.

This answer must come whatever else is going on, so it depends on as little as possible: the handler is
registered first and answers in every mode; it reads only the request (never the table, never the session),
and an exception handler of its own gives the same answer if anything at all failed on the way. The unfinished
check-in is left exactly as it was stored, so the user can pick it up another time.
"""

from __future__ import annotations

import contextlib

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from therapy_checkin import intents
from therapy_checkin.observability import count, logger
from therapy_checkin.speech import Speech, speech_for
from therapy_checkin.speech.crisis import CrisisLine, crisis_line

GROUP_PAUSE = '<break time="300ms"/>'
SENTENCE_PAUSE = '<break time="600ms"/>'


def spoken_number(number: str) -> str:
    """A phone number read digit by digit, with a short pause between its groups ("116 123")."""
    return GROUP_PAUSE.join(f'<say-as interpret-as="digits">{group}</say-as>' for group in number.split())


def crisis_speech(speech: Speech, line: CrisisLine) -> str:
    """The spoken answer: a few calm words, then the numbers slowly, the crisis line twice."""
    number = spoken_number(line.number)
    numbers = " ".join(
        (
            speech("crisis_line", name=line.name, how=line.how.capitalize(), number=number),
            speech("crisis_repeat", number=number),
            SENTENCE_PAUSE,
            speech("crisis_emergency", emergency=spoken_number(line.emergency)),
        )
    )
    return " ".join(
        (
            speech("crisis_heard"),
            speech("crisis_limits"),
            SENTENCE_PAUSE,
            f'<prosody rate="slow">{numbers}</prosody>',
            SENTENCE_PAUSE,
            speech("crisis_close"),
        )
    )


def crisis_card(speech: Speech, line: CrisisLine) -> str:
    """The same facts as plain text for the Alexa app, one per line."""
    return "\n".join(
        (
            speech("crisis_heard"),
            speech("crisis_limits"),
            speech("crisis_line", name=line.name, how=line.how.capitalize(), number=line.number),
            speech("crisis_emergency", emergency=line.emergency),
        )
    )


def crisis_response(handler_input: HandlerInput) -> Response:
    """Build the crisis answer from the request alone, on a fresh response."""
    locale = getattr(handler_input.request_envelope.request, "locale", None)
    speech, line = speech_for(locale), crisis_line(locale)
    with contextlib.suppress(Exception):
        count("CrisisAnswered")
    handler_input.response_builder = ResponseFactory()
    return (
        handler_input.response_builder.speak(crisis_speech(speech, line))
        .set_card(SimpleCard(speech("crisis_card_title"), crisis_card(speech, line)))
        .set_should_end_session(True)
        .response
    )


class CrisisHandler(AbstractRequestHandler):
    """ "I want to hurt myself", "I'm not safe", ...: the crisis answer, in every mode."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.CRISIS)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return crisis_response(handler_input)


class CrisisErrorHandler(AbstractExceptionHandler):
    """If anything failed while a crisis request was handled (an interceptor, a response hook), answer anyway."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        try:
            return is_intent_name(intents.CRISIS)(handler_input)
        except Exception:  # noqa: BLE001 - a request too broken to read goes to the general error handler
            return False

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        logger.error("Crisis request hit an error; answered anyway", extra={"error_type": type(exception).__name__})
        return crisis_response(handler_input)


def crisis_reply_for_event(event: object) -> dict[str, object] | None:
    """The crisis answer for a raw event the SDK could not read at all, or None if it is not a crisis request.

    Used by ``lambda_handler`` as its last resort, so not even a malformed envelope can swallow it.
    """
    request = event.get("request") if isinstance(event, dict) else None
    intent = request.get("intent") if isinstance(request, dict) else None
    if not isinstance(intent, dict) or intent.get("name") != intents.CRISIS:
        return None
    locale = request.get("locale") if isinstance(request, dict) else None
    locale = locale if isinstance(locale, str) else None
    speech, line = speech_for(locale), crisis_line(locale)
    with contextlib.suppress(Exception):
        count("CrisisAnswered")
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{crisis_speech(speech, line)}</speak>"},
            "card": {"type": "Simple", "title": speech("crisis_card_title"), "content": crisis_card(speech, line)},
            "shouldEndSession": True,
        },
    }
