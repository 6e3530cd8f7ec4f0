"""Ending, pausing, and anything the skill did not expect in the current state."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from therapy_checkin import intents
from therapy_checkin.handlers.checkin import missed_answer
from therapy_checkin.handlers.menu import general_help
from therapy_checkin.handlers.replies import current_question, end, farewell, own_question, reply
from therapy_checkin.observability import logger
from therapy_checkin.session import OFFERS, Mode
from therapy_checkin.turn import turn_of


class StopHandler(AbstractRequestHandler):
    """Stop, cancel, pause, "take a break", or home: everything said is already saved, so just say how to come
    back. "Talk to you next week" only once this week is done: before that, the door stays open for later. During or
    after a reflection outside a check-in, a thank-you for the time taken."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(name)(handler_input) for name in intents.STOP_INTENTS)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        answers = turn.state.answers
        if turn.state.pending:
            return end(handler_input, turn.speech("unsaved_on_stop"))
        if answers is not None and answers.started and not answers.completed:
            return end(handler_input, turn.speech("paused"))
        if turn.state.mode is Mode.REFLECTING:
            return end(handler_input, turn.speech("reflect_done"))
        return end(handler_input, farewell(turn))


class FallbackHandler(AbstractRequestHandler):
    """Something the model could not place, or an intent that makes no sense right now.

    Mid-sign it counts as a missed answer and the sign is asked again; at an offer the offer is asked again;
    elsewhere the user hears help. A crisis-family intent whose key phrase the model does not list lands here
    too. The words were heard, so nothing here claims they were not.
    Registered last among request handlers, so it sees only what no other handler took.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        state = turn.state
        if state.asking_sign:
            question = own_question(turn, state.index)
            return missed_answer(handler_input, turn.speech("fallback_rating", question=question))
        # A crisis-family intent reaches this handler only when its key phrase was not one the model lists
        # (handlers/crisis.py): words the skill could not place, like the fallback intent.
        unplaced = any(is_intent_name(name)(handler_input) for name in (intents.FALLBACK, *intents.CRISIS_INTENTS))
        if unplaced and state.mode in OFFERS:
            question, reprompt = current_question(handler_input)
            return reply(handler_input, turn.speech("offer_not_understood", question=question), reprompt)
        return general_help(handler_input, turn.speech("didnt_catch") + " " if unplaced else "")


class SessionEndedHandler(AbstractRequestHandler):
    """The session closed (the user said nothing, walked away, or an error on the device)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        logger.info("Session ended", extra={"reason": reason})
        return handler_input.response_builder.response


class UnknownRequestHandler(AbstractRequestHandler):
    """Any other request type (display events, playback events, skill events we do not subscribe to)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        request_type = getattr(handler_input.request_envelope.request, "object_type", None)
        logger.info("Request type not handled", extra={"request_type": request_type})
        return handler_input.response_builder.response
