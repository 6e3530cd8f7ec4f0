"""The weekly reminder: offered after the first completed check-in, set or changed whenever asked, read back,
cancelled, and removed with the speaker's data.

Setting one is a detour (see :mod:`therapy_checkin.handlers.detour`): the skill asks for what is missing, one
question per turn (the day, then the time), keeping what was said in ``SessionState.reminder_draft``. With both,
it needs the user's permission for the scope ``alexa::alerts:reminders:skill:readwrite``: when the request does
not carry it, Alexa asks by voice (``Connections.SendRequest`` named ``AskFor``) and its answer comes back as a
``Connections.Response`` request, in the same session, so the draft survives the round trip. Where voice
consent is unavailable, or the API says the permission is missing, the user gets the permissions card in the
Alexa app instead.

One reminder per person: its ID is kept on the speaker's profile item. Changing it updates that reminder in
place (it keeps its ID); one that was deleted in the Alexa app meanwhile is made anew. When the Reminders API
fails, the user hears one sentence and nothing is half made: no ID is stored for a reminder that was not
created, a reminder created but not recorded is deleted again, and an old one stays recorded when replacing it
failed.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from enum import Enum

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from therapy_checkin import intents, reminders
from therapy_checkin.domain.reminders import BareHour, ClockTime, Schedule, at_half, parse_day, parse_half, parse_time
from therapy_checkin.handlers.detour import leave_detour, start_detour
from therapy_checkin.handlers.replies import current_question, end, reply
from therapy_checkin.handlers.slots import resolved_id, slot_text
from therapy_checkin.observability import count
from therapy_checkin.reminders import Failure, ReminderGone, RemindersUnavailable
from therapy_checkin.session import DETOURS, REMINDER_MODES, Mode, ReminderDraft
from therapy_checkin.storage import StorageUnavailable, reminder_id_of
from therapy_checkin.turn import Turn, turn_of

CONNECTIONS_RESPONSE = "Connections.Response"
ASK_FOR = "AskFor"
PERMISSION_TOKEN = "weekly-reminder"  # noqa: S105 - a request label, not a secret
"""Returned as-is in the ``Connections.Response``; it names the request, and carries nothing of the user."""
PERMISSION_REQUEST = {
    "@type": "AskForPermissionsConsentRequest",
    "@version": "1",
    "permissionScope": reminders.SCOPE,
}
"""The payload of the ``Connections.SendRequest`` directive that asks for the reminders permission by voice."""


# --------------------------------------------------------------------------------------------------------------
# Words


def spoken_day(turn: Turn, day: str) -> str:
    return turn.speech(f"reminder_day_{day}")


def spoken_time(turn: Turn, hour: int, minute: int) -> str:
    """ "7 p.m.", "8:30 a.m.", "noon", "midnight"."""
    speech = turn.speech
    if (hour, minute) == (12, 0):
        return speech("reminder_time_noon")
    if (hour, minute) == (0, 0):
        return speech("reminder_time_midnight")
    meridiem = speech("reminder_time_pm" if hour >= 12 else "reminder_time_am")
    shown = hour % 12 or 12
    if minute == 0:
        return speech("reminder_time_on_the_hour", hour=shown, meridiem=meridiem)
    return speech("reminder_time_minutes", hour=shown, minute=f"{minute:02d}", meridiem=meridiem)


# --------------------------------------------------------------------------------------------------------------
# Steps


def _free_to_start(handler_input: HandlerInput) -> bool:
    """Not while another detour (a deletion, a passcode) waits for its answer; a reminder's own are fine."""
    mode = turn_of(handler_input).state.mode
    return mode not in DETOURS or mode in REMINDER_MODES


def _enter(handler_input: HandlerInput, mode: Mode) -> None:
    state = turn_of(handler_input).state
    if state.mode is Mode.OFFER_REMINDER:
        state.mode = Mode.IDLE  # the offer was taken up: afterwards, nothing is left to come back to
    start_detour(handler_input, mode)


def _finish(handler_input: HandlerInput, message: str) -> Response:
    """Say ``message``, forget the draft, and go back to what the user was doing; outside any flow, close."""
    turn = turn_of(handler_input)
    turn.state.reminder_draft = None
    if turn.state.mode in DETOURS:
        leave_detour(handler_input)
    if turn.state.mode in (Mode.IDLE, Mode.OFFER_RECAP, Mode.OFFER_REMINDER):
        turn.state.mode = Mode.IDLE
        return end(handler_input, f"{message} {turn.speech('goodbye')}")
    question, reprompt = current_question(handler_input)
    return reply(handler_input, f"{message} {question}", reprompt)


def _merge(handler_input: HandlerInput, hour_said: str | None = None) -> None:
    """Add what the user just said to the draft, keeping everything said before: a day, a whole time, an hour
    without morning or evening ("seven", or ``hour_said``, a number heard as a rating), or the half of the day
    for the hour already said ("p.m.", "in the evening", Alexa's "EV"), which keeps that hour."""
    state = turn_of(handler_input).state
    draft = state.reminder_draft or ReminderDraft()
    day = parse_day(slot_text(handler_input, intents.DAY_SLOT))
    if day is not None:
        draft = replace(draft, day=day)
    heard_time = slot_text(handler_input, intents.TIME_SLOT) or hour_said
    half = _half_of_day(handler_input) or (parse_half(heard_time) if draft.bare_hour is not None else None)
    time = at_half(draft.bare_hour, half) if draft.bare_hour is not None and half else parse_time(heard_time)
    if isinstance(time, ClockTime):
        draft = replace(draft, hour=time.hour, minute=time.minute, bare_hour=None)
    elif isinstance(time, BareHour):
        draft = replace(draft, hour=None, minute=None, bare_hour=time.hour)
    state.reminder_draft = draft


def _half_of_day(handler_input: HandlerInput) -> str | None:
    """The half of the day said on its own: by the slot value's ID ("am", "pm"), or read from the words."""
    resolved = resolved_id(handler_input, intents.HALF_OF_DAY_SLOT)
    if resolved in ("am", "pm"):
        return resolved
    return parse_half(slot_text(handler_input, intents.HALF_OF_DAY_SLOT))


def next_step(handler_input: HandlerInput, prefix: str = "") -> Response:
    """Ask for what is still missing, one question per turn; with day and time, set the reminder."""
    turn = turn_of(handler_input)
    draft = turn.state.reminder_draft or ReminderDraft()
    turn.state.reminder_draft = draft
    if draft.day is None:
        _enter(handler_input, Mode.REMINDER_DAY)
        return reply(handler_input, prefix + turn.speech("reminder_ask_day"), turn.speech("reprompt_reminder_day"))
    if draft.bare_hour is not None:
        _enter(handler_input, Mode.REMINDER_TIME)
        hour = turn.speech.number(draft.bare_hour)
        return reply(
            handler_input,
            prefix + turn.speech("reminder_bare_hour", hour=hour),
            turn.speech("reprompt_reminder_bare_hour", hour=hour),
        )
    if draft.hour is None or draft.minute is None:
        _enter(handler_input, Mode.REMINDER_TIME)
        question = turn.speech("reminder_ask_time", day=spoken_day(turn, draft.day))
        return reply(handler_input, prefix + question, turn.speech("reprompt_reminder_time"))
    schedule = Schedule(draft.day, draft.hour, draft.minute)
    if not reminders.has_permission(handler_input):
        return _ask_permission(handler_input)
    return set_reminder(handler_input, schedule)


def _ask_permission(handler_input: HandlerInput) -> Response:
    """Hand the turn to Alexa, which asks for the permission by voice; the session (and the draft) stays."""
    from ask_sdk_model.interfaces.connections import SendRequestDirective

    turn = turn_of(handler_input)
    _enter(handler_input, Mode.REMINDER_PERMISSION)
    count("ReminderPermissionAsked")
    builder = handler_input.response_builder.speak(turn.speech("reminder_permission_lead"))
    builder.add_directive(SendRequestDirective(name=ASK_FOR, payload=dict(PERMISSION_REQUEST), token=PERMISSION_TOKEN))
    return builder.response


def _permission_card(handler_input: HandlerInput) -> Response:
    """Voice consent is unavailable, or the API says the permission is missing: the card in the Alexa app."""
    from ask_sdk_model.ui import AskForPermissionsConsentCard

    turn = turn_of(handler_input)
    count("ReminderPermissionCard")
    handler_input.response_builder.set_card(AskForPermissionsConsentCard(permissions=[reminders.SCOPE]))
    return _finish(handler_input, turn.speech("reminder_permission_card"))


def _failed(handler_input: HandlerInput, failure: Failure) -> Response:
    if failure is Failure.PERMISSION:
        return _permission_card(handler_input)
    key = "reminder_busy" if failure is Failure.BUSY else "reminder_unavailable"
    return _finish(handler_input, turn_of(handler_input).speech(key))


def set_reminder(handler_input: HandlerInput, schedule: Schedule) -> Response:
    """Create the reminder, or change the one the speaker has; record its ID only once Alexa holds it."""
    turn = turn_of(handler_input)
    existing = reminder_id_of(turn.history().profile)
    request = reminders.reminder_request(
        schedule, turn.time_zone(), turn.now, turn.speech.locale, turn.speech("reminder_text")
    )
    day, time = spoken_day(turn, schedule.day), spoken_time(turn, schedule.hour, schedule.minute)
    try:
        if existing is not None:
            with contextlib.suppress(ReminderGone):
                reminders.update(handler_input, existing, request)
                count("ReminderChanged")
                return _finish(handler_input, turn.speech("reminder_changed", day=day, time=time))
        created = reminders.create(handler_input, request)
    except RemindersUnavailable as error:
        return _failed(handler_input, error.failure)
    try:
        turn.store.save_reminder_id(turn.user, created, turn.now)
    except StorageUnavailable:
        # Not recorded means it could never be changed or cancelled by voice: take it back.
        with contextlib.suppress(RemindersUnavailable):
            reminders.delete(handler_input, created)
        return _finish(handler_input, turn.speech("reminder_not_saved"))
    count("ReminderSet")
    return _finish(handler_input, turn.speech("reminder_changed" if existing else "reminder_set", day=day, time=time))


def offers_reminder(turn: Turn) -> bool:
    """Whether the end of this check-in offers a weekly reminder: the speaker's first completed check-in (among
    the weeks read at launch) and no reminder set. When the table cannot be read, no offer is made.

    Worked out from the launch's read and kept in the session, so the last answer's turn reads nothing more."""
    if not turn.history_read and turn.state.offer_reminder is not None:
        return turn.state.offer_reminder
    try:
        history = turn.history()
    except StorageUnavailable:
        return False
    if reminder_id_of(history.profile) is not None:
        turn.state.offer_reminder = False
        return False
    current = turn.answers().week
    offer = not any(week.completed for week in history.weeks if week.week != current)
    turn.state.offer_reminder = offer
    return offer


class ReminderRemoval(Enum):
    NONE = "none"
    REMOVED = "removed"
    OUT_OF_REACH = "out_of_reach"
    """The permission was withdrawn: the skill can no longer touch the reminder; the user can, in the app."""
    FAILED = "failed"


def remove_reminder(handler_input: HandlerInput) -> ReminderRemoval:
    """Before the speaker's data is deleted: delete their reminder through the API first.

    The stored ID goes with the profile item afterwards. When the API fails (busy, down), nothing must be deleted,
    so the reminder is never left behind without its ID. Raises :class:`StorageUnavailable` if the profile
    cannot be read.
    """
    turn = turn_of(handler_input)
    reminder_id = reminder_id_of(turn.history().profile)
    if reminder_id is None:
        return ReminderRemoval.NONE
    try:
        reminders.delete(handler_input, reminder_id)
    except RemindersUnavailable as error:
        return ReminderRemoval.OUT_OF_REACH if error.failure is Failure.PERMISSION else ReminderRemoval.FAILED
    return ReminderRemoval.REMOVED


# --------------------------------------------------------------------------------------------------------------
# Handlers


class SetReminderHandler(AbstractRequestHandler):
    """ "Remind me every Sunday at seven pm", "set a weekly reminder", "change my reminder"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.SET_REMINDER)(handler_input) and _free_to_start(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if turn.state.mode not in REMINDER_MODES:
            turn.state.reminder_draft = None  # a new request starts from what it says
        _merge(handler_input)
        return next_step(handler_input)


class ReminderAnswerHandler(AbstractRequestHandler):
    """A day, a time, the half of the day for an hour already said, or a bare number (the hour), while the
    reminder's questions are asked: whatever it fills is kept, and only what is still missing is asked next."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        mode = turn_of(handler_input).state.mode
        if is_intent_name(intents.REMINDER_ANSWER)(handler_input):
            return mode in (Mode.OFFER_REMINDER, Mode.REMINDER_DAY, Mode.REMINDER_TIME)
        return is_intent_name(intents.RATE)(handler_input) and mode in (Mode.REMINDER_DAY, Mode.REMINDER_TIME)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        mode = turn.state.mode
        before = turn.state.reminder_draft or ReminderDraft()
        if is_intent_name(intents.RATE)(handler_input):
            number = slot_text(handler_input, intents.RATING_SLOT)
            if not isinstance(parse_time(number), BareHour):
                if mode is Mode.REMINDER_DAY:
                    return reply(handler_input, turn.speech("reminder_not_a_day"), turn.speech("reprompt_reminder_day"))
                return reply(handler_input, turn.speech("reminder_not_a_time"), _time_reprompt(handler_input))
            _merge(handler_input, hour_said=number)
        else:
            _merge(handler_input)
        after = turn.state.reminder_draft or ReminderDraft()
        if after == before and mode is not Mode.OFFER_REMINDER:
            # Nothing usable in what was heard: say what is needed, and keep the same question.
            if after.bare_hour is not None and after.day is not None:
                unclear = turn.speech("reminder_not_a_half", hour=turn.speech.number(after.bare_hour))
                return reply(handler_input, unclear, _time_reprompt(handler_input))
            if mode is Mode.REMINDER_DAY:
                return reply(handler_input, turn.speech("reminder_not_a_day"), turn.speech("reprompt_reminder_day"))
            return reply(handler_input, turn.speech("reminder_not_a_time"), _time_reprompt(handler_input))
        return next_step(handler_input)


def _time_reprompt(handler_input: HandlerInput) -> str:
    """What the time question's reprompt asks: a.m. or p.m. for the hour already said, else any time."""
    turn = turn_of(handler_input)
    bare_hour = (turn.state.reminder_draft or ReminderDraft()).bare_hour
    if bare_hour is None:
        return turn.speech("reprompt_reminder_time")
    return turn.speech("reprompt_reminder_bare_hour", hour=turn.speech.number(bare_hour))


class ReminderYesNoHandler(AbstractRequestHandler):
    """Yes or no to the offer of a reminder, or to trying again; no while its day or time is asked."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        mode = turn_of(handler_input).state.mode
        if is_intent_name(intents.YES)(handler_input):
            return mode in (Mode.OFFER_REMINDER, Mode.REMINDER_PERMISSION)
        return is_intent_name(intents.NO)(handler_input) and mode in REMINDER_MODES

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if is_intent_name(intents.YES)(handler_input):
            return next_step(handler_input)
        count("ReminderDeclined")
        return _finish(handler_input, turn.speech("reminder_offer_declined"))


class PermissionAnswerHandler(AbstractRequestHandler):
    """Alexa's answer to the voice permission request: ACCEPTED, DENIED or NOT_ANSWERED.

    A status other than 200 means voice consent could not be asked on this device: the card instead.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type(CONNECTIONS_RESPONSE)(handler_input):
            return False
        return getattr(handler_input.request_envelope.request, "name", None) == ASK_FOR

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        request = handler_input.request_envelope.request
        code = getattr(getattr(request, "status", None), "code", None)
        payload = getattr(request, "payload", None)
        answer = payload.get("status") if isinstance(payload, dict) else None
        if str(code) != "200" or answer not in ("ACCEPTED", "DENIED", "NOT_ANSWERED"):
            return _permission_card(handler_input)
        if answer == "ACCEPTED":
            count("ReminderPermissionGranted")
            draft = turn.state.reminder_draft or ReminderDraft()
            if draft.day is not None and draft.hour is not None and draft.minute is not None:
                return set_reminder(handler_input, Schedule(draft.day, draft.hour, draft.minute))
            return next_step(handler_input)
        count("ReminderPermissionRefused")
        key = "reminder_permission_denied" if answer == "DENIED" else "reminder_permission_not_answered"
        return _finish(handler_input, turn.speech(key))


class ReminderStatusHandler(AbstractRequestHandler):
    """ "When is my reminder?": the day and time, read from the reminder Alexa holds."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.REMINDER_STATUS)(handler_input) and _free_to_start(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        reminder_id = reminder_id_of(turn.history().profile)
        if reminder_id is None:
            return _finish(handler_input, turn.speech("reminder_none"))
        try:
            found = reminders.fetch(handler_input, reminder_id)
        except ReminderGone:
            # Deleted in the Alexa app: forget it here too (if the table is down, the next look tries again).
            _forget_reminder(turn)
            return _finish(handler_input, turn.speech("reminder_none"))
        except RemindersUnavailable:
            return _finish(handler_input, turn.speech("reminder_check_failed"))
        if found.schedule is None:
            return _finish(handler_input, turn.speech("reminder_when_unknown"))
        schedule = found.schedule
        return _finish(
            handler_input,
            turn.speech(
                "reminder_when",
                day=spoken_day(turn, schedule.day),
                time=spoken_time(turn, schedule.hour, schedule.minute),
            ),
        )


class CancelReminderHandler(AbstractRequestHandler):
    """ "Cancel my reminder", "stop reminding me": delete it through the API, then forget its ID."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.CANCEL_REMINDER)(handler_input) and _free_to_start(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        reminder_id = reminder_id_of(turn.history().profile)
        if reminder_id is None:
            return _finish(handler_input, turn.speech("reminder_none"))
        try:
            reminders.delete(handler_input, reminder_id)
        except RemindersUnavailable as error:
            if error.failure is Failure.PERMISSION:
                return _permission_card(handler_input)
            return _finish(handler_input, turn.speech("reminder_cancel_failed"))
        count("ReminderCancelled")
        # The reminder is gone: an ID left behind by a table outage only points at nothing, and is dropped the
        # next time it is read (a 404).
        _forget_reminder(turn)
        return _finish(handler_input, turn.speech("reminder_cancelled"))


def _forget_reminder(turn: Turn) -> None:
    """Drop the reminder's ID from the profile, as far as the table allows: a stale ID is harmless."""
    with contextlib.suppress(StorageUnavailable):
        turn.store.save_reminder_id(turn.user, None, turn.now)
