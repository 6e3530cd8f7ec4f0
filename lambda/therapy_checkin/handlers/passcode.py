"""An optional spoken passcode that keeps recaps and trends private on a speaker the household shares.

Check-ins never need it: anyone may answer this week's signs, but hearing how the weeks went needs the four
digits once per session. The digits are never stored, logged, echoed or kept in the session: between "say
it" and "say it again" the session holds only the first entry's salted hash. Three wrong tries lock recaps
(and removing the passcode) for fifteen minutes, then an hour, then a day (see
:mod:`therapy_checkin.domain.passcode`). Each try is counted on the profile item before it is compared, so a
new session, or many guesses at once, cannot start the count again. "I forgot my passcode" is answered
honestly: it cannot be recovered or reset by voice, check-ins still work, and starting fresh needs the account
holder (disabling the skill in the Alexa app). With a passcode set, deleting data by voice needs it too.

Alexa may hear four digits as either ``PasscodeIntent`` (``code``) or ``RateIntent`` (``rating``), so while a
passcode is being asked both are read, and these handlers are registered before the rating handler.
"""

from __future__ import annotations

from datetime import timedelta

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from therapy_checkin import clock, intents
from therapy_checkin.domain.passcode import MAX_FAILURES, PasscodeHash, hash_passcode, lock_duration, parse_code
from therapy_checkin.gate import PasscodeNeeded, RecapsLocked, guard_of, lock_wait_words
from therapy_checkin.handlers.deletion import ask_to_delete
from therapy_checkin.handlers.detour import come_back, leave_detour, say_then_go_on, start_detour
from therapy_checkin.handlers.notes import clear_notes_reply, get_ready_reply, read_notes_reply
from therapy_checkin.handlers.recap import answer_trend, ask_which_sign, recap_reply
from therapy_checkin.handlers.replies import DETOUR_QUESTIONS, reply
from therapy_checkin.handlers.report import report_reply
from therapy_checkin.handlers.slots import slot_text
from therapy_checkin.observability import count
from therapy_checkin.session import DETOURS, PASSCODE_MODES, Mode, PasscodeDraft, PendingRecap, RecapRequest
from therapy_checkin.storage import PasscodeGuard
from therapy_checkin.turn import Turn, start_turn, turn_of


def _heard_code(handler_input: HandlerInput) -> str | None:
    return parse_code(slot_text(handler_input, intents.CODE_SLOT)) or parse_code(
        slot_text(handler_input, intents.RATING_SLOT)
    )


_LOCK_LENGTHS = {
    timedelta(minutes=15): "lock_fifteen_minutes",
    timedelta(hours=1): "lock_hour",
    timedelta(hours=24): "lock_day",
}


def _lock_length(turn: Turn, duration: timedelta) -> str:
    """A lock's length in words: "fifteen minutes", "an hour", "a day" (any other length in minutes)."""
    key = _LOCK_LENGTHS.get(duration)
    if key is not None:
        return turn.speech(key)
    return turn.speech("lock_minutes", count=turn.speech.number(int(duration.total_seconds() // 60)))


def _carry_on(handler_input: HandlerInput, message: str) -> Response:
    """Say ``message`` without any recap, and go on with what the user was doing; outside a flow, close."""
    turn = turn_of(handler_input)
    turn.state.pending_recap = None
    return say_then_go_on(handler_input, message, turn.speech("goodbye"), (Mode.IDLE, Mode.OFFER_RECAP))


def _ask_again(handler_input: HandlerInput, message: str) -> Response:
    turn = turn_of(handler_input)
    return reply(handler_input, message, turn.speech(DETOUR_QUESTIONS[turn.state.mode]))


def _answer_recap(handler_input: HandlerInput, pending: PendingRecap | None) -> Response:
    """Answer the request that waited for the passcode, now that the session is unlocked."""
    if pending is not None and pending.request is RecapRequest.LAST_WEEK:
        return recap_reply(handler_input, "last")
    if pending is not None and pending.request in (RecapRequest.REPORT, RecapRequest.REPORT_WITH_NOTES):
        return report_reply(handler_input, with_notes=pending.request is RecapRequest.REPORT_WITH_NOTES)
    if pending is not None and pending.request is RecapRequest.TREND:
        if pending.sign is not None:
            return answer_trend(handler_input, pending.sign)
        return ask_which_sign(handler_input)
    if pending is not None and pending.request in NOTES_REPLIES:
        return NOTES_REPLIES[pending.request](handler_input)
    return recap_reply(handler_input, "this")


NOTES_REPLIES = {
    RecapRequest.NOTES: read_notes_reply,
    RecapRequest.CLEAR_NOTES: clear_notes_reply,
    RecapRequest.GET_READY: get_ready_reply,
}
"""What answers a request about notes, or getting ready, that waited for the passcode."""


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
        if guard.locked(clock.server_now()):
            return _carry_on(
                handler_input, turn.speech("passcode_locked", wait=lock_wait_words(turn, guard.locked_until))
            )
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
            response = _carry_on(handler_input, turn.speech("passcode_locked", wait=lock_wait_words(turn, until)))
        attributes = {} if response.should_end_session else turn.state.to_attributes()
        handler_input.attributes_manager.session_attributes = attributes
        return response


def _fresh_turn(handler_input: HandlerInput) -> Turn:
    """A turn with the state the request brought, keeping what this request already read and stored."""
    earlier = turn_of(handler_input)
    turn = start_turn(handler_input, earlier.store)
    turn.adopt_reads(earlier)
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
    turn.state.recap_guarded = True
    if not turn.store.save_passcode(turn.user, first, turn.now):
        # Another device set one between this one's two entries: that one stays, and this one is not kept.
        return come_back(handler_input, turn.speech("passcode_set_elsewhere"))
    count("PasscodeSet")
    return come_back(handler_input, turn.speech("passcode_saved"))


def _check(handler_input: HandlerInput, code: str) -> Response:
    """The passcode, asked before a recap or before removing it.

    The try is counted on the table first, and only a counted try is compared: a full round is locked whatever
    the digits, and the right passcode then clears the count.
    """
    turn = turn_of(handler_input)
    now = clock.server_now()
    guard = guard_of(turn)
    if guard.locked(now):
        return _locked(handler_input, guard)
    if guard.passcode is None:
        return _no_passcode(handler_input)
    counted = turn.store.reserve_passcode_try(turn.user, now)
    if counted is None:
        # Refused: locked meanwhile (other guesses), or the passcode was removed on another device.
        latest = turn.store.load_passcode_guard(turn.user)
        return _no_passcode(handler_input) if latest.passcode is None else _locked(handler_input, latest)
    if counted.passcode is not None and counted.passcode.matches(code):
        turn.store.clear_passcode_failures(turn.user, now)
        return _unlocked(handler_input)
    if counted.failures >= MAX_FAILURES:
        count("PasscodeLocked")
        length = _lock_length(turn, lock_duration(counted.rounds))
        return _carry_on(handler_input, turn.speech("passcode_locked_now", length=length))
    remaining = MAX_FAILURES - counted.failures
    if remaining == 1:
        return _ask_again(handler_input, turn.speech("passcode_wrong_last"))
    return _ask_again(handler_input, turn.speech("passcode_wrong", remaining=turn.speech.number(remaining)))


def _locked(handler_input: HandlerInput, guard: PasscodeGuard) -> Response:
    turn = turn_of(handler_input)
    return _carry_on(handler_input, turn.speech("passcode_locked", wait=lock_wait_words(turn, guard.locked_until)))


def _no_passcode(handler_input: HandlerInput) -> Response:
    """The passcode was removed meanwhile (another device): nothing to check, and nothing is unlocked by it."""
    turn = turn_of(handler_input)
    if turn.state.mode is Mode.PASSCODE_FOR_DELETE:
        return ask_to_delete(handler_input, start=False)
    removing = turn.state.mode is Mode.PASSCODE_TO_REMOVE
    leave_detour(handler_input)
    if removing:
        return come_back(handler_input, turn.speech("passcode_none"))
    pending, turn.state.pending_recap = turn.state.pending_recap, None
    return _answer_recap(handler_input, pending)


def _unlocked(handler_input: HandlerInput) -> Response:
    """The right passcode: remove it when that was asked, otherwise open recaps for this session."""
    turn = turn_of(handler_input)
    if turn.state.mode is Mode.PASSCODE_FOR_DELETE:
        turn.state.recap_unlocked = True
        return ask_to_delete(handler_input, start=False)
    if turn.state.mode is Mode.PASSCODE_TO_REMOVE:
        turn.store.remove_passcode(turn.user, turn.now)
        count("PasscodeRemoved")
        turn.state.recap_guarded = False
        return come_back(handler_input, turn.speech("passcode_removed"))
    turn.state.recap_unlocked = True
    pending, turn.state.pending_recap = turn.state.pending_recap, None
    leave_detour(handler_input)
    return _answer_recap(handler_input, pending)


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
        if mode is Mode.PASSCODE_FOR_DELETE:
            return come_back(handler_input, turn.speech("delete_declined"))
        key = "passcode_kept" if mode is Mode.PASSCODE_TO_REMOVE else "passcode_left_unset"
        return come_back(handler_input, turn.speech(key))


class ForgotPasscodeHandler(AbstractRequestHandler):
    """ "I forgot my passcode", in any mode: an honest way out instead of a loop, and never a wipe by voice.

    No one can verify a voice, so a passcode is never recovered or reset by speaking, and nobody in the room can
    erase someone's check-ins by claiming to have forgotten it. Check-ins still work. Starting fresh needs the
    account holder: disabling the skill in the Alexa app, which the card explains. Registered before the detour
    handlers, so it is heard while the passcode is being asked too.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.FORGOT_PASSCODE)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        state = turn.state
        state.pending_recap = None
        if guard_of(turn).passcode is None:
            return _nothing_to_forget(handler_input)
        state.passcode_draft = None
        response = _carry_on(handler_input, turn.speech("forgot_passcode"))
        response.card = SimpleCard(turn.speech("forgot_passcode_card_title"), turn.speech("forgot_passcode_card"))
        return response


def _nothing_to_forget(handler_input: HandlerInput) -> Response:
    """No passcode is set: while one is being chosen, start that over; otherwise carry on."""
    turn = turn_of(handler_input)
    state = turn.state
    if state.mode in (Mode.SET_PASSCODE, Mode.CONFIRM_PASSCODE):
        state.passcode_draft, state.mode = None, Mode.SET_PASSCODE
        return reply(handler_input, turn.speech("forgot_new_passcode"), turn.speech("reprompt_passcode_new"))
    return _carry_on(handler_input, turn.speech("forgot_no_passcode"))
