"""Deleting data: "delete my data" (after a yes), and everything of an account when the skill is disabled.

Spoken deletion removes the speaker's own items: the recognised voice profile's, or the account's own scope
when no voice is recognised, so one person cannot erase another's check-ins. With a passcode set, the
passcode is asked first (once a session, like recaps), and a deletion is never confirmed without it.
Disabling the skill removes the whole account, every scope, when Alexa says it will not keep the user's
identity (``NOT_PERSISTED``).
"""

from __future__ import annotations

import contextvars
from typing import Any

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from therapy_checkin import clock, intents
from therapy_checkin.domain.weeks import previous_week
from therapy_checkin.gate import guard_of, lock_wait_words
from therapy_checkin.handlers.detour import come_back, start_detour
from therapy_checkin.handlers.errors import log_safely
from therapy_checkin.handlers.reminders import ReminderRemoval, remove_reminder
from therapy_checkin.handlers.replies import end, reply
from therapy_checkin.observability import count, logger
from therapy_checkin.session import DETOURS, Mode
from therapy_checkin.storage import StorageUnavailable
from therapy_checkin.turn import turn_of

SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"
NOT_PERSISTED = "NOT_PERSISTED"

persistence_status: contextvars.ContextVar[str | None] = contextvars.ContextVar("persistence_status", default=None)
"""``request.body.userInformationPersistenceStatus`` of the event being handled.

The ASK SDK's model drops a skill event's ``body`` when it deserialises the request, so ``lambda_handler``
reads it from the raw event into this variable for the duration of one call."""


def persistence_status_of(event: Any) -> str | None:
    """The persistence status of a raw SkillDisabled event, or ``None`` for any other request."""
    request = event.get("request") if isinstance(event, dict) else None
    body = request.get("body") if isinstance(request, dict) else None
    status = body.get("userInformationPersistenceStatus") if isinstance(body, dict) else None
    return status if isinstance(status, str) else None


class DeleteDataHandler(AbstractRequestHandler):
    """ "Delete my data": the passcode first when one is set, then say what will go, and ask for a yes."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.DELETE_DATA)(handler_input) and turn_of(handler_input).state.mode not in DETOURS

    def handle(self, handler_input: HandlerInput) -> Response:
        return ask_to_delete(handler_input, start=True)


def ask_to_delete(handler_input: HandlerInput, start: bool) -> Response:
    """The passcode question when a passcode guards the speaker's data and this session has not given it;
    otherwise the confirmation. ``start`` opens the detour; otherwise the turn is already in one."""
    turn = turn_of(handler_input)
    guard = guard_of(turn)
    if guard.passcode is not None and not turn.state.recap_unlocked:
        if guard.locked(clock.server_now()):
            start_detour(handler_input, Mode.PASSCODE_FOR_DELETE)
            return come_back(
                handler_input, turn.speech("delete_locked", wait=lock_wait_words(turn, guard.locked_until))
            )
        mode = Mode.PASSCODE_FOR_DELETE
        question = turn.speech("passcode_for_delete")
        reprompt = turn.speech("reprompt_passcode")
    else:
        mode = Mode.CONFIRM_DELETE
        question, reprompt = turn.speech("confirm_delete"), turn.speech("reprompt_confirm_delete")
    if start:
        start_detour(handler_input, mode)
    else:
        turn.state.mode = mode
    return reply(handler_input, question, reprompt)


class ConfirmDeleteHandler(AbstractRequestHandler):
    """Yes deletes every item of the speaker and ends the session; no deletes nothing and carries on.

    The passcode is checked once more: a yes never deletes data a passcode guards unless this session gave it."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        yes_or_no = is_intent_name(intents.YES)(handler_input) or is_intent_name(intents.NO)(handler_input)
        return yes_or_no and turn_of(handler_input).state.mode is Mode.CONFIRM_DELETE

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if is_intent_name(intents.NO)(handler_input):
            return come_back(handler_input, turn.speech("delete_declined"))
        if not turn.state.recap_unlocked and guard_of(turn).passcode is not None:
            return ask_to_delete(handler_input, start=False)
        try:
            # The speaker's reminder goes first, through the Reminders API: if that fails, nothing is deleted.
            removal = remove_reminder(handler_input)
            if removal is ReminderRemoval.FAILED:
                count("DeletionFailed")
                return end(handler_input, turn.speech("delete_reminder_failed"))
            # Answers still waiting to be stored must not come back after the deletion.
            turn.state.pending.clear()
            # A session on another device may still be answering this week or the last: marked, not re-created.
            week = turn.answers().week
            deleted = turn.store.delete_user(turn.user, turn.now, open_weeks=(week, previous_week(week)))
        except StorageUnavailable as error:
            logger.warning("Deletion not finished", extra={"operation": error.operation, "code": error.code})
            count("DeletionFailed")
            return end(handler_input, turn.speech("delete_failed"))
        logger.info("User data deleted", extra={"items": deleted})
        count("DataDeleted")
        if removal is ReminderRemoval.OUT_OF_REACH:
            return end(handler_input, f"{turn.speech('deleted')} {turn.speech('deleted_reminder_in_app')}")
        return end(handler_input, turn.speech("deleted"))


class SkillDisabledHandler(AbstractRequestHandler):
    """The user disabled the skill. Unless Alexa keeps their identity for a re-enable, delete the account.

    Reminders are not touched here: disabling a skill withdraws its permissions, so the Reminders API is not
    called; the reminder's ID goes with the profile items.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(SKILL_DISABLED)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        status = persistence_status.get()
        if status != NOT_PERSISTED:
            logger.info("Skill disabled; data kept", extra={"persistence": status})
            return handler_input.response_builder.response
        deleted = turn.store.delete_account(turn.user.account)
        logger.info("Skill disabled; account data deleted", extra={"items": deleted})
        count("AccountDataDeleted")
        return handler_input.response_builder.response


class SkillEventFailed(Exception):
    """Handling a skill event failed. Raised out of the Lambda so Alexa delivers the event again (for an hour)."""


class SkillEventErrorHandler(AbstractExceptionHandler):
    """A deletion on SkillDisabled that failed must not be acknowledged, so that Alexa delivers it again."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        request_type = getattr(handler_input.request_envelope.request, "object_type", None)
        return request_type == SKILL_DISABLED and persistence_status.get() == NOT_PERSISTED

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log_safely("Skill event failed", exception)
        count("SkillEventFailed")
        # No message of the original error travels with it: messages can carry keys or values.
        raise SkillEventFailed("Skill event not handled; Alexa will send it again") from None
