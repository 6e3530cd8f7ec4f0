"""The Lambda entry point: the skill's handlers, registered in the order they are tried.

Order matters: specific handlers (an intent in a given conversation mode) come before general ones, and the
fallback, which accepts any intent, comes last.
"""

from __future__ import annotations

import gc

# The cyclic garbage collector is off from here until the first answer has been given: see end_of_cold_start.
gc.disable()

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from ask_sdk_core.skill_builder import CustomSkillBuilder

from therapy_checkin.alexa_api import TimedApiClient
from therapy_checkin.config import settings
from therapy_checkin.handlers.checkin import (
    DeclineOfferHandler,
    ExplainHandler,
    LaunchHandler,
    OffScriptHandler,
    PreviousHandler,
    RateHandler,
    SkipHandler,
    SkipOfferHandler,
    StartCheckInHandler,
    StrayReminderAnswerHandler,
)
from therapy_checkin.handlers.crisis import CrisisErrorHandler, CrisisHandler, crisis_reply_for_event
from therapy_checkin.handlers.deletion import (
    ConfirmDeleteHandler,
    DeleteDataHandler,
    SkillDisabledHandler,
    SkillEventErrorHandler,
    SkillEventFailed,
    persistence_status,
    persistence_status_of,
)
from therapy_checkin.handlers.detour import DetourOtherHandler
from therapy_checkin.handlers.errors import ErrorHandler, log_safely
from therapy_checkin.handlers.menu import (
    ChangeAnswerHandler,
    ChooseSignHandler,
    HelpHandler,
    NoSignHandler,
    RepeatHandler,
)
from therapy_checkin.handlers.notes import (
    AddNoteHandler,
    ClearNotesAnswerHandler,
    ClearNotesHandler,
    GetReadyHandler,
    NoteAnswerHandler,
    NotesOfferHandler,
    ReadNotesHandler,
)
from therapy_checkin.handlers.passcode import (
    ForgotPasscodeHandler,
    PasscodeDeclineHandler,
    PasscodeEntryHandler,
    PasscodeGateHandler,
    RemovePasscodeHandler,
    SetPasscodeHandler,
)
from therapy_checkin.handlers.recap import (
    ChooseTrendSignHandler,
    LastWeekRecapHandler,
    RecapFollowUpHandler,
    RecapHandler,
    TrendHandler,
)
from therapy_checkin.handlers.reflect import ChooseReflectionHandler, ReflectHandler, ReflectionAnswerHandler
from therapy_checkin.handlers.reminders import (
    CancelReminderHandler,
    PermissionAnswerHandler,
    ReminderAnswerHandler,
    ReminderStatusHandler,
    ReminderYesNoHandler,
    SetReminderHandler,
)
from therapy_checkin.handlers.report import (
    EmailReportHandler,
    ReportConsentHandler,
    ReportYesNoHandler,
    UnknownResumeHandler,
)
from therapy_checkin.handlers.session_end import (
    FallbackHandler,
    SessionEndedHandler,
    StopHandler,
    UnknownRequestHandler,
)
from therapy_checkin.interceptors import (
    PendingWritesInterceptor,
    ProfileInterceptor,
    SessionStateInterceptor,
    TurnInterceptor,
)
from therapy_checkin.observability import count, logger, metrics
from therapy_checkin.snapshot import register_priming
from therapy_checkin.storage import CheckInStore

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


LambdaHandler = Callable[[dict[str, Any], "LambdaContext"], dict[str, Any]]


def build_skill_handler(store: CheckInStore) -> LambdaHandler:
    """The ASK SDK skill, every turn of which reads and writes through ``store``."""
    builder = CustomSkillBuilder(api_client=TimedApiClient())
    builder.skill_id = settings().skill_id  # type: ignore[assignment]  # the SDK annotates it as None
    for handler in (
        # First, before anything else, in every mode, and without the table: someone says they are not safe.
        CrisisHandler(),
        SkillDisabledHandler(),
        # Alexa's answers to the voice permission requests: not intents, and in any mode. The report's email comes
        # back as a resumed session (voice-forward consent), told by its token; the reminder's as a
        # Connections.Response.
        ReportConsentHandler(),
        UnknownResumeHandler(),
        PermissionAnswerHandler(),
        # Detours (confirm a deletion, say a passcode) take every answer while they wait, before the check-in's
        # handlers: four digits may arrive as RateIntent. A forgotten passcode is heard in every mode.
        ForgotPasscodeHandler(),
        ConfirmDeleteHandler(),
        PasscodeEntryHandler(),
        PasscodeDeclineHandler(),
        ReminderYesNoHandler(),
        ReportYesNoHandler(),
        ReminderAnswerHandler(),
        SetReminderHandler(),
        ReminderStatusHandler(),
        CancelReminderHandler(),
        # A note for the therapist: its words, then yes or no to keeping it; clearing every note asks first.
        AddNoteHandler(),
        NoteAnswerHandler(),
        ClearNotesAnswerHandler(),
        EmailReportHandler(),
        DetourOtherHandler(),
        DeleteDataHandler(),
        SetPasscodeHandler(),
        RemovePasscodeHandler(),
        LaunchHandler(),
        SkipOfferHandler(),
        OffScriptHandler(),
        RateHandler(),
        StrayReminderAnswerHandler(),
        ChooseSignHandler(),
        SkipHandler(),
        PreviousHandler(),
        # At "Shall I tell you more?", "tell me more" and "go on" continue the recap: before the handlers that
        # read them as "explain this sign" and "carry on with the check-in".
        RecapFollowUpHandler(),
        ExplainHandler(),
        StartCheckInHandler(),
        RecapHandler(),
        LastWeekRecapHandler(),
        TrendHandler(),
        ChooseTrendSignHandler(),
        NoSignHandler(),
        ReadNotesHandler(),
        ClearNotesHandler(),
        GetReadyHandler(),
        NotesOfferHandler(),
        # During or after a reflection, "next", "skip", "yes", "no" and "repeat" are its own; before the repeat handler.
        ReflectHandler(),
        ChooseReflectionHandler(),
        ReflectionAnswerHandler(),
        DeclineOfferHandler(),
        ChangeAnswerHandler(),
        RepeatHandler(),
        HelpHandler(),
        StopHandler(),
        SessionEndedHandler(),
        FallbackHandler(),
        UnknownRequestHandler(),
    ):
        builder.add_request_handler(handler)
    builder.add_global_request_interceptor(TurnInterceptor(store))
    builder.add_global_request_interceptor(PendingWritesInterceptor())
    builder.add_global_response_interceptor(ProfileInterceptor())
    builder.add_global_response_interceptor(SessionStateInterceptor())
    builder.add_exception_handler(CrisisErrorHandler())
    builder.add_exception_handler(SkillEventErrorHandler())
    # The gate before past answers (therapy_checkin.gate) stayed shut: the passcode question instead.
    builder.add_exception_handler(PasscodeGateHandler())
    builder.add_exception_handler(ErrorHandler(store))
    return cast(LambdaHandler, builder.lambda_handler())


def build_lambda_handler(store: CheckInStore) -> LambdaHandler:
    """The function Lambda calls, over a skill that uses ``store``: tests and local tools pass their own."""
    skill = build_skill_handler(store)

    @logger.inject_lambda_context(correlation_id_path="request.requestId", clear_state=True)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        """Alexa calls this once per request. The response is a plain dict for Lambda to return."""
        try:
            return answer(event, context)
        finally:
            end_of_cold_start()

    def answer(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        expected = settings().skill_id
        if expected is not None and not is_for_this_skill(event, expected):
            logger.warning("Request refused: not for this skill")
            raise RequestRefused("Skill ID Verification failed")
        if not has_user(event):
            # Nobody's data may be keyed to a shared stand-in: answer calmly and store nothing.
            logger.warning("Request refused: no user ID")
            return crisis_reply_for_event(event) or UNREADABLE_REQUEST_RESPONSE
        # The SDK's model drops a skill event's body: keep its persistence status for the SkillDisabled handler.
        status = persistence_status.set(persistence_status_of(event))
        try:
            result: dict[str, Any] = skill(event, context)
        except SkillEventFailed:
            raise  # not acknowledged, so Alexa sends the event again
        except Exception as error:  # noqa: BLE001 - an envelope the SDK cannot read still gets a calm answer
            log_safely("Request could not be read", error)
            count("Errors")
            return crisis_reply_for_event(event) or UNREADABLE_REQUEST_RESPONSE
        finally:
            persistence_status.reset(status)
        return result

    return lambda_handler


def end_of_cold_start() -> None:
    """Turn the cyclic garbage collector back on, once the process's first answer has been given.

    Importing the skill and answering its first request make hundreds of thousands of objects that live as long
    as the process: botocore's service model and endpoint rules, the ASK SDK's model classes, the speech
    catalogue. With the collector on, it runs every few hundred allocations while they are made, and each pass
    over the older generations walks all of them again: `make bench` measures what leaving it off saves of a
    first answer. Once that answer is given, everything made so far moves to the permanent generation
    (``gc.freeze``), which later collections never walk, so warm turns do not pay for it either. What the first
    request left for the collector stays there: a few kilobytes, once per process.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


process_store = CheckInStore(settings().table_name)
"""The process's one store. It builds its DynamoDB client on its first call, or before a SnapStart snapshot."""
lambda_handler = build_lambda_handler(process_store)
register_priming(process_store)  # SnapStart only: build the client and load the SDK before the snapshot


class RequestRefused(Exception):
    """A request that is not for this skill, or carries no skill ID to check. It is never answered."""


def is_for_this_skill(event: Any, expected: str) -> bool:
    """Every application ID the request carries (context, and session when present) names this skill."""
    if not isinstance(event, dict):
        return False
    found = []
    for path in (("context", "System", "application"), ("session", "application")):
        node: Any = event
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None or path[0] == "context":
            found.append(node.get("applicationId") if isinstance(node, dict) else None)
    return all(skill_id == expected for skill_id in found)


MAX_USER_ID_LENGTH = 4096


def has_user(event: Any) -> bool:
    """The request names the Alexa account it comes from, as every request from Alexa does."""
    node: Any = event
    for key in ("context", "System", "user", "userId"):
        node = node.get(key) if isinstance(node, dict) else None
    return isinstance(node, str) and 0 < len(node) <= MAX_USER_ID_LENGTH


UNREADABLE_REQUEST_RESPONSE: dict[str, Any] = {
    "version": "1.0",
    "response": {
        "outputSpeech": {
            "type": "SSML",
            "ssml": "<speak>Sorry, something went wrong on my side. Please try again in a moment.</speak>",
        },
        "shouldEndSession": True,
    },
}
