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

import base64
import binascii
import math
from datetime import datetime
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name
from ask_sdk_model import Response

from therapy_checkin import intents
from therapy_checkin.domain.passcode import LOCK_DURATION, MAX_FAILURES, PasscodeHash, hash_passcode, parse_code
from therapy_checkin.domain.signs import is_sign
from therapy_checkin.handlers.detour import come_back, leave_detour, start_detour
from therapy_checkin.handlers.recap import TrendHandler, recap_reply, trend_reply
from therapy_checkin.handlers.replies import DETOUR_QUESTIONS, current_question, end, reply
from therapy_checkin.handlers.slots import resolved_sign, slot_text
from therapy_checkin.observability import count
from therapy_checkin.recap_access import GUARDED_KEY, UNLOCKED_KEY, guard_of, recap_unlocked
from therapy_checkin.session import DETOURS, PASSCODE_MODES, Mode
from therapy_checkin.turn import Turn, turn_of

OFFERED_RECAP = "OfferedRecap"
"""The pending request when the user said yes to hearing the recap."""

PENDING_KEY = "pendingRecap"
DRAFT_KEY = "passcodeDraft"


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
    turn.state.extra.pop(PENDING_KEY, None)
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


def _answer_recap(handler_input: HandlerInput, pending: Any) -> Response:
    """Answer the request that waited for the passcode, now that the session is unlocked."""
    intent = pending.get("intent") if isinstance(pending, dict) else None
    if intent == intents.LAST_WEEK_RECAP:
        return recap_reply(handler_input, "last")
    if intent == intents.TREND:
        sign_id = pending.get("sign")
        if isinstance(sign_id, str) and is_sign(sign_id):
            return trend_reply(handler_input, sign_id)
        return TrendHandler().handle(handler_input)  # no sign named: it asks which one
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


class RecapGateHandler(AbstractRequestHandler):
    """Any recap or trend, while a passcode is set and not yet given this session: ask for it first.

    Registered before every handler that reads a recap aloud.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        turn = turn_of(handler_input)
        if is_intent_name(intents.YES)(handler_input):
            wants_recap = turn.state.mode is Mode.OFFER_RECAP
        else:
            wants_recap = any(is_intent_name(name)(handler_input) for name in intents.RECAP_INTENTS)
        return wants_recap and turn.state.mode not in DETOURS and not recap_unlocked(turn)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        guard = guard_of(turn)
        if guard.locked(turn.now):
            return _carry_on(handler_input, turn.speech("passcode_locked", wait=_wait(turn, guard.locked_until)))
        intent = get_intent_name(handler_input)
        pending: dict[str, str | None] = {"intent": intent if intent in intents.RECAP_INTENTS else OFFERED_RECAP}
        if intent == intents.TREND:
            pending["sign"] = resolved_sign(handler_input)
        turn.state.extra[PENDING_KEY] = pending
        start_detour(handler_input, Mode.PASSCODE_FOR_RECAP)
        return reply(handler_input, turn.speech("passcode_for_recap"), turn.speech("reprompt_passcode"))


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
    turn.state.extra[DRAFT_KEY] = {
        "salt": base64.b64encode(draft.salt).decode("ascii"),
        "hash": base64.b64encode(draft.digest).decode("ascii"),
    }
    turn.state.mode = Mode.CONFIRM_PASSCODE
    return reply(handler_input, turn.speech("passcode_confirm"), turn.speech("reprompt_passcode_confirm"))


def _draft(turn: Turn) -> PasscodeHash | None:
    raw = turn.state.extra.pop(DRAFT_KEY, None)
    if not isinstance(raw, dict):
        return None
    try:
        salt = base64.b64decode(str(raw["salt"]), validate=True)
        digest = base64.b64decode(str(raw["hash"]), validate=True)
    except (KeyError, ValueError, binascii.Error):
        return None
    return PasscodeHash(salt=salt, digest=digest) if salt and digest else None


def _second_entry(handler_input: HandlerInput, code: str) -> Response:
    turn = turn_of(handler_input)
    draft = _draft(turn)
    if draft is None or not draft.matches(code):
        turn.state.mode = Mode.SET_PASSCODE
        return reply(handler_input, turn.speech("passcode_mismatch"), turn.speech("reprompt_passcode_new"))
    turn.store.save_passcode(turn.user, draft, turn.now)
    turn.state.extra[GUARDED_KEY] = True
    count("PasscodeSet")
    return come_back(handler_input, turn.speech("passcode_saved"))


def _check(handler_input: HandlerInput, code: str) -> Response:
    """The passcode, asked before a recap or before removing it. Wrong tries count, and three lock."""
    turn = turn_of(handler_input)
    removing = turn.state.mode is Mode.PASSCODE_TO_REMOVE
    guard = guard_of(turn)
    if guard.locked(turn.now):
        return _carry_on(handler_input, turn.speech("passcode_locked", wait=_wait(turn, guard.locked_until)))
    if guard.passcode is None or guard.passcode.matches(code):
        if guard.failures or guard.locked_until:
            turn.store.clear_passcode_failures(turn.user, turn.now)
        if removing:
            if guard.passcode is not None:
                turn.store.remove_passcode(turn.user, turn.now)
                count("PasscodeRemoved")
            turn.state.extra[GUARDED_KEY] = False
            return come_back(handler_input, turn.speech("passcode_removed"))
        turn.state.extra[UNLOCKED_KEY] = True
        pending = turn.state.extra.pop(PENDING_KEY, None)
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
        turn.state.extra.pop(DRAFT_KEY, None)
        if mode is Mode.PASSCODE_FOR_RECAP:
            return _carry_on(handler_input, turn.speech("passcode_declined"))
        key = "passcode_kept" if mode is Mode.PASSCODE_TO_REMOVE else "passcode_left_unset"
        return come_back(handler_input, turn.speech(key))
