"""An optional spoken passcode that keeps recaps and trends private on a speaker the household shares.

Check-ins never need it: anyone may answer this week's signs, but hearing how the weeks went needs the four
digits once per session. The digits are never stored, logged, echoed or kept in the session: between "say
it" and "say it again" the session holds only the first entry's salted hash. Three wrong tries lock recaps
(and removing the passcode) for fifteen minutes; the count and the lock live on the profile item, so a new
session cannot start the count again.

Alexa may hear four digits as either ``PasscodeIntent`` (``code``) or ``RateIntent`` (``rating``), so while a
passcode is being asked both are read, and these handlers are registered before the rating handler.
"""

from __future__ import annotations

import math
from datetime import datetime

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from therapy_checkin import intents
from therapy_checkin.domain.passcode import LOCK_DURATION, MAX_FAILURES, PasscodeHash, hash_passcode, parse_code
from therapy_checkin.gate import PasscodeNeeded, RecapsLocked, guard_of
from therapy_checkin.handlers.detour import come_back, leave_detour, start_detour
from therapy_checkin.handlers.recap import answer_trend, ask_which_sign, recap_reply
from therapy_checkin.handlers.replies import DETOUR_QUESTIONS, current_question, end, reply
from therapy_checkin.handlers.slots import slot_text
from therapy_checkin.observability import count
from therapy_checkin.session import DETOURS, PASSCODE_MODES, Mode, PasscodeDraft, PendingRecap, RecapRequest
from therapy_checkin.turn import TURN_KEY, Turn, turn_of


def _heard_code(handler_input: HandlerInput) -> str | None:
    return parse_code(slot_text(handler_input, intents.CODE_SLOT)) or parse_code(
        slot_text(handler_input, intents.RATING_SLOT)
    )


def _wait(turn: Turn, locked_until: datetime | None) -> str:
    minutes = max(1, math.ceil(((locked_until or turn.now) - turn.now).total_seconds() / 60))
    if minutes == 1:
        return turn.speech("wait_minute")
    return turn.speech("wait_minutes", count=turn.speech.number(minutes))


def _carry_on(handler_input: HandlerInput, message: str) -> Response:
    """Say ``message`` without any recap, and go on with what the user was doing; outside a flow, close."""
    turn = turn_of(handler_input)
    turn.state.pending_recap = None
    if turn.state.mode in DETOURS:
        leave_detour(handler_input)
    if turn.state.mode in (Mode.IDLE, Mode.OFFER_RECAP):
        turn.state.mode = Mode.IDLE
        return end(handler_input, f"{message} {turn.speech('goodbye')}")
    question, reprompt = current_question(handler_input)
    return reply(handler_input, f"{message} {question}", reprompt)


def _ask_again(handler_input: HandlerInput, message: str) -> Response:
    turn = turn_of(handler_input)
    return reply(handler_input, message, turn.speech(DETOUR_QUESTIONS[turn.state.mode]))


def _answer_recap(handler_input: HandlerInput, pending: PendingRecap | None) -> Response:
    """Answer the request that waited for the passcode, now that the session is unlocked."""
    if pending is not None and pending.request is RecapRequest.LAST_WEEK:
        return recap_reply(handler_input, "last")
    if pending is not None and pending.request is RecapRequest.TREND:
        if pending.sign is not None:
            return answer_trend(handler_input, pending.sign)
        return ask_which_sign(handler_input)
    return recap_reply(handler_input, "this")


class SetPasscodeHandler(AbstractRequestHandler):
    """ "Set a passcode": ask for four digits (changing one means removing it first, with the old one)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.SET_PASSCODE)(handler_input) and turn_of(handler_input).state.mode not in DETOURS

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if guard_of(turn).passcode is not None:
            return _carry_on(handler_input, turn.speech("passcode_exists"))
        start_detour(handler_input, Mode.SET_PASSCODE)
        return reply(handler_input, turn.speech("passcode_new"), turn.speech("reprompt_passcode_new"))


class RemovePasscodeHandler(AbstractRequestHandler):
    """ "Remove my passcode": only with the passcode itself."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        intent = is_intent_name(intents.REMOVE_PASSCODE)(handler_input)
        return intent and turn_of(handler_input).state.mode not in DETOURS

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        guard = guard_of(turn)
        if guard.passcode is None:
            return _carry_on(handler_input, turn.speech("passcode_none"))
        if guard.locked(turn.now):
            return _carry_on(handler_input, turn.speech("passcode_locked", wait=_wait(turn, guard.locked_until)))
        start_detour(handler_input, Mode.PASSCODE_TO_REMOVE)
        return reply(handler_input, turn.speech("passcode_to_remove"), turn.speech("reprompt_passcode"))


class PasscodeGateHandler(AbstractExceptionHandler):
    """The gate before past answers stayed shut (see :mod:`therapy_checkin.gate`): ask for the passcode, or say
    recaps are locked for now.

    Whatever the handler had changed is dropped: the turn goes on from the state the request brought, so the
    passcode detour returns exactly where the user was. Response interceptors do not run after an exception,
    so the session state is written here.
    """

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return isinstance(exception, PasscodeNeeded | RecapsLocked)

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        turn = _fresh_turn(handler_input)
        if isinstance(exception, PasscodeNeeded):
            turn.state.pending_recap = exception.then
            start_detour(handler_input, Mode.PASSCODE_FOR_RECAP)
            response = reply(handler_input, turn.speech("passcode_for_recap"), turn.speech("reprompt_passcode"))
        else:
            until = exception.until if isinstance(exception, RecapsLocked) else None
            response = _carry_on(handler_input, turn.speech("passcode_locked", wait=_wait(turn, until)))
        attributes = {} if response.should_end_session else turn.state.to_attributes()
        handler_input.attributes_manager.session_attributes = attributes
        return response


def _fresh_turn(handler_input: HandlerInput) -> Turn:
    """A turn with the state the request brought, keeping what this request already read and stored."""
    earlier = turn_of(handler_input)
    turn = Turn(handler_input)
    turn.adopt_reads(earlier)
    handler_input.attributes_manager.request_attributes[TURN_KEY] = turn
    handler_input.response_builder = ResponseFactory()
    return turn


class PasscodeEntryHandler(AbstractRequestHandler):
    """Four digits while a passcode is being set, confirmed or asked for."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        digits = is_intent_name(intents.PASSCODE)(handler_input) or is_intent_name(intents.RATE)(handler_input)
        return digits and turn_of(handler_input).state.mode in PASSCODE_MODES

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        code = _heard_code(handler_input)
        if code is None:
            return _ask_again(handler_input, turn.speech("passcode_not_four"))
        if turn.state.mode is Mode.SET_PASSCODE:
            return _first_entry(handler_input, code)
        if turn.state.mode is Mode.CONFIRM_PASSCODE:
            return _second_entry(handler_input, code)
        return _check(handler_input, code)


def _first_entry(handler_input: HandlerInput, code: str) -> Response:
    """Keep only the hash of the first entry in the session, and ask for the code again."""
    turn = turn_of(handler_input)
    draft = hash_passcode(code)
    turn.state.passcode_draft = PasscodeDraft(salt=draft.salt, digest=draft.digest)
    turn.state.mode = Mode.CONFIRM_PASSCODE
    return reply(handler_input, turn.speech("passcode_confirm"), turn.speech("reprompt_passcode_confirm"))


def _second_entry(handler_input: HandlerInput, code: str) -> Response:
    turn = turn_of(handler_input)
    draft = turn.state.passcode_draft
    turn.state.passcode_draft = None
    first = PasscodeHash(salt=draft.salt, digest=draft.digest) if draft else None
    if first is None or not first.matches(code):
        turn.state.mode = Mode.SET_PASSCODE
        return reply(handler_input, turn.speech("passcode_mismatch"), turn.speech("reprompt_passcode_new"))
    turn.store.save_passcode(turn.user, first, turn.now)
    turn.state.recap_guarded = True
    count("PasscodeSet")
    return come_back(handler_input, turn.speech("passcode_saved"))


def _check(handler_input: HandlerInput, code: str) -> Response:
    """The passcode, asked before a recap or before removing it. Wrong tries count, and three lock."""
    turn = turn_of(handler_input)
    removing = turn.state.mode is Mode.PASSCODE_TO_REMOVE
    guard = guard_of(turn)
    if guard.locked(turn.now):
        return _carry_on(handler_input, turn.speech("passcode_locked", wait=_wait(turn, guard.locked_until)))
    if guard.passcode is None:
        # Removed meanwhile (another device): nothing to check, and nothing is unlocked by it.
        leave_detour(handler_input)
        if removing:
            return come_back(handler_input, turn.speech("passcode_none"))
        pending, turn.state.pending_recap = turn.state.pending_recap, None
        return _answer_recap(handler_input, pending)
    if guard.passcode.matches(code):
        if guard.failures or guard.locked_until:
            turn.store.clear_passcode_failures(turn.user, turn.now)
        if removing:
            turn.store.remove_passcode(turn.user, turn.now)
            count("PasscodeRemoved")
            turn.state.recap_guarded = False
            return come_back(handler_input, turn.speech("passcode_removed"))
        turn.state.recap_unlocked = True
        pending, turn.state.pending_recap = turn.state.pending_recap, None
        leave_detour(handler_input)
        return _answer_recap(handler_input, pending)
    failures = turn.store.record_passcode_failure(turn.user, turn.now)
    if failures >= MAX_FAILURES:
        turn.store.lock_passcode(turn.user, turn.now + LOCK_DURATION, turn.now)
        count("PasscodeLocked")
        return _carry_on(handler_input, turn.speech("passcode_locked_now"))
    remaining = MAX_FAILURES - failures
    if remaining == 1:
        return _ask_again(handler_input, turn.speech("passcode_wrong_last"))
    return _ask_again(handler_input, turn.speech("passcode_wrong", remaining=turn.speech.number(remaining)))


class PasscodeDeclineHandler(AbstractRequestHandler):
    """No while a passcode is asked: nothing changes, and the user goes on where they were."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.NO)(handler_input) and turn_of(handler_input).state.mode in PASSCODE_MODES

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        mode = turn.state.mode
        turn.state.passcode_draft = None
        if mode is Mode.PASSCODE_FOR_RECAP:
            return _carry_on(handler_input, turn.speech("passcode_declined"))
        key = "passcode_kept" if mode is Mode.PASSCODE_TO_REMOVE else "passcode_left_unset"
        return come_back(handler_input, turn.speech(key))
