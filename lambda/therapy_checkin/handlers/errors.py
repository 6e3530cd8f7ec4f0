"""The last line of defence: any exception becomes a calm apology, and the user keeps their place."""

from __future__ import annotations

import traceback

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from therapy_checkin.handlers.replies import current_question
from therapy_checkin.observability import count, logger
from therapy_checkin.speech.ssml import speakable
from therapy_checkin.storage import CheckInStore, StorageUnavailable
from therapy_checkin.turn import start_turn


def log_safely(message: str, error: BaseException) -> None:
    """Log an exception's type and where it happened, never its message: messages can carry what was said."""
    frames = traceback.extract_tb(error.__traceback__)
    logger.error(
        message,
        extra={
            "error_type": type(error).__name__,
            "error_at": [f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}" for frame in frames[-8:]],
        },
    )


class ErrorHandler(AbstractExceptionHandler):
    def __init__(self, store: CheckInStore) -> None:
        self.store = store

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        table_down = isinstance(exception, StorageUnavailable)
        if isinstance(exception, StorageUnavailable):
            logger.warning("Table unavailable", extra={"operation": exception.operation, "code": exception.code})
            count("StorageUnavailable")
        else:
            log_safely("Request failed", exception)
            count("Errors")
        # Start again from the state the request arrived with: whatever the failed handler changed is dropped.
        handler_input.response_builder = ResponseFactory()
        try:
            turn = start_turn(handler_input, self.store)
        except Exception as error:  # noqa: BLE001 - a request too broken to read still gets an answer
            log_safely("Request unreadable", error)
            return (
                handler_input.response_builder.speak(
                    "Sorry, something went wrong on my side. Please try again in a moment."
                )
                .set_should_end_session(True)
                .response
            )
        session = handler_input.request_envelope.session
        if session is None or is_request_type("SessionEndedRequest")(handler_input):
            return handler_input.response_builder.response
        handler_input.attributes_manager.session_attributes = turn.state.to_attributes()
        question, reprompt = current_question(handler_input)
        if turn.state.asking_sign:
            speech = turn.speech("error_in_check_in", question=question)
        elif table_down:
            return (
                handler_input.response_builder.speak(speakable(turn.speech("storage_unavailable")))
                .set_should_end_session(True)
                .response
            )
        else:
            speech = f"{turn.speech('error_general')} {question}"
        return handler_input.response_builder.speak(speakable(speech)).ask(speakable(reprompt)).response
