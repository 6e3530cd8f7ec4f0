"""Cross-cutting work for every request: build the turn, log what is safe to log, carry the session forward."""

from __future__ import annotations

import contextlib

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name, is_request_type
from ask_sdk_model import Response

from therapy_checkin import budget, intents
from therapy_checkin.observability import logger
from therapy_checkin.saving import flush_pending
from therapy_checkin.storage import CheckInStore, StorageUnavailable, begin_turn
from therapy_checkin.turn import start_turn, turn_of


class TurnInterceptor(AbstractRequestInterceptor):
    """Reads who, when, where and the session state once, and logs the request without any content."""

    def __init__(self, store: CheckInStore) -> None:
        self.store = store

    def process(self, handler_input: HandlerInput) -> None:
        begin_turn()
        budget.begin_turn(handler_input.context)
        turn = start_turn(handler_input, self.store)
        request = handler_input.request_envelope.request
        intent = get_intent_name(handler_input) if is_request_type("IntentRequest")(handler_input) else None
        # No log line carries anything that stands for the user, so nothing in the logs ties one request to
        # another person's. A crisis request is logged with its intent alone: not even where the user was.
        logger.append_keys(locale=turn.speech.locale)
        fields = {"request_type": getattr(request, "object_type", None), "intent": intent}
        if intent not in intents.CRISIS_INTENTS:
            fields["mode"] = turn.state.mode.value
        logger.info("Request", extra=fields)


class PendingWritesInterceptor(AbstractRequestInterceptor):
    """Before anything else happens in a turn, store answers that earlier turns could not.

    A request of the crisis family is answered first and touches nothing, so it is never slowed by a struggling table.
    """

    def process(self, handler_input: HandlerInput) -> None:
        turn = turn_of(handler_input)
        crisis = any(is_intent_name(name)(handler_input) for name in intents.CRISIS_INTENTS)
        if turn.state.pending and not crisis:
            flush_pending(turn)


class ProfileInterceptor(AbstractResponseInterceptor):
    """A time zone Alexa told this turn goes to the profile once, at the end of the turn, unless the turn already
    wrote the profile with it (a first launch). A table that cannot take it loses nothing: the zone stays in the
    session, and a later session reads it from Alexa again."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        turn = turn_of(handler_input)
        if turn.time_zone_to_store is not None:
            with contextlib.suppress(StorageUnavailable):
                turn.save_profile()


class SessionStateInterceptor(AbstractResponseInterceptor):
    """Writes the turn's session state into the response, so the next turn picks up exactly here."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if handler_input.request_envelope.session is None:
            return
        if response is not None and response.should_end_session:
            handler_input.attributes_manager.session_attributes = {}
            return
        handler_input.attributes_manager.session_attributes = turn_of(handler_input).state.to_attributes()
