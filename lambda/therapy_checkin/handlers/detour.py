"""Asking something aside (confirm a deletion, say a passcode) and then returning to where the user was.

A detour keeps the mode it left in ``SessionState.return_mode``; the sign being asked, this week's answers and the
rest of the state are untouched, so coming back mid-check-in asks the same sign again.
"""

from __future__ import annotations

from collections.abc import Collection

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from therapy_checkin import intents
from therapy_checkin.handlers.replies import current_question, end, farewell, reply
from therapy_checkin.session import ASKING_A_SIGN, DETOURS, Mode
from therapy_checkin.turn import turn_of


def start_detour(handler_input: HandlerInput, mode: Mode) -> None:
    """Switch to a detour mode, remembering the mode to come back to (a detour never nests)."""
    state = turn_of(handler_input).state
    if state.mode not in DETOURS:
        state.return_mode = state.mode
    state.mode = mode


def leave_detour(handler_input: HandlerInput) -> Mode:
    """Restore the mode the detour left, or IDLE when it is unknown or no longer makes sense."""
    state = turn_of(handler_input).state
    mode, state.return_mode = state.return_mode or Mode.IDLE, None
    if mode in DETOURS or (mode in ASKING_A_SIGN and state.answers is None):
        mode = Mode.IDLE
    state.mode = mode
    return mode


def come_back(handler_input: HandlerInput, message: str) -> Response:
    """Say ``message`` and carry on where the user was; outside any flow, close the session kindly (and say "next
    week" only when this week's check-in is done)."""
    turn = turn_of(handler_input)
    if leave_detour(handler_input) is Mode.IDLE:
        return end(handler_input, f"{message} {farewell(turn, after=True)}")
    question, reprompt = current_question(handler_input)
    return reply(handler_input, f"{message} {question}", reprompt)


def say_then_go_on(handler_input: HandlerInput, message: str, goodbye: str, settled: Collection[Mode]) -> Response:
    """Say ``message`` (leaving any detour first), then ask again what was waiting; in one of the ``settled`` modes,
    where nothing is under way, close the session with ``goodbye`` after it (an empty one says nothing more)."""
    turn = turn_of(handler_input)
    if turn.state.mode in DETOURS:
        leave_detour(handler_input)
    if turn.state.mode in settled:
        turn.state.mode, turn.state.recap_offer = Mode.IDLE, None
        return end(handler_input, f"{message} {goodbye}".strip())
    question, reprompt = current_question(handler_input)
    return reply(handler_input, f"{message} {question}", reprompt)


class DetourOtherHandler(AbstractRequestHandler):
    """Anything but an answer while a detour waits (help, repeat, a stray phrase): ask its question again.

    Stop and cancel pass through to the stop handler, which ends the session with nothing changed. Registered
    after the handlers that take a detour's answers.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if turn_of(handler_input).state.mode not in DETOURS:
            return False
        return is_request_type("IntentRequest")(handler_input) and not any(
            is_intent_name(name)(handler_input) for name in intents.STOP_INTENTS
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        question, _ = current_question(handler_input)
        return reply(handler_input, question, question)
